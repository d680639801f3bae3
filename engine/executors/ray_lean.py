"""What a local Ray that nasloop starts for itself leaves out: processes of Ray's that such a Ray never uses.

Each is a Python process that imports much of Ray before it does anything, about half a second of a core (0.5 to 0.7
CPU s here), paid by every search, study and test that starts a local Ray; ``ray.init`` also waited for the
dashboard's to come up. What a local Ray does for nasloop (its GCS, raylet and agents, the workers nasloop's actors
and tasks run in, the log monitor that brings their output to the command's terminal) is all still started.
"""
from __future__ import annotations

import os
from contextlib import ExitStack, contextmanager
from functools import cache
from typing import Any, Iterator

from ..held_imports import imported
from ..process_values import set_for_block

USAGE_STATS_SWITCH = "RAY_USAGE_STATS_ENABLED"


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
    threads, :mod:`..process_values`): each saving and restoring its own, the second saved the first's replacements
    as Ray's and put them back last, so every later ``ray.init`` of the process (a user's own Ray, its dashboard
    included) started no monitor and no API server, while the first, ending, gave Ray's own back under the second's
    start."""
    if kwargs.get("address") is not None:  # joined: not ours
        yield
        return
    parameter, services = imported("ray._private.parameter"), imported("ray._private.services")

    params = getattr(parameter, "RayParams", None)
    start_api_server = getattr(services, "start_api_server", None)
    if params is None or start_api_server is None:
        yield
        return
    # a block still running has Ray's class replaced already: the same replacement, counted in
    without_monitor = params if issubclass(params, _NoMonitor) else _without_monitor(params)
    with ExitStack() as replaced:
        replaced.enter_context(set_for_block(parameter, "RayParams", without_monitor))
        if kwargs.get("include_dashboard") is False and os.environ.get(USAGE_STATS_SWITCH) == "0":
            replaced.enter_context(set_for_block(services, "start_api_server", _no_api_server))
        yield


class _NoMonitor:
    """Ray's ``RayParams`` (the class :func:`_without_monitor` makes of it) with ``no_monitor`` set, as ``ray start``
    sets it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.no_monitor = True


@cache
def _without_monitor(params: type) -> type:
    """Ray's ``params`` class with :class:`_NoMonitor`'s ``no_monitor``: one class for every block of the process, so
    that overlapping ones set the same value."""
    return type(params.__name__, (_NoMonitor, params), {})


def _no_api_server(*args: Any, **kwargs: Any) -> tuple[None, None]:
    """Ray's result for a dashboard API server that did not start: no address, no process (see
    :func:`unused_head_processes_left_out`)."""
    return None, None
