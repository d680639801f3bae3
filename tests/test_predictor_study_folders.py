"""A predictor study (``compare --predictors``) is not written into a search study's folder or a run's."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nasloop.engine.cli import main

from .messages import one_line


@pytest.mark.parametrize("kind", ["search study", "run"])
def test_a_predictor_study_is_refused_a_folder_holding_a_search_study_or_a_run(tmp_path: Path, data_dir: Path,
                                                                             capsys, kind: str) -> None:
    """It was written there: the search study's report.md and report.html became the predictor study's, and
    'compare' and 'report' then read the folder as a predictor study, refusing to continue the search study
    ("holds a predictor study"); a run's folder had 'report' show the predictor study instead of the run."""
    folder = tmp_path / "here"
    if kind == "run":
        made = main(["search", "--space", "nb201", "--strategy", "random", "--budget", "3", "--run-dir", str(folder),
                     "--data-dir", str(data_dir), "--quiet"])
    else:
        made = main(["compare", "--methods", "random", "--seeds", "1", "--budget", "3", "--out", str(folder),
                     "--data-dir", str(data_dir), "--quiet"])
    assert made == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.name.startswith("nasloop")}
    capsys.readouterr()
    assert main(["compare", "--predictors", "gp", "--train-sizes", "8", "--seeds", "1", "--out", str(folder),
                 "--data-dir", str(data_dir), "--quiet"]) == 2
    one_line(capsys.readouterr().err.strip(), f"--out {folder} holds a {kind}", "choose another folder")
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.name.startswith("nasloop")}
    assert after == before  # no predictor_study.json, records or report written over the study's


def test_a_predictor_study_another_process_is_running_is_refused_untouched(tmp_path: Path, data_dir: Path,
                                                                          capsys) -> None:
    """A second 'compare --predictors' on a study being run measured every fit again and appended each record a
    second time (12 lines for 6 fits), racing the first over the report; a search study was locked already."""
    folder = tmp_path / "pred"
    argv = ["compare", "--predictors", "gp", "--train-sizes", "8", "--seeds", "1", "--out", str(folder),
            "--data-dir", str(data_dir), "--quiet"]
    assert main(argv) == 0
    records = (folder / "predictor_records.jsonl").read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom nasloop.engine.run_lock import StudyLock\n"
                               "with StudyLock(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(120)\n",
                               str(folder)], stdout=subprocess.PIPE, text=True)  # as a running compare holds it
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        capsys.readouterr()
        assert main([*argv[:4], "8,12", *argv[5:]]) == 2  # more train sizes: work the running study may be doing
        one_line(capsys.readouterr().err.strip(), f"the study {folder} is being run by process {holder.pid}")
        assert (folder / "predictor_records.jsonl").read_bytes() == records
    finally:
        holder.kill()
        holder.communicate()  # reaps it and closes its pipe
