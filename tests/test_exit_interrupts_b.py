"""Ctrl-C pressed again after a command stopped by one has printed its one line.

Before: only Python's exit was left, and the later Ctrl-C landed in one of its exit handlers (multiprocessing
joining its children, a weakref finalizer), which printed its traceback after the command's line ('Exception
ignored in atexit callback', seen on 'nasloop proxies --out' and 'compare --jobs 2' with Ctrl-C held down).
Now a later Ctrl-C ends the process at once. The first Ctrl-C is a plugin file that raises KeyboardInterrupt as
it loads; the later one is sent by an exit handler that runs before the others."""
from __future__ import annotations

import subprocess
import sys

from .real_ctrl_c import sigint_as_a_terminal_gives_it

PROGRAM = """
import atexit, os, signal, sys
from nasloop.engine import cli

def ctrl_c_again():
    os.kill(os.getpid(), signal.SIGINT)
    sum(range(1000))  # Python runs the signal's handler here

sys.argv = ["nasloop", "--plugin", sys.argv[1], "spaces"]
status = cli.main()
atexit.register(ctrl_c_again)
sys.exit(status)
"""


def test_a_ctrl_c_after_the_interrupted_command_has_said_so_prints_no_traceback(tmp_path):
    plugin = tmp_path / "ctrl_c.py"
    plugin.write_text("raise KeyboardInterrupt\n")
    done = subprocess.run([sys.executable, "-c", PROGRAM, str(plugin)], capture_output=True, text=True, timeout=120,
                          preexec_fn=sigint_as_a_terminal_gives_it)
    assert done.stderr.strip().splitlines() == ["nasloop spaces: interrupted"], done.stderr
    assert done.returncode == 130
