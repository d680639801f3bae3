"""``nasloop report``'s note lines under the command's name."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine import cli

from .messages import one_line


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
