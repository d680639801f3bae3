"""A user's space that lacks a capability is refused in one line naming it and the fix, and a run of a user's space
started from a script resumes, or names its missing plugin, as the README's 'Python API' says: found walking the
README's 'Adding a search space' with a space of one's own."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop import SearchConfig, search
from nasloop.engine import registry
from nasloop.engine.cli import main
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.stop_reasons import streak_reason
from nasloop.search_spaces.base import SearchSpace

from .digit_space import DigitSpace, DigitSum, NetDigits
from .messages import one_line


class Bare(SearchSpace):
    """Only what any search needs (parse, format, sample, mutate): no encodings, neighbours or networks."""

    name = "adv-bare"
    parse, format, sample, mutate = DigitSpace.parse, DigitSpace.format, DigitSpace.sample, DigitSpace.mutate


@pytest.fixture(autouse=True)
def _plugins():
    """Registered for one test; the conftest drops them after it."""
    register_search_space("adv-bare")(Bare)
    register_search_space("adv-digits")(type("Digits", (DigitSpace,), {"name": "adv-digits"}))
    register_search_space("adv-netdigits")(type("NetDigits", (NetDigits,), {"name": "adv-netdigits"}))
    register_evaluator("adv-sum")(DigitSum)


def refusal(capsys, run: Path, space: str, strategy: str, predictor: str) -> str:
    """The one line a search of ``space`` guided by ``predictor`` is refused with, before its folder exists."""
    assert main(["search", "--space", space, "--evaluator", "adv-sum", "--strategy", strategy, "--predictor",
                 predictor, "--budget", "4", "--run-dir", str(run), "--quiet"]) == 2
    assert not run.exists()
    return capsys.readouterr().err.strip()


def test_emprox_on_a_space_without_encodings_advises_declaring_one_not_gp(tmp_path, capsys):
    """gp and mlp, which emprox advised, need the vector encoding this space lacks as well."""
    err = refusal(capsys, tmp_path / "run", "adv-bare", "predictor-topk", "emprox")
    one_line(err, "emprox", "'adv-bare'", "no graph encoding", "declare one", "a strategy that uses no predictor")
    assert "gp" not in err
    err = refusal(capsys, tmp_path / "run", "adv-digits", "predictor-topk", "emprox")  # it has a vector encoding
    one_line(err, "emprox", "no graph encoding", "use gp or mlp")


def test_a_proxy_on_a_space_without_networks_names_no_dataset_and_the_fix(tmp_path, capsys):
    """The zero-cost predictor's proxy on a space that reads no dataset said 'not stored for adv-bare None'."""
    err = refusal(capsys, tmp_path / "run", "adv-bare", "predictor-topk", "zero-cost")
    one_line(err, "proxy 'zen' is not stored for adv-bare (nothing is stored)", "cannot build networks",
             "NetworkSpace", "to_module")
    assert "None" not in err


def test_a_script_run_resumed_without_its_plugin_names_the_plugin_not_damage(tmp_path, capsys, monkeypatch):
    """A run of a user's space started from a script (which imported the plugin, so the run records none) and
    resumed by the command without --plugin was called damaged ('its run configuration has no dataset')."""
    run = tmp_path / "run"
    search(SearchConfig(space="adv-digits", evaluator="adv-sum", strategy="random", budget=3, run_dir=str(run)))
    monkeypatch.delitem(registry.SEARCH_SPACES._items, "adv-digits")  # as in a new process that did not load it
    monkeypatch.delitem(registry.EVALUATORS._items, "adv-sum")
    monkeypatch.setattr(registry.Registry, "loaded_plugins", [])  # nor any other plugin (an earlier test's)
    assert main(["search", "--resume", str(run), "--budget", "4", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    one_line(err, "unknown search space 'adv-digits'", "--plugin")
    assert "damaged" not in err
    monkeypatch.undo()  # loaded again, it resumes
    assert main(["search", "--resume", str(run), "--budget", "4", "--quiet"]) == 0


def test_the_benchmark_warmup_on_a_space_without_networks_advises_no_proxies_it_cannot_compute(tmp_path, capsys):
    """Told to name proxies to compute instead, a user of a space that builds no networks was refused those too."""
    run = tmp_path / "run"
    assert main(["search", "--space", "adv-digits", "--evaluator", "adv-sum", "--strategy", "predictor-topk",
                 "--predictor", "gp", "--strategy-opt", "warmup=true", "--budget", "4", "--run-dir", str(run)]) == 2
    assert not run.exists()
    err = one_line(capsys.readouterr().err.strip(), "search space 'adv-digits' has none", "builds no networks",
                   "warmup: null", "NetworkSpace", "to_module")
    assert "compute proxies on a pool" not in err


def test_stored_proxies_as_features_on_a_space_without_networks_advise_its_encodings(tmp_path, capsys):
    """features=[proxies] on a space with no table and no networks said 'none are stored for adv-digits None' and
    advised naming proxies to compute, which it cannot compute."""
    run = tmp_path / "run"
    assert main(["search", "--space", "adv-digits", "--evaluator", "adv-sum", "--strategy", "predictor-topk",
                 "--predictor", "forest", "--predictor-opt", "features=[proxies]", "--budget", "4",
                 "--run-dir", str(run)]) == 2
    assert not run.exists()
    err = one_line(capsys.readouterr().err.strip(), "none are stored for adv-digits (", "builds no networks",
                   "[onehot]")
    assert "None" not in err and "name proxies to compute" not in err


def test_a_space_without_a_size_that_ran_out_is_not_called_unbounded():
    """A user's space of a few architectures, all evaluated, was said to be unbounded, the strategy blamed."""
    reason = one_line(streak_reason(10000, Bare(), 351, False, lambda arch: False), "351 architectures evaluated",
                      "declares no size", "holds no others", "EnumerableSpace")
    assert "unbounded" not in reason


def test_predictors_evaluate_on_a_users_space_says_how_to_give_it_a_table(capsys):
    """Only nasloop's own spaces were offered: a user evaluating predictors on their space was not told it can have
    a table of its own."""
    assert main(["predictors", "evaluate", "--space", "adv-digits", "--predictor", "gp", "--train-sizes", "8",
                 "--seeds", "1"]) == 2
    one_line(capsys.readouterr().err.strip(), "search space 'adv-digits' has none", "choose a --space that has one",
             "give 'adv-digits' a table", "@register_benchmark")


def test_proxies_all_on_a_users_space_without_a_list_names_enumerable_space(capsys):
    """'--all' on a user's space that lists no architectures named no way to make it list them; on one that builds
    no networks either, it came first, and its advice (--sample) led to that second refusal."""
    assert main(["proxies", "--space", "adv-netdigits", "--all", "--proxies", "params"]) == 2
    one_line(capsys.readouterr().err.strip(), "--all needs a space that lists its architectures", "'adv-netdigits'",
             "--sample N or --archs-file", "EnumerableSpace", "size and enumerate")
    assert main(["proxies", "--space", "adv-digits", "--all", "--proxies", "params"]) == 2
    one_line(capsys.readouterr().err.strip(), "'adv-digits' cannot build networks", "NetworkSpace.to_module")
