"""Predictor studies (``nasloop compare --predictors``): every measured fit kept, continued, and a damaged records
file named."""
from __future__ import annotations

import json

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.search_spaces.nb201.benchmark import NB201Benchmark

CIFAR10_VALUES = NB201Benchmark.find_task("cifar10").description  # what every NB201 CIFAR-10 value is


def test_a_predictor_records_file_edited_past_what_a_fit_measures_is_named(tmp_path, data_dir, capsys):
    """A tau of 7.5 was reported as 2.6 ± 10.5; a text field a traceback; bytes that are no text another."""
    study = tmp_path / "predictors"
    assert main(["compare", "--predictors", "random", "--train-sizes", "8", "--seeds", "2", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 0
    records = study / "predictor_records.jsonl"
    kept = records.read_text().splitlines()
    for figure, value in (("kendall_tau", 7.5), ("fit_seconds", "x"), ("spearman", True)):
        records.write_text("\n".join([json.dumps({**json.loads(kept[0]), figure: value}), *kept[1:]]) + "\n")
        capsys.readouterr()
        assert main(["report", str(study)]) == 2
        assert f"predictor_records.jsonl line 1 is damaged: its {figure} is {value!r}, which no fit measures" \
            in capsys.readouterr().err
    records.write_bytes("\n".join(kept).encode() + b"\n\xff\xfe\n")
    assert main(["report", str(study)]) == 2
    assert "predictor_records.jsonl is not text; set the folder aside" in capsys.readouterr().err


def test_a_predictor_study_keeps_every_record_and_continues(tmp_path, data_dir, capsys):
    study = tmp_path / "predictors"
    argv = ["compare", "--predictors", "gp,random", "--train-sizes", "8,30", "--seeds", "2", "--out", str(study),
            "--data-dir", str(data_dir), "--quiet"]
    assert main(argv) == 0
    lines = (study / "predictor_records.jsonl").read_text().splitlines()
    assert len(lines) == 2 * 2 * 2
    assert main(argv[:6] + ["3"] + argv[7:]) == 0  # one more seed: only its four fits run
    records = [json.loads(line) for line in (study / "predictor_records.jsonl").read_text().splitlines()]
    assert len(records) == 12 and records[:8] == [json.loads(line) for line in lines]
    assert sorted({r["seed"] for r in records}) == [0, 1, 2]
    gp_8 = [r["kendall_tau"] for r in records if r["predictor"] == "gp" and r["train_size"] == 8]
    table = (study / "report.md").read_text()
    assert f"| gp | 8 | 15,617 | 3 | {np.mean(gp_8):.3f} ± " in table  # 15,625 cells less the 8 fitted on
    assert "mean ± half-width of the 95 % Student t interval over the seeds" in table  # the ± was not explained
    assert (study / "figures" / "predictor_tau.png").exists()
    assert main(argv[:2] + ["gp,zero-cost"] + argv[3:4] + ["8"] + argv[5:]) == 0  # a new predictor joins
    records = [json.loads(line) for line in (study / "predictor_records.jsonl").read_text().splitlines()]
    assert len(records) == 14 and {r["predictor"] for r in records[12:]} == {"zero-cost"}
    capsys.readouterr()
    assert main(argv[:2] + ["gp"] + argv[3:] + ["--dataset", "cifar100"]) == 2
    assert "holds a predictor study with dataset = 'cifar10', not 'cifar100'; use another --out, or --force-new" \
        in capsys.readouterr().err
    refused = argv[:2] + ["random"] + argv[3:] + ["--dataset", "cifar100", "--force-new", "--predictor-opt", "x=1"]
    assert main(refused) == 2 and not list(tmp_path.glob("predictors.replaced-*"))  # the old study stays put
    assert main(argv[:2] + ["random"] + argv[3:] + ["--dataset", "cifar100", "--force-new"]) == 0
    (aside,) = tmp_path.glob("predictors.replaced-*")  # the old study is set aside whole
    assert len((aside / "predictor_records.jsonl").read_text().splitlines()) == 14
    assert len((study / "predictor_records.jsonl").read_text().splitlines()) == 2 * 2  # sizes x seeds
    first = json.loads((study / "predictor_records.jsonl").read_text().splitlines()[0])
    with (study / "predictor_records.jsonl").open("a") as log:  # a second command continuing it measured one twice
        log.write(json.dumps({**first, "fit_seconds": 9.0}) + "\n")
    assert main(argv[:2] + ["random"] + argv[3:] + ["--dataset", "cifar100"]) == 0
    size = first["train_size"]
    assert f"| random | {size} | {15625 - size:,} | 2 | " in (study / "report.md").read_text()  # counted once


def test_a_study_flag_given_to_report_on_a_run_or_a_predictor_study_is_refused(tmp_path, data_dir, capsys):
    """report RUN --target 85 (or --interval) was read and dropped without a word."""
    run, study = tmp_path / "run", tmp_path / "predictors"
    assert main(["search", "--strategy", "random", "--budget", "3", "--data-dir", str(data_dir), "--run-dir",
                 str(run), "--quiet"]) == 0
    assert main(["compare", "--predictors", "random", "--train-sizes", "8", "--seeds", "1", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 0
    capsys.readouterr()
    for path, flags, what in ((run, ["--target", "85"], "not a search study"),
                              (study, ["--interval", "bootstrap"], "a predictor study")):
        assert main(["report", str(path), *flags]) == 2
        assert f"{flags[0]} is read for a search study (from 'nasloop compare --methods'), and {path} is {what}; " \
            f"drop {flags[0]}" in capsys.readouterr().err
        assert main(["report", str(path)]) == 0


def test_a_study_of_a_predictor_pretrained_on_its_space_says_so_as_evaluate_does(tmp_path, data_dir, capsys):
    """`compare --predictors` reported a FLAN that had seen the test cells' labels as if it were transfer."""
    own = tmp_path / "flan-nb201.pt"
    small = ["--predictor-opt", "ensemble=2", "--predictor-opt", "steps=20"]
    assert main(["predictors", "pretrain", "--space", "nb201", "--train-size", "16", *small, "--data-dir",
                 str(data_dir), "--out", str(own)]) == 0
    capsys.readouterr()
    study = tmp_path / "study"
    assert main(["compare", "--predictors", "flan", "--predictor-opt", f"pretrained={own}", *small, "--train-sizes",
                 "8", "--seeds", "1", "--out", str(study), "--data-dir", str(data_dir), "--quiet"]) == 0
    said = "flan starts from weights pretrained on nb201 cells, whose labels it has seen"
    assert f"note: {said}" in capsys.readouterr().err
    assert f"**Note:** {said}" in (study / "report.md").read_text() and said in (study / "report.html").read_text()


def test_a_ranking_of_another_metric_is_labelled_with_it_not_the_tasks_validation_words(tmp_path, data_dir, capsys,
                                                                                          monkeypatch):
    """--metric test_accuracy was reported under "Targets: CIFAR-10 (validation: the cifar10-valid split)", and a
    study at --fidelity 12 had a title naming no epochs."""
    monkeypatch.setenv("COLUMNS", "200")
    study = tmp_path / "study"
    assert main(["compare", "--predictors", "random", "--train-sizes", "8", "--seeds", "1", "--metric",
                 "test_accuracy", "--fidelity", "12", "--out", str(study), "--data-dir", str(data_dir),
                 "--quiet"]) == 0
    report = (study / "report.md").read_text()
    assert report.startswith("# nasloop predictor study: nb201 / cifar10 at 12 epochs\n")
    assert f"Targets: test_accuracy, not the task's val_accuracy ({CIFAR10_VALUES})." in report
    capsys.readouterr()
    assert main(["predictors", "evaluate", "--predictor", "random", "--train-sizes", "8", "--seeds", "1",
                 "--metric", "test_accuracy", "--data-dir", str(data_dir)]) == 0
    shown = capsys.readouterr().out
    assert "predictors on nb201 cifar10 test_accuracy (1 seed)" in shown
    assert "test_accuracy, not the task's val_accuracy" in shown
    assert main(["predictors", "evaluate", "--predictor", "random", "--train-sizes", "8", "--seeds", "1",
                 "--data-dir", str(data_dir)]) == 0
    shown = capsys.readouterr().out  # the task's own metric keeps the task's own words
    assert "predictors on nb201 cifar10 (1 seed)" in shown and "not the task's" not in shown
    assert CIFAR10_VALUES in " ".join(shown.split())  # the caption wraps at the table's width


def test_a_blend_whose_flan_member_was_pretrained_on_the_space_gets_the_note(data_dir, pretrained):
    """`members={flan: {pretrained: FILE}, ...}` on the file's own space was measured as if it were transfer: the
    note read the blend's own pretrained_on, which no member's file reached."""
    from nasloop.engine.predictor_evaluation import evaluate_predictors

    class Noted(Exception):
        """Stops the evaluation at its note, before the first fit."""

    def stop(text: str) -> None:
        raise Noted(text)

    members = {"flan": {"pretrained": str(pretrained), "ensemble": 2, "steps": 20}, "random": {}}
    with pytest.raises(Noted, match="^blend starts from weights pretrained on nb101 cells, whose labels it has seen"):
        evaluate_predictors(["blend"], [8], [0], space="nb101", data_dir=data_dir,
                            predictor_options={"blend": {"members": members}}, on_note=stop)
