"""The ``params`` and ``flops`` proxies of nasloop's networks against the costs a benchmark table stores.

What it measures
----------------
For each space (``--spaces``, default ``darts,nb101``: the NB301 and NB101 tables), ``--cells`` cells of its table
(every one where fewer), their networks built at the size the table's costs are of (``SIZES``), and the two proxies
computed on one 32-pixel image: Kendall tau with the table's stored ``params`` and ``flops``, and the median ratio
of stored to computed (1.0 where the two count alike; NB101's table keeps its parameters as a whole count, which its
``params`` proxy reads in millions, as the proxy computes them). NB301's are NAS-Bench-Suite-Zero's, of NASLib's
32-channel, 8-cell training network (not ours: its parameters differ by about 0.01 M); NB101's are nasloop's
analytic counts, which equal the Suite's file on the cells both hold. NB201's exact match is checked by
``benchmarks/proxies_nb201.py``.

Anchor: the flops proxy counted no max pool until it counted one as an average pool is counted; NB301's tau with
its stored flops was 0.967 then.

How to run
----------
    .venv/bin/python benchmarks/stored_costs.py                      # both spaces, 200 cells each, about 1 CPU-minute
    .venv/bin/python benchmarks/stored_costs.py --spaces darts --cells 924
"""
from __future__ import annotations


import numpy as np
import torch
from scipy.stats import kendalltau

from nasloop.engine.cli_types import name_list, positive_int
from nasloop.engine.evaluators.proxies.structural import flops, params
from nasloop.engine.registry import BENCHMARKS, SEARCH_SPACES
from nasloop.search_spaces.benchmark import Benchmark
from script_args import ScriptParser, add_data_dir, run_main

SIZES = {"darts": {"channels": 32, "layers": 8}, "nb101": {}}
"""The network size each table's stored costs are of (NB301's training network; NB101's own)."""


def loaded_table(space_name: str, data_dir: str | None) -> Benchmark:
    """The space's benchmark with its table loaded, so that a missing one is refused before the header is printed."""
    benchmark = BENCHMARKS.get(SEARCH_SPACES.get(space_name).benchmark)(data_dir=data_dir)
    benchmark.check(benchmark.tasks[0].name)
    return benchmark


def measure(space_name: str, cells: int, benchmark: Benchmark) -> list[str]:
    """One table row per cost: the space, the cost, cells, tau and the median ratio of stored to computed."""
    space = SEARCH_SPACES.get(space_name)(**SIZES[space_name])
    task = benchmark.tasks[0].name
    archs = benchmark.cells()
    picked = [archs[i] for i in np.random.default_rng(0).permutation(len(archs))[:cells]]
    image = torch.zeros(1, 3, 32, 32)
    rows = []
    for cost, proxy in (("params", params), ("flops", flops)):
        stored = benchmark.proxy_scores(picked, cost, task)
        held = np.isfinite(stored)
        ours = np.array([proxy(space.to_module(arch), image, torch.zeros(1)) for arch, keep in zip(picked, held)
                         if keep])
        tau = kendalltau(stored[held], ours).statistic
        rows.append(f"| {space_name} | {cost} | {held.sum()} | {tau:.3f} | {np.median(stored[held] / ours):,.4f} |")
    return rows


def main() -> None:
    parser = ScriptParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--spaces", type=name_list, default=["darts", "nb101"], help="darts (NB301) and/or nb101")
    parser.add_argument("--cells", type=positive_int, default=200, help="cells per space, drawn with seed 0")
    add_data_dir(parser)
    args = parser.parse_args()
    unknown = [name for name in args.spaces if name not in SIZES]
    if unknown:
        parser.error(f"--spaces: {unknown[0]!r} is not one this script knows the table's network size of (darts, "
                     "nb101)")
    tables = {name: loaded_table(name, args.data_dir) for name in args.spaces}
    torch.set_num_threads(1)
    print("| space | cost | cells | Kendall tau | median stored / computed |\n|---|---|---:|---:|---:|")
    for name, benchmark in tables.items():
        print("\n".join(measure(name, args.cells, benchmark)))


if __name__ == "__main__":
    run_main(main)
