"""The Python API as a researcher scripts it, with plugins of their own: what a script hands nasloop (callbacks, a
single architecture, a plugin's options and default objective) is checked before any work, so a mistake is one
nasloop line, not Python's TypeError or a silent wrong result after the first (maybe hours-long) evaluation."""
from __future__ import annotations

import re

import pytest

from nasloop import NasloopError, SearchConfig, resume, search, summarize


def _config(data_dir, run_dir) -> SearchConfig:
    return SearchConfig(space="nb201", dataset="cifar10", budget=3, seed=0, data_dir=str(data_dir),
                        run_dir=str(run_dir))


@pytest.mark.parametrize("hooks, message", [
    ({"on_progress": 5}, r"^search: on_progress must be a function of \(done, total, best\), got 5$"),
    ({"on_progress": lambda: None}, r"^search: on_progress is called with 3 arguments \(done, total, best\), which "
                                    r"<lambda>\(\) does not take; give a function of \(done, total, best\)$"),
    ({"on_note": "note.txt"}, r"^search: on_note must be a function of \(text\), got 'note.txt'$"),
    ({"on_run_dir": lambda folder, extra: None}, r"^search: on_run_dir is called with 1 argument \(run_dir\)"),
])
def test_a_wrong_search_callback_is_refused_before_the_run_folder_exists(data_dir, tmp_path, hooks, message):
    """``on_progress=5`` ran the first evaluation, then stopped the search with "'int' object is not callable", the
    run stored as interrupted by a TypeError."""
    run_dir = tmp_path / "run"
    with pytest.raises(NasloopError, match=message):
        search(_config(data_dir, run_dir), **hooks)
    assert not run_dir.exists()


def test_callbacks_of_any_fitting_form_are_called(data_dir, tmp_path):
    """``print``, a ``*args`` function and one with a default for the third argument all fit."""
    heard: list[tuple] = []
    summary = search(_config(data_dir, tmp_path / "run"), on_progress=lambda done, total, best=None: heard.append(
        (done, total)), on_note=print, on_run_dir=lambda *folder: heard.append(folder))
    assert summary["evaluations"] == 3
    assert heard[0] == (str(tmp_path / "run"),) and heard[-1] == (3, 3)


def test_a_wrong_resume_callback_leaves_the_run_as_it_was(data_dir, tmp_path):
    """Resumed with a progress hook of no arguments, the run evaluated one more architecture and was left
    'interrupted' by the TypeError, its budget raised."""
    run_dir = tmp_path / "run"
    search(_config(data_dir, run_dir))
    with pytest.raises(NasloopError, match=r"^resume: on_progress is called with 3 arguments"):
        resume(run_dir, budget=5, on_progress=lambda: None)
    after = summarize(run_dir)
    assert (after["status"], after["evaluations"], after["budget"]["queries"]) == ("finished", 3, 3)


def test_a_wrong_record_callback_is_refused_before_the_first_fit(data_dir):
    """evaluate_predictors fitted the first predictor, then failed in the callback as Python's TypeError."""
    from nasloop.engine.predictor_evaluation import evaluate_predictors

    with pytest.raises(NasloopError, match=r"^evaluate_predictors: on_result is called with 1 argument \(record\), "
                                           r"which <lambda>\(a, b\) does not take"):
        evaluate_predictors(["gp"], [8], [0], data_dir=data_dir, on_result=lambda a, b: None)


def test_a_script_hears_that_its_run_was_random_search(data_dir, tmp_path):
    """Only the command line said that a run within evolution's random start was random search: a script's
    on_note heard nothing, and its 3-evaluation 'evolution' curve read as evolution's. A resume that does nothing
    does not say it again, only that it had nothing to do."""
    run_dir = tmp_path / "run"
    heard: list[str] = []
    search(_config(data_dir, run_dir), on_note=heard.append)
    assert heard == ["evolution draws its first 50 evaluations at random (population_size), so this 3-evaluation "
                     "run was random search; raise --budget above 50 or lower population_size"]
    resume(run_dir, budget=4, on_note=heard.append)
    assert len(heard) == 2 and "this 4-evaluation run was random search" in heard[1]
    resume(run_dir, on_note=heard.append)
    assert heard[2:] == [f"nothing to do: {run_dir} had already finished (budget of 4 evaluations spent); give a "
                         "larger --budget to continue it"]  # and not random search again


def test_score_architectures_names_one_architecture_given_for_the_list():
    """One NB201 cell was read as six architectures and refused as "a nb201 architecture is a tuple of 6 op indices,
    got 4"; its string as letters; a record callback of no arguments failed after the first network was scored."""
    import numpy as np

    from nasloop.engine.evaluators.proxies import score_architectures
    from nasloop.search_spaces.nb201 import NB201Space

    space = NB201Space(channels=4, cells=1)
    cell = space.sample(np.random.default_rng(0))
    with pytest.raises(NasloopError, match=r"^score_architectures takes a list of architectures, got one "
                                           r"architecture, \(4, 3, 2, 1, 1, 0\); pass \[arch\]$"):
        score_architectures(space, cell, ["params"])
    with pytest.raises(NasloopError, match=r"^score_architectures takes a list of architectures, got the string "
                                           r"'\|avg_pool_3x3~0\|.*; pass \[text\]$"):
        score_architectures(space, space.format(cell), ["params"])
    with pytest.raises(NasloopError, match=r"^score_architectures: on_result is called with 1 argument \(record\)"):
        score_architectures(space, [cell], ["params"], on_result=lambda: None)
    assert [r["arch"] for r in score_architectures(space, [cell], ["params"])] == [space.format(cell)]


def test_bo_reads_its_options_back():
    """``config()`` of nasloop's own BO failed with "'BayesianOptimisation' object has no attribute 'encoding'": its
    proposer kept encoding, pool_size, num_restarts and raw_samples."""
    from nasloop.search_spaces.nb201 import NB201Space
    from nasloop.strategies.bo import BayesianOptimisation

    options = {"num_init": 4, "encoding": "onehot", "pool_size": 50, "mc_samples": 8}
    assert BayesianOptimisation(NB201Space(), **options).config() == {**options, "num_restarts": 8,
                                                                        "raw_samples": 256, "max_points": 1000}


def test_a_user_space_keeping_its_option_under_another_name_is_refused_as_built():
    """``self.n = stages`` passed every check, and a search with FLAN stopped mid-run in nasloop's own code as
    "unexpected AttributeError ... 'MacroCNNSpace' object has no attribute 'stages'" (FLAN keys its cache by the
    space's config()); a strategy's config() failed the same way."""
    from nasloop.search_spaces.nb201 import NB201Space
    from nasloop.strategies.random_search import RandomSearch

    from .digit_space import DigitSpace

    class Renamed(DigitSpace):
        name = "renamed-s"

        def __init__(self, length: int = 5) -> None:
            self.n = length

    with pytest.raises(NasloopError, match=r"^search space Renamed keeps its option 'length' under another name; "
                                           r"store each option under its own \(self.length = length\), where "
                                           r"config\(\) reads it back$"):
        Renamed()

    class Sloppy(RandomSearch):
        def __init__(self, space, seed: int = 0, width: int = 2) -> None:
            super().__init__(space, seed)

    with pytest.raises(NasloopError, match=r"^strategy Sloppy keeps its option 'width' under another name"):
        Sloppy(NB201Space()).config()


def test_the_cifar10_example_names_its_own_flag_for_missing_images(tmp_path, monkeypatch, isolated_cache, capsys):
    """examples/cifar10_nas.py turns a missing dataset (MissingDataError) into its own '--download' advice, but the
    CIFAR-10 loader raised a plain DataError, so the script told its user to pass '--evaluator-opt' or '--train-opt',
    flags it does not have."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "cifar10_nas.py"
    spec = importlib.util.spec_from_file_location("cifar10_nas_s", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    (tmp_path / "empty").mkdir()
    monkeypatch.setattr(sys, "argv", ["cifar10_nas.py", "--data-dir", str(tmp_path / "empty"),
                                      "--run-dir", str(tmp_path / "run")])
    with pytest.raises(SystemExit) as done:
        example.main()
    assert done.value.code == 2
    assert re.match(r"^cifar10_nas.py: error: CIFAR-10 not found: .*; or give --download to fetch it\n$",
                    capsys.readouterr().err)
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("attributes, message", [
    ({"minimize": "false"}, r"minimize is 'false'; set it to True or False"),
    ({"objective": None}, r"objective is None; set it to the name of the metric"),
])
def test_an_evaluators_default_objective_is_checked_as_built(tmp_path, attributes, message):
    """``minimize = "false"``, a true string, minimised 'acc' without a word (best: the lowest); ``objective = None``
    was found only after the first evaluation, as "the evaluator reports no 'None' metric"."""
    from nasloop.engine.evaluators.base import Evaluator
    from nasloop.engine.registry import register_evaluator
    from nasloop.engine.types import Result

    def evaluate(self, arch, fidelity=None):
        return Result({"acc": float(sum(arch))}, cost=0.0)

    register_evaluator("digit-total-s")(type("DigitTotal", (Evaluator,), {"objective": "acc", "evaluate": evaluate,
                                                                           "__module__": __name__, **attributes}))
    with pytest.raises(NasloopError, match=rf"^evaluator digit-total-s: {message}"):
        search(SearchConfig(space="nb201", evaluator="digit-total-s", budget=3, run_dir=str(tmp_path / "run")))
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("names", ["val_accuracy", 3, [1.0]])
def test_metric_names_that_are_no_list_of_names_are_named(tmp_path, names):
    """``return ("val_accuracy")``, a string for a one-name tuple, let ``--objective acc`` through (found in it as in
    a string), and the run refused it only after its first evaluation."""
    from nasloop.engine.evaluators.base import Evaluator
    from nasloop.engine.registry import register_evaluator
    from nasloop.engine.types import Result

    def evaluate(self, arch, fidelity=None):
        return Result({"val_accuracy": float(sum(arch))}, cost=0.0)

    register_evaluator("listed-s")(type("Listed", (Evaluator,), {
        "evaluate": evaluate, "metric_names": lambda self, fidelity=None: names, "__module__": __name__}))
    returned = re.escape(repr(names))
    with pytest.raises(NasloopError, match=rf"^evaluator listed-s: metric_names returned {returned}; return a list"):
        search(SearchConfig(space="nb201", evaluator="listed-s", objective="acc", budget=3,
                            run_dir=str(tmp_path / "run")))
    assert not (tmp_path / "run").exists()


def test_an_objective_found_missing_in_the_first_result_says_a_new_run_is_needed(tmp_path):
    """Told to "choose --objective", a user resumed the run, which takes no --objective (a run keeps its objective):
    the resume failed the same way, and the advice led nowhere."""
    from nasloop.engine.evaluators.base import Evaluator
    from nasloop.engine.registry import register_evaluator
    from nasloop.engine.types import Result

    def evaluate(self, arch, fidelity=None):
        return Result({"acc": float(sum(arch))}, cost=0.0)

    register_evaluator("undeclared-s")(type("Undeclared", (Evaluator,), {"evaluate": evaluate,
                                                                         "__module__": __name__}))
    advice = r"choose --objective from: acc \(in a new run: a run keeps the objective it began with\), or"
    run_dir = tmp_path / "run"
    with pytest.raises(NasloopError, match=advice):
        search(SearchConfig(space="nb201", evaluator="undeclared-s", budget=3, run_dir=str(run_dir)))
    with pytest.raises(NasloopError, match=advice):
        resume(run_dir)


def test_an_executors_evaluate_now_returning_no_result_names_the_executor(data_dir, tmp_path):
    """It was refused as "evaluator tabular: evaluate returned dict", naming the evaluator, which had returned a
    Result."""
    from nasloop.engine.executors.inprocess import InProcessExecutor
    from nasloop.engine.registry import register_executor

    register_executor("eager-s")(type("Eager", (InProcessExecutor,), {
        "evaluate_now": lambda self, evaluator, arch, fidelity: {"val_accuracy": 1.0}, "__module__": __name__}))
    with pytest.raises(NasloopError, match=r"^executor eager-s: evaluate_now returned dict; return the Result of "):
        search(_config(data_dir, tmp_path / "run").replace(executor="eager-s"))
