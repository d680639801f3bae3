"""``--device auto`` reaches every place that puts a network on a device, and every ``--device`` says it takes it.

The proxy scorer checked the word with resolve_device and then passed "auto" itself to ``.to()``: every score of
``nasloop proxies --device auto``, of a proxy search and of ray_scaling.py's ``--option device=auto`` failed in
torch's words ("Expected one of cpu, cuda, ... device type at start of device string: auto"), though nasloop's own
refusals advise auto.
"""
from __future__ import annotations

import csv
import runpy
from pathlib import Path
from typing import Iterator

import pytest
import torch

from nasloop.engine.cli_parser import build_parser
from nasloop.engine.context import RunContext
from nasloop.engine.evaluators.proxies import PROXIES, register_proxy, score_architectures
from nasloop.engine.evaluators.proxy import ProxyEvaluator
from nasloop.search_spaces.nb201 import NB201Space

CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def test_auto_scores_in_the_scorer_the_evaluator_and_a_proxies_file(data_dir: Path, tmp_path: Path,
                                                                    nasloop_in_process) -> None:
    space = NB201Space(channels=4, cells=1)
    record = score_architectures(space, [CELL], ["synflow", "params"], device="auto")[0]
    assert "errors" not in record and record["scores"]["synflow"] > 0
    evaluator = ProxyEvaluator(space, RunContext(data_dir=str(data_dir)), proxies=["synflow"], device="auto")
    evaluator.check()
    result = evaluator.evaluate(space.parse(CELL))
    assert result.ok, result.reason
    assert result.metrics["synflow"] == record["scores"]["synflow"]
    out = tmp_path / "scores.csv"  # the precomputing path (proxy_precompute's row evaluator)
    done = nasloop_in_process(["proxies", "--space", "nb201", "--space-opt", "channels=4", "--space-opt", "cells=1",
                               "--archs-file", str(_written(tmp_path, CELL)), "--proxies", "synflow",
                               "--device", "auto", "--out", str(out)])
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(line for line in out.read_text().splitlines() if not line.startswith("#")))
    assert [float(r["synflow"]) for r in rows] == pytest.approx([record["scores"]["synflow"]])


def _written(folder: Path, cell: str) -> Path:
    path = folder / "archs.txt"
    path.write_text(cell + "\n")
    return path


@pytest.mark.parametrize("command", ["search", "proxies", "train"])
def test_every_device_flag_names_auto_alike(command: str) -> None:
    """'nasloop proxies --help' said 'cpu or cuda', search 'cpu, cuda, cuda:1 or auto', train 'cpu, cuda or auto'."""
    parser = build_parser()
    sub = next(a for a in parser._subparsers._group_actions if a.choices).choices[command]  # type: ignore[union-attr]
    flag = next(a for a in sub._actions if "--device" in a.option_strings)
    assert "cpu, cuda, cuda:N or auto" in flag.help


@pytest.fixture
def failing_proxy() -> Iterator[str]:
    """A user's proxy that is undefined on every network (a ValueError, as synflow's is on a cell without paths)."""
    @register_proxy("d4-undefined", needs_data=False)
    def undefined(net, inputs, targets):
        raise ValueError("no signal in this network")

    yield "d4-undefined"
    del PROXIES._items["d4-undefined"]


def test_ray_scalings_networks_per_s_counts_only_evaluated_networks(failing_proxy: str, data_dir: Path,
                                                                    tmp_path: Path, monkeypatch) -> None:
    """Every trial failing at once read as the fastest run (91.7 networks/s in-process with device=auto)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    script = runpy.run_path(str(BENCHMARKS / "ray_scaling.py"), run_name="ray_scaling_d4")
    args = script["parse_args"](["--networks", "2", "--proxies", failing_proxy, "--option", "channels=4",
                                 "--option", "cells=1", "--data-dir", str(data_dir)])
    threads = torch.get_num_threads()
    try:
        row = script["run"](args, None, tmp_path)
    finally:
        torch.set_num_threads(threads)  # the in-process run sets the Ray worker's thread count
    assert (row["networks"], row["failed"], row["networks_per_s"]) == (2, 2, 0.0)
    assert "no signal in this network" in row["first_failure"]
