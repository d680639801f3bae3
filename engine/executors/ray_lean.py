"""What a local Ray that nasloop starts for itself leaves out: processes of Ray's that such a Ray never uses.

Each is a Python process that imports much of Ray before it does anything, about half a second of a core (0.5 to 0.7
CPU s here), paid by every search, study and test that starts a local Ray; ``ray.init`` also waited for the
dashboard's to come up. What a local Ray does for nasloop (its GCS, raylet and agents, the workers nasloop's actors
and tasks run in, the log monitor that brings their output to the command's terminal) is all still started.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from types import ModuleType
from typing import Any, Iterator

USAGE_STATS_SWITCH = "RAY_USAGE_STATS_ENABLED"


_REPLACING = threading.Lock()
_replaced: list[tuple[ModuleType, str, Any]] = []  # (module, name, Ray's own object) while a start runs replaced
_starting = 0  # how many ray.init calls of this process run inside the block now (a script's threads)


@contextmanager
def unused_head_processes_left_out(kwargs: dict[str, Any]) -> Iterator[None]:
    """Within the block, a ``ray.init(**kwargs)`` that starts a local Ray starts neither of two processes its head
    node starts for a cluster it shares with others:

    - the autoscaler's monitor (Ray's own ``no_monitor`` parameter, the one ``ray start`` gives it): it adds and
      removes nodes, and warns of a request no node can meet; a local Ray of nasloop's is one node of a fixed size
      that every actor and task fits in, checked before any is made (``slots_allowed``);
    - the dashboard's API server, where the dashboard is left out (``include_dashboard=False``, as nasloop gives it)
      and Ray's usage statistics are off (:func:`.ray_setup.import_ray` turns them off unless told otherwise): it is
      then started to run Ray's usage statistics report alone, and nothing else. Ray is given what it gets from an
      API server that failed to start (no address and no process), which it goes on without where the dashboard was
      left out; ``ray.init`` no longer waits for it to publish its address.

    Both are Ray's private names (setup.cfg allows Ray from 2.40): a Ray without one of them is left as it is. Ray's
    own objects go back when the last block of the process's overlapping ones ends (searches started from two
    threads): each saving and restoring its own, the second saved the first's replacements as Ray's and put them
    back last, so every later ``ray.init`` of the process (a user's own Ray, its dashboard included) started no
    monitor and no API server, while the first, ending, gave Ray's own back under the second's start."""
    global _starting
    if kwargs.get("address") is not None:  # joined: not ours
        yield
        return
    with _REPLACING:
        if not _starting:
            _replace(kwargs)
        _starting += 1
    try:
        yield
    finally:
        with _REPLACING:
            _starting -= 1
            if not _starting:
                for module, name, own in _replaced:
                    setattr(module, name, own)
                _replaced.clear()


def _replace(kwargs: dict[str, Any]) -> None:
    """Put in the replacements :func:`unused_head_processes_left_out` describes, noting Ray's own objects."""
    from ray._private import parameter, services

    params = getattr(parameter, "RayParams", None)
    start_api_server = getattr(services, "start_api_server", None)
    if params is None or start_api_server is None:
        return

    class _WithoutMonitor(params):  # type: ignore[misc, valid-type]  # Ray's class, unknown to type checkers
        def __init__(self, *args: Any, **params_kwargs: Any) -> None:
            super().__init__(*args, **params_kwargs)
            self.no_monitor = True

    _replaced.append((parameter, "RayParams", params))
    parameter.RayParams = _WithoutMonitor
    if kwargs.get("include_dashboard") is False and os.environ.get(USAGE_STATS_SWITCH) == "0":
        _replaced.append((services, "start_api_server", start_api_server))
        services.start_api_server = _no_api_server


def _no_api_server(*args: Any, **kwargs: Any) -> tuple[None, None]:
    """Ray's result for a dashboard API server that did not start: no address, no process (see
    :func:`unused_head_processes_left_out`)."""
    return None, None
