"""Which data a run's trainings read, recorded in its run folder so that a resumed run reads the same.

A run under ``cifar_source=auto`` trains on the shipped subset until a full CIFAR-10 appears in a data folder; a run
resumed after that trained its later trials (and the rest of an interrupted one, from its checkpoint) on the full
dataset, and its results mixed two datasets without a word. The record names the data, not its folder, so a run
whose data moved (``--resume DIR --data-dir NEW``) goes on.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import ConfigError

RECORD = Path("training-data.txt")


def check_same_data(run_dir: str | os.PathLike | None, identity: str, where: str) -> None:
    """Refuse, in one line, a run folder whose trainings read other data than ``identity`` (read from ``where``)."""
    if not run_dir:
        return
    try:
        recorded = (Path(run_dir) / RECORD).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {Path(run_dir) / RECORD} ({type(exc).__name__}); restore or delete "
                          "it") from None
    if recorded and recorded != identity:
        raise ConfigError(f"run {run_dir} trained on the {recorded}, and would now train on the {where}; put the "
                          f"data back as it was (move the other copy out of the data folders) to continue it, "
                          f"or start a new run")


def record_data(run_dir: str | os.PathLike | None, identity: str) -> None:
    """Write ``identity`` into the run folder once (atomically: workers may warm up at the same moment)."""
    if not run_dir or not Path(run_dir).is_dir():
        return
    path = Path(run_dir) / RECORD
    if path.is_file():
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(identity + "\n", encoding="utf-8")
    os.replace(tmp, path)
