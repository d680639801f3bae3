"""Metrics an evaluator declares as bookkeeping (how a result was computed, not what it measured: training's
``torch_threads``, a replicated run's count of draws, a user's condition metric) are refused as objectives in one
line listing the metrics that can be, before a run or study folder exists: ``--objectives params:max,
replicates:max`` was run, and its report drew a front of how many draws were averaged."""
from __future__ import annotations

import pytest

from nasloop.engine.registry import register_evaluator, register_search_space

from .digit_space import DigitSpace, DigitSum


class Threaded(DigitSum):
    """A user's evaluator recording the threads each result ran on, declared as its condition metric."""

    condition_metrics = ("threads",)

    def metric_names(self, fidelity=None):
        return ["score", "threads"]


@pytest.fixture
def threaded():
    """This file's plugins, for one test (the conftest drops them after it)."""
    register_search_space("d5-book-digits")(type("BookDigits", (DigitSpace,), {"name": "d5-book-digits"}))
    register_evaluator("d5-threaded")(Threaded)


def _refused(nasloop_in_process, tmp_path, *args: str) -> str:
    """The one error line of a search refused before its folder exists."""
    run = tmp_path / "run"
    done = nasloop_in_process(["search", *args, "--strategy", "random", "--budget", "3", "--run-dir", str(run),
                               "--quiet"])
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and not run.exists(), done.stderr
    return done.stderr


@pytest.mark.usefixtures("threaded")
def test_a_users_condition_metric_is_no_objective(nasloop_in_process, tmp_path):
    assert _refused(nasloop_in_process, tmp_path, "--space", "d5-book-digits", "--evaluator", "d5-threaded",
                    "--objectives", "score:max,threads:min", "--reference-point", "0,0") == (
        "nasloop search: error: 'threads' is bookkeeping of the d5-threaded evaluator (how a result was computed, not "
        "what it measured), no objective; choose --objectives from: score\n")


def test_a_replicated_proxy_runs_count_of_draws_is_no_objective(nasloop_in_process, tmp_path, data_dir):
    error = _refused(nasloop_in_process, tmp_path, "--space", "nb201", "--evaluator", "proxy", "--evaluator-opt",
                     "proxies=[params]", "--evaluator-opt", "replicates=2", "--objectives",
                     "params:max,replicates:max", "--reference-point", "0,0", "--data-dir", str(data_dir))
    assert error == ("nasloop search: error: 'replicates' is bookkeeping of the proxy evaluator (how a result was "
                     "computed, not what it measured), no objective; choose --objectives from: params, params@0, "
                     "params@1, params_std\n")


def test_an_unreported_objective_lists_no_bookkeeping_to_choose(nasloop_in_process, tmp_path, data_dir):
    """'replicates_failed' is reported only where a draw fails: refused as unreported, whose list of metrics to
    choose from offered 'replicates'."""
    error = _refused(nasloop_in_process, tmp_path, "--space", "nb201", "--evaluator", "proxy", "--evaluator-opt",
                     "proxies=[params]", "--evaluator-opt", "replicates=2", "--objectives",
                     "params:max,replicates_failed:min", "--reference-point", "0,0", "--data-dir", str(data_dir))
    assert error == ("nasloop search: error: the proxy evaluator reports no 'replicates_failed' metric; choose "
                     "--objectives from: params, params@0, params@1, params_std\n")


def test_trainings_torch_threads_is_no_objective(nasloop_in_process, tmp_path, data_dir):
    error = _refused(nasloop_in_process, tmp_path, "--space", "nb201", "--evaluator", "train", "--epochs", "1",
                     "--objective", "torch_threads", "--data-dir", str(data_dir))
    assert error == ("nasloop search: error: 'torch_threads' is bookkeeping of the train evaluator (how a result was "
                     "computed, not what it measured), no objective; choose --objective from: images_per_second, "
                     "params, params_m, test_accuracy, train_loss, train_seconds, val_accuracy\n")
