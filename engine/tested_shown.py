"""What ``nasloop test RUN`` measured, as ``nasloop show RUN`` tells it: the run's ``tested.json``, read as the
untrusted file it is.

``nasloop test`` writes the test accuracy of a training search's best architectures beside the run
(:mod:`.best_tested`), and ``show`` said nothing of it: a run searched with ``test=false`` showed no test figure,
the one the user had measured included. A file that is no ``nasloop test`` record (damaged, cut short, another
program's, a folder or a pipe in its place) is one note: the run's own summary is shown as ever.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from .best_tested import TESTED_FILE
from .errors import one_line
from .user_files import folder_file_text

MOST_BYTES = 1 << 22
"""A larger tested.json is no record of a K-best (a few hundred bytes an architecture): not read whole."""
FIELDS = ("trial", "arch", "epochs", "objective", "searched", "val_accuracy", "test_accuracy", "from_checkpoint")
"""What a record shows; anything else a file holds is left out of show's summary."""


def with_tested(summary: dict[str, Any], run_dir: str | Path) -> dict[str, Any]:
    """``summary`` with ``tested`` (the records of the run's tested.json, as written) where the file is there,
    or ``tested_note`` (one line: what is wrong with it, and the fix) where it cannot be read as one."""
    path = Path(run_dir) / TESTED_FILE
    if not path.exists() and not path.is_symlink():
        return summary
    try:
        return {**summary, "tested": _records(path)}
    except (OSError, ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        return {**summary, "tested_note": f"{path} is not readable as nasloop test's results ({one_line(exc, 160)}); "
                                          "delete it and run 'nasloop test' again to measure them"}


def _records(path: Path) -> list[dict[str, Any]]:
    if path.is_file() and path.stat().st_size > MOST_BYTES:
        raise ValueError(f"it holds {path.stat().st_size:,} bytes, more than a test of a run's best writes")
    record = json.loads(folder_file_text(path))
    tested = record.get("tested") if isinstance(record, dict) else None
    if not isinstance(tested, list):
        raise ValueError("it holds no 'tested' list")
    return [_record(item) for item in tested]


def _record(item: Any) -> dict[str, Any]:
    """One record's fields, each checked to be what ``nasloop test`` writes."""
    if not isinstance(item, dict):
        raise ValueError(f"a record is {one_line(repr(item), 60)}, not a mapping")
    kept = {name: item.get(name) for name in FIELDS}
    whole = {name: kept[name] for name in ("trial", "epochs")}
    texts = {name: kept[name] for name in ("arch", "objective")}
    numbers = {name: kept[name] for name in ("searched", "val_accuracy", "test_accuracy")}
    bad = next((f"{name} {value!r}" for name, value in whole.items() if not _whole(value)), None) or next(
        (f"{name} {one_line(repr(value), 60)}" for name, value in texts.items() if not isinstance(value, str)),
        None) or next((f"{name} {one_line(repr(value), 60)}" for name, value in numbers.items()
                       if value is not None and not _number(value)), None)
    if bad is None and not isinstance(kept["from_checkpoint"], bool):
        bad = f"from_checkpoint {one_line(repr(kept['from_checkpoint']), 60)}"
    if bad is not None:
        raise ValueError(f"a record's {bad} is not what nasloop test writes")
    return kept


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _number(value: Any) -> bool:
    """A number nasloop test writes: finite or NaN; an integer a float holds (an edited 10**400 stopped show in an
    unexpected OverflowError)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return not math.isinf(value)
    except OverflowError:
        return False


def tested_rows(summary: dict[str, Any], most: int = 10) -> list[tuple[str, str]]:
    """show's rows for the run's tested architectures (at most ``most``; the rest counted), or its note."""
    from .value_texts import metric_text

    if "tested_note" in summary:
        return [("note", summary["tested_note"])]
    tested = summary.get("tested")
    if not tested:
        return []
    rows = [(f"tested ({TESTED_FILE})", f"{len(tested)} architecture{'s' * (len(tested) != 1)} measured by "
                                        "'nasloop test'")]
    rows += [(f"  trial {r['trial']}", f"{r['arch']}  test_accuracy {metric_text(r['test_accuracy'])}  val_accuracy "
              f"{metric_text(r['val_accuracy'])}  ({r['epochs']} epoch{'s' * (r['epochs'] != 1)}, "
              f"{'checkpoint' if r['from_checkpoint'] else 'trained again'})") for r in tested[:most]]
    if len(tested) > most:
        rows.append(("", f"and {len(tested) - most} more (nasloop show --json lists them)"))
    return rows
