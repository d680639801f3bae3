"""``nasloop show`` and ``search --resume`` of a study's run: its stop reason's fixes said in the study's own terms.

A run's stored reason is a lone run's: a fix as ``--predictor-opt``, a flag of ``nasloop search`` that ``compare``
refuses for a search study, and a stopped run's "continue with 'nasloop search --resume DIR'", where the study goes
on by running its compare again, which resumes its unfinished runs (and counts them with the rest).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import DataError
from .run_folders import study_holding
from .run_held_out import with_held_out
from .search import summarize
from .store import RunStore
from .stored_reading import with_unread_note
from .study_file import load_study
from .study_grid import Study
from .stop_reasons import in_study_terms
from .study_methods import ADVICE, Method, MethodSource, as_method_advice
from .tested_shown import with_tested


def show_summary(run_dir: str) -> dict[str, Any]:
    """``nasloop show``'s summary of a run; for a run of a study, its stop reason's fix is written where the study's
    method is, and a stopped run is continued by the study's compare, which the folder it is in names."""
    with RunStore.in_run_dir(run_dir, readonly=True) as store:
        summary = with_held_out(with_unread_note(summarize(store), store, unchecked_by="show"), store)
    summary = with_tested(summary, run_dir)  # what 'nasloop test' measured of its best, where it was asked
    folder = study_holding(Path(run_dir))
    if summary["stop_reason"] and folder is not None:
        found = _method_of_run(folder, Path(run_dir))
        source: MethodSource | None = None
        if found is not None:
            method, study = found
            source = study.sources.get(method.label)
            summary["stop_reason"] = in_study_terms(summary["stop_reason"], folder)
        summary["stop_reason"] = as_method_advice(summary["stop_reason"], source)
    return summary


def resume_advice(text: str, run_dir: str) -> str:
    """``text`` (why a resumed run failed) with its ``--predictor-opt`` or ``--strategy-opt`` fix one the user of
    ``nasloop search --resume`` can follow: ``--resume`` refuses both (but a pretrained file's new place), and the
    run's own advice came back for the next resume to refuse. A study's run takes it in its method, in the
    study's compare command (as ``show`` advises); another run, in a new run."""
    if not any((m.group(2) or m.group(4)) != "pretrained" for m in ADVICE.finditer(text)):
        return text
    folder = study_holding(Path(run_dir))
    found = None if folder is None else _method_of_run(folder, Path(run_dir))
    if found is None:
        return f"{text}; --resume keeps the options the run began with, so give that fix to a new 'nasloop search'"
    method, study = found
    return (f"{as_method_advice(text, study.sources.get(method.label))}; --resume keeps the options the run began "
            f"with, so give that fix in the study's 'nasloop compare ... --out {folder}' command and run it again")


def _method_of_run(folder: Path, run_dir: Path) -> tuple[Method, Study] | None:
    """The method of the study in ``folder`` that ``run_dir`` is a run of, and that study; None where the study
    cannot be read (``compare`` and ``report`` say why) or has no such run (one set aside, which compare no longer
    continues: its own 'nasloop search --resume' stands)."""
    try:
        study = load_study(folder)
    except DataError:
        return None
    method = next((m for m, seed in study.runs() if study.run_dir(m, seed).resolve() == run_dir.resolve()), None)
    return None if method is None else (method, study)
