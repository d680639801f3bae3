"""A search's import of Ray leaves none of the environment variables a local Ray reads set where no Ray of its own
starts: stopped by a Ctrl-C as it sets them, or finding another thread's Ray up once imported.

import_ray sets each variable in a block of its own (process_values.environment_set), which holds a Ctrl-C while it
counts itself in and raises it once counted. A Ctrl-C held through the second variable's block was raised out of
import_ray with the first still set, for the rest of the script or notebook (and counted in, so no later search's
end took it out): only the import that followed gave the variables back when it failed. The SIGINT here is a real
one, sent to the test process as the second block counts itself in.

A search whose Ray another thread's search started while it imported Ray (seconds, the first time) joins that Ray,
owns none and never shuts one down: the variables it set stayed counted in its thread for good, so the other search's
end no longer took them out either.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
from types import FrameType
from typing import Any

import pytest

pytest.importorskip("ray")  # imported before the search's import_ray, which then only looks it up

from nasloop.engine import held_imports, process_values  # noqa: E402
from nasloop.engine.executors.ray_setup import (  # noqa: E402
    give_back_environment, import_ray, init_ray, shutdown_ray)

FOR_RAY = ("RAY_AUTH_MODE", "RAY_process_group_cleanup_enabled", "RAY_prestart_worker_first_driver",
           "RAY_USAGE_STATS_ENABLED")
SECOND = FOR_RAY[1]
WAIT_S = 120  # a thread that never gets there fails the test instead of hanging it


def test_a_ctrl_c_while_the_variables_are_set_leaves_none_of_them(monkeypatch) -> None:
    import ray

    assert not ray.is_initialized()  # a Ray already up gets no variables: nothing would be set
    assert threading.current_thread() is threading.main_thread()
    runners = signal.signal(signal.SIGINT, signal.default_int_handler)  # Python's, as a script's: the blocks hold it
    for name in FOR_RAY:
        monkeypatch.delenv(name, raising=False)
    sent: list[str] = []

    def interrupt_at_the_second(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code is process_values._enter.__code__ and not sent \
                and frame.f_locals["key"][1] == SECOND:
            sent.append(SECOND)
            signal.raise_signal(signal.SIGINT)  # held by the block counting itself in, raised as it ends

    sys.settrace(interrupt_at_the_second)
    try:
        with pytest.raises(KeyboardInterrupt):
            import_ray(local=True)
    finally:
        sys.settrace(None)
        signal.signal(signal.SIGINT, runners)
        left = {name: os.environ.get(name) for name in FOR_RAY}
        give_back_environment()  # what the old code left, so that no later test meets it
    assert sent == [SECOND]
    assert left == dict.fromkeys(FOR_RAY), left  # before: RAY_AUTH_MODE 'disabled', the first variable set


def test_a_search_whose_ray_another_thread_started_meanwhile_leaves_nothing_set(monkeypatch) -> None:
    import ray

    assert not ray.is_initialized()
    for name in FOR_RAY:
        monkeypatch.delenv(name, raising=False)
    paused, go, returned, finish = (threading.Event() for _ in range(4))
    got: dict[str, Any] = {}

    def pause_in_the_import(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code is held_imports.imported.__code__ and frame.f_locals["name"] == "ray" \
                and not paused.is_set():
            paused.set()  # its variables set: the other search starts its Ray now
            assert go.wait(WAIT_S)

    def searching() -> None:  # as RayExecutor does: it owns Ray only where none is up once imported
        sys.settrace(pause_in_the_import)
        try:
            got["owns"] = not import_ray(local=True).is_initialized()
        except BaseException as exc:  # noqa: BLE001 - said by the test, not lost in the thread
            got["error"] = exc
        finally:
            sys.settrace(None)
            returned.set()
        assert finish.wait(WAIT_S)  # alive, as a notebook's thread is, until the test has read the environment

    thread = threading.Thread(target=searching)
    thread.start()
    try:
        assert paused.wait(WAIT_S)
        other = import_ray(local=True)  # the other search, in this thread: it starts the Ray and shuts it down
        init_ray(other, num_cpus=1, include_dashboard=False, logging_level="WARNING")
        try:
            go.set()
            assert returned.wait(WAIT_S)
        finally:
            shutdown_ray(other)
        left = {name: os.environ.get(name) for name in FOR_RAY}
    finally:
        go.set()
        finish.set()
        thread.join(WAIT_S)
    assert got == {"owns": False}, got
    assert left == dict.fromkeys(FOR_RAY), left  # before: the joining search's, set for as long as its thread ran
