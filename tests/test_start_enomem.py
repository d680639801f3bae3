"""A command whose start the OS refuses memory for, in the import system's listing of a folder, ends in the one line
naming the memory limit, as a MemoryError there does.

Under ``ulimit -v`` near what the imports take, the import system's ``os.listdir`` of a library folder can fail
with ENOMEM ('OSError: [Errno 12] Cannot allocate memory: .../multiprocessing', caught in a clean-clone run of
tests/test_memory_start_b14.py, where the layout of the address space decides it): the command printed that
traceback. Here the refusal comes at a fixed place: a finder ahead of Python's raises the OS's ENOMEM error where
the command imports its parser, as the listing did.
"""
from __future__ import annotations

import errno
import subprocess
import sys
import textwrap

from nasloop.engine.memory_limit import out_of_memory

REFUSED = textwrap.dedent("""
    import errno, os, sys

    class NoMemory:
        '''The OS's answer to listing a folder without the memory for it, as the command imports its parser.'''
        def find_spec(self, name, path=None, target=None):
            if name == "nasloop.engine.cli_parser":
                raise OSError(errno.ENOMEM, os.strerror(errno.ENOMEM), "/usr/lib/python3/multiprocessing")
            return None

    sys.meta_path.insert(0, NoMemory())
    sys.argv = ["nasloop", "strategies"]
    from nasloop.engine.cli_entry import main
    sys.exit(main())
""")


def test_enomem_is_memory_and_other_os_errors_are_not():
    assert out_of_memory(OSError(errno.ENOMEM, "Cannot allocate memory", "/usr/lib/python3/multiprocessing"))
    assert not out_of_memory(OSError(errno.ENOENT, "No such file or directory", "/nowhere"))
    assert not out_of_memory(OSError(errno.EACCES, "Permission denied", "/root"))


def test_a_start_refused_memory_by_the_os_is_one_line():
    done = subprocess.run([sys.executable, "-c", REFUSED], capture_output=True, text=True, timeout=120)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr[-2000:]  # before: the OSError's traceback, exit 1
    assert lines[0].startswith("nasloop: error: not enough memory to start (") and \
        lines[0].endswith("; nothing was done"), lines[0]
