"""A user's walk over the DARTS and NDS spaces: damaged or reformatted NDS files, NDS strings, run reports."""
from __future__ import annotations

import json

import numpy as np
import pytest

from nasloop.engine import cli
from nasloop.engine.errors import ArchitectureError

from .nds_fixture import nds_records, write_nds_file


@pytest.mark.parametrize("key,value,said", [
    ("params", 10**400, "is 100000000000... (401 characters), too large for a number (floats end near 1.8e308)"),
    ("flops", float("inf"), "must be a finite non-negative number, got inf")], ids=["huge", "infinite"])
def test_a_count_past_floats_range_is_named_by_its_record(tmp_path, capsys, key, value, said):
    records = nds_records("nds-darts", 4, seed=1)
    records[2][key] = value  # 10**400 raised OverflowError; inf was named by the table's sorted row
    write_nds_file(tmp_path / "DARTS.json", records)
    assert cli.main(["data", "import", "--space", "nds", str(tmp_path / "DARTS.json"), "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert f"DARTS.json record 2: {key} {said}; the record is damaged" in error and error.count("\n") == 1


def test_a_darts_run_report_says_its_accuracies_are_the_surrogates(data_dir, tmp_path, capsys, monkeypatch):
    """A study's report said NB301's CIFAR-10 values are surrogate predictions; one run's report and show did not."""
    monkeypatch.setenv("COLUMNS", "200")
    run = tmp_path / "run"
    assert cli.main(["search", "--space", "darts", "--budget", "3", "--data-dir", str(data_dir), "--run-dir",
                     str(run)]) == 0
    assert cli.main(["report", str(run), "--out", str(tmp_path / "report")]) == 0
    capsys.readouterr()
    text = (tmp_path / "report" / "report.md").read_text()
    assert "0 failed; values: CIFAR-10 (NB301 surrogate-predicted validation accuracy %, not a training run" in text
    assert "NB301 surrogate-predicted" in (tmp_path / "report" / "report.html").read_text()
    assert cli.main(["show", str(run)]) == 0  # where 'surrogate 1' alone was the label
    shown = capsys.readouterr().out
    assert "│ values  " in shown and "(NB301 surrogate-predicted validation accuracy" in shown


def test_a_cut_off_gzip_is_named_as_cut_not_as_another_benchmarks_file(tmp_path, capsys):
    """A gzip cut off before 64 KiB of content read as empty when recognising it, so a renamed NDS file was 'not a
    nds-darts data file' instead of a damaged one."""
    whole = write_nds_file(tmp_path / "whole.json.gz", nds_records("nds-darts", 6, seed=4)).read_bytes()
    cut = tmp_path / "my_darts.json.gz"
    cut.write_bytes(whole[: len(whole) - 50])
    assert cli.main(["data", "import", "--space", "nds-darts", str(cut), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert "my_darts.json.gz is not readable NDS JSON (EOFError" in error and error.count("\n") == 1


def test_an_nds_architecture_reads_its_depth_and_width_in_either_order():
    """'... depth=20 width=36' was refused as if it stated no width and depth."""
    from nasloop.engine.registry import SEARCH_SPACES

    space = SEARCH_SPACES.get("nds-darts")(widths=[8], depths=[4])
    genotype = space.format(space.sample(np.random.default_rng(0))).rsplit(" width=", 1)[0]
    arch = space.parse(f"{genotype} depth=20 width=36")
    assert (arch.width, arch.depth) == (36, 20) and arch == space.parse(f"{genotype} width=36 depth=20")
    with pytest.raises(ArchitectureError, match="states its width and depth after the genotype"):
        space.parse(f"{genotype} depth=20 depth=36")


def test_a_pretty_printed_rerun_split_file_is_recognised(tmp_path, capsys):
    """A top/mid split file saved with indentation ('{\\n  "top": [...]') was 'not a nds-darts data file'."""
    records = nds_records("nds-darts", 4, seed=5)
    path = tmp_path / "my_reruns.json"
    path.write_text(json.dumps({"top": records[:2], "mid": records[2:]}, indent=2))
    assert cli.main(["data", "import", "--space", "nds-darts", str(path), "--out", str(tmp_path / "out")]) == 0
    assert "(4 architectures; from my_reruns.json; 4 trained networks" in capsys.readouterr().out


def test_a_file_saved_with_a_byte_order_mark_is_read(tmp_path, capsys):
    """A JSON file re-saved by a Windows tool starts with a UTF-8 BOM: it was 'not readable NDS JSON' under its
    published name and 'not a nds-darts data file' under another."""
    text = json.dumps(nds_records("nds-darts", 3, seed=7))
    for name in ("DARTS.json", "mine.json"):
        (tmp_path / name).write_bytes(b"\xef\xbb\xbf" + text.encode())
        assert cli.main(["data", "import", "--space", "nds-darts", str(tmp_path / name), "--out",
                         str(tmp_path / name[:-5])]) == 0
        assert f"(3 architectures; from {name}; 3 trained networks" in capsys.readouterr().out
