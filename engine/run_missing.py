"""What a folder given for one run holds instead of a run, said in one line with what to give.

A study of ``nasloop compare`` holds its runs three levels down (``STUDY/runs/METHOD/seed-N``), so
``nasloop search --resume STUDY`` and ``resume(STUDY)`` were answered 'no nasloop run ... check the run
directory', which names neither what the folder is nor how a study is continued.
"""
from __future__ import annotations

from pathlib import Path

from .errors import DataError, first_few
from .study_leftover import cleared_leftover

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


_MARKERS = {DB_NAME: "a run's store", STUDY_FILE: "a study's record",
            PREDICTOR_STUDY_FILE: "a predictor study's record"}
"""The files that make a folder a run or a study, and what each is: one given for its folder is named as that."""


def _studies_inside(folder: Path) -> list[str]:
    """Study folders just inside ``folder`` (a folder of 'nasloop compare' studies), by either study file."""
    return [str(p.parent) for p in sorted(folder.glob(f"*/{STUDY_FILE}")) + sorted(folder.glob(
        f"*/{PREDICTOR_STUDY_FILE}"))] if folder.is_dir() else []


def file_given(path: Path, wanted: str) -> DataError:
    """The refusal for a file given where a folder (``wanted``: 'a run folder') is read: it was called a folder
    missing the run's store ('no nasloop run at e.csv ... check the run directory')."""
    if path.name in _MARKERS:  # the store or a study's record itself was named
        return DataError(f"{path} is {_MARKERS[path.name]}; give its folder, {path.parent}")
    return DataError(f"{path} is a file; give {wanted}")


def missing_run(path: Path) -> DataError:
    """The refusal for a store ``path`` (``FOLDER/nasloop.sqlite``) that does not exist, naming what FOLDER is."""
    folder = path.parent
    if folder.is_file():
        return file_given(folder, "a run folder (a search's --run-dir)")
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
    studies = _studies_inside(folder)
    if studies:  # a folder of 'nasloop compare --out' folders
        return DataError(f"no nasloop run at {folder} (missing {DB_NAME}), but it holds studies: "
                         f"{first_few(studies, 3)}; report one with 'nasloop report STUDY', or name one of its runs")
    leftover = cleared_leftover(folder)  # a new study killed before its first record
    if leftover:
        return DataError(f"{leftover}: it held no run or study")
    return DataError(f"no nasloop run at {folder} (missing {DB_NAME}); "
                     "check the run directory, or start a new search with --run-dir")
