"""A run's tested.json whose accuracy is an integer no float holds (an edited file's 10**400) is one note, as any
record nasloop test does not write: show stopped in an unexpected OverflowError."""
from __future__ import annotations

import json


def test_an_accuracy_no_float_holds_is_one_note(nasloop_in_process, data_dir, tmp_path):
    run = tmp_path / "run"
    done = nasloop_in_process(["search", "--budget", "2", "--data-dir", str(data_dir), "--run-dir", str(run),
                               "--quiet"])
    assert done.returncode == 0, done.stderr
    record = {"trial": 1, "arch": "a", "epochs": 1, "objective": "val_accuracy", "searched": 1.0,
              "val_accuracy": 1.0, "test_accuracy": 10**400, "from_checkpoint": True}
    (run / "tested.json").write_text(json.dumps({"tested": [record]}))
    shown = nasloop_in_process(["show", str(run), "--json"])
    assert shown.returncode == 0 and shown.stderr == "", shown.stderr
    summary = json.loads(shown.stdout)
    assert "tested" not in summary and "a record's test_accuracy 1000" in summary["tested_note"]
    table = nasloop_in_process(["show", str(run)])
    assert table.returncode == 0 and "Traceback" not in table.stderr, table.stderr
