"""Noticing that a joined Ray cluster has gone (``ray stop --force`` on its head, the head machine lost) in seconds.

Ray's driver keeps no watch of its own that Python can hear: the trials' actors die with the cluster, a replacement
actor's creation then waits for the cluster's GCS, and after ``gcs_rpc_server_reconnect_timeout_s`` (60 s) Ray ends
the process from native code ('Failed to connect to GCS within 60 seconds ... The program will terminate', exit 1),
so the search printed no line of its own and stored no cause. Ray's timeout is read once, as its core worker starts,
and ends the process where it fires: lowered, it ends the search sooner in the same words, with nothing recorded. So
the executor asks the cluster itself, between its waits and before it starts a worker: a TCP connection to the GCS
(or to a ``ray://`` address's client server), which a cluster that is gone refuses or leaves unanswered.
"""
from __future__ import annotations

import math
import os
import socket
import time
from contextlib import contextmanager
from typing import Any, Iterator

from ..errors import ConfigError, ExecutorLost
from ..held_imports import imported
from ..process_values import environment_set

LOST_AFTER_S = 5.0
"""Seconds the cluster's GCS must go unanswered before the cluster counts as lost, unless ``$NASLOOP_RAY_LOST_AFTER_S``
says otherwise: a GCS restarting under Ray's own fault tolerance, or a connection dropped for a moment, is waited for
that long (probed each second). Longer suits a head node whose network drops out for longer; shorter ends a search
sooner where a silent GCS can only mean a lost cluster (on one machine: the suite's tests)."""
LOST_AFTER_VARIABLE = "NASLOOP_RAY_LOST_AFTER_S"
_PROBE_TIMEOUT_S = 1.0
SHUTDOWN_FLUSH_VARIABLE = "RAY_task_events_shutdown_flush_timeout_ms"
SHUTDOWN_FLUSH_MS = "1000"
"""How long a driver that joined a cluster waits, as Ray shuts it down, for the GCS to take its last task events (the
state of the tasks it ran, for ``ray list tasks`` and the dashboard): Ray's own 5,000 ms were spent in full by every
search and study whose cluster had gone, before its line. A GCS that is there answers in milliseconds."""


def split_host_port(address: str) -> tuple[str, str]:
    """``HOST:PORT`` (or ``[IPv6]:PORT``) as its host, without brackets, and its port text ('' where none).

    Not ``urllib.parse.urlsplit``: it splits an unbracketed IPv6 address at its first colon (``::1:6379`` has no
    host there, where this gives '::1' and '6379', so ``--ray-address`` says to bracket it), raises on a bracketed
    host that is no IP address, and lowercases host names."""
    host, _, port = address.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, port


def lost_after_s() -> float:
    """:data:`LOST_AFTER_S`, or the seconds ``$NASLOOP_RAY_LOST_AFTER_S`` gives; read before Ray is joined, so that a
    bad value is refused in one line before anything starts."""
    text = os.environ.get(LOST_AFTER_VARIABLE, "").strip()
    if not text:
        return LOST_AFTER_S
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds < math.inf:
        raise ConfigError(f"${LOST_AFTER_VARIABLE} is {text!r}, not a number of seconds above 0; set it to one (the "
                          f"seconds a joined Ray cluster may go unanswered), or unset it for {LOST_AFTER_S:g}")
    return seconds


class ClusterWatch:
    """Whether the cluster a search joined at ``address`` still answers at ``probed`` (its GCS, ``HOST:PORT``), the
    cluster counting as lost once it has not for ``lost_after`` seconds (:func:`lost_after_s`)."""

    def __init__(self, address: str, probed: str, lost_after: float) -> None:
        self.address, self.probed, self.lost_after = address, probed, lost_after
        self._silent_since: float | None = None
        self.lost = False  # :meth:`check` has found the cluster gone: what is left of it is not to be asked again

    def answers(self) -> bool:
        """One probe: whether something accepts a connection at the probed address within a second."""
        host, port = split_host_port(self.probed)
        try:
            socket.create_connection((host, int(port)), timeout=_PROBE_TIMEOUT_S).close()
        except (OSError, ValueError):
            return False
        return True

    def check(self, unfinished: int, noun: str = "trial", then: str = "the resume runs them again") -> None:
        """Raise :class:`ExecutorLost` where the cluster has not answered for ``lost_after`` seconds; while it has been
        silent for less, wait for it, probing each second. ``unfinished``: the trials (or a study's runs, ``noun``) it
        held, which ``then`` says how they are taken up again, for the message."""
        while not self.answers():
            now = time.monotonic()
            self._silent_since = self._silent_since or now
            if now - self._silent_since >= self.lost_after:
                self.lost = True
                again = f"; {unfinished} {noun}{'s' * (unfinished != 1)} had not finished ({then})" if unfinished \
                    else ""
                raise ExecutorLost(f"the Ray cluster at {self.address} is gone (nothing has answered at {self.probed} "
                                   f"for {self.lost_after:g} s: stopped by 'ray stop', or its head node lost){again}")
            time.sleep(_PROBE_TIMEOUT_S)
        self._silent_since = None


@contextmanager
def shutdown_flush_bounded(kwargs: dict[str, Any]) -> Iterator[None]:
    """Within the block, a ``ray.init(**kwargs)`` that joins a cluster builds its driver to wait
    :data:`SHUTDOWN_FLUSH_MS` at most, in ``ray.shutdown``, for the cluster's GCS to take its last task events. Ray
    reads the variable from the environment as it builds the driver, not when it is imported; a value the caller set
    is kept, and one set here leaves with the block. A local Ray's GCS is the command's own, there until Ray
    shuts down, and the processes it starts would inherit the variable, so nothing is set for one."""
    if kwargs.get("address") is None:
        yield
        return
    with environment_set(SHUTDOWN_FLUSH_VARIABLE, SHUTDOWN_FLUSH_MS):  # joins overlapping in a script's threads
        yield


def joined_cluster_watch(ray: Any, address: str, lost_after: float) -> ClusterWatch:
    """The watch of the cluster this process has just joined at ``address``: its GCS, as Ray resolved it (``auto``,
    ``localhost``), or a ``ray://`` address's client server, which is what such a driver talks to."""
    if address.startswith("ray://"):  # a client's worker output is printed on the cluster's side
        return ClusterWatch(address, address.removeprefix("ray://"), lost_after)
    _ask_autoscaler_version_now()
    return ClusterWatch(address, ray.get_runtime_context().gcs_address, lost_after)


def _ask_autoscaler_version_now() -> None:
    """Ask the cluster's GCS, while it answers, which autoscaler it runs, as Ray's log thread asks it the first time
    it prints the autoscaler's events, and keeps the answer. Asked there, once the cluster had gone, the question
    waited for the GCS with no deadline, so ``ray.shutdown`` waited for that thread, and Ray ended the process 60 s
    later ('Failed to connect to GCS within 60 seconds', exit 1): the last events of a dying cluster reach the
    driver just before its GCS goes, so this happened under load (2 in 48 studies)."""
    is_autoscaler_v2 = imported("ray.autoscaler.v2.utils").is_autoscaler_v2

    is_autoscaler_v2()
