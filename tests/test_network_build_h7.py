"""A user's space whose ``to_module`` raises fails that architecture with the space's failure, not an evaluator's
refusal: every evaluator that builds networks said 'evaluator proxy refused this architecture: search space ...:
to_module raised ...', blaming the evaluator for a crash in the user's code."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.registry import register_search_space
from nasloop.engine.store import RunStore
from nasloop.search_spaces.base import NetworkSpace

from .digit_space import DigitSpace


class UnwiredNets(DigitSpace, NetworkSpace):
    """Digits whose networks the user has not wired yet."""

    name = "h7-unwired"

    def to_module(self, arch, num_classes=10):
        raise RuntimeError("stage 2 is not wired yet")


@pytest.mark.parametrize("evaluator, options", [("proxy", ["--proxies", "params"]),
                                                ("train", ["--epochs", "1", "--evaluator-opt", "train_images=200"])])
def test_a_to_module_that_raises_is_the_spaces_failure_in_every_evaluator(tmp_path, data_dir, capsys, evaluator,
                                                                          options):
    register_search_space("h7-unwired")(UnwiredNets)
    run = tmp_path / "run"
    main(["search", "--space", "h7-unwired", "--strategy", "random", "--evaluator", evaluator, *options, "--budget",
          "2", "--seed", "0", "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"])
    with RunStore.in_run_dir(run, readonly=True) as store:
        reasons = {t.result.reason for t in store.evaluations()}
    line = next(n for n, text in enumerate(Path(__file__).read_text().splitlines(), 1) if "not wired yet\")" in text)
    assert reasons == {"search space h7-unwired: to_module raised RuntimeError: stage 2 is not wired yet "
                       f"(at {__file__}:{line})"}, reasons
    assert "refused" not in capsys.readouterr().err


def test_a_proxy_file_row_names_the_spaces_failure(tmp_path, data_dir, capsys):
    """'nasloop proxies --out' fails the row as the proxy evaluator does, through the same words."""
    register_search_space("h7-unwired")(UnwiredNets)
    out = tmp_path / "p.csv"
    assert main(["proxies", "--space", "h7-unwired", "--sample", "2", "--proxies", "params", "--data-dir",
                 str(data_dir), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "failed, their rows empty (the first: search space h7-unwired: to_module raised RuntimeError: stage 2 " \
           "is not wired yet" in said and "refused" not in said, said
