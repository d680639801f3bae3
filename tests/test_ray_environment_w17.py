"""A Ctrl-C as a search sets the environment variables a local Ray reads leaves none of them set.

import_ray sets each variable in a block of its own (process_values.environment_set), which holds a Ctrl-C while it
counts itself in and raises it once counted. A Ctrl-C held through the second variable's block was raised out of
import_ray with the first still set, for the rest of the script or notebook (and counted in, so no later search's
end took it out): only the import that followed gave the variables back when it failed. The SIGINT here is a real
one, sent to the test process as the second block counts itself in.
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

from nasloop.engine import process_values  # noqa: E402
from nasloop.engine.executors.ray_setup import give_back_environment, import_ray  # noqa: E402

FOR_RAY = ("RAY_AUTH_MODE", "RAY_process_group_cleanup_enabled", "RAY_prestart_worker_first_driver",
           "RAY_USAGE_STATS_ENABLED")
SECOND = FOR_RAY[1]


def test_a_ctrl_c_while_the_variables_are_set_leaves_none_of_them(monkeypatch) -> None:
    import ray

    assert not ray.is_initialized()  # a Ray already up gets no variables: nothing would be set
    assert threading.current_thread() is threading.main_thread()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # so the blocks hold it
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
        left = {name: os.environ.get(name) for name in FOR_RAY}
        give_back_environment()  # what the old code left, so that no later test meets it
    assert sent == [SECOND]
    assert left == dict.fromkeys(FOR_RAY), left  # before: RAY_AUTH_MODE 'disabled', the first variable set
