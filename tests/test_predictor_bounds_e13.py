"""The forest's and EmProx's sizes and loops, and FLAN's ``batch_size``, are bounded as the MLP's and FLAN's other
sizes are (:mod:`nasloop.predictors.sizes`): 10**12 trees, pre-training samples, epochs or fine-tuning steps fitted
until interrupted, an EmProx ``dim`` of 10**12 crashed in 'unexpected RuntimeError ... can't allocate memory', and a
FLAN ``batch_size`` past the training set made a pretraining fit hold all n² pairs of a whole table at once."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("isolated_cache")

BIG = "1000000000000"
BOUNDS = [
    ("forest", "trees", f"an integer >= 1 and <= 10000, got {BIG}"),
    ("emprox", "dim", f"an integer >= 2 and <= 4096, got {BIG}"),
    ("emprox", "pretrain_samples", f"an integer >= 10 and <= 1000000, got {BIG}"),
    ("emprox", "pretrain_epochs", f"an integer >= 1 and <= 1000000, got {BIG}"),
    ("emprox", "finetune_steps", f"an integer >= 0 and <= 1000000, got {BIG}"),
    ("flan", "batch_size", f"an integer >= 1 and <= 16384, got {BIG}"),
]


def _refusal(done) -> str:
    """The command's one line on stderr, exit status 2, nothing on stdout."""
    line = done.stderr.strip()
    assert done.returncode == 2 and done.stdout == "" and "\n" not in line, (done.returncode, done.stdout, line)
    assert "Traceback" not in line and "unexpected" not in line, line
    return line


@pytest.mark.parametrize("predictor, option, said", BOUNDS, ids=[f"{p}-{o}" for p, o, _ in BOUNDS])
def test_a_size_past_its_bound_is_refused_before_the_first_fit(predictor, option, said, nasloop_in_process,
                                                               data_dir):
    line = _refusal(nasloop_in_process(["predictors", "evaluate", "--predictor", predictor, "--train-sizes", "8",
                                        "--seeds", "1", "--predictor-opt", f"{option}={BIG}",
                                        "--data-dir", str(data_dir)]))
    assert f"predictor '{predictor}' option {option} must be {said}" in line, line


@pytest.mark.parametrize("predictor, option, said", BOUNDS, ids=[f"{p}-{o}" for p, o, _ in BOUNDS])
def test_a_search_guided_by_it_is_refused_before_the_first_evaluation(predictor, option, said, nasloop_in_process,
                                                                      data_dir, tmp_path):
    run = tmp_path / "run"
    line = _refusal(nasloop_in_process(["search", "--strategy", "bananas", "--predictor", predictor, "--budget", "20",
                                        "--predictor-opt", f"{option}={BIG}", "--data-dir", str(data_dir),
                                        "--run-dir", str(run), "--quiet"]))
    assert f"predictor '{predictor}' option {option} must be {said}" in line, line
    assert not run.exists()


def test_a_run_stored_with_a_size_past_its_bound_resumes(data_dir, tmp_path):
    """A bound on what a machine holds is a new run's: a run an older nasloop began past it (FLAN's batch_size of
    16,385 there) resumes with the value it ran with, as the MLP's and FLAN's other sizes do."""
    from nasloop.engine.cli import main
    from nasloop.engine.option_bounds import stored_options

    run = tmp_path / "run"
    with stored_options():  # as a nasloop from before the bound began it
        assert main(["search", "--strategy", "bananas", "--strategy-opt", "num_init=4", "--predictor", "flan",
                     "--predictor-opt", "batch_size=16385", "--predictor-opt", "steps=2", "--predictor-opt",
                     "ensemble=1", "--budget", "5", "--data-dir", str(data_dir), "--run-dir", str(run),
                     "--quiet"]) == 0
    assert main(["search", "--resume", str(run), "--budget", "6", "--quiet"]) == 0
