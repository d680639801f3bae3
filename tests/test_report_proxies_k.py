"""``nasloop report``'s note lines under the command's name; and a report interrupted between two figures, which left
new figures beside an old table."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from nasloop.engine import cli

from .messages import one_line


def _report_files(folder: Path) -> dict[str, bytes]:
    """Every file of a report in ``folder`` (report.md, report.html, figures/...), by its path there."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in [
        folder / "report.md", folder / "report.html", *sorted((folder / "figures").iterdir())]}


def test_every_note_of_report_is_under_its_name(tmp_path: Path, data_dir: Path, capsys) -> None:
    """report's notes (a predictor study's fits not measured yet; a search study's runs left out, below) were bare
    'note: ...' lines, where compare's say 'nasloop compare: note: ...'."""
    predictors = tmp_path / "pred"
    assert cli.main(["compare", "--predictors", "random", "--train-sizes", "8,16", "--seeds", "1", "--out",
                     str(predictors), "--data-dir", str(data_dir), "--quiet"]) == 0
    records = (predictors / "predictor_records.jsonl").read_text().splitlines()
    (predictors / "predictor_records.jsonl").write_text(records[0] + "\n")  # as if killed after one fit
    capsys.readouterr()
    assert cli.main(["report", str(predictors)]) == 0
    one_line(capsys.readouterr().err.strip(), "nasloop report: note: Not measured yet", "random n=16 (1 seed)")


def test_a_report_interrupted_between_two_figures_leaves_the_old_report_whole(tmp_path: Path, data_dir: Path,
                                                                              monkeypatch, capsys) -> None:
    """A Ctrl-C after the first figure left it new beside the old report.md and the old other figures: a report
    whose figures disagreed with its table. The old report is now left as it was, with nothing beside it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    study = tmp_path / "study"
    assert cli.main(["compare", "--methods", "random", "--seeds", "2", "--budget", "4", "--out", str(study),
                     "--data-dir", str(data_dir), "--quiet"]) == 0
    old, names = _report_files(study), sorted(path.name for path in study.iterdir())
    shutil.rmtree(study / "runs" / "random" / "seed-1")  # the next report's table and figures differ
    real_print_png = FigureCanvasAgg.print_png
    saved: list[str] = []

    def print_png(self: FigureCanvasAgg, filename_or_obj: Any, *, metadata: Any = None, pil_kwargs: Any = None,
                  **options: Any) -> None:  # options: ones matplotlib passes to every printer, which print_png drops
        if isinstance(filename_or_obj, (str, os.PathLike)):  # bbox_inches="tight" measures in memory first
            saved.append(str(filename_or_obj))
            if len(saved) == 2:
                raise KeyboardInterrupt
        return real_print_png(self, filename_or_obj, metadata=metadata, pil_kwargs=pil_kwargs)

    monkeypatch.setattr(FigureCanvasAgg, "print_png", print_png)
    assert cli.main(["report", str(study)]) == 130
    assert len(saved) == 2 and _report_files(study) == old
    assert sorted(path.name for path in study.iterdir()) == names  # nothing left beside them
    monkeypatch.undo()
    capsys.readouterr()
    assert cli.main(["report", str(study)]) == 0  # uninterrupted: the new report, every file of it
    one_line(capsys.readouterr().err.strip(), "nasloop report: note: 1 run left out of the report")
    new = _report_files(study)
    assert new.keys() == old.keys() and all(new[name] != old[name] for name in ("figures/anytime.png", "report.md"))
