"""Seconds and memory of a whole-space ranking round of ``predictor-topk`` + FLAN on a benchmark table.

A round refits the predictor on every result so far and ranks every unevaluated architecture of
the space (NB101: the 30,001 cells of the shipped table). The script tells the strategy the
results of ``--observed`` random table cells, then asks for picks round by round through the
public ask/tell API, answering each from the table, and reports per round: wall seconds of the
ask (refit + ranking; the first also builds the batched graphs of the whole space, once per
process), and the process's peak resident memory (``ru_maxrss``) after the rounds, beside its
size before the strategy existed (table, space and interpreter).

How to run
----------
    .venv/bin/python benchmarks/ranking_round.py                      # NB101, 5 rounds
    .venv/bin/python benchmarks/ranking_round.py --space nb201 --rounds 3
"""
from __future__ import annotations

import resource
import time

import numpy as np

from nasloop.engine.assemble import build_context, build_space
from nasloop.engine.cli_types import positive_int, seed_int
from nasloop.engine.registry import PREDICTORS, SEARCH_SPACES, STRATEGIES
from nasloop.engine.types import Observation
from script_args import ScriptParser, add_data_dir, run_main, table_space


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = ScriptParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--space", type=table_space, default="nb101",
                        help="a space with a benchmark table (default nb101)")
    parser.add_argument("--dataset", default="cifar10", help="the benchmark's task (default cifar10)")
    parser.add_argument("--observed", type=positive_int, default=48, help="results told before the first round")
    parser.add_argument("--rounds", type=positive_int, default=5, help="rounds of ask and tell (default 5)")
    parser.add_argument("--seed", type=seed_int, default=0, help="the predictor's, strategy's and sample's seed")
    add_data_dir(parser)
    args = parser.parse_args()
    context = build_context(SEARCH_SPACES.get(args.space), args.dataset, args.data_dir, lookup=True)
    if context.benchmark is None:
        parser.error(f"--space {args.space} has no benchmark table; choose one that has (nb101, nb201, tnb101-micro)")
    space = build_space(args.space, context)
    task = context.benchmark.task(args.dataset)
    cells = context.benchmark.cells()
    if args.observed >= len(cells):
        parser.error(f"--observed {args.observed} leaves none of the table's {len(cells)} cells to rank; give fewer")
    before = peak_mb()
    predictor = PREDICTORS.get("flan")(space, seed=args.seed, context=context)
    strategy = STRATEGIES.get("predictor-topk")(space, seed=args.seed, predictor=predictor, context=context,
                                                num_init=0)
    rng = np.random.default_rng(args.seed)
    observed = [cells[i] for i in rng.choice(len(cells), size=args.observed, replace=False)]

    def answer(archs):
        return [Observation(a, context.benchmark.query(a, task.name).metrics[task.metric]) for a in archs]

    strategy.tell(answer(observed))
    print(f"{args.space} {task.name}: {len(cells):,} cells in the table, {args.observed} told before round 1; "
          f"peak memory before the strategy {before:.0f} MB")
    print("| round | results fitted | ask seconds (refit + ranking) | peak memory MB |")
    print("| ---: | ---: | ---: | ---: |")
    for round_number in range(1, args.rounds + 1):
        fitted = len(strategy.observed)
        started = time.perf_counter()
        picks = strategy.ask(strategy.batch_size)
        seconds = time.perf_counter() - started
        strategy.tell(answer(picks))
        print(f"| {round_number} | {fitted} | {seconds:.2f} | {peak_mb():.0f} |", flush=True)


if __name__ == "__main__":
    run_main(main)
