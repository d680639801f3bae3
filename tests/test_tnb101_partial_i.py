"""A TransNAS-Bench-101 table of some architectures only (a hand-made or partial import of the JSON)."""
from __future__ import annotations

import gzip
import json

import pytest

from nasloop.engine.cli import main


@pytest.fixture(scope="module")
def partial_dir(data_dir, tmp_path_factory):
    """A data folder whose JSON holds 100 micro room_layout records: the space has 4,096 cells."""
    data = json.loads(gzip.decompress((data_dir / "transnas101_val.json.gz").read_bytes()))
    kept = dict(list(data["micro"]["room_layout"].items())[:100])
    folder = tmp_path_factory.mktemp("partial")
    (folder / "transnas101_val.json.gz").write_bytes(gzip.compress(json.dumps({"micro": {"room_layout": kept}})
                                                                   .encode()))
    return folder


def test_a_search_of_a_partial_table_is_refused_before_the_run(partial_dir, tmp_path, capsys):
    # It ran, sampling the whole space, and failed every lookup ("all 5 evaluations failed"), leaving a run folder.
    assert main(["search", "--space", "tnb101-micro", "--dataset", "room_layout", "--budget", "5", "--data-dir",
                 str(partial_dir), "--run-dir", str(tmp_path / "run"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "holds room_layout results for 100 of the space's 4,096 architectures" in err
    assert "nasloop data import --space tnb101-micro transnas101_val.json.gz" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "run").exists()

