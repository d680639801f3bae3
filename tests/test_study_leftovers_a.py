"""Studies keep what their last ``compare`` asked of the report, and say where ``--force-new`` put an old one."""
from __future__ import annotations

import json
from pathlib import Path

from nasloop.engine.cli import main
from nasloop.engine.store import DB_NAME

from .messages import one_line


def compare(study: Path, data_dir: Path, *extra: str) -> int:
    return main(["compare", "--methods", "random", "--seeds", "2", "--budget", "4", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet", *extra])


def heading(study: Path) -> str:
    """The report's line that says how it was computed (intervals, target)."""
    return next(line for line in (study / "report.md").read_text().splitlines() if "intervals" in line)


def test_report_writes_the_report_the_last_compare_asked_for(tmp_path: Path, data_dir: Path) -> None:
    """'report STUDY' went back to t intervals and the table's best as target, whatever compare had been told;
    its own flags still hold for the report they write, and are not recorded."""
    study = tmp_path / "study"
    assert compare(study, data_dir, "--target", "80", "--interval", "bootstrap") == 0
    assert main(["report", str(study), "--interval", "t", "--target", "85"]) == 0
    assert "t intervals, target 85;" in heading(study)
    assert main(["report", str(study)]) == 0
    assert "bootstrap intervals, target 80;" in heading(study)


def test_another_target_is_the_same_study_and_replaces_the_recorded_one(tmp_path: Path, data_dir: Path,
                                                                        capsys) -> None:
    """A compare that changes only how the study is reported keeps its runs and records its own choice."""
    study = tmp_path / "study"
    assert compare(study, data_dir, "--target", "80", "--interval", "bootstrap") == 0
    made = (study / "runs" / "random" / "seed-0" / DB_NAME).stat().st_mtime_ns
    assert compare(study, data_dir, "--target", "85") == 0
    assert not list(tmp_path.glob("study.replaced-*"))
    assert (study / "runs" / "random" / "seed-0" / DB_NAME).stat().st_mtime_ns == made
    assert json.loads((study / "study.json").read_text())["report"] == {"target": 85.0, "interval": "t"}


def test_a_study_recorded_before_reports_were_kept_still_reports(tmp_path: Path, data_dir: Path) -> None:
    study = tmp_path / "study"
    assert compare(study, data_dir, "--target", "80") == 0
    record = json.loads((study / "study.json").read_text())
    del record["report"]
    (study / "study.json").write_text(json.dumps(record))
    assert main(["report", str(study)]) == 0
    assert "t intervals, target " in heading(study) and "target 80;" not in heading(study)


def test_a_damaged_recorded_report_is_one_line_naming_the_file(tmp_path: Path, data_dir: Path, capsys) -> None:
    study = tmp_path / "study"
    assert compare(study, data_dir) == 0
    record = json.loads((study / "study.json").read_text())
    record["report"] = {"target": "high", "interval": "t"}
    (study / "study.json").write_text(json.dumps(record))
    capsys.readouterr()
    assert main(["report", str(study)]) != 0
    one_line(capsys.readouterr().err.strip(), study / "study.json", "'high'")


def test_force_new_on_a_predictor_study_names_where_the_old_one_went(tmp_path: Path, data_dir: Path,
                                                                     capsys) -> None:
    """The predictor study of another grid was renamed without a word, where a search study says where it went."""
    study = tmp_path / "pred"
    common = ["compare", "--predictors", "random", "--train-sizes", "8", "--seeds", "1", "--out", str(study),
              "--data-dir", str(data_dir), "--quiet"]
    assert main(common) == 0
    capsys.readouterr()
    assert main([*common, "--dataset", "cifar100", "--force-new"]) == 0
    (aside,) = tmp_path.glob("pred.replaced-*")
    assert (aside / "predictor_study.json").is_file()
    note = next(line for line in capsys.readouterr().err.splitlines() if "set aside" in line)
    one_line(note, study, aside, "nothing deleted")
    assert "set aside" not in (study / "report.md").read_text()  # a note of this command, not of the study


def test_a_predictor_study_refuses_the_interval_it_would_not_use(tmp_path: Path, data_dir: Path, capsys) -> None:
    """'compare --predictors ... --interval bootstrap' wrote t intervals without a word ('report' refuses it)."""
    assert main(["compare", "--predictors", "random", "--train-sizes", "8", "--seeds", "1", "--out",
                 str(tmp_path / "pred"), "--data-dir", str(data_dir), "--quiet", "--interval", "bootstrap"]) == 2
    one_line(capsys.readouterr().err.strip(), "--interval", "belongs to a search study")
    assert not (tmp_path / "pred").exists()


def test_a_damaged_predictor_study_file_is_one_line_and_force_new_sets_it_aside(tmp_path: Path, data_dir: Path,
                                                                                capsys) -> None:
    """A predictor_study.json cut short (it was written in place, so a kill could) was a JSONDecodeError from
    'report' and from 'compare', even with --force-new, which sets a damaged search study aside."""
    study = tmp_path / "pred"
    common = ["compare", "--predictors", "random", "--train-sizes", "8", "--seeds", "1", "--out", str(study),
              "--data-dir", str(data_dir), "--quiet"]
    assert main(common) == 0
    (study / "predictor_study.json").write_text('{"space": "nb201", "dat')
    capsys.readouterr()
    for command in (["report", str(study)], common):
        assert main(command) == 2
        one_line(capsys.readouterr().err.strip(), study / "predictor_study.json", "--force-new")
    assert main([*common, "--force-new"]) == 0
    (aside,) = tmp_path.glob("pred.replaced-*")
    assert (aside / "predictor_study.json").read_text() == '{"space": "nb201", "dat'
    assert main(["report", str(study)]) == 0


def test_the_report_of_a_partial_predictor_study_says_what_is_not_measured(tmp_path: Path, data_dir: Path,
                                                                           capsys) -> None:
    """A killed study's report showed the fits it had as if they were all it was asked for."""
    study = tmp_path / "pred"
    assert main(["compare", "--predictors", "random", "--train-sizes", "8,16", "--seeds", "2", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 0
    records = (study / "predictor_records.jsonl").read_text().splitlines()
    (study / "predictor_records.jsonl").write_text("\n".join(records[:2]) + "\n")  # as if killed after two fits
    capsys.readouterr()
    assert main(["report", str(study)]) == 0
    note = one_line(capsys.readouterr().err.strip(), "random n=16 (2 seeds)", "compare --predictors")
    assert note.removeprefix("nasloop report: note: ") in (study / "report.md").read_text()


def test_a_target_every_cell_reaches_is_refused(tmp_path: Path, data_dir: Path, capsys) -> None:
    """'--target 0.9' (an accuracy given as a fraction, where the table's are in %) was taken: every method read
    'reached at query 1', a tie that said nothing, where a target past the table's best is refused."""
    argv = ["compare", "--methods", "random", "--seeds", "1", "--budget", "3", "--out", str(tmp_path / "study"),
            "--data-dir", str(data_dir), "--quiet"]
    assert main([*argv, "--target", "0.9"]) == 2
    one_line(capsys.readouterr().err.strip(), "--target 0.9", "worst val_accuracy", "(10)", "give a value above 10")
    assert main([*argv, "--objective", "params_m", "--minimize", "--target", "2"]) == 2
    one_line(capsys.readouterr().err.strip(), "--target 2", "worst params_m", "give a value below")
    assert not (tmp_path / "study").exists()


def test_a_predictor_study_refuses_the_run_flags_it_would_not_use(tmp_path: Path, data_dir: Path, capsys) -> None:
    """'compare --predictors ... --jobs 4' (or --executor ray) fitted one at a time without a word."""
    argv = ["compare", "--predictors", "random", "--train-sizes", "8", "--seeds", "1", "--out", str(tmp_path / "p"),
            "--data-dir", str(data_dir), "--quiet"]
    for flags in (["--jobs", "4"], ["--executor", "ray"], ["--ray-address", "auto"]):
        assert main([*argv, *flags]) == 2
        one_line(capsys.readouterr().err.strip(), flags[0], "belongs to a search study")
    assert not (tmp_path / "p").exists()


def test_damaged_requests_of_a_predictor_study_are_one_line(tmp_path: Path, capsys) -> None:
    study = tmp_path / "pred"
    study.mkdir()
    for requests in (5, [1], [{"predictors": ["gp"], "train_sizes": ["8"], "seeds": [0]}]):
        (study / "predictor_study.json").write_text(json.dumps({"space": "nb201", "dataset": "cifar10",
                                                                "requests": requests}))
        assert main(["report", str(study)]) == 2
        one_line(capsys.readouterr().err.strip(), study / "predictor_study.json", "request")


def test_the_report_of_a_study_with_no_finished_run_says_so(tmp_path: Path, data_dir: Path) -> None:
    """A study killed before any run finished was reported as 'a study of one method has no pair to test'."""
    study = tmp_path / "study"
    assert main(["compare", "--methods", "random,local", "--seeds", "1", "--budget", "3", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 0
    for method in ("random", "local"):
        (study / "runs" / method / "seed-0").rename(tmp_path / f"{method}-gone")  # as if never run
    assert main(["report", str(study)]) == 0
    report = (study / "report.md").read_text()
    assert "2 methods (0 with a finished run), seeds [0]" in report
    assert "None: no method has a finished run yet" in report
    assert "one method" not in report


def test_report_of_a_folder_that_does_not_exist_names_both_kinds(tmp_path: Path, capsys) -> None:
    """'nasloop report studies/c1O' (a mistyped study) said 'no nasloop run ...; start a new search with --run-dir'."""
    assert main(["report", str(tmp_path / "c1O")]) == 2
    error = one_line(capsys.readouterr().err.strip(), tmp_path / "c1O", "no study or run", "'nasloop compare' study")
    assert "start a new search" not in error
