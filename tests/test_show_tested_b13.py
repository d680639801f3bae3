"""``nasloop show RUN`` tells what ``nasloop test RUN`` measured (the run's tested.json), in its table and in
``--json``: a run searched with ``test=false`` showed no test figure at all, the one the user measured included. The
file is read as the untrusted file it is: damaged, another program's or no file at all, it is one note and the run's
summary is shown as ever."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("isolated_cache")

TINY = ["--space", "nb201", "--evaluator", "train", "--epochs", "1", "--strategy", "random", "--budget", "1",
        "--space-opt", "channels=8", "--space-opt", "cells=1", "--evaluator-opt", "train_images=200",
        "--evaluator-opt", "batch_size=32", "--evaluator-opt", "test=false", "--quiet"]


def test_show_gives_the_test_accuracy_nasloop_test_measured(nasloop_in_process, data_dir, tmp_path):
    run = tmp_path / "run"
    assert nasloop_in_process(["search", *TINY, "--data-dir", str(data_dir), "--run-dir", str(run)]).returncode == 0
    assert "tested" not in json.loads(nasloop_in_process(["show", str(run), "--json"]).stdout)  # before the test
    measured = nasloop_in_process(["test", str(run), "--json"])
    assert measured.returncode == 0, measured.stderr
    [record] = json.loads(measured.stdout)

    shown = json.loads(nasloop_in_process(["show", str(run), "--json"]).stdout)
    [tested] = shown["tested"]
    assert tested["test_accuracy"] == record["test_accuracy"] and tested["trial"] == record["trial"]
    assert tested["arch"] == record["arch"] == shown["best"]["arch"] and tested["epochs"] == 1
    assert "test_accuracy" not in shown["best"]["metrics"]  # the search measured none: only the test's is shown

    table = nasloop_in_process(["show", str(run)])
    assert table.returncode == 0, table.stderr
    flat = " ".join(part.strip("│ ") for part in table.stdout.splitlines())
    assert "tested (tested.json)" in flat and "1 architecture measured by 'nasloop test'" in flat, flat
    assert f"trial {record['trial']}" in flat and f"test_accuracy {record['test_accuracy']:.4f}" in flat, flat


FOREIGN = {
    "not json": "nonsense{",
    "a list": "[1, 2]",
    "another program's": json.dumps({"results": {"accuracy": 93.1}}),
    "a record of text": json.dumps({"tested": ["|nor_conv_3x3~0|"]}),
    "a trial of text": json.dumps({"tested": [{"trial": "one", "arch": "a", "epochs": 1, "objective": "x",
                                                "searched": 1.0, "val_accuracy": 1.0, "test_accuracy": 1.0,
                                                "from_checkpoint": True}]}),
    "a test accuracy of true": json.dumps({"tested": [{"trial": 1, "arch": "a", "epochs": 1, "objective": "x",
                                                        "searched": 1.0, "val_accuracy": 1.0, "test_accuracy": True,
                                                        "from_checkpoint": True}]}),
    "not UTF-8": b"\xff\xfe{",
    "deep nesting": "[" * 100_000,
}


@pytest.mark.parametrize("content", list(FOREIGN.values()) + [None], ids=list(FOREIGN) + ["a folder"])
def test_a_damaged_or_foreign_tested_file_is_one_note_and_show_still_works(content, nasloop_in_process, data_dir,
                                                                          tmp_path):
    run = tmp_path / "run"
    done = nasloop_in_process(["search", "--budget", "2", "--data-dir", str(data_dir), "--run-dir", str(run),
                               "--quiet"])
    assert done.returncode == 0, done.stderr
    path: Path = run / "tested.json"
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    shown = nasloop_in_process(["show", str(run), "--json"])
    assert shown.returncode == 0 and shown.stderr == "", shown.stderr
    summary = json.loads(shown.stdout)
    assert "tested" not in summary and summary["best"]["arch"]
    note = summary["tested_note"]
    assert "\n" not in note and note.startswith(f"{path} is not readable as nasloop test's results (")
    assert note.endswith("); delete it and run 'nasloop test' again to measure them"), note
    table = nasloop_in_process(["show", str(run)])
    assert table.returncode == 0 and "Traceback" not in table.stderr, table.stderr
    flat = "".join(table.stdout.replace("│", "").split())  # the table folds the note over lines
    assert "notreadableasnasloop" in flat and "evaluator/executor" in flat, table.stdout
