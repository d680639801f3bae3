"""A predictor study's records file holding a row of another space or dataset (merged in by hand from another study)
is named in one line, not counted as a fit of the study's own; a row naming the study's task another way is its own;
a row whose seed, train size or figures no fit writes is named too."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nasloop.engine.cli import main

from .messages import one_line


def _study(tmp_path: Path, data_dir: Path, *options: str) -> tuple[Path, dict]:
    """A one-seed study of the random predictor on 8 NB201 cells (``options`` added): its records file, and its
    first record."""
    assert main(_compare(tmp_path / "predictors", data_dir, 1, *options)) == 0
    path = tmp_path / "predictors" / "predictor_records.jsonl"
    return path, json.loads(path.read_text().splitlines()[0])


def _compare(study: Path, data_dir: Path, seeds: int, *options: str) -> list[str]:
    """The command of that study, with ``seeds`` seeds."""
    return ["compare", "--space", "nb201", *options, "--predictors", "random", "--train-sizes", "8", "--seeds",
            str(seeds), "--out", str(study), "--data-dir", str(data_dir), "--quiet"]


def _refused_then_unnamed(tmp_path: Path, data_dir: Path, capsys, key: str, other: str, expected: str) -> None:
    """A row of ``key`` ``other`` appended to a one-seed study is refused by 'report' in ``expected``'s words, and by
    'compare' continuing the study with nothing measured or written; a row naming no ``key`` is refused too."""
    path, first = _study(tmp_path, data_dir)
    study = path.parent
    with path.open("a") as log:
        log.write(json.dumps({**first, key: other, "seed": 1}) + "\n")
    kept = path.read_bytes()
    capsys.readouterr()
    assert main(["report", str(study)]) == 2
    assert capsys.readouterr().err.strip() == f"nasloop report: error: {path} {expected}"
    assert main(_compare(study, data_dir, 2)) == 2  # continuing it: seed 1 was taken as measured
    one_line(capsys.readouterr().err.strip(), f"{path} line 2 is a record of {key} '{other}'", "remove the line")
    assert path.read_bytes() == kept  # nothing measured or written
    without = {name: value for name, value in first.items() if name != key}
    path.write_text(json.dumps(first) + "\n" + json.dumps({**without, "seed": 1}) + "\n")
    assert main(["report", str(study)]) == 2  # a row naming no space or dataset is no record of this study either
    one_line(capsys.readouterr().err.strip(), f"{path} line 2 is a record naming no {key}", "remove the line")


def test_a_record_of_another_space_in_a_predictor_study_is_named_not_counted(tmp_path, data_dir, capsys):
    """A row of nb101 appended to an nb201 study was counted as an nb201 fit: 'report' showed 2 seeds where 1 was
    measured, and a continued study took its (predictor, size, seed) as measured and never fitted it."""
    _refused_then_unnamed(tmp_path, data_dir, capsys, "space", "nb101",
                          "line 2 is a record of space 'nb101', and this study ranks 'nb201' cells; remove the line, "
                          "or keep that space's records in a study folder of their own (another --out)")


def test_a_record_of_another_dataset_in_a_predictor_study_is_named_not_counted(tmp_path, data_dir, capsys):
    """A cifar100 row appended to a cifar10 study was counted as a cifar10 fit: 'report' showed 2 seeds where 1 was
    measured, and a continued study took its (predictor, size, seed) as measured and never fitted it."""
    _refused_then_unnamed(tmp_path, data_dir, capsys, "dataset", "cifar100",
                          "line 2 is a record of dataset 'cifar100', and this study ranks 'nb201' cells on "
                          "'cifar10'; remove the line, or keep that dataset's records in a study folder of their own "
                          "(another --out)")


def test_a_record_spelling_the_study_task_another_way_is_counted(tmp_path, data_dir, capsys):
    """The task's name in another case (a study begun before names were canonical) or one of its aliases (NB201's
    'imagenet16' for ImageNet16-120) is the study's task: such records are counted, never refused."""
    path, first = _study(tmp_path, data_dir, "--dataset", "imagenet16")
    study = path.parent
    assert first["dataset"] == "imagenet16"
    with path.open("a") as log:
        for seed, spelled in ((1, "ImageNet16-120"), (2, "IMAGENET16")):
            log.write(json.dumps({**first, "dataset": spelled, "seed": seed}) + "\n")
    capsys.readouterr()
    assert main(["report", str(study)]) == 0
    assert "| random | 8 | 15,617 | 3 |" in (study / "report.md").read_text()


@pytest.mark.parametrize("change, said", [({"seed": 1.5}, "line 2 is not a predictor record"),
                                          ({"seed": True}, "line 2 is not a predictor record"),
                                          ({"train_size": 0}, "line 2 is not a predictor record"),
                                          ({"predictor": 5}, "line 2 is not a predictor record"),
                                          ({"kendall_tau": None}, "line 2 is damaged: its kendall_tau is missing")])
def test_a_record_nasloop_never_writes_is_named_not_read_as_another(tmp_path, data_dir, capsys, change, said):
    """A seed of 1.5 or true was read as seed 1 and a train size of 0 counted; a record without a figure failed the
    report as an unexpected KeyError (a kendall_tau of None below is the key removed)."""
    path, first = _study(tmp_path, data_dir)
    study = path.parent
    damaged = {key: value for key, value in {**first, "seed": 3, **change}.items() if value is not None}
    path.write_text("".join(json.dumps(r) + "\n" for r in (first, damaged, {**first, "seed": 4})))
    capsys.readouterr()
    assert main(["report", str(study)]) == 2
    one_line(capsys.readouterr().err.strip(), f"{path} {said}", "set the folder aside")
