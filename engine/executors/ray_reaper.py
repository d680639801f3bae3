"""A watcher that stops a local Ray's leftover processes when the process that started Ray is killed outright.

Ray ties its GCS, raylet and dashboard to the driver that starts them (the kernel kills them as it dies), but the
raylet's agents (dashboard agent, runtime-env agent) outlived a ``kill -9`` of a search by 61 s (Ray 2.60): they
see the raylet gone at once, then spend Ray's 60 s timeout reporting it to the GCS, which died with the driver.

Each process a local Ray's start forks leads a process group of its own (``ray_setup``'s fork hook), the raylet's
holding the agents it starts. Started before Ray, this watcher (a small process of its own, stdlib only, in a
session of its own so no signal to the command's group or terminal reaches it) is sent each such group as it is
forked, and kills them when the driver dies without having said that Ray stopped. Linux only: it learns of the
driver's death through a pidfd, event-driven, which a fork of the driver holding the pipe cannot delay.

Run as a script: ``python -I ray_reaper.py DRIVER_PID``, reading from stdin each group id with its leader's start
time, and ``stopped``.
"""
from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from contextlib import suppress

_STOPPED = b"stopped\n"
_watcher: subprocess.Popen | None = None  # the watcher of the local Ray this process runs now, if any
_owner = 0  # the process that started it: a fork of that process inherits the watcher, not the Ray it watches


def watch_local_ray() -> None:
    """Start the watcher for a local Ray this process is about to start (Linux; elsewhere Ray is left as it is)."""
    if not sys.platform.startswith("linux"):
        return
    ray_stopped()  # a watcher left from a Ray stopped without nasloop: its groups are gone or not ours to keep
    global _watcher, _owner
    _owner = os.getpid()
    _watcher = subprocess.Popen([sys.executable, "-I", os.path.abspath(__file__), str(os.getpid())],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)


def report_started() -> None:
    """In a process just forked to run part of a local Ray (and leading its own group): tell the watcher its group
    and when its leader started (:func:`_started`). Called before the fork closes the descriptors it does not pass
    on, so the pipe is still open here."""
    if _watcher is not None and _watcher.stdin is not None:
        with suppress(OSError):  # the watcher is gone: nothing to tell
            os.write(_watcher.stdin.fileno(), b"%d %d\n" % (os.getpid(), _started(os.getpid()) or 0))


def _started(pid: int) -> int | None:
    """When process ``pid`` started (clock ticks since boot, /proc's stat field 22); None where there is none."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return int(stat.read().rsplit(b")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def ray_stopped() -> None:
    """The local Ray stopped in order (or is no longer this process's to stop): the watcher leaves without killing,
    since the group ids it holds may soon name other processes' groups."""
    global _watcher
    watcher, _watcher = _watcher, None
    if watcher is None or watcher.stdin is None or os.getpid() != _owner:  # a fork's copy: the Ray is its parent's
        return
    with suppress(OSError):  # a watcher already gone took its end of the pipe with it
        watcher.stdin.write(_STOPPED)
        watcher.stdin.flush()
    with suppress(OSError):
        watcher.stdin.close()
    watcher.wait()


def _watch(driver: int) -> None:
    """Wait for ``stopped`` on stdin or the driver's death on a pidfd; on the death, kill the groups sent."""
    try:
        died: int | None = os.pidfd_open(driver)
    except ProcessLookupError:  # the driver died as this watcher started
        died = None
    except OSError:  # a kernel before 5.3: leave Ray as it was
        return
    received = b""
    inputs = [0]
    if died is not None and os.getppid() == driver:  # else the pid opened was another's: the driver had died
        inputs.append(died)
        while died not in select.select(inputs, [], [])[0]:
            chunk = os.read(0, 4096)
            if not chunk:  # the driver closed its end: only its death is left to wait for
                inputs.remove(0)
            received += chunk
            if _STOPPED in received:
                return
    while 0 in inputs and select.select([0], [], [], 0)[0] and (chunk := os.read(0, 4096)):
        received += chunk  # groups sent just before the driver died
    if _STOPPED in received:
        return
    for line in received.split(b"\n"):
        fields = line.split()
        if len(fields) != 2 or not all(field.isdigit() for field in fields):
            continue
        group, began = int(fields[0]), int(fields[1])
        leader = _started(group)
        if leader is not None and leader != began:  # the number names another process's group now: not Ray's
            continue  # (a group's number is free again once every member is gone; its leader usually died first)
        with suppress(OSError):  # a group already gone (the GCS and raylet die with the driver)
            os.killpg(group, signal.SIGKILL)


if __name__ == "__main__":
    _watch(int(sys.argv[1]))
