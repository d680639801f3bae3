"""A run folder or study received from elsewhere imports no plugin it names by itself: a store whose recorded
plugins named ``/abs/evil.py`` ran it on ``--resume`` (and on a study's report). Plugins this user recorded (signed
with their secret) load as before; others only when the user gives them again with ``--plugin``."""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from nasloop.engine import plugin_trust
from nasloop.engine.cli import main
from nasloop.engine.registry import EVALUATORS, SEARCH_SPACES
from tests.marked_plugin import marked_plugin
from nasloop.engine.search import resume


@pytest.fixture
def plugins(tmp_path, request):
    """Two plugin files of the test's own names, each writing a marker file when imported: ``good.py``, which the
    run searches, and ``evil.py``, which a store names beside it."""
    stem = "".join(word[0] for word in request.node.name.split("_")[1:])  # each test's own names
    shutil.copy(Path(__file__).parent / "digit_space.py", tmp_path / "digit_space.py")  # imported beside them
    made = {}
    for kind in ("good", "evil"):
        path = tmp_path / f"{kind}_{stem}.py"
        path.write_text(marked_plugin(f"trust-{kind}-{stem}", repr(str(tmp_path / f"{kind}.imported"))))
        made[kind] = path
    yield made, f"trust-good-{stem}"
    for kind in ("good", "evil"):
        SEARCH_SPACES._items.pop(f"trust-{kind}-{stem}", None)
        EVALUATORS._items.pop(f"trust-{kind}-{stem}-sum", None)


def _run_naming_evil(tmp_path: Path, plugins: dict[str, Path], space: str, capsys) -> Path:
    """A run searched with ``good.py`` whose store names ``evil.py`` too, signed as its user's nasloop signs what it
    records (that user ran it with both)."""
    run = tmp_path / "run"
    assert main(["--plugin", str(plugins["good"]), "search", "--space", space, "--evaluator", f"{space}-sum",
                 "--strategy", "random", "--budget", "3", "--run-dir", str(run), "--quiet"]) == 0, capsys.readouterr()
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        config = json.loads(db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0])
        config["plugins"].append(str(plugins["evil"]))
        db.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(config),))
        db.execute("UPDATE meta SET value = ? WHERE key = ?", (json.dumps(plugin_trust.sign(config)),
                                                              plugin_trust.SIGNATURE_KEY))
    db.close()
    capsys.readouterr()
    return run


def _another_user(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "other-user-config"))


def test_a_run_resumes_for_its_user_with_the_plugins_it_recorded(plugins, tmp_path, capsys):
    made, space = plugins
    run = _run_naming_evil(tmp_path, made, space, capsys)
    assert main(["search", "--resume", str(run), "--budget", "5", "--quiet"]) == 0, capsys.readouterr().err
    assert (tmp_path / "evil.imported").exists()  # this user's own record: loaded as before


def test_another_users_run_imports_none_of_its_plugins(plugins, tmp_path, capsys, monkeypatch):
    made, space = plugins
    run = _run_naming_evil(tmp_path, made, space, capsys)
    _another_user(tmp_path, monkeypatch)
    assert main(["search", "--resume", str(run), "--budget", "5", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(run) in err and str(made["evil"]) in err and "--plugin FILE" in err, err
    assert not (tmp_path / "evil.imported").exists()
    with pytest.raises(Exception, match="--plugin FILE"):
        resume(run, budget=5)
    assert not (tmp_path / "evil.imported").exists()


def test_another_users_run_resumes_with_the_plugins_given_again_and_is_then_trusted(plugins, tmp_path, capsys,
                                                                                      monkeypatch):
    made, space = plugins
    run = _run_naming_evil(tmp_path, made, space, capsys)
    _another_user(tmp_path, monkeypatch)
    assert main(["--plugin", str(made["good"]), "search", "--resume", str(run), "--budget", "5", "--quiet"]) == 0, \
        capsys.readouterr().err
    assert not (tmp_path / "evil.imported").exists()  # named by the store alone: not loaded, nor kept
    summary = resume(run, budget=7)  # signed by this user now
    assert summary["evaluations"] == 7 and not (tmp_path / "evil.imported").exists()
    assert oct(plugin_trust.secret_path().stat().st_mode & 0o777) == "0o600"


def test_a_store_edited_to_name_another_plugin_imports_it_not(plugins, tmp_path, capsys):
    made, space = plugins
    run = _run_naming_evil(tmp_path, made, space, capsys)
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        config = json.loads(db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0])
        config["plugins"] = [str(made["good"]), str(tmp_path / "evil_other.py")]
        shutil.copy(made["evil"], tmp_path / "evil_other.py")
        db.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(config),))
    db.close()
    assert main(["search", "--resume", str(run), "--budget", "5", "--quiet"]) == 2
    assert "--plugin FILE" in capsys.readouterr().err and not (tmp_path / "evil.imported").exists()


def test_a_run_without_plugins_needs_no_secret(tmp_path, capsys, monkeypatch, data_dir):
    _another_user(tmp_path, monkeypatch)
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--strategy", "random", "--budget", "3", "--run-dir", str(run),
                 "--data-dir", str(data_dir), "--quiet"]) == 0, capsys.readouterr().err
    _another_user(tmp_path / "third", monkeypatch)
    assert main(["search", "--resume", str(run), "--budget", "4", "--quiet"]) == 0, capsys.readouterr().err
    assert not (tmp_path / "other-user-config").exists() and not (tmp_path / "third").exists()
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        assert db.execute("SELECT value FROM meta WHERE key = ?", (plugin_trust.SIGNATURE_KEY,)).fetchone() is None
    db.close()


def _study_naming_evil(tmp_path: Path, plugins: dict[str, Path], space: str, capsys) -> tuple[Path, list[str]]:
    """A study of ``good.py``'s space whose run names ``evil.py`` too, as its user's nasloop records it; and the
    command that continues it."""
    study = tmp_path / "study"
    argv = ["--plugin", str(plugins["good"]), "compare", "--space", space, "--evaluator", f"{space}-sum", "--methods",
            "random", "--seeds", "1", "--budget", "3", "--out", str(study), "--quiet"]
    assert main(argv) == 0, capsys.readouterr().err
    [store] = study.glob("runs/*/seed-0/nasloop.sqlite")
    with sqlite3.connect(store) as db:
        config = json.loads(db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0])
        config["plugins"].append(str(plugins["evil"]))
        db.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(config),))
        db.execute("UPDATE meta SET value = ? WHERE key = ?", (json.dumps(plugin_trust.sign(config)),
                                                              plugin_trust.SIGNATURE_KEY))
        db.execute("UPDATE meta SET value = '\"running\"' WHERE key = 'status'")  # interrupted: continued next time
    db.close()
    capsys.readouterr()
    return study, argv


def test_another_users_study_is_reported_without_importing_its_plugins(plugins, tmp_path, capsys, monkeypatch):
    made, space = plugins
    study, _ = _study_naming_evil(tmp_path, made, space, capsys)
    _another_user(tmp_path, monkeypatch)
    SEARCH_SPACES._items.pop(space)  # as in a new process, where the report loads the study's plugins for its space
    assert main(["report", str(study)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(made["evil"]) in err and "--plugin FILE" in err, err
    assert not (tmp_path / "evil.imported").exists()


def test_another_users_study_continues_with_the_plugins_given_again(plugins, tmp_path, capsys, monkeypatch):
    made, space = plugins
    study, argv = _study_naming_evil(tmp_path, made, space, capsys)
    _another_user(tmp_path, monkeypatch)
    assert main(argv) == 0, capsys.readouterr().err
    [run] = study.glob("runs/*/seed-0")
    assert resume(run)["status"] == "finished"  # signed by this user as it was continued
    assert not (tmp_path / "evil.imported").exists()


def test_a_study_whose_file_alone_names_its_plugins_imports_them_not_once_edited(plugins, tmp_path, capsys):
    """With no run begun, a report reads the plugins from study.json, which is signed as a run's store is."""
    made, space = plugins
    study, _ = _study_naming_evil(tmp_path, made, space, capsys)
    shutil.rmtree(study / "runs")
    record = json.loads((study / "study.json").read_text())
    assert record[plugin_trust.SIGNATURE_KEY]
    record["plugins"].append(str(made["evil"]))
    (study / "study.json").write_text(json.dumps(record))
    SEARCH_SPACES._items.pop(space)  # as in a new process, where the report loads the study's plugins for its space
    assert main(["report", str(study)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{study} names the plugins" in err and str(made["evil"]) in err, err
    assert not (tmp_path / "evil.imported").exists()
