"""Under a memory limit the command's imports are made first in a child (engine/start_fits.py): that child ran
``python -c``, which puts the current folder first on the module path, so a ``resource.py`` (or ``numpy.py``) in the
folder a user ran ``nasloop`` in was run by every command under ``ulimit -v``, where the command itself never
imports from there. The child now imports from this process's own module path. And a child asleep on a read (a FUSE
or network file system's, as a cold CVMFS or sshfs fetch of numpy's libraries sleeps) for longer than the stall
window was taken for one hung on a module lock, and the command refused as 'not enough memory to start'.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from nasloop.engine.start_fits import THREAD_VARIABLES

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS as Linux counts it")
LIMIT = 16 * 1024 ** 3
"""Far above what the imports need: the child runs them, the command starts."""


def test_a_module_in_the_current_folder_is_not_run_under_a_memory_limit(tmp_path: Path):
    here, scripts = tmp_path / "work", tmp_path / "bin"
    here.mkdir()
    scripts.mkdir()
    marker = tmp_path / "ran"
    (here / "resource.py").write_text(f"open({str(marker)!r}, 'w').write('the current folder ran')\n")
    script = scripts / "nasloop"  # as the console script starts the command: its own folder first, not the cwd
    script.write_text("import sys\nfrom nasloop.engine.cli_entry import main\nsys.exit(main())\n")

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT, resource.RLIM_INFINITY))

    done = subprocess.run([sys.executable, str(script), "--version"], cwd=here, capture_output=True, text=True,
                          preexec_fn=limited, timeout=300)
    assert done.returncode == 0 and done.stdout.startswith("nasloop "), done.stderr[-2000:]
    assert not marker.exists()


def _kernel_tells_what_a_process_waits_on() -> bool:
    """Whether /proc/PID/wchan names a sleeping process's wait (some kernels give ``0`` for every process; there
    any sleep counts as a lock's, as before)."""
    with subprocess.Popen([sys.executable, "-c", "import time\ntime.sleep(30)"]) as child:
        try:
            for _ in range(100):  # running, or starting, it reads 0 too
                if (Path(f"/proc/{child.pid}/wchan").read_text().strip() or "0") != "0":
                    return True
                time.sleep(0.1)
        except OSError:  # no /proc
            pass
        finally:
            child.kill()
    return False


def test_a_child_asleep_on_a_slow_read_is_not_taken_for_hung(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A real read that nothing answers for longer than the stall window (a FIFO written once the window is past),
    as a file system's slow fetch is: the child finishes, where it was killed as hung. The window is the module's
    setting, read as each child is watched: 2 s here, not 10, and the read outlasts it by as much as before."""
    if not _kernel_tells_what_a_process_waits_on():
        pytest.skip("this kernel hides what a process waits on")
    from nasloop.engine import start_fits

    monkeypatch.setattr(start_fits, "STALLED_SECONDS", 2)
    fifo = tmp_path / "slow"
    os.mkfifo(fifo)

    def answer_late() -> None:
        try:
            with open(fifo, "w") as out:  # waits for the child's open, as a reader waits for a file system
                time.sleep(start_fits.STALLED_SECONDS + 4)
                out.write("fetched")
        except BrokenPipeError:  # the child was killed as hung: the assertion below says so
            pass

    writer = threading.Thread(target=answer_late)
    writer.start()
    try:
        ended = start_fits.finished([sys.executable, "-c", f"import sys\nsys.exit(open({str(fifo)!r}).read())"])
    finally:
        writer.join()
    assert ended == (1, "fetched\n")


MIB = 1024 * 1024
PEAK = "import nasloop.engine.cli\nprint(next(int(line.split()[1]) * 1024 for line in open('/proc/self/status') " \
       "if line.startswith('VmPeak')))"


def _env(**threads: str) -> dict[str, str]:
    """This environment with ``threads`` as the only BLAS thread setting."""
    return {**{k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}, **threads}


def _imports_peak(**threads: str) -> int:
    """The address space the command's imports reach in a child with ``threads``, in bytes."""
    done = subprocess.run([sys.executable, "-c", PEAK], capture_output=True, text=True, env=_env(**threads),
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="OpenBLAS starts one thread per core: one core, one")
def test_a_start_refused_for_the_user_s_thread_count_names_the_one_that_fits(tmp_path: Path):
    """``OMP_NUM_THREADS`` set for torch (a job script's ``$SLURM_CPUS_PER_TASK``) gives numpy's OpenBLAS as many
    threads, about 41 MB each under the limit: a start refused for them said only to raise the limit."""
    one, two = _imports_peak(OPENBLAS_NUM_THREADS="1"), _imports_peak(OMP_NUM_THREADS="2")
    if two - one < 16 * MIB:
        pytest.skip("this numpy's OpenBLAS reserves little per thread")
    limit = one + 16 * MIB + 4 * MIB  # the start's margin, and room: one thread fits, two do not
    script = tmp_path / "nasloop"
    script.write_text("import sys\nfrom nasloop.engine.cli_entry import main\nsys.exit(main())\n")

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.RLIM_INFINITY))

    refused = subprocess.run([sys.executable, str(script), "--version"], capture_output=True, text=True,
                             preexec_fn=limited, env=_env(OMP_NUM_THREADS="2"), timeout=300)
    lines = refused.stderr.strip().splitlines()
    assert refused.returncode == 2 and len(lines) == 1, refused.stderr[-2000:]
    assert "not enough memory to start" in lines[0] and "raise the limit" in lines[0], lines
    assert "or run it with OPENBLAS_NUM_THREADS=1, with which it fits (OMP_NUM_THREADS=2 gives" in lines[0], lines
    started = subprocess.run([sys.executable, str(script), "--version"], capture_output=True, text=True,
                             preexec_fn=limited, env=_env(OMP_NUM_THREADS="2", OPENBLAS_NUM_THREADS="1"), timeout=300)
    assert started.returncode == 0 and started.stdout.startswith("nasloop "), started.stderr[-2000:]  # as it says
