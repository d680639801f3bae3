"""Process-wide values nasloop sets for a block are the caller's again once overlapping blocks of two threads end.

Two searches overlapping in threads of one script (a notebook) each saved the value in place as the caller's and put
it back as they ended: the first leaving put the caller's value back under the second's block, and the second,
leaving last, put the first's value back for good (cuDNN's autotuning on for the rest of the script, Ray's failure
switch off). The environment variables set for Ray were taken out by the first search's shutdown under the second's
Ray. Each order of leaving is run here, in two threads of the test process, on the real flag, the real Ray constant
and the real environment.
"""
from __future__ import annotations

import os
import threading
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Callable, Iterator

import pytest
import torch

from nasloop.engine.devices import cudnn_tuned
from nasloop.engine.process_values import callers_value, set_for_block

ray_constants = pytest.importorskip("ray._private.ray_constants")

from nasloop.engine.executors.ray_setup import (  # noqa: E402
    _failure_signal_handler_left_out, give_back_environment, import_ray)

WAIT_S = 120  # a thread that never gets there fails the test instead of hanging it


def _overlapping(block: Callable[[], AbstractContextManager[Any]], first_out: int, read: Callable[[], Any]
                 ) -> list[Any]:
    """Thread 0 enters ``block()``, then thread 1 enters one, then thread ``first_out`` leaves, then the other:
    what ``read()`` gives with both in, with the other alone in, and after both."""
    entered, leave, seen = [threading.Event(), threading.Event()], [threading.Event(), threading.Event()], []
    errors: list[BaseException] = []

    def run(me: int) -> None:
        try:
            with block():
                entered[me].set()
                assert leave[me].wait(WAIT_S)
        except BaseException as exc:  # noqa: BLE001 - said by the test, not lost in the thread
            errors.append(exc)
            entered[me].set()

    threads = [threading.Thread(target=run, args=(me,)) for me in (0, 1)]
    for me, thread in enumerate(threads):
        thread.start()
        assert entered[me].wait(WAIT_S)
    seen.append(read())
    for me in (first_out, 1 - first_out):
        leave[me].set()
        threads[me].join(WAIT_S)
        seen.append(read())
    assert not errors, errors
    return seen[:3]


@pytest.fixture
def callers_flag() -> Iterator[None]:
    """cuDNN's flag as the test process had it, put back whatever a test does."""
    was = torch.backends.cudnn.benchmark
    yield
    torch.backends.cudnn.benchmark = was


@pytest.mark.parametrize("first_out", [0, 1])
@pytest.mark.usefixtures("callers_flag")
def test_overlapping_gpu_blocks_leave_the_callers_cudnn_flag(first_out: int) -> None:
    torch.backends.cudnn.benchmark = False  # the block tunes on a GPU device; the flag is plain Python on a CPU build
    seen = _overlapping(lambda: cudnn_tuned(torch.device("cuda")), first_out, lambda: torch.backends.cudnn.benchmark)
    assert seen == [True, True, False]  # before, the first leaving first: False under the second, True for good


@pytest.mark.parametrize("first_out", [0, 1])
def test_overlapping_ray_starts_leave_rays_failure_switch(first_out: int) -> None:
    name = "RAY_DISABLE_FAILURE_SIGNAL_HANDLER"
    callers = getattr(ray_constants, name)
    seen = _overlapping(_failure_signal_handler_left_out, first_out, lambda: getattr(ray_constants, name))
    assert seen == [True, True, callers]


def test_blocks_wanting_other_values_at_once_are_refused_and_the_callers_value_stays(callers_flag) -> None:
    torch.backends.cudnn.benchmark = False
    with set_for_block(torch.backends.cudnn, "benchmark", True):
        with pytest.raises(RuntimeError, match="benchmark is set to True for a block still running .*, and this "
                                               "one wants False: the two cannot run at once"):
            with set_for_block(torch.backends.cudnn, "benchmark", False):
                pass
        assert torch.backends.cudnn.benchmark is True
    assert torch.backends.cudnn.benchmark is False


_FOR_RAY = ("RAY_AUTH_MODE", "RAY_process_group_cleanup_enabled", "RAY_prestart_worker_first_driver",
            "RAY_USAGE_STATS_ENABLED")


@contextmanager
def _ray_imported() -> Iterator[None]:
    """A search's import of Ray for a local Ray, and its giving the environment back once that Ray is down."""
    import_ray(local=True)
    try:
        yield
    finally:
        give_back_environment()


@pytest.mark.parametrize("first_out", [0, 1])
def test_overlapping_searches_give_the_environment_back_once_both_are_done(first_out: int, monkeypatch) -> None:
    import ray

    assert not ray.is_initialized()  # a Ray already up gets no variables: nothing would be set
    for name in _FOR_RAY:
        monkeypatch.delenv(name, raising=False)
    seen = _overlapping(_ray_imported, first_out, lambda: [os.environ.get(name) for name in _FOR_RAY])
    set_for_ray = ["disabled", "0", "0", "0"]
    assert seen == [set_for_ray, set_for_ray, [None] * 4]  # before: taken out under the second search's Ray


def test_a_check_of_the_callers_loopback_switch_reads_it_under_another_threads_block() -> None:
    """A join checks whether Ray's switch is on before turning it off for its block (ray_setup's _kept_on_loopback):
    read within another thread's block, the switch was that block's (off), and the join counted itself out."""
    callers = ray_constants.ENABLE_RAY_CLUSTER
    seen = _overlapping(lambda: set_for_block(ray_constants, "ENABLE_RAY_CLUSTER", False), 0,
                        lambda: (ray_constants.ENABLE_RAY_CLUSTER, callers_value(ray_constants, "ENABLE_RAY_CLUSTER")))
    assert seen == [(False, callers), (False, callers), (callers, callers)]
