"""Defects found reviewing the session's merged changes (helper V12).

A reader of a run whose store this user cannot write, in a folder it can (another user's run in a shared folder):
it opened the store as a writer would, which SQLite opens read-only for such a file, and left ``nasloop.sqlite-wal``
and ``-shm`` beside it, this user's; the owner's next write to its own run failed on them ('attempt to write a
readonly database', checked with two real users). It reads such a store as a read-only folder's now.

A study's report of runs of a user's space whose parse no longer reads a run's best ended in one line, no report,
where ``show`` of the same run gives its stored values with a note: the report now leaves that run's final
fidelity's values out, with the line in its notes; ``show`` of a run that kept its held-out values but not the
searched metric at the final fidelity looked that up through such a space's parse, and ended in its line.

``show``, a study's report and ``nasloop test`` read a run's relative ``--data-dir`` from the current folder, not
the one its search started in. A user's predictor with helpers named ``_keep`` or ``_add`` replaced the base's
training-data methods of those names.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.registry import register_search_space
from nasloop.engine.run_held_out import HELD_OUT_KEY
from nasloop.engine.store import RunStore
from nasloop.predictors.base import Predictor

from .test_plugin_parse_held_out_b12 import Strict
from nasloop.search_spaces.nb201 import NB201Space

pytestmark = pytest.mark.usefixtures("isolated_cache")


def _as_a_user_who_cannot_write_it(command: list[str]) -> list[str]:
    """``command`` run without root's right to write any file (a user's own rights), where the tests run as root."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root writes any file; setpriv (util-linux), which drops that right, is not installed")
    dropped = [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]
    if subprocess.run([*dropped, "true"], capture_output=True).returncode != 0:
        pytest.skip("root writes any file, and this container does not let setpriv drop that right")
    return [*dropped, *command]


def _sidecars(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(("-wal", "-shm", "-journal")))


def test_show_of_a_store_this_user_cannot_write_leaves_no_files_beside_it(tmp_path, data_dir):
    run = tmp_path / "run"
    assert main(["search", "--strategy", "random", "--budget", "4", "--seed", "1", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    assert _sidecars(run) == []
    (run / "nasloop.sqlite").chmod(0o444)  # another user's file: readable, not writable; the folder writable
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    shown = subprocess.run(_as_a_user_who_cannot_write_it(
        [sys.executable, "-c", "import sys; from nasloop.engine.cli import main; sys.exit(main())", "show",
         str(run)]), capture_output=True, text=True, env=env, timeout=300)
    assert shown.returncode == 0, shown.stderr
    assert "evaluations" in shown.stdout
    assert _sidecars(run) == []


class _Strict(Strict):
    """B12's NB201 whose parse refuses strings once ``strict`` is set, under this file's own name."""

    name = "v12-strict"


def test_a_study_report_leaves_out_the_final_fidelity_of_a_best_its_space_no_longer_reads(tmp_path, data_dir,
                                                                                         monkeypatch):
    """``show`` of such a run gives its stored value with a note; a study's report ended on the first such run,
    'nasloop report: error: search space ... cannot read the architecture the run stored', exit 2, no report."""
    register_search_space(_Strict.name)(_Strict)
    study = tmp_path / "study"
    assert main(["compare", "--space", _Strict.name, "--methods", "random", "--seeds", "2", "--budget", "5",
                 "--fidelity", "12", "--data-dir", str(data_dir), "--out", str(study), "--quiet"]) == 0
    runs = sorted(study.rglob("nasloop.sqlite"))
    assert len(runs) == 2
    with RunStore(runs[0]) as store:  # a run stored before runs kept their held-out values: its best looked up
        store.set_meta(HELD_OUT_KEY, None)
    monkeypatch.setattr(_Strict, "strict", True)
    assert main(["report", str(study)]) == 0
    text = (study / "report.md").read_text()
    assert "are left out: search space 'v12-strict' cannot read the architecture the run stored, '|" in text
    assert text.count("cannot read the architecture") == 1  # the other run kept its values as it ended
    row = next(line for line in text.splitlines() if line.startswith("| random |"))
    assert "(1/2 seeds)" in row  # the final fidelity's held-out over the seed that has it; the searched one whole


def test_show_reads_kept_values_without_the_searched_metric_where_the_space_no_longer_reads_the_best(
        tmp_path, data_dir, monkeypatch, capsys):
    """A run keeps its final fidelity's searched metric only where the table has a finite one; kept without it,
    ``show`` looked it up through the space's parse and ended in the plugin's line (exit 2), the held-out values it
    had kept unshown."""
    register_search_space(_Strict.name)(_Strict)
    run = tmp_path / "run"
    assert main(["search", "--space", _Strict.name, "--dataset", "cifar10", "--fidelity", "12", "--strategy",
                 "random", "--budget", "4", "--seed", "0", "--data-dir", str(data_dir), "--run-dir", str(run),
                 "--quiet"]) == 0
    with RunStore.in_run_dir(run) as store:  # as a run whose table holds no finite searched metric there keeps it
        kept = store.get_meta(HELD_OUT_KEY)
        kept.pop("objective_at_final")
        store.set_meta(HELD_OUT_KEY, kept)
    monkeypatch.setattr(_Strict, "strict", True)
    capsys.readouterr()
    assert main(["show", str(run), "--json"]) == 0
    held = json.loads(capsys.readouterr().out)["held_out"]
    assert held["values"] == kept["values"] and "objective_at_final" not in held


def test_show_from_another_folder_looks_the_final_fidelity_up_in_the_data_folder_the_run_started_with(
        tmp_path, data_dir, monkeypatch, capsys):
    """A run started with a relative ``--data-dir`` stores it as given, beside the folder it started in; ``show``
    from another folder (of a run that kept no values, as a study's report of a best within its budget) read it from
    its own folder: 'its table's final fidelity could not be read (data directory ... does not exist ...)'."""
    started = tmp_path / "started"
    started.mkdir()
    monkeypatch.chdir(started)
    assert main(["search", "--space", "nb201", "--dataset", "cifar10", "--fidelity", "12", "--strategy", "random",
                 "--budget", "3", "--seed", "0", "--data-dir", os.path.relpath(data_dir, started), "--run-dir", "run",
                 "--quiet"]) == 0
    with RunStore.in_run_dir(started / "run") as store:  # a run stored before runs kept their values
        store.set_meta(HELD_OUT_KEY, None)
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["show", str(Path("started") / "run"), "--json"]) == 0
    held = json.loads(capsys.readouterr().out)["held_out"]
    assert "held-out of chosen at fidelity 200" in held["values"], held.get("note")


def test_nasloop_test_from_another_folder_reads_the_data_folder_the_search_started_with(tmp_path, data_dir,
                                                                                      monkeypatch, capsys):
    """'nasloop test: error: data directory '../data' does not exist' for a search started with a relative
    ``--data-dir`` in another folder: the path was read from the current folder, not the run's."""
    started = tmp_path / "started"
    started.mkdir()
    monkeypatch.chdir(started)
    assert main(["search", "--space", "nb201", "--evaluator", "train", "--epochs", "1", "--strategy", "random",
                 "--budget", "1", "--space-opt", "channels=8", "--space-opt", "cells=1", "--evaluator-opt",
                 "train_images=200", "--evaluator-opt", "batch_size=32", "--evaluator-opt", "test=false",
                 "--data-dir", os.path.relpath(data_dir, started), "--run-dir", "run", "--quiet"]) == 0
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["test", str(Path("started") / "run"), "--json"]) == 0
    [tested] = json.loads(capsys.readouterr().out)
    assert tested["from_checkpoint"] and tested["val_accuracy"] == tested["searched"]


class _Memo(Predictor):
    """A user's predictor with helpers of its own named ``_add`` and ``_keep`` (the names the base's training data
    took this session): the base's ``update`` called the user's ``_add`` with its new rows."""

    def _fit(self, archs, y):
        self._bank = {}
        for arch, value in zip(archs, y):
            self._add(arch, value)

    def _add(self, arch, value):
        self._keep(self.space.format(arch), float(value))

    def _keep(self, text, value):
        self._bank[text] = value

    def _update(self, archs, y):
        for arch, value in zip(archs, y):
            self._add(arch, value)

    def predict(self, archs):
        mean = float(np.mean(list(self._bank.values())))
        return np.array([self._bank.get(self.space.format(a), mean) for a in archs]), np.zeros(len(archs))


def test_a_users_predictor_may_name_its_own_helpers_add_and_keep():
    space = NB201Space()
    archs = [space.sample(np.random.default_rng(seed)) for seed in range(6)]
    memo = _Memo(space, 0).fit(archs[:4], [1.0, 2.0, 3.0, 4.0])
    memo.update(archs[4:], [5.0, 6.0])
    state = memo.state_dict()
    assert len(state["archs"]) == len(state["y"]) == 6
    assert memo.predict(archs[5:])[0].tolist() == [6.0]


def test_a_predictor_reads_its_training_architectures_as_it_read_a_list():
    """``self._archs`` turned read-only this session: what a list gives without changing itself failed or changed
    (``self._archs + pool`` a TypeError, ``.copy()`` an AttributeError, ``== archs`` False for the same rows)."""
    space = NB201Space()
    archs = [space.sample(np.random.default_rng(seed)) for seed in range(4)]
    memo = _Memo(space, 0).fit(archs[:3], [1.0, 2.0, 3.0])
    assert memo._archs == archs[:3] and memo._archs.copy() == archs[:3]
    assert memo._archs + archs[3:] == archs and archs[3:] + memo._archs == archs[3:] + archs[:3]
    assert len(memo._archs) == 3  # none of them changed the training data
