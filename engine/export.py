"""Writing a run's trials to CSV or JSON (``nasloop export``), and standard JSON for every output."""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any, Callable

from .errors import DataError
from .file_limits import largest_file_text, past_largest_file
from .held_imports import imported
from .hooks import check_hooks
from .pareto_summary import checked_objectives, front
from .replaced_files import replaced
from .store import RunStore
from .store_open import opened
from .stored_reading import unchecked_note, unread_note
from .user_files import not_a_file


def export_trials(store: RunStore | str | Path, path: str | Path, include_duplicates: bool = False,
                  pareto_only: bool = False, on_note: Callable[[str], None] | None = None) -> Path:
    """Write trials as CSV or JSON (by suffix): one row per trial, metrics as columns.

    ``pareto_only`` keeps the evaluations on the Pareto front of the run's objectives.

    The file is written beside its destination and renamed into place, so a full disk or a
    killed export never leaves half a file under the requested name. JSON holds no NaN
    (standard JSON has none): a missing value is null. ``store`` may be a run folder, read-only; a closed
    RunStore is one line naming the fix (it failed in sqlite3's words, 'Cannot operate on a closed database').
    Architectures are written as stored; ``on_note`` hears of those the run's space does not read now, as ``show``
    says (:mod:`.stored_reading`).
    """
    check_hooks("export_trials", on_note=on_note)
    path = Path(path)
    if path.is_dir():  # a folder given as the destination ('export runs/demo out/') was named by its last part only
        suffix = path.suffix.lower() if path.suffix.lower() in (".json", ".csv") else ".csv"
        raise DataError(f"cannot export to {path}: it is a folder; give a file name in it, e.g. "
                        f"{path / ('evals' + suffix)}")
    if path.suffix.lower() not in (".json", ".csv"):
        raise DataError(f"cannot export to {path}: use a .csv or .json file name")
    if not_a_file(path):  # the command line refuses it as it parses; a script reaches here
        raise DataError(f"cannot export to {path}: it is a pipe, device or socket, not a file; give a file name")
    blocking = next((folder for folder in path.parents if folder.exists() and not folder.is_dir()), None)
    if blocking is not None:  # 'folder afile does not exist; create it first' sent the user to make one beside it
        raise DataError(f"cannot export to {path}: {blocking} is a file, not a folder; give a file name in a folder")
    if not path.parent.is_dir():
        raise DataError(f"cannot export to {path}: folder {path.parent} does not exist; create it first")
    with opened(store, "export_trials", f", {str(path)!r}") as run:
        trials = run.trials() if include_duplicates else run.evaluations()
        objectives = checked_objectives(run, trials)
        if pareto_only:
            if len(objectives) < 2:
                raise DataError(f"{run.path.parent} optimised one objective ({objectives[0]}); --pareto needs a run "
                                "searched with two or more --objectives")
            trials = front(run.evaluations(), objectives)[0]
        flags = f" {path}" + " --all" * include_duplicates + " --pareto" * pareto_only
        note = (unread_note(run) or unchecked_note(run, "export", flags)) if on_note is not None else ""
    records = [t.as_record() for t in trials]
    try:  # a Ctrl-C, too, leaves neither half a file under the name nor one beside it
        with replaced(path) as partial, open(partial, "w", newline="") as fh:
            if path.suffix.lower() == ".json":
                json.dump(finite_or_none(records), fh, indent=1, allow_nan=False)
            else:
                _write_csv(fh, records)
    except OSError as exc:
        if past_largest_file(exc):  # free space does not help there
            raise DataError(largest_file_text(f"the export {path}")) from None
        raise DataError(f"cannot write {path}: {exc.strerror or exc}; choose a writable place with free "
                        "space") from None
    if note and on_note is not None:
        on_note(note)
    return path


TRIAL_COLUMNS = ("id", "step", "arch", "fidelity", "state", "duplicate_of", "status", "score", "cost",
                 "cost_estimated", "reason", "asked_at", "finished_at")


def _write_csv(fh: Any, records: list[dict[str, Any]]) -> None:
    """One column per trial field, then one per metric; a metric named like a field (an evaluator's ``score``) is
    ``metrics.NAME``, as in the JSON export: it took the field's value and gave the header two columns of one name.
    So is one whose name begins ``metrics.``, so that no two columns share a name: metrics ``arch`` and
    ``metrics.arch`` were both written ``metrics.arch``, and the first one's values lost."""
    metric_names = sorted({m for r in records for m in r.get("metrics", {})})
    column = {m: f"metrics.{m}" if m in TRIAL_COLUMNS or m.startswith("metrics.") else m for m in metric_names}
    writer = csv.DictWriter(fh, fieldnames=[*TRIAL_COLUMNS, *column.values()])
    writer.writeheader()
    for r in records:
        writer.writerow({**{k: v for k, v in r.items() if k != "metrics"},
                         **{column[m]: v for m, v in r.get("metrics", {}).items()}})


def finite_or_none(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by None, so it is standard JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(v) for v in value]
    return value


def print_table(table: Any) -> None:
    """A rich table on stdout; in a pipe or a file at its natural width, since rich would cut it to 80 columns.

    Without rich's markup: the cells hold what users wrote (run folders, options such as ``proxies=[synflow]``,
    architectures, failure reasons), whose brackets rich read as style tags, dropping ``[synflow]`` and failing
    on a ``[/x]`` it found unopened."""
    Console = imported("rich.console").Console

    console = readable_console()
    if not console.is_terminal:
        natural = Console(width=10_000, markup=False).measure(table).maximum
        console = Console(width=max(80, natural), markup=False)
    console.print(table)


NARROWEST = 60
"""Columns a table is printed in at the least: at ``COLUMNS=20`` rich gave the key column all of them and printed
the values as empty cells; wider than the terminal, its lines wrap, but nothing is lost."""


def readable_console() -> Any:
    """A rich console without markup (see :func:`print_table`), at least :data:`NARROWEST` columns wide."""
    Console = imported("rich.console").Console

    console = Console(markup=False)
    return console if console.width >= NARROWEST else Console(markup=False, width=NARROWEST)


def print_json(value: Any) -> None:
    """Standard JSON on stdout: a NaN or infinite number (an undefined score) is null."""
    print(json.dumps(finite_or_none(value), allow_nan=False))
