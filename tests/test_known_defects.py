"""Defects found by users walking through nasloop, each pinned by the behaviour the user should have seen."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop import NasloopError


def test_a_misspelt_metric_is_refused_naming_the_available_ones(nb201_context):
    """metric_values(..., "val_acuracy") returned all NaN: a study or script read 'no result' for every cell."""
    from nasloop.search_spaces.nb201 import NB201Space

    cells = list(NB201Space().enumerate())[:5]
    benchmark = nb201_context.benchmark
    with pytest.raises(NasloopError, match="has no metric 'val_acuracy'.*val_accuracy"):
        benchmark.metric_values(cells, "cifar10", "val_acuracy")
    assert np.isfinite(benchmark.metric_values(cells, "cifar10", "val_accuracy")).all()


def test_a_plugin_is_named_as_it_was_registered(nb201_context):
    """Errors named the Python class (RandomPredictor, MyStrategy), a name the user never wrote: the command line
    and the config take the registered one (random, my-strategy)."""
    from nasloop.engine.registry import STRATEGIES, register_strategy
    from nasloop.predictors.baselines import RandomPredictor
    from nasloop.search_spaces.nb201 import NB201Space
    from nasloop.strategies.random_search import RandomSearch

    with pytest.raises(NasloopError, match="^predictor random takes a list of architectures, got the string"):
        RandomPredictor(NB201Space()).fit("|nor_conv_3x3~0|", [1.0])

    @register_strategy("known-defects-strategy")
    class MyStrategy(RandomSearch):
        pass

    assert STRATEGIES.label(MyStrategy) == "known-defects-strategy"

    class Unregistered(RandomSearch):
        pass

    assert STRATEGIES.label(Unregistered) == "Unregistered"  # built directly: its class is all there is to name


@pytest.mark.parametrize("name", ["random", "gp", "blend", "mlp"])
def test_a_state_without_its_keys_is_refused_in_one_line(name):
    """load_state_dict({}) raised KeyError: 'archs', naming neither the predictor nor what it wants."""
    from nasloop.engine.config import construct
    from nasloop.engine.registry import PREDICTORS
    from nasloop.search_spaces.nb201 import NB201Space

    predictor = construct("predictor", name, PREDICTORS.get(name), NB201Space(), wiring={"seed": 0})
    with pytest.raises(NasloopError, match=f"^predictor {name}: load_state_dict got a dict without 'archs', 'y'.*; "
                                           "pass what its state_dict\\(\\) returned$"):
        predictor.load_state_dict({})
    with pytest.raises(NasloopError, match="load_state_dict got a list; pass"):
        predictor.load_state_dict([])


@pytest.mark.parametrize("name", ["random", "gp", "forest"])
def test_targets_too_large_to_compute_with_are_blamed_not_the_predictor(name):
    """Targets of +-1e300 were fitted, and the refusal came from predict: 'predictor gp: predict returned 6
    non-finite means', blaming the model for the overflow of the user's numbers."""
    from nasloop.engine.config import construct
    from nasloop.engine.registry import PREDICTORS
    from nasloop.search_spaces.nb201 import NB201Space

    space = NB201Space()
    cells = list(space.enumerate())[:6]
    predictor = construct("predictor", name, PREDICTORS.get(name), space, wiring={"seed": 0})
    with pytest.raises(NasloopError, match=r"^targets reach 1e\+300 in size, .*; rescale them .* before fitting$"):
        predictor.fit(cells, [1e300, -1e300, 1e300, -1e300, 0.0, 1.0])
    assert np.isfinite(predictor.fit(cells, [1e9, -1e9, 2e9, 5.0, 0.0, 1.0]).predict(cells)[0]).all()


@pytest.mark.parametrize("name", ["forest", "blend"])
def test_predict_takes_the_numpy_rows_fit_takes(name, nb201_context):
    """fit(np.array(cells), y) worked for every predictor, and predict(np.array(cells)) was refused by forest, FLAN,
    EmProx and blend ('architecture 1 of 30, array([...]), is a ndarray, where search space 'nb201' gives a tuple')."""
    from nasloop.engine.config import construct
    from nasloop.engine.registry import PREDICTORS
    from nasloop.search_spaces.nb201 import NB201Space

    space = NB201Space()
    cells = list(space.enumerate())[100:130]
    y = np.linspace(50.0, 90.0, len(cells))
    predictor = construct("predictor", name, PREDICTORS.get(name), space,
                          wiring={"context": nb201_context, "seed": 0}).fit(np.array(cells), y)
    mean, std = predictor.predict(np.array(cells[:5]))
    assert np.allclose(mean, predictor.predict(cells[:5])[0]) and np.allclose(std, predictor.predict(cells[:5])[1])
    with pytest.raises(NasloopError, match="architecture 1 of 1, array.*is not one of search space 'nb201'"):
        predictor.predict(np.array([[9, 9, 9, 9, 9, 9]]))  # a row that is no architecture is still named


def test_importing_a_pickle_of_some_cells_counts_the_cells_it_holds(tmp_path, capsys):
    """A NASLib NB201 pickle of 3 cells was reported as '15625 architectures', the size of the space."""
    import pickle

    from nasloop.engine import cli
    from nasloop.search_spaces.nb201 import NB201Space

    space = NB201Space()
    records = {space.format(cell): {"cifar10-valid": {"eval_acc1es": list(np.linspace(10.0, 80.0 + i, 200)),
                                                      "train_times": [10.0] * 200, "cost_info": {"train_time": 10.0}}}
               for i, cell in enumerate(list(space.enumerate())[:3])}
    path = tmp_path / "nb201_cifar10_full_training.pickle"
    path.write_bytes(pickle.dumps(records))
    assert cli.main(["data", "import", str(path), "--out", str(tmp_path / "out")]) == 0
    assert "(3 architectures; from nb201_cifar10_full_training.pickle)" in capsys.readouterr().out
    from nasloop.search_spaces.nb201.benchmark import NB201Benchmark

    result = NB201Benchmark(tmp_path / "out").query(space.parse(next(iter(records))), "cifar10")
    assert result.ok and result.metrics["val_accuracy"] == 80.0  # the table written reads as before


def test_an_option_kept_for_a_predictor_not_compared_is_still_checked(tmp_path, capsys, data_dir):
    """compare --predictors gp --predictor-opt flan.ensembel=2 kept the misspelt option without a word (an option
    for a predictor the study does not compare waits for a later call that adds it), and measured the study."""
    from nasloop.engine import cli

    def compare(option, out):
        return cli.main(["compare", "--predictors", "random", "--train-sizes", "8", "--seeds", "1", "--predictor-opt",
                         option, "--data-dir", str(data_dir), "--out", str(tmp_path / out)])

    assert compare("flan.ensembel=2", "typo") == 2
    error = capsys.readouterr().err
    assert "--predictor-opt flan.ensembel: predictor 'flan' has no option 'ensembel'; it takes: ensemble" in error
    assert error.count("\n") == 1 and not (tmp_path / "typo").exists()
    assert compare("flan.ensemble=two", "value") == 2
    assert "predictor 'flan' option ensemble must be" in capsys.readouterr().err
    assert compare("flan.ensemble=2", "kept") == 0  # a registered predictor's own option still waits for it


def test_a_report_is_not_written_into_another_run_or_studys_folder(tmp_path, capsys, data_dir):
    """report STUDY --out RUN_DIR wrote the study's report.md in the run's folder, where it read as the run's."""
    from nasloop.engine import cli

    run, study = tmp_path / "run", tmp_path / "study"
    assert cli.main(["search", "--strategy", "random", "--budget", "3", "--seed", "0", "--data-dir", str(data_dir),
                     "--run-dir", str(run)]) == 0
    assert cli.main(["compare", "--predictors", "random", "--train-sizes", "8", "--seeds", "1", "--data-dir",
                     str(data_dir), "--out", str(study)]) == 0
    capsys.readouterr()
    for path, out, what in ((study, run, "a search run"), (run, study, "a predictor study")):
        before = sorted(p.name for p in out.iterdir())
        assert cli.main(["report", str(path), "--out", str(out)]) == 2
        error = capsys.readouterr().err
        assert f"--out {out} is the folder of {what}, not of {path}; choose another folder" in error, error
        assert error.count("\n") == 1 and sorted(p.name for p in out.iterdir()) == before
    assert cli.main(["report", str(run), "--out", str(run)]) == 0  # its own folder: written as asked
    assert cli.main(["report", str(study), "--out", str(tmp_path / "elsewhere")]) == 0


def test_raising_the_budget_a_run_did_not_stop_on_leaves_the_run_as_it_was(tmp_path, capsys, data_dir):
    """--resume R --budget 40 on a run its --max-seconds ended said 'nothing to do' and stored budget 40 anyway, so
    the run showed a budget it never had; a resume that does nothing leaves the run as it was (README)."""
    from nasloop.engine import cli
    from nasloop.engine.search import summarize

    run = tmp_path / "run"
    assert cli.main(["search", "--strategy", "random", "--budget", "20", "--max-seconds", "5000", "--seed", "0",
                     "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0
    before = summarize(run)
    assert before["stop_reason"].startswith("budget of 5000 s spent")
    capsys.readouterr()
    assert cli.main(["search", "--resume", str(run), "--budget", "40", "--quiet"]) == 0
    error = capsys.readouterr().err
    assert "nothing to do" in error and "give a larger --max-seconds to continue it" in error
    assert summarize(run)["budget"] == before["budget"]
    assert cli.main(["search", "--resume", str(run), "--budget", "40", "--max-seconds", "1e9", "--quiet"]) == 0
    assert summarize(run)["budget"]["queries_used"] > before["budget"]["queries_used"]  # both raised: it goes on


@pytest.mark.parametrize("name", ["tnb101-micro", "nb301"])
def test_a_misspelt_metric_of_a_one_metric_table_is_refused_too(data_dir, name):
    """TNB101's, NDS's and NB301's tables did not say which metrics they report, so a misspelt one read as NaN
    there too."""
    from nasloop.engine.registry import BENCHMARKS

    benchmark = BENCHMARKS.get(name)(data_dir)
    cells, task = benchmark.cells()[:3], benchmark.tasks[0]
    with pytest.raises(NasloopError, match=f"has no metric 'val_acuracy' for {task.name}; choose from: {task.metric}"):
        benchmark.metric_values(cells, task.name, "val_acuracy")
    assert np.isfinite(benchmark.metric_values(cells, task.name)).all()
