"""Whether a command's start fits under the memory limit (``ulimit -v``), found out in a child process first.

Under a limit too low for the imports, a command did not always end in the MemoryError the entry point turns into
one line. numpy's OpenBLAS, loading, ended the process itself: exit 1 in 'OpenBLAS error: Memory allocation still
failed after 10 retries, giving up' where its 32 MiB buffer did not fit, or its own SIGINT where a thread it starts
per core did not ('interrupted while starting', exit 130, of a command no one interrupted), a segmentation fault or a
SystemError. And a MemoryError inside Python's import system can leave one of its module locks held: the next
import of that module waits on it for ever (``nasloop show`` hung about once in ten at ``ulimit -v 300000`` with 8
cores). None of these can be caught in the process they happen in.

So under a limit the command's imports are made first in a child, under the same limit less a margin for what this
process holds beyond a bare interpreter's; where the child cannot make them (or hangs), the command says the one
line naming the limit instead of starting what would end or hang it. Unless the user chose a thread count, OpenBLAS
runs one thread there (each reserves about 41 MB of address space the limit counts though it is never touched;
nasloop's numpy work is small matrices, and torch keeps its own threads), and the children the command starts
inherit it.
"""
from __future__ import annotations

import errno
import os
import resource
import subprocess
import sys
from pathlib import Path

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")
"""What OpenBLAS reads its thread count from, in its order: a user's own choice in any of them is kept."""
MARGIN = 16 * 1024 * 1024
"""Address space this process may hold at its imports beyond what the child holds at the same point (the child's
command line and this module: well under 2 MB), with room to spare; a limit within it of the least the imports
need is called too low, as the command's own work would not fit there either."""
PROBE = "import sys\nsys.path[:] = sys.argv[2:]\nimport resource\n" \
        "resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), {hard}))\nimport nasloop.engine.cli"
"""The child's code: this process's module path (so it imports what this process would: its nasloop, not another
beside the package's folder, and nothing from the current folder, which ``python -c`` puts first: a resource.py or
numpy.py there ran in every command under a limit), the limit, the command's imports."""
STALLED_SECONDS = 10
"""How long the child may sleep on a lock without using the CPU before it is taken for one hung in a module lock a
MemoryError left held: imports run or wait on a disk (Linux's R and D states), or sleep on a read of a FUSE or other
network file system (its S: a cold CVMFS or sshfs fetch of numpy's libraries, taken for a hang, refused the command
as 'not enough memory'), never on a lock for long."""
PROBE_SECONDS = 300
"""How long the child's imports may take where its state cannot be read (no /proc): half a second on a quiet machine,
seconds on a busy one or a cold disk."""
SIGNS = ("OpenBLAS", "MemoryError", "failed to map segment", "bad_alloc", "Cannot allocate memory")
"""What a child that ran out of memory at its imports says; any other failure is left to the command's own import,
which says it as it always has."""


def start_fits() -> bool:
    """Whether the command's imports fit under this process's memory limit; True where none is set."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return True
    if not any(os.environ.get(name) for name in THREAD_VARIABLES):
        os.environ["OPENBLAS_NUM_THREADS"] = "1"
    return _imports_fit(dict(os.environ)) is not False


def fewer_threads_fit() -> str:
    """Where the start did not fit: the fix the user's own OpenBLAS thread count leaves, where one thread fits
    (``export OMP_NUM_THREADS=$SLURM_CPUS_PER_TASK`` on a 32-core node reserved 1.3 GB more, and the line said only
    to raise the limit); '' where there is none or one thread does not fit either."""
    chosen = next((name for name in THREAD_VARIABLES if os.environ.get(name)), None)
    if chosen is None or resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY:
        return ""  # OpenBLAS's one thread was this process's choice, or no limit stopped it (memory did)
    count = os.environ[chosen].strip()
    if not count.isdigit() or int(count) <= 1 or _imports_fit({**os.environ, "OPENBLAS_NUM_THREADS": "1"}) is not True:
        return ""
    return (f"; or run it with OPENBLAS_NUM_THREADS=1, with which it fits ({chosen}={count} gives numpy's OpenBLAS up "
            f"to {count} threads, each reserving about 41 MB the limit counts)")


def _imports_fit(env: dict[str, str]) -> bool | None:
    """Whether a child with ``env`` makes the command's imports under this process's limit less :data:`MARGIN`;
    None where no child could be started for a reason other than memory (a process limit, ``ulimit -u``, or one of
    open files, ``ulimit -n``, reached): that says nothing of the imports, and the command was refused as 'not enough
    memory to start' under a limit of gigabytes. It then makes them itself, as it does without a limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    try:
        ended = finished([sys.executable, "-c", PROBE.format(hard=hard), str(max(soft - MARGIN, 0)), *sys.path], env)
    except MemoryError:  # not even the child could start
        return False
    except OSError as exc:
        return False if exc.errno == errno.ENOMEM else None
    return ended is not None and (ended[0] == 0 or ended[0] > 0 and not any(sign in ended[1] for sign in SIGNS))


def finished(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, str] | None:
    """The exit status and standard error of the process ``argv`` starts (with ``env``, else this process's
    environment), once it ends; None where it hung (asleep
    without using the CPU for :data:`STALLED_SECONDS`, or running past :data:`PROBE_SECONDS`), killed then."""
    with subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, errors="replace", env=env) as child:
        last, still = None, 0
        for _ in range(PROBE_SECONDS):
            try:
                _, err = child.communicate(timeout=1)
                return child.returncode, err
            except subprocess.TimeoutExpired:
                now = _asleep_at(child.pid)
                still = still + 1 if now is not None and now == last else 0
                last = now
                if still >= STALLED_SECONDS:
                    break
        child.kill()
        child.communicate()
    return None


def _asleep_at(pid: int) -> int | None:
    """The CPU time (clock ticks) process ``pid`` has used, where it sleeps on a lock (a futex; where the kernel
    hides what it waits on, ``0``, any sleep); None where it runs, waits on a disk or a read, or its state cannot be
    read."""
    try:  # the fields after the command's name: state, ppid, ... utime (12th), stime (13th)
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace").rsplit(")", 1)[1].split()
    except OSError:
        return None
    try:
        waits_on = Path(f"/proc/{pid}/wchan").read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        waits_on = "0"
    on_a_lock = "futex" in waits_on or waits_on in ("", "0")
    return int(fields[11]) + int(fields[12]) if fields[0] == "S" and on_a_lock else None
