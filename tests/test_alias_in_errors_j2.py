"""An error names a flag given under an alias as the user typed it: ``search --evaluator proxy --epochs 12`` was
told to "drop --fidelity 12", a flag the user had not typed."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main


@pytest.mark.parametrize("flags, said", [
    (["--evaluator", "proxy", "--proxies", "params"], "the proxy evaluator scores untrained networks and has no "
                                                      "fidelity; drop --epochs 12"),
    (["--space", "darts"], "the nb301 table holds only each architecture's final result; drop --epochs 12")])
def test_a_fidelity_typed_as_epochs_is_named_epochs(flags, said, tmp_path, data_dir, capsys):
    run = tmp_path / "run"
    assert main(["search", *flags, "--epochs", "12", "--budget", "2", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 2
    assert capsys.readouterr().err.strip() == f"nasloop search: error: {said}"
    assert not run.exists()
    assert main(["search", *flags, "--fidelity", "12", "--budget", "2", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 2
    assert capsys.readouterr().err.strip() == f"nasloop search: error: {said.replace('--epochs', '--fidelity')}"


def test_only_the_flag_with_the_typed_value_is_rewritten():
    """Another value (a fidelity a config file gave) and a message already naming both spellings stay as written, and
    a flag typed under its first spelling is named so."""
    from nasloop.engine.cli_parser import as_typed, build_parser

    args = build_parser().parse_args(["search", "--epochs", "12"])
    assert as_typed("drop --fidelity 12", args) == "drop --epochs 12"
    assert as_typed("drop --fidelity 120; --fidelity (--epochs) 12", args) == "drop --fidelity 120; --fidelity " \
                                                                              "(--epochs) 12"
    assert as_typed("drop --fidelity 12", build_parser().parse_args(["search", "--fidelity", "12"])) == \
        "drop --fidelity 12"
