"""Where data is read from and written to, said as it is: a store's disk failing, a link leading round in a loop,
an --out that cannot be a folder (checked before the input is read), and a config file's data_dir: folder."""
from __future__ import annotations

import os
import sqlite3

from nasloop.engine.cli_parser import build_parser
from nasloop.engine.cli_stops import environment_error


def test_a_store_the_disk_fails_says_what_to_do_before_continuing(tmp_path):
    """A full disk reached sqlite as 'disk I/O error', and the line read '(disk I/O error); then continue with',
    its 'then' following nothing."""
    args = build_parser().parse_args(["search", "--run-dir", str(tmp_path / "run")])
    line = environment_error(sqlite3.OperationalError("disk I/O error"), args)
    assert line == ("the run store could not be read or written (disk I/O error): free space on its disk if it is "
                    "full, or mend the disk or file system it is on"), line


def test_a_data_file_that_is_a_link_loop_is_named_not_missing(tmp_path, nasloop_in_process, isolated_cache):
    table = tmp_path / "nasbench201_all.csv.gz"
    os.symlink(tmp_path / "x", table)
    os.symlink(table, tmp_path / "x")
    done = nasloop_in_process(["search", "--space", "nb201", "--budget", "2", "--data-dir", str(tmp_path),
                               "--run-dir", str(tmp_path / "run")])
    assert done.returncode == 2 and done.stderr.strip() == (
        f"nasloop search: error: {table} is a symbolic link that leads round in a loop (through links to itself); "
        "replace it with the file itself, or remove it"), done.stderr


def test_an_out_that_cannot_be_a_folder_is_refused_before_the_input_is_read(tmp_path, nasloop_in_process):
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    (tmp_path / "file").write_text("")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
    unread = str(tmp_path / "never-read.csv.gz")  # refused as missing, were it read first
    for out, said in (("a", "is a symbolic link that leads round in a loop (through links to itself); give a folder"),
                      ("file/sub", f"cannot be made: {tmp_path / 'file'} is a file, not a folder; give a folder"),
                      ("dangling", f"is a link to {tmp_path / 'nowhere'}, which does not exist; make that folder, "
                                   "or give another")):
        done = nasloop_in_process(["data", "import", "--space", "nb201", unread, "--out", str(tmp_path / out)])
        assert done.returncode == 2 and done.stderr.strip() == (
            f"nasloop data import: error: --out {tmp_path / out} {said}"), done.stderr
    assert sorted(os.listdir(tmp_path)) == ["a", "b", "dangling", "file"]


def test_a_data_file_missing_from_a_config_files_data_dir_names_the_file(tmp_path, nasloop_in_process,
                                                                          isolated_cache):
    """The folder missing altogether said it came from the file; one without the table listed '.' as looked in."""
    (tmp_path / "search.yaml").write_text("budget: 2\ndata_dir: .\n")
    done = nasloop_in_process(["search", "--config", "search.yaml", "--run-dir", "run"], cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.strip().endswith(
        "; the first folder is search.yaml's data_dir: . (read from the folder the search starts in: "
        f"{tmp_path})"), done.stderr
    given = nasloop_in_process(["search", "--config", "search.yaml", "--data-dir", ".", "--run-dir", "run"],
                               cwd=tmp_path)
    assert given.returncode == 2 and "search.yaml's data_dir" not in given.stderr, given.stderr


def test_an_empty_data_file_is_said_to_be_empty(tmp_path, nasloop_in_process, isolated_cache):
    """It was 'not a nb201 data file' on import and 'not a format of the nb201 benchmark' in a search."""
    empty = tmp_path / "nasbench201_all.csv.gz"
    empty.write_bytes(b"")
    said = f"{empty} is empty (0 bytes): a download or copy cut short? get the file again"
    for command, args in (("data import", ["data", "import", "--space", "nb201", str(empty), "--out",
                                           str(tmp_path / "out")]),
                          ("search", ["search", "--space", "nb201", "--budget", "2", "--data-dir", str(tmp_path),
                                      "--run-dir", str(tmp_path / "run")])):
        done = nasloop_in_process(args)
        assert done.returncode == 2 and done.stderr.strip() == f"nasloop {command}: error: {said}", done.stderr
