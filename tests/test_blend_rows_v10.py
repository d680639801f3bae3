"""A blend's members' training data is kept as appended rows too: their states are a list inside the blend's, which
the store's lifting passed over, so a guided run with a blend wrote its members' data whole at every commit (its
state 11.7 KB after 60 NB201 lookups, 39.5 KB after 200, where it stays under 1 KB now)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from nasloop.engine import cli
from nasloop.engine.appended_rows import AppendedRows, lifted, put_back
from nasloop.engine.store import RunStore

# a forest of 30 trees, not 300: the runs check where the members' data is stored and that a resume goes on as the
# whole run did, which the trees' number does not change (300 trees' fits were most of the module's 7 CPU s)
BLEND = ["search", "--space", "nb201", "--strategy", "bananas", "--predictor", "blend", "--predictor-opt",
         "members={random: {}, forest: {trees: 30}}", "--seed", "1", "--quiet"]


def _stored(run: Path) -> tuple[str, list[str]]:
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        state = db.execute("SELECT state FROM strategy_state").fetchone()[0]
        archs = [arch for (arch,) in db.execute("SELECT arch FROM trials ORDER BY id")]
    db.close()
    return state, archs


def test_a_blends_members_data_is_appended_and_a_resume_goes_on_as_the_whole_run(tmp_path, data_dir):
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    assert cli.main([*BLEND, "--budget", "80", "--data-dir", str(data_dir), "--run-dir", str(whole)]) == 0
    assert cli.main([*BLEND, "--budget", "40", "--data-dir", str(data_dir), "--run-dir", str(cut)]) == 0
    assert len(_stored(cut)[0]) < 1500 and len(_stored(whole)[0]) < 1500
    assert cli.main(["search", "--resume", str(cut), "--budget", "80", "--quiet"]) == 0
    assert _stored(cut)[1] == _stored(whole)[1]
    with RunStore.in_run_dir(cut, readonly=True) as store:
        members = store.strategy_state()[1]["predictor"]["members"]
    assert any(len(member.get("archs", [])) > 70 for member in members)


def test_rows_in_a_list_are_put_back_where_they_were():
    state = {"members": [{"archs": AppendedRows(["a"]), "w": [1, 2]}, AppendedRows([3]), 4, {"y": AppendedRows([6])}],
             "y": AppendedRows([5])}
    rest, rows = lifted(state)
    assert rest == {"members": [{"w": [1, 2]}, None, 4, {}]}
    paths = (["members", 0, "archs"], ["members", 1], ["members", 3, "y"], ["y"])
    assert sorted(rows) == sorted(json.dumps(path) for path in paths)
    assert put_back(rest, rows) == state and state["members"][0]["archs"] == ["a"]
