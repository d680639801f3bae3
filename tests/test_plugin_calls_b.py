"""Errors a user meets calling plugins from Python or the CLI, each one line naming the plugin and the fix."""
from __future__ import annotations

import pytest

from nasloop.engine.errors import ConfigError
from nasloop.engine.registry import STRATEGIES
from nasloop.search_spaces.nb201 import NB201Space


@pytest.mark.parametrize("name", ["random", "evolution", "local", "bo"])
def test_a_builtin_strategy_given_an_empty_state_names_the_missing_key(name):
    """load_state_dict({}) raised a bare KeyError: 'rng'."""
    strategy = STRATEGIES.get(name)(NB201Space(), seed=0)
    with pytest.raises(ConfigError) as info:
        strategy.load_state_dict({})
    message = str(info.value)
    assert f"strategy {name}: load_state_dict got a state without 'rng'; pass what its state_dict() returned" \
        == message
    with pytest.raises(ConfigError, match="load_state_dict got a list, not a dict"):
        strategy.load_state_dict([])


def test_a_state_missing_a_later_key_is_named_and_a_whole_state_loads():
    strategy = STRATEGIES.get("evolution")(NB201Space(), seed=0)
    state = strategy.state_dict()
    strategy.load_state_dict(state)
    with pytest.raises(ConfigError, match=r"got a state without '(population|asked_random)'"):
        strategy.load_state_dict({"rng": state["rng"]})


@pytest.mark.parametrize("n", ["2", 0, -1, 2.0, True, None])
def test_ask_with_no_whole_count_is_one_line(n):
    """ask("2") failed as a TypeError deep inside the strategy."""
    strategy = STRATEGIES.get("random")(NB201Space(), seed=0)
    with pytest.raises(ConfigError, match=r"strategy random: ask\(n\) takes how many architectures to propose, a "
                                          r"whole number >= 1; got "):
        strategy.ask(n)


def test_ask_takes_a_numpy_count():
    import numpy as np

    assert len(STRATEGIES.get("random")(NB201Space(), seed=0).ask(np.int64(3))) == 3


def test_build_context_refuses_a_lookup_on_a_space_without_a_table():
    """It came back without a benchmark, and the lookups failed later, in other words, or not at all."""
    from nasloop.engine.assemble import build_context
    from nasloop.engine.errors import UnsupportedError

    with pytest.raises(UnsupportedError) as info:
        build_context("nago", "cifar10", lookup=True)
    message = str(info.value)
    assert message.startswith("build_context: lookup=True answers evaluations from the space's benchmark table, and "
                              "search space 'nago' has none; pass lookup=False") and "nb201" in message
    assert "\n" not in message
    assert build_context("nago", "cifar10").benchmark is None


@pytest.mark.parametrize("method", ["check", "check_new"])
def test_a_user_evaluators_check_failing_in_pythons_words_is_one_line(tmp_path, capsys, data_dir, method):
    """A ValueError from a user's check() came out of nasloop search as a traceback."""
    from nasloop import SearchConfig, search
    from nasloop.engine import cli
    from nasloop.engine.evaluators.base import Evaluator
    from nasloop.engine.registry import register_evaluator
    from nasloop.engine.types import Result

    @register_evaluator("picky-b")
    class Picky(Evaluator):
        def evaluate(self, arch, fidelity=None):
            return Result(metrics={"val_accuracy": 1.0}, cost=1.0)

    def refuse(self, fidelity=None):
        raise ValueError("learning rate 3 is too high")

    setattr(Picky, method, refuse)
    assert cli.main(["search", "--evaluator", "picky-b", "--budget", "2", "--data-dir", str(data_dir), "--run-dir",
                     str(tmp_path / "run"), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"nasloop search: error: evaluator 'picky-b': its {method}() failed before the run: "
                            "ValueError: learning rate 3 is too high (at ") and error.count("\n") == 1, error
    with pytest.raises(ConfigError, match=f"evaluator 'picky-b': its {method}"):
        search(SearchConfig(evaluator="picky-b", budget=2, data_dir=str(data_dir), run_dir=str(tmp_path / "py")))
    assert not (tmp_path / "run").exists() and not (tmp_path / "py").exists()


def test_predictors_evaluate_refuses_a_size_option_as_a_tabular_search_does(capsys, data_dir):
    """Its targets are the table's results for the benchmark's own networks; search refused channels=8, this did
    not."""
    from nasloop.engine import cli

    assert cli.main(["predictors", "evaluate", "--space", "nb201", "--space-opt", "channels=8", "--predictor",
                     "forest", "--train-sizes", "8", "--seeds", "1", "--data-dir", str(data_dir)]) == 2
    error = capsys.readouterr().err
    assert error == ("nasloop predictors evaluate: error: --space-opt channels=8 sizes the networks nb201 builds, and "
                     "predictors evaluate ranks predictions against its table's results for the benchmark's own "
                     "networks; drop it\n")


@pytest.mark.parametrize("features", [["proxies", "proxies"], ["graph", "graph"]])
def test_a_feature_named_twice_is_refused_as_one_giving_a_column_twice_is(nb201_context, features):
    """[proxies, proxies] was de-duplicated without a word, while [proxies, zen] was refused."""
    from nasloop.predictors.features import FeatureSet

    with pytest.raises(ConfigError) as info:
        FeatureSet(NB201Space(), nb201_context, features)
    assert str(info.value) == f"features {features!r} name '{features[0]}' twice; name each once"


def test_resume_takes_the_tensorboard_folder_the_run_logs_to(tmp_path, capsys, data_dir, monkeypatch):
    """--resume DIR --tensorboard SAMEDIR was refused, though the resumed run logs there anyway."""
    from nasloop.engine import cli

    monkeypatch.chdir(tmp_path)
    common = ["--data-dir", str(data_dir), "--quiet"]
    assert cli.main(["search", "--budget", "2", "--run-dir", "run", "--tensorboard", "tb", *common]) == 0
    assert cli.main(["search", "--resume", "run", "--budget", "3", "--tensorboard", "./tb", *common]) == 0
    capsys.readouterr()
    assert cli.main(["search", "--resume", "run", "--budget", "4", "--tensorboard", "other", *common]) == 2
    assert capsys.readouterr().err == (f"nasloop search: error: --tensorboard other: run logs to {tmp_path / 'tb'}, "
                                       "where it began, and a resumed run keeps that folder (another would hold none "
                                       f"of its earlier steps); drop --tensorboard or give {tmp_path / 'tb'}\n")


def test_a_predictor_defining_fit_where_the_base_wants_fit_is_told_to_rename_it():
    """The README listed fit among what a predictor implements; one that did was told 'does not define _fit; add it
    to the class', though it had written the method."""
    import numpy as np

    from nasloop.engine.config import construct
    from nasloop.engine.registry import register_predictor
    from nasloop.predictors.base import Predictor

    @register_predictor("fits-b")
    class Fits(Predictor):
        def fit(self, archs, y):
            self.mean = float(np.mean(y))
            return self

        def predict(self, archs):
            return np.full(len(archs), self.mean), np.zeros(len(archs))

    with pytest.raises(ConfigError) as info:
        construct("predictor", "fits-b", Fits, NB201Space())
    assert str(info.value) == ("predictor 'fits-b' (Fits) defines fit but not _fit, which the base class's fit calls "
                               "once it has checked and kept what it is given; rename its fit to _fit")
