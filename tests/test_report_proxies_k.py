"""``nasloop report``'s note lines under the command's name; a report interrupted between two figures, which left new
figures beside an old table; and ``nasloop proxies`` on a TransNAS-Bench-101 task whose images nasloop does not read,
which runs compute data-free proxies on but no file could be precomputed for."""
from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from nasloop.engine import cli
from nasloop.engine.assemble import build_context
from nasloop.search_spaces.tnb101.space import TNB101MicroSpace

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


def test_a_report_beside_the_running_study_does_not_ask_to_run_it_again(tmp_path: Path, data_dir: Path,
                                                                        capsys) -> None:
    """Read while a 'compare --predictors' was measuring the study, the note advised running that command again,
    which would be refused as the study is busy, or run it twice once it is not."""
    from nasloop.engine.run_lock import StudyLock

    predictors = tmp_path / "pred"
    assert cli.main(["compare", "--predictors", "random", "--train-sizes", "8,16", "--seeds", "1", "--out",
                     str(predictors), "--data-dir", str(data_dir), "--quiet"]) == 0
    records = (predictors / "predictor_records.jsonl").read_text().splitlines()
    (predictors / "predictor_records.jsonl").write_text(records[0] + "\n")  # one fit in, the other being measured
    capsys.readouterr()
    with StudyLock(predictors):  # held as the running compare holds it
        assert cli.main(["report", str(predictors)]) == 0
    note = one_line(capsys.readouterr().err.strip(), "nasloop report: note: Not measured yet", "random n=16 (1 seed)",
                    "a 'nasloop compare --predictors' command is measuring them now")
    assert "again" not in note


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


CELLS = ("64-41414-3_13_221", "64-41414-0_00_323", "64-41414-2_23_222")


@pytest.mark.usefixtures("isolated_cache")  # the one-cell table only, never NASLOOP_DATA's
def test_data_free_proxies_are_precomputed_for_a_task_without_images(tmp_path: Path, capsys) -> None:
    """'nasloop proxies --dataset autoencoder --proxies params' was refused as a task whose images nasloop does not
    read, though runs there compute data-free proxies (on the networks as built for CIFAR-10): no file could spare
    them that, and their computing note said so. The command now scores them as runs do, writes the file runs on
    the task read and continues it; a proxy that reads images is refused as before."""
    table = {"micro": {"autoencoder": {CELLS[0]: {"val": 0.5, "zen": 1.0}}}}  # one cell: quick to read
    (tmp_path / "transnas101_val.json.gz").write_text(json.dumps(table))
    out = tmp_path / "tnb101-micro-autoencoder-proxies.csv"
    archs = tmp_path / "archs.txt"
    argv = ["proxies", "--space", "tnb101-micro", "--space-opt", "base_channels=8", "--dataset", "autoencoder",
            "--data-dir", str(tmp_path), "--archs-file", str(archs)]
    archs.write_text("\n".join(CELLS[:2]) + "\n")
    assert cli.main([*argv, "--proxies", "jacov"]) == 2  # reads images: refused, in the words it was
    one_line(capsys.readouterr().err.strip(), "'autoencoder' is a task of the tnb101-micro table whose images "
             "nasloop does not read, so proxies reading images cannot be computed for it (jacov reads images; the "
             "data-free proxies can be", "let predictors read what its table stores")
    assert cli.main([*argv, "--proxies", "params", "--json"]) == 0
    printed = json.load(io.StringIO(capsys.readouterr().out))
    sized = [cell.replace("64-", "8-", 1) for cell in CELLS]  # the cells of 8-channel networks, written so
    assert [row["arch"] for row in printed] == sized[:2]
    assert cli.main([*argv, "--proxies", "params", "--out", str(out)]) == 0
    archs.write_text("\n".join(CELLS) + "\n")
    assert cli.main([*argv, "--proxies", "params", "--out", str(out)]) == 0  # continued
    assert "1 architectures scored, 2 already there" in capsys.readouterr().out
    rows = dict(line.split(",") for line in out.read_text().splitlines()[2:])
    assert list(rows) == sized and float(rows[sized[0]]) == printed[0]["scores"]["params"]
    # a run on the task reads the file: a marked score of the file comes back, and the note says the file holds it
    out.write_text(out.read_text().replace(f"{sized[0]},{rows[sized[0]]}", f"{sized[0]},12345.0"))
    context = build_context(TNB101MicroSpace, "autoencoder", str(tmp_path))
    space = TNB101MicroSpace(base_channels=8)
    scores = context.scorer(space, "params")([space.parse(CELLS[0]), space.parse(CELLS[1])])
    assert list(scores) == [12345.0, float(rows[sized[1]])] and "params" in context.stored_proxies(space)
    note = context.computing_note(space, "flan", "the cells it reads")
    assert f"params from the precomputed proxy file {out} for the 3 architectures it holds, computed for" in note
    assert ("'nasloop proxies --space tnb101-micro --space-opt base_channels=8 --dataset autoencoder --data-dir "
            f"{tmp_path} --proxies params --all --out {out}' precomputes them once (those that read no images") in note


@pytest.mark.usefixtures("isolated_cache")
def test_all_out_on_a_task_without_images_is_refused_for_a_proxy_reading_images(tmp_path: Path, capsys) -> None:
    """``--all --out`` takes the same way as a list: refused for jacov before any file is made."""
    out = tmp_path / "tnb101-micro-autoencoder-proxies.csv"
    assert cli.main(["proxies", "--space", "tnb101-micro", "--dataset", "autoencoder", "--all", "--proxies",
                     "params,jacov", "--data-dir", str(tmp_path), "--out", str(out)]) == 2
    assert "so proxies reading images cannot be computed for it (jacov reads" in capsys.readouterr().err
    assert not out.exists()

