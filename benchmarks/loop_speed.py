"""End-to-end speed of the search loop on a benchmark table: distinct evaluations per second, store included.

Each classic strategy runs one search of ``--budget`` distinct tabular evaluations through the
public API (registry, tabular evaluator, in-process executor, loop, SQLite store), as a study's
runs do. Printed per strategy: wall seconds, distinct evaluations per second, the repeats the
strategy proposed (answered from the store at no budget), and the store's size on disk.
Anchor (issue 17): at least 5,000 distinct tabular evaluations per second for every classic
strategy; before repeats were counted instead of stored, aging evolution took 139 s for 2,000
evaluations (a 202 MB store). On NB101 (``--space nb101``) the table holds 7 % of the space, so a
table-bound mutation redraws about eight edits per child, each hashed: evolution is far slower there.

How to run
----------
    .venv/bin/python benchmarks/loop_speed.py                  # budget 2000, seed 0
    .venv/bin/python benchmarks/loop_speed.py --budget 5000 --strategies random,evolution
    .venv/bin/python benchmarks/loop_speed.py --space nb101 --budget 1500
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from nasloop.engine.assemble import default_dataset
from nasloop.engine.cli_types import name_list, positive_int, seed_int
from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search
from script_args import ScriptParser, add_data_dir, check_search, run_main, table_space


def main() -> None:
    parser = ScriptParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--budget", type=positive_int, default=2000, help="distinct evaluations per search")
    parser.add_argument("--seed", type=seed_int, default=0, help="the searches' seed (default 0)")
    parser.add_argument("--strategies", type=name_list, default=["random", "evolution", "local"],
                        help="comma-separated (default random,evolution,local)")
    parser.add_argument("--space", type=table_space, default="nb201",
                        help="a tabular space: nb201, nb101, tnb101-micro, ...")
    add_data_dir(parser)
    args = parser.parse_args()
    dataset = default_dataset(args.space)  # the space benchmark's first task: class_scene on tnb101-micro
    for strategy in args.strategies:  # loads the table: a missing one, or a bad name, is refused before the header
        check_search(SearchConfig(space=args.space, dataset=dataset, strategy=strategy, budget=args.budget,
                                  seed=args.seed, data_dir=args.data_dir))
    print(f"{args.space}, {args.budget} distinct evaluations, seed {args.seed} (anchor on NB201: >= 5,000 "
          "evaluations/s)\n")
    print("| strategy | wall s | distinct evaluations/s | repeats answered | store MiB |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        search(SearchConfig(space=args.space, dataset=dataset, strategy="random", budget=5, data_dir=args.data_dir,
                            run_dir=f"{tmp}/warm"))  # a first search's own start-up, outside the timed ones
        for strategy in args.strategies:
            run_dir = Path(tmp) / strategy
            started = time.perf_counter()
            summary = search(SearchConfig(space=args.space, dataset=dataset, strategy=strategy, budget=args.budget,
                                          seed=args.seed, data_dir=args.data_dir, run_dir=str(run_dir)))
            wall = time.perf_counter() - started
            size = sum(f.stat().st_size for f in run_dir.iterdir() if f.name.startswith("nasloop.sqlite"))
            print(f"| {strategy} | {wall:.2f} | {summary['evaluations'] / wall:,.0f} | "
                  f"{summary['duplicates_answered']:,} | {size / 2**20:.2f} |", flush=True)


if __name__ == "__main__":
    run_main(main)
