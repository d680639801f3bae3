"""A predictor study's records file holding a row of another space (merged in by hand from another study) is named
in one line, not counted as a fit of the study's own space."""
from __future__ import annotations

import json

from nasloop.engine.cli import main

from .messages import one_line


def test_a_record_of_another_space_in_a_predictor_study_is_named_not_counted(tmp_path, data_dir, capsys):
    """A row of nb101 appended to an nb201 study was counted as an nb201 fit: 'report' showed 2 seeds where 1 was
    measured, and a continued study took its (predictor, size, seed) as measured and never fitted it."""
    study = tmp_path / "predictors"
    argv = ["compare", "--predictors", "random", "--train-sizes", "8", "--seeds", "1", "--out", str(study),
            "--data-dir", str(data_dir), "--quiet"]
    assert main(argv) == 0
    path = study / "predictor_records.jsonl"
    first = json.loads(path.read_text().splitlines()[0])
    with path.open("a") as log:
        log.write(json.dumps({**first, "space": "nb101", "seed": 1}) + "\n")
    kept = path.read_bytes()
    expected = (f"nasloop report: error: {path} line 2 is a record of space 'nb101', and this study ranks 'nb201' "
                "cells; remove the line, or keep that space's records in a study folder of their own (another --out)")
    capsys.readouterr()
    assert main(["report", str(study)]) == 2
    assert capsys.readouterr().err.strip() == expected
    assert main(argv[:6] + ["2"] + argv[7:]) == 2  # continuing it: seed 1 was taken as measured
    one_line(capsys.readouterr().err.strip(), f"{path} line 2 is a record of space 'nb101'", "remove the line")
    assert path.read_bytes() == kept  # nothing measured or written
    with path.open("a") as log:
        log.write(json.dumps({key: value for key, value in first.items() if key != "space"} | {"seed": 1}) + "\n")
    path.write_text("\n".join(path.read_text().splitlines()[::2]) + "\n")  # the nb101 row removed
    assert main(["report", str(study)]) == 2  # a row naming no space is no record of this study either
    one_line(capsys.readouterr().err.strip(), f"{path} line 2 is a record naming no space", "remove the line")
