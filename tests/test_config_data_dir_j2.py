"""A config file's ``data_dir:`` that names no folder is refused naming the file and the key: it was "data directory
'/tmp/.../data2' does not exist; pass an existing folder to --data-dir", a path and a flag the user never typed."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main


def test_a_missing_relative_data_dir_names_the_file_and_the_key(tmp_path: Path, data_dir: Path, capsys,
                                                                 monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "search.yaml"
    config.write_text("space: nb201\nstrategy: random\nbudget: 2\ndata_dir: data2\n")
    run = tmp_path / "run"
    assert main(["search", "--config", str(config), "--run-dir", str(run), "--quiet"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"nasloop search: error: {config}: data_dir: data2 (read from the folder the search starts in: "
        f"{tmp_path / 'data2'}) does not exist; write an existing folder as data_dir: in {config}, or pass one to "
        "--data-dir")
    assert not run.exists()
    (tmp_path / "data2").write_text("")
    assert main(["search", "--config", str(config), "--run-dir", str(run), "--quiet"]) == 2
    assert f"{config}: data_dir: data2 (read from the folder the search starts in: {tmp_path / 'data2'}) is not " \
           "a folder;" in capsys.readouterr().err
    # --data-dir replaces the file's folder, as a flag replaces any key of the file
    assert main(["search", "--config", str(config), "--data-dir", str(data_dir), "--run-dir", str(run),
                 "--quiet"]) == 0


@pytest.mark.parametrize("given", ["~/no-such-nasloop-folder-j2", "/no-such-nasloop-folder-j2"])
def test_a_missing_absolute_data_dir_names_the_file(given: str, tmp_path: Path, capsys) -> None:
    config = tmp_path / "search.yaml"
    config.write_text(f"data_dir: {given}\n")
    assert main(["search", "--config", str(config), "--run-dir", str(tmp_path / "run"), "--quiet"]) == 2
    assert capsys.readouterr().err.strip() == (f"nasloop search: error: {config}: data_dir: {given} does not exist; "
                                               f"write an existing folder as data_dir: in {config}, or pass one to "
                                               "--data-dir")
