"""The ``nasloop`` command's entry point (setup.cfg's console script, and ``python -m nasloop.engine.cli``):
:func:`nasloop.engine.cli.main`, reached through a guarded import.

Importing the CLI loads numpy, the registries and every command's module: half a second on a quiet machine,
seconds on a busy one or a cold disk. A Ctrl-C in that window came before ``cli.main`` could catch anything, and
printed a traceback of whichever module was loading (numpy's docstrings, say) instead of the one line every other
interrupted command prints. Nothing has been read or written by then, so the line says so.
"""
from __future__ import annotations

import sys


def main() -> int:
    """Import the CLI and run it; an interrupt during the import is one line and exit status 130."""
    try:
        from .cli import main as cli_main
    except KeyboardInterrupt:
        print("nasloop: interrupted while starting; nothing was done: run the command again", file=sys.stderr)
        return 130
    return cli_main()
