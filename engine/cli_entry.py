"""The ``nasloop`` command's entry point (setup.cfg's console script, and ``python -m nasloop.engine.cli``):
:func:`nasloop.engine.cli.main`, reached through a guarded import.

Importing the CLI loads numpy, the registries and every command's module: half a second on a quiet machine,
seconds on a busy one or a cold disk. A Ctrl-C in that window came before ``cli.main`` could catch anything, and
printed a traceback of whichever module was loading (numpy's docstrings, say) instead of the one line every other
interrupted command prints. Nothing has been read or written by then, so the line says so.

A current folder deleted under the shell (``cd d; rmdir ../d``) is refused first: torch's import then ended the
process in Intel oneMKL's 'FATAL ERROR: Cannot load libtorch_cpu.so' (exit 2, nothing else said), and a search
said 'cannot access: No such file or directory: mend that first', naming nothing. A memory limit too low for the
imports (``ulimit -v 300000``) printed a MemoryError's traceback; it is one line naming the limit, and so is a
limit too low for what ends or hangs the imports instead of failing in them (engine/start_fits.py).
"""
from __future__ import annotations

import os
import sys

from .closed_stdout import refuse_writes_to_a_closed_stdout
from .memory_limit import memory_text, out_of_memory


def main() -> int:
    """Import the CLI and run it; an interrupt during the import is one line and exit status 130."""
    try:
        os.getcwd()
    except FileNotFoundError:
        print("nasloop: error: the current folder no longer exists (deleted or moved away while this shell was in "
              "it); cd to a folder that exists and run the command again", file=sys.stderr)
        return 2
    refuse_writes_to_a_closed_stdout()  # 'nasloop show RUN >&-' showed nothing and exited 0
    try:
        from .start_fits import start_fits
        fits = start_fits()  # under 'ulimit -v', what would end or hang the imports found in a child first
        if fits:
            from .cli import main as cli_main
    except KeyboardInterrupt:
        print("nasloop: interrupted while starting; nothing was done: run the command again", file=sys.stderr)
        return 130
    except (MemoryError, ImportError, OSError) as exc:  # 'ulimit -v 300000': a traceback of the module loading
        if not out_of_memory(exc):
            raise
        fits = False
    if not fits:
        from .start_fits import fewer_threads_fit
        print(f"nasloop: error: {memory_text('to start')}{fewer_threads_fit()}, and run the command again; nothing "
              "was done", file=sys.stderr)
        return 2
    return cli_main()
