"""A predictor study's stored seeds, as a search study's are: a request stored with more seeds than the command now
asks for (an older nasloop took more than --seeds' bound of 10,000) goes on with all of them under a smaller
--seeds, where the report told the user that 'the same command' measured them, and that command was refused; and a
request's seeds are checked as a study.json's are (true, -1 or a repeat is one line naming the file)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.predictor_grid import asked_seeds
from nasloop.engine.predictor_study import read_grid

pytestmark = pytest.mark.usefixtures("isolated_cache")


def compare(study: Path, data_dir: Path, seeds: int) -> list[str]:
    return ["compare", "--predictors", "random", "--train-sizes", "8", "--seeds", str(seeds), "--out", str(study),
            "--data-dir", str(data_dir), "--quiet"]


def stored_seeds(study: Path, seeds: list) -> None:
    """The study's one request rewritten to ``seeds``, as an older nasloop (or a hand) wrote it."""
    path = study / "predictor_study.json"
    grid = json.loads(path.read_text())
    grid["requests"][0]["seeds"] = seeds
    path.write_text(json.dumps(grid))


def measured(study: Path) -> list[int]:
    lines = (study / "predictor_records.jsonl").read_text().splitlines()
    return sorted(json.loads(line)["seed"] for line in lines)


def test_a_stored_request_of_more_seeds_goes_on_under_a_smaller_seeds(tmp_path, data_dir, capsys):
    study = tmp_path / "study"
    assert main(compare(study, data_dir, 2)) == 0
    stored_seeds(study, list(range(4)))  # killed after two of four seeds
    capsys.readouterr()
    assert main(compare(study, data_dir, 2)) == 0
    assert measured(study) == [0, 1, 2, 3]
    assert "Not measured yet" not in capsys.readouterr().err
    assert json.loads((study / "predictor_study.json").read_text())["requests"] == [
        {"predictors": ["random"], "train_sizes": [8], "seeds": [0, 1, 2, 3]}]  # one request, as it was


def test_a_request_past_the_bound_is_read_and_its_seeds_are_the_commands(tmp_path, data_dir, capsys):
    study = tmp_path / "study"
    assert main(compare(study, data_dir, 1)) == 0
    stored_seeds(study, list(range(10_001)))
    grid = read_grid(study)
    assert asked_seeds(grid["requests"], ["random"], [8], range(5)) == list(range(10_001))
    assert asked_seeds(grid["requests"], ["random", "gp"], [8], range(5)) == list(range(5))  # another request
    capsys.readouterr()
    assert main(["report", str(study)]) == 0
    assert ("Not measured yet, of what this study was asked: random n=8 (10000 seeds); the same 'nasloop compare "
            "--predictors' command again measures them") in capsys.readouterr().err


@pytest.mark.parametrize("seeds, said", [([0, True], "seeds include True, not a whole number from 0 to 2**63 - 1"),
                                         ([0, -1], "seeds include -1, not a whole number from 0 to 2**63 - 1"),
                                         ([0, 1, 1], "lists the seed 1 more than once")])
def test_a_stored_requests_odd_seeds_are_one_line(seeds, said, tmp_path, data_dir, capsys):
    study = tmp_path / "study"
    assert main(compare(study, data_dir, 1)) == 0
    stored_seeds(study, seeds)
    capsys.readouterr()
    assert main(compare(study, data_dir, 1)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err and "predictor_study.json is not a readable predictor study" in err
