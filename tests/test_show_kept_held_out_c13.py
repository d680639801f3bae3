"""``nasloop show`` of a run searched below its benchmark's final fidelity gives the held-out values the run kept as
it ended, where it built the benchmark's table again to look them up (the 30k NB101 table: 1.6 s and 135 MB more of
a cold cache's show); a run whose chosen cell has no finite held-out value (NB101's) keeps its final fidelity's
validation accuracy alone, which show gives without the table. Shown here with the table gone from the folder the
run read."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from .kept_held_out_meta import keep_text, kept_text

NB201_CSV, NB101_JSON = "nasbench201_all.csv.gz", "nasbench101_30k.json.gz"


def _kept(run: Path) -> object:
    return json.loads(kept_text(run))


@pytest.mark.parametrize("space, file", [("nb201", NB201_CSV), ("nb101", NB101_JSON)])
def test_show_gives_what_the_run_kept_without_its_table(space, file, tmp_path, data_dir, isolated_cache,
                                                        nasloop_in_process):
    data, run = tmp_path / "data", tmp_path / "run"
    data.mkdir()
    (data / file).symlink_to(data_dir / file)
    searched = nasloop_in_process(["search", "--space", space, "--strategy", "random", "--budget", "15", "--fidelity",
                                   "12", "--seed", "1", "--data-dir", str(data), "--run-dir", str(run), "--quiet"])
    assert searched.returncode == 0, searched.stderr
    shown = nasloop_in_process(["show", str(run)])
    as_json = nasloop_in_process(["show", "--json", str(run)])
    kept = _kept(run)
    if space == "nb201":  # the 200-epoch values of the cell chosen at 12 epochs, looked up as the run ended
        assert "held-out of chosen at fidelity 200" in shown.stdout and "at fidelity 200" in str(kept)
    else:  # NB101's table holds no test accuracy: none, but its 108-epoch validation accuracy kept beside
        assert kept["values"] == {} and "held-out of chosen" not in shown.stdout
        assert "val_accuracy of chosen at fidelity 108" in shown.stdout and "at fidelity 108" in str(kept)
    (data / file).unlink()
    again = nasloop_in_process(["show", str(run)])
    assert (again.returncode, again.stdout, again.stderr) == (0, shown.stdout, shown.stderr)
    assert nasloop_in_process(["show", "--json", str(run)]).stdout == as_json.stdout


def test_a_kept_record_not_of_the_shown_cell_is_looked_up_again(tmp_path, data_dir, nasloop_in_process):
    """An edited or foreign record is not read: the values come from the table, as before runs kept them."""
    run = tmp_path / "run"
    assert nasloop_in_process(["search", "--space", "nb201", "--strategy", "random", "--budget", "8", "--fidelity",
                               "12", "--seed", "2", "--data-dir", str(data_dir), "--run-dir", str(run),
                               "--quiet"]).returncode == 0
    shown = nasloop_in_process(["show", "--json", str(run)]).stdout
    kept = _kept(run)
    for edited in ({**kept, "values": {"held-out of chosen at fidelity 200": "high"}}, {**kept, "arch": "other"},
                   {**kept, "extra": 1}, [kept]):
        keep_text(run, json.dumps(edited))
        assert nasloop_in_process(["show", "--json", str(run)]).stdout == shown


def test_a_resume_looks_up_again_what_the_run_kept_as_none(tmp_path, data_dir, nasloop_in_process):
    """A run that kept no finite value (its table had none then: say a test accuracy imported since) is looked up
    again by a resume, whose end has the table loaded anyway; ``show`` alone reads what was kept."""
    run = tmp_path / "run"
    assert nasloop_in_process(["search", "--space", "nb201", "--strategy", "random", "--budget", "8", "--fidelity",
                               "12", "--seed", "2", "--data-dir", str(data_dir), "--run-dir", str(run),
                               "--quiet"]).returncode == 0
    kept = _kept(run)
    keep_text(run, json.dumps({**kept, "values": {}}))
    assert "held-out of chosen" not in nasloop_in_process(["show", str(run)]).stdout
    resumed = nasloop_in_process(["search", "--resume", str(run), "--budget", "9", "--data-dir", str(data_dir),
                                  "--quiet"])
    assert resumed.returncode == 0, resumed.stderr
    assert "held-out of chosen at fidelity 200" in nasloop_in_process(["show", str(run)]).stdout
