"""Reports name the fidelity a run or study was searched at, as ``nasloop show`` does.

``nasloop search --space nb101 --fidelity 4`` and ``nasloop compare ... --fidelity 12`` reported
'nb101 / cifar10' over their 4- and 12-epoch accuracies, which read as the final (108-epoch) ones.
"""
from __future__ import annotations

import gzip
import json

from nasloop.engine.cli import main


def _small_nb101(data_dir, folder):
    """The shipped JSON's first three records, as a data folder: the whole one takes seconds to load."""
    with gzip.open(data_dir / "nasbench101_30k.json.gz", "rt") as handle:
        text = handle.read(20_000)
    decoder, found, at = json.JSONDecoder(), [], text.index("{")
    while len(found) < 3:
        record, end = decoder.raw_decode(text, at)
        found.append(record)
        at = text.index("{", end)
    with gzip.open(folder / "nasbench101_30k.json.gz", "wt") as handle:
        json.dump(found, handle)


def test_run_and_study_reports_name_the_fidelity(data_dir, tmp_path, capsys):
    _small_nb101(data_dir, tmp_path)
    run, study = tmp_path / "run", tmp_path / "study"
    assert main(["search", "--space", "nb101", "--fidelity", "4", "--strategy", "random", "--budget", "2",
                 "--data-dir", str(tmp_path), "--run-dir", str(run), "--quiet"]) == 0
    assert main(["report", str(run)]) == 0
    assert "nb101 / cifar10, fidelity 4, strategy random" in (run / "report" / "report.md").read_text()
    assert main(["compare", "--space", "nb101", "--fidelity", "12", "--methods", "random", "--seeds", "1",
                 "--budget", "2", "--data-dir", str(tmp_path), "--out", str(study)]) == 0
    assert (study / "report.md").read_text().startswith("# nasloop study: nb101 / cifar10, fidelity 12, budget 2")
