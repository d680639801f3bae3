"""Flags given with ``nasloop search --resume``: a resumed run keeps its configuration, so one that would change
it is refused in one line rather than ignored, and a data folder that would change its results likewise."""
from __future__ import annotations

import re
from pathlib import Path

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.data.table import Table
from nasloop.engine.search import resume, search
from nasloop.engine.store import RunStore
from nasloop.search_spaces.nb201.benchmark import TABLE_FILE


def test_minimize_on_resume_is_refused_not_ignored(tmp_path: Path, data_dir: Path, capsys) -> None:
    """--minimize was the one configuration flag --resume did not check: the run went on maximising, silently."""
    run_dir = tmp_path / "run"
    search(SearchConfig(space="nb201", strategy="random", budget=3, data_dir=str(data_dir), run_dir=str(run_dir)))
    capsys.readouterr()
    assert main(["search", "--resume", str(run_dir), "--budget", "4", "--minimize", "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--resume continues a stored configuration" in err[0] and "(drop --minimize)" in err[0]
    assert main(["search", "--resume", str(run_dir), "--budget", "4", "--quiet", "--json"]) == 0


def test_a_resume_on_a_table_of_other_results_is_refused_and_one_of_the_same_results_goes_on(
        tmp_path: Path, data_dir: Path, csv_table: Table, capsys) -> None:
    """--data-dir on resume says where the data is now: a folder whose table answers the run's architectures
    otherwise (here the 12-epoch accuracies in the 200-epoch columns, as a table of other epochs gives) mixed its
    results into the run unseen; one that answers them alike (the same data imported again) continues it."""
    run_dir = tmp_path / "run"
    search(SearchConfig(space="nb201", strategy="random", budget=4, seed=0, data_dir=str(data_dir),
                        run_dir=str(run_dir)))
    for name, columns in (("other", {**csv_table.columns, "cifar10@200:val_accuracy":
                                     csv_table.columns["cifar10@12:val_accuracy"]}), ("same", csv_table.columns)):
        (tmp_path / name).mkdir()
        Table(dict(columns), dict(csv_table.meta)).save(tmp_path / name / TABLE_FILE)
    capsys.readouterr()
    assert main(["search", "--resume", str(run_dir), "--budget", "6", "--data-dir", str(tmp_path / "other")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and re.search(r"read val_accuracy [\d.]+ for \|.*\| \(trial 1\), and the nb201 table found "
                                       r"now gives [\d.]+: it holds other results, .*give --data-dir the folder of "
                                       r"the table the run began with", err[0]), err
    with RunStore.in_run_dir(run_dir) as store:
        assert store.counts()["evaluations"] == 4  # nothing was added from the other table
    summary = resume(run_dir, budget=6, data_dir=tmp_path / "same")
    assert summary["evaluations"] == 6
