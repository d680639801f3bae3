"""What a local Ray that nasloop starts for itself leaves out: processes of Ray's that such a Ray never uses.

Each is a Python process that imports much of Ray before it does anything, about half a second of a core (0.5 to 0.7
CPU s here), paid by every search, study and test that starts a local Ray; ``ray.init`` also waited for the
dashboard's to come up. What a local Ray does for nasloop (its GCS, raylet and agents, the workers nasloop's actors
and tasks run in, the log monitor that brings their output to the command's terminal) is all still started.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Any, Iterator

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

    Both are Ray's private names (setup.cfg allows Ray from 2.40): a Ray without one of them is left as it is."""
    from ray._private import parameter, services

    params = getattr(parameter, "RayParams", None)
    start_api_server = getattr(services, "start_api_server", None)
    if kwargs.get("address") is not None or params is None or start_api_server is None:  # joined: not ours
        yield
        return

    class _WithoutMonitor(params):  # type: ignore[misc, valid-type]  # Ray's class, unknown to type checkers
        def __init__(self, *args: Any, **params_kwargs: Any) -> None:
            super().__init__(*args, **params_kwargs)
            self.no_monitor = True

    parameter.RayParams = _WithoutMonitor
    if kwargs.get("include_dashboard") is False and os.environ.get(USAGE_STATS_SWITCH) == "0":
        services.start_api_server = _no_api_server
    try:
        yield
    finally:
        parameter.RayParams = params
        services.start_api_server = start_api_server


def _no_api_server(*args: Any, **kwargs: Any) -> tuple[None, None]:
    """Ray's result for a dashboard API server that did not start: no address, no process (see
    :func:`unused_head_processes_left_out`)."""
    return None, None
