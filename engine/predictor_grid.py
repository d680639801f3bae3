"""What a predictor study's grid file (``predictor_study.json``) holds beside the command's grid, and its checks.

A grid of ``fidelity: null`` ranks the table's highest fidelity for the task. Its records were checked against the
fidelity of the first record naming one, so a records file made of another fidelity's rows (merged in from a
``--fidelity 12`` study) was counted as the study's fits. The study now records what it ranks, as
``ranked_fidelity``, beside the grid (not in it: the next command's grid, fidelity null, is the same study), and a
report reads it there, as no report is given a data folder.
"""
from __future__ import annotations

from typing import Any

from .config import construct
from .errors import ConfigError, NasloopError
from .options import check_value
from .registry import BENCHMARKS, SEARCH_SPACES

RANKED = "ranked_fidelity"


def ranked_fidelity(grid: dict[str, Any], stored: dict[str, Any] | None, data_dir: str | None) -> dict[str, Any]:
    """``{RANKED: F}``: the fidelity a study of ``grid`` naming none ranks; ``stored``'s (the study's grid file,
    when it continues one) where it recorded it, else the table's highest for the task, as
    :meth:`.Benchmark.check` resolves a fidelity of None (None for a table of final results). Empty where the grid
    names its fidelity, or the table is not at hand: the fits, which need it, then say why in their own words."""
    if grid.get("fidelity") is not None:
        return {}
    if stored is not None and RANKED in stored:
        return {RANKED: stored[RANKED]}
    space = grid["space"]
    name = SEARCH_SPACES.get(space).benchmark if space in SEARCH_SPACES.names_at_hand() else None
    benchmark = BENCHMARKS.get(name) if name is not None else None
    task = benchmark.find_task(grid["dataset"]) if benchmark is not None else None
    if task is None:
        return {}
    try:
        return {RANKED: construct("benchmark", name, benchmark, data_dir=data_dir).check(task.name)}
    except NasloopError:
        return {}


def check_recorded(grid: dict[str, Any]) -> None:
    """A ValueError naming the first value of the grid file that no study records, in the words ``load_study``
    refuses ``study.json``'s: options of NaN were read as a grid of other options than the next command's (or
    reached a report unseen), pretrained files of NaN failed in Python's words, and a ranked fidelity of NaN refused
    every record as not of it."""
    for key in ("space_options", "predictor_options"):
        try:
            check_value(key, grid.get(key, {}), dict[str, Any])
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
    files = grid.get("pretrained_files")
    if files is not None and not isinstance(files, dict):
        raise ValueError(f"its pretrained files are {files!r}, not a mapping")
    value = grid.get(RANKED)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(f"its {RANKED} is {value!r}, not a whole number of epochs or null")
