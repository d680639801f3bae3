"""A predictor study records the options its space and predictors resolved from the run (a default read from the
benchmark: zero-cost's proxy, nwot on NB301 where it was Zen), gives them back when it is continued, and shows them;
``predictors evaluate --json`` says them in each record. A study continued after a default changed fitted the newer
predictor under the older one's name, its seeds mixing two rankings in one row."""
from __future__ import annotations

import json

import pytest

from nasloop.engine.errors import ConfigError
from nasloop.engine.predictor_evaluation import evaluate_predictors
from nasloop.search_spaces.darts.benchmark import NB301Benchmark

STUDY = ["compare", "--space", "darts", "--train-sizes", "8", "--quiet"]


@pytest.fixture(autouse=True)
def _data_by_environment(monkeypatch, data_dir):
    """The commands find the tables as a user who set $NASLOOP_DATA does: none of them names --data-dir."""
    monkeypatch.setenv("NASLOOP_DATA", str(data_dir))


def _records(folder):
    return [json.loads(line) for line in (folder / "predictor_records.jsonl").read_text().splitlines()]


def _tau(folder, seed):
    return next(r["kendall_tau"] for r in _records(folder) if r["seed"] == seed)


def _study(run, out, seeds, *extra, predictors="zero-cost"):
    done = run([*STUDY, "--predictors", predictors, *extra, "--seeds", str(seeds), "--out", str(out)])
    assert done.returncode == 0, done.stderr
    return done


def test_a_study_continued_after_a_default_changed_fits_the_predictor_it_began_with(tmp_path, nasloop_in_process,
                                                                                     monkeypatch):
    with monkeypatch.context() as older:  # a nasloop whose NB301 default was params: its study records it
        older.setattr(NB301Benchmark, "ranking_proxy", "params")
        _study(nasloop_in_process, tmp_path / "older", 1)
    _study(nasloop_in_process, tmp_path / "older", 2)  # today's default is nwot
    assert [r["resolved_options"] for r in _records(tmp_path / "older")] == [{"proxy": "params"}] * 2
    grid = json.loads((tmp_path / "older" / "predictor_study.json").read_text())
    assert grid["resolved_options"]["predictor"] == {"zero-cost": {"proxy": "params"}}
    assert grid["predictor_options"] == {}  # the options given stay as they were given
    _study(nasloop_in_process, tmp_path / "params", 2, "--predictor-opt", "proxy=params")
    _study(nasloop_in_process, tmp_path / "nwot", 2)
    assert _tau(tmp_path / "older", 1) == _tau(tmp_path / "params", 1) != _tau(tmp_path / "nwot", 1)
    assert _records(tmp_path / "nwot")[1]["resolved_options"] == {"proxy": "nwot"}
    report = (tmp_path / "older" / "report.md").read_text()
    assert "kept for its later fits: space darts: table_only=true; predictor zero-cost: proxy=params." in report


def test_a_blends_members_keep_what_they_resolved(tmp_path, nasloop_in_process, monkeypatch):
    """The blend names its members (given), and what each resolved is recorded inside its members option."""
    blend = ["--predictor-opt", "members=[zero-cost, random]"]
    with monkeypatch.context() as older:
        older.setattr(NB301Benchmark, "ranking_proxy", "params")
        _study(nasloop_in_process, tmp_path / "older", 1, *blend, predictors="blend")
    _study(nasloop_in_process, tmp_path / "older", 2, *blend, predictors="blend")
    _study(nasloop_in_process, tmp_path / "older", 3, *blend, predictors="blend")  # its record kept whole again
    resolved = {"members": {"zero-cost": {"proxy": "params"}}}
    assert [r["resolved_options"] for r in _records(tmp_path / "older")] == [resolved] * 3
    grid = json.loads((tmp_path / "older" / "predictor_study.json").read_text())
    assert grid["resolved_options"]["predictor"] == {"blend": resolved}


def test_a_predictor_joining_the_study_records_its_own(tmp_path, nasloop_in_process, monkeypatch):
    """A later command's predictor resolves on that nasloop's defaults; the first one keeps its record."""
    with monkeypatch.context() as older:
        older.setattr(NB301Benchmark, "ranking_proxy", "params")
        _study(nasloop_in_process, tmp_path / "study", 1)
    _study(nasloop_in_process, tmp_path / "study", 1, predictors="zero-cost,gp")
    grid = json.loads((tmp_path / "study" / "predictor_study.json").read_text())
    assert grid["resolved_options"]["predictor"]["zero-cost"] == {"proxy": "params"}
    assert "gp" in grid["resolved_options"]["predictor"]
    assert [r["predictor"] for r in _records(tmp_path / "study")] == ["zero-cost", "gp"]


def test_predictors_evaluate_says_what_each_predictor_resolved(nasloop_in_process):
    done = nasloop_in_process(["predictors", "evaluate", "--space", "darts", "--predictors", "zero-cost,random",
                               "--train-sizes", "8", "--seeds", "1", "--json"])
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert [r["resolved_options"] for r in records] == [{"proxy": "nwot"}, {}]
    table = nasloop_in_process(["predictors", "evaluate", "--space", "darts", "--predictors", "zero-cost",
                                "--train-sizes", "8", "--seeds", "1"])
    assert "zero-cost proxy=nwot" in table.stdout, table.stdout


def test_the_report_shows_every_option_given(tmp_path, nasloop_in_process):
    """'nasloop report DIR' named the command that wrote it, which names no option: a study of FLAN at ensemble=2
    read as one of its defaults."""
    out = tmp_path / "study"
    assert nasloop_in_process(["compare", "--space", "nb201", "--predictors", "zero-cost,random", "--train-sizes",
                               "8", "--seeds", "1", "--space-opt", "channels=16", "--predictor-opt",
                               "zero-cost.proxy=params", "--quiet", "--out", str(out)]).returncode == 0
    assert nasloop_in_process(["report", str(out)]).returncode == 0
    report = (out / "report.md").read_text()
    assert "Options given: --space-opt channels=16, --predictor-opt zero-cost.proxy=params." in report
    assert "Fidelity: 200 epochs, the table's highest for the task" in report
    assert "--predictor-opt zero-cost.proxy=params" in (out / "report.html").read_text()


@pytest.mark.parametrize("damaged", [["nwot"], {"predictor": {"zero-cost": "nwot"}}])
def test_a_damaged_record_is_named(tmp_path, nasloop_in_process, damaged):
    out = tmp_path / "study"
    _study(nasloop_in_process, out, 1)
    path = out / "predictor_study.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "resolved_options": damaged}))
    done = nasloop_in_process([*STUDY, "--predictors", "zero-cost", "--seeds", "2", "--out", str(out)])
    assert done.returncode == 2 and "is not a readable predictor study file (ValueError: its resolved_options are " \
        in done.stderr and "not plugin kind -> name -> options" in done.stderr, done.stderr


def test_a_study_from_before_the_record_records_what_it_resolves_when_continued(tmp_path, nasloop_in_process):
    """As a study from before it recorded its pretrained files records them: from here on it keeps to them."""
    out = tmp_path / "study"
    _study(nasloop_in_process, out, 1)
    path = out / "predictor_study.json"
    path.write_text(json.dumps({k: v for k, v in json.loads(path.read_text()).items() if k != "resolved_options"}))
    _study(nasloop_in_process, out, 2)
    assert json.loads(path.read_text())["resolved_options"]["predictor"] == {"zero-cost": {"proxy": "nwot"}}


def test_a_record_given_where_the_api_takes_resolved_options_is_named(data_dir):
    with pytest.raises(ConfigError, match=r"^resolved takes a ResolvedOptions \(ResolvedOptions\(record\), the record "
                                          r"a study keeps\), got \{'predictor'"):
        evaluate_predictors(["zero-cost"], [8], [0], space="darts", data_dir=data_dir,
                            resolved={"predictor": {"zero-cost": {"proxy": "params"}}})
