"""Argument types shared by the ``nasloop`` command's parsers (``cli_parser`` and ``cli_study``)."""
from __future__ import annotations

import argparse
from pathlib import Path


def path_text(text: str) -> str:
    """A path flag's value, refused when empty: ``--out ''`` (an unset shell variable, most often) wrote into the
    current folder, ``--run-dir ''`` and ``--data-dir ''`` fell back to their defaults without a word."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is an empty path; give a file or folder name (an unset shell "
                                         "variable?)")
    return text


def path_arg(text: str) -> Path:
    """:func:`path_text` as a ``Path``."""
    return Path(path_text(text))
