"""What a folder given for one run holds instead of a run, said in one line with what to give.

A study of ``nasloop compare`` holds its runs three levels down (``STUDY/runs/METHOD/seed-N``), so
``nasloop search --resume STUDY`` and ``resume(STUDY)`` were answered 'no nasloop run ... check the run
directory', which names neither what the folder is nor how a study is continued.
"""
from __future__ import annotations

from pathlib import Path

from .errors import DataError, first_few

DB_NAME = "nasloop.sqlite"
"""A run's store, in its run folder."""
STUDY_FILE = "study.json"
"""What marks a folder as a search study of ``nasloop compare``."""
PREDICTOR_STUDY_FILE = "predictor_study.json"
"""What marks a folder as a predictor study of ``nasloop compare --predictors``."""


def _runs_inside(folder: Path, depths: tuple[str, ...] = ("*", "*/*")) -> list[str]:
    """Run folders at ``depths`` inside ``folder``: the fix to name when a folder of runs is given for one."""
    if not folder.is_dir():
        return []
    return [str(run) for run in sorted(p.parent for depth in depths for p in folder.glob(f"{depth}/{DB_NAME}"))]


def missing_run(path: Path) -> DataError:
    """The refusal for a store ``path`` (``FOLDER/nasloop.sqlite``) that does not exist, naming what FOLDER is."""
    folder = path.parent
    if folder.name == DB_NAME and folder.is_file():  # the store itself was named
        return DataError(f"{folder} is a run's store; give its folder, {folder.parent}")
    if (folder / STUDY_FILE).is_file():
        runs = _runs_inside(folder / "runs", ("*/*",))
        named = f"name one of its runs: {first_few(runs, 3)}" if runs else f"its runs go under {folder / 'runs'}"
        return DataError(f"{folder} is a study written by 'nasloop compare', not one run; continue it by running the "
                         f"same 'nasloop compare ... --out {folder}' command again, or {named}")
    if (folder / PREDICTOR_STUDY_FILE).is_file():
        return DataError(f"{folder} is a predictor study written by 'nasloop compare --predictors', not a run; "
                         f"continue it by running the same 'nasloop compare --predictors ... --out {folder}' command "
                         f"again, or read it with 'nasloop report {folder}'")
    inside = _runs_inside(folder)
    if inside:  # a folder of runs, or a study's method folder (its runs are in seed-N)
        return DataError(f"no nasloop run at {folder} (missing {DB_NAME}), but it holds runs: "
                         f"{first_few(inside, 3)}; name one of them")
    return DataError(f"no nasloop run at {folder} (missing {DB_NAME}); "
                     "check the run directory, or start a new search with --run-dir")
