"""The `nasloop proxies` command a computing note advises runs as printed and writes the file runs then read.

It ended in ``--out FILE``: a user who followed it wrote a file no run read (runs read only
``<space>-<dataset>-proxies.csv`` in a data folder), and a data folder whose path needs quoting broke the command.
"""
from __future__ import annotations

import re
import shlex

from nasloop.engine import cli
from nasloop.engine.config import SearchConfig
from nasloop.engine.search import build_plugins

from .nds_fixture import nds_records, write_nds_file


def _advised(note: str) -> list[str]:
    """The advised command's arguments after ``nasloop``, split as a shell splits the printed line."""
    command = re.search(r"'(nasloop proxies .*--out .*?)' precomputes", note)
    assert command, note
    words = shlex.split(command.group(1))
    assert words[0] == "nasloop"
    return words[1:]


def _notes(folder, proxy: str = "zen") -> list[str]:
    notes: list[str] = []
    config = SearchConfig(space="nds-darts", strategy="predictor-topk", predictor="zero-cost", budget=20, seed=0,
                          data_dir=str(folder), run_dir=str(folder.parent / "run"),
                          predictor_options={"proxy": proxy})
    build_plugins(config, on_note=notes.append)
    return notes


def test_the_advised_command_writes_the_file_the_next_run_reads(tmp_path, capsys):
    folder = tmp_path / "my data"  # a space in the path: the printed command must still run as printed
    folder.mkdir()
    write_nds_file(folder / "DARTS.json", nds_records("nds-darts", 4, seed=0))
    [note] = _notes(folder)
    args = _advised(note)
    assert args[args.index("--out") + 1] == str(folder / "nds-darts-cifar10-proxies.csv")
    assert cli.main(args) == 0, capsys.readouterr().err
    assert _notes(folder) == []  # zen is read from the file now: nothing is computed, so nothing is said


def test_a_file_holding_other_proxies_gains_the_ones_the_run_lacks(tmp_path, capsys):
    folder = tmp_path / "data"
    folder.mkdir()
    write_nds_file(folder / "DARTS.json", nds_records("nds-darts", 4, seed=0))
    held = folder / "nds-darts-cifar10-proxies.csv"
    assert cli.main(["proxies", "--space", "nds-darts", "--space-opt", "table_only=true", "--all", "--proxies",
                     "synflow", "--data-dir", str(folder), "--out", str(held)]) == 0
    [note] = _notes(folder)  # zen: the file holds synflow only, and continuing it takes its own proxies
    args = _advised(note)
    assert args[args.index("--proxies") + 1] == "synflow,zen" and args[args.index("--out") + 1] == str(held)
    assert cli.main(args) == 0, capsys.readouterr().err
    assert "zen added to the 4 architectures the file held" in capsys.readouterr().out  # '...it held' until h7
    assert _notes(folder) == [] and _notes(folder, "synflow") == []
