"""``SearchConfig.from_yaml``'s ``data_dir:`` that names no folder is refused, when the search starts, naming the file
and the key, as ``nasloop search --config`` refuses it: a script was told "data directory '...' does not exist;
pass an existing folder to --data-dir", a path it never typed and a flag it does not have."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop import NasloopError, SearchConfig, search


def test_a_missing_absolute_data_dir_names_the_file_and_the_key(tmp_path: Path) -> None:
    config = tmp_path / "search.yaml"
    config.write_text("strategy: random\nbudget: 2\ndata_dir: /no-such-nasloop-folder-c3\n")
    with pytest.raises(NasloopError) as refused:
        search(SearchConfig.from_yaml(config).replace(run_dir=str(tmp_path / "run")))  # replace keeps its origin
    assert str(refused.value) == (f"{config}: data_dir: /no-such-nasloop-folder-c3 does not exist; write an existing "
                                  f"folder as data_dir: in {config}, or give one with .replace(data_dir=FOLDER)")
    assert not (tmp_path / "run").exists()


def test_a_relative_data_dir_names_the_folder_it_is_read_from(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "search.yaml"
    config.write_text("strategy: random\nbudget: 2\ndata_dir: data2\n")
    (tmp_path / "data2").write_text("")
    with pytest.raises(NasloopError, match=r"^.*search\.yaml: data_dir: data2 \(read from the folder the search "
                                           rf"starts in: {tmp_path / 'data2'}\) is not a folder; write an existing "):
        search(SearchConfig.from_yaml(config))


def test_a_folder_given_in_place_of_the_files_runs(tmp_path: Path, data_dir: Path) -> None:
    """A folder of another machine is a file's fine value: the script replaces it, and the run records no file."""
    config = tmp_path / "search.yaml"
    config.write_text("strategy: random\nbudget: 2\ndata_dir: /no-such-nasloop-folder-c3\n")
    read = SearchConfig.from_yaml(config)
    assert "read_from" not in read.to_dict() and read == SearchConfig(strategy="random", budget=2,
                                                                       data_dir="/no-such-nasloop-folder-c3")
    summary = search(read.replace(data_dir=str(data_dir), run_dir=str(tmp_path / "run")))
    assert summary["status"] == "finished" and summary["evaluations"] == 2


def test_a_relative_data_dir_under_a_workdir_names_the_workdir(tmp_path: Path, monkeypatch) -> None:
    """Read from the workdir the script set, it was said to be read "from the folder the search starts in"."""
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir(), elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = tmp_path / "search.yaml"
    config.write_text("strategy: random\nbudget: 2\ndata_dir: data2\n")
    with pytest.raises(NasloopError) as refused:
        search(SearchConfig.from_yaml(config).replace(workdir=str(project)))
    assert f"data_dir: data2 (read from its workdir, {project}: {project / 'data2'}) does not exist" \
        in str(refused.value)
