"""The data folder, output paths and exit path every benchmark script shares (imported as a sibling module).

A benchmark may run for an hour: an output file in a folder that does not exist is refused the way argparse
refuses a misspelt flag, naming the flag, before any work is done (as counts and lists are, by the ``nasloop``
command's own argument types in :mod:`nasloop.engine.cli_types`), and nasloop's own refusals (a missing data
file, an unknown task) end a script in the one line the ``nasloop`` command prints, not under a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Callable, NoReturn

from nasloop.engine.cli_types import path_text
from nasloop.engine.errors import NasloopError

REPO = Path(__file__).resolve().parents[1]


def default_data_dir() -> str | None:
    """Where the benchmark tables are without ``--data-dir``: $NASLOOP_DATA, else ``shared/data`` beside the
    repository (the development machine's layout) where that folder exists, else None: nasloop then looks
    where the ``nasloop`` command looks (its user cache folder, where ``nasloop data import`` writes)."""
    shared = REPO.parent / "shared" / "data"
    return os.environ.get("NASLOOP_DATA") or (str(shared) if shared.is_dir() else None)


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    """The ``--data-dir`` flag, read as the ``nasloop`` command reads it."""
    parser.add_argument("--data-dir", type=path_text, default=default_data_dir(),
                        help="folder with the benchmark data (default: $NASLOOP_DATA, else ../shared/data)")


def output_file(text: str) -> Path:
    """An argparse type: a file the script can write once it is done, checked before it starts."""
    path = Path(path_text(text))
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder; give a file name")
    folder = path.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"cannot write {text}: {folder} is not a folder this user can write in")
    return path


def output_folder(text: str) -> Path:
    """An argparse type: a folder the script writes into, made now if missing ('' is refused: an unset shell
    variable would have written into the current folder)."""
    path = Path(path_text(text))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot make the folder {text}: {exc.strerror}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"cannot write in the folder {text}")
    return path


def run_main(main: Callable[[], int | None]) -> NoReturn:
    """Run a script's ``main`` and exit with its code; a refusal by nasloop is one line and exit status 2."""
    try:
        code = main()
    except NasloopError as exc:
        print(f"{Path(sys.argv[0]).name}: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:  # a traceback from inside the wait named nothing the user could do
        print(f"{Path(sys.argv[0]).name}: interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(code or 0)
