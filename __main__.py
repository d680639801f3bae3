"""``python -m nasloop``: the ``nasloop`` command, for an environment whose scripts folder is not on PATH (a
``pip install --user``, a venv that was not activated), run through the console script's guarded entry point.

Guarded by ``__name__``: a process pool started with ``spawn`` imports the parent's main module again in each worker
(as ``__mp_main__``), and a bare call would run the command once more in every worker.
"""
import sys

from nasloop.engine.cli_entry import main

if __name__ == "__main__":
    sys.exit(main())
