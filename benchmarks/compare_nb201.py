"""The README's two NB201 comparisons, reproduced through ``nasloop compare`` itself.

What it measures
----------------
* the strategy study: six methods (FLAN-guided top-k with and without the zero-cost warm-up,
  BANANAS with the MLP ensemble and with the GP, regularized evolution, random search), 20 seeds,
  200 distinct table evaluations each, on NB201 CIFAR-10 validation accuracy;
* the predictor study: FLAN, GP, MLP, EmProx and the zero-cost predictor ranking the rest of
  NB201 after 8, 40, 128 and 512 training cells, 5 seeds.

Both are the exact ``nasloop compare`` commands of the README, run in ``--out``; the study
folders keep every run, so running this again skips what is finished and resumes what was
interrupted. Each study's report (``report.md``, ``report.html``, figures) is written in its
folder, and the main tables are printed with the wall time. Anchors (README, issue 17): FLAN
with the warm-up reaches the table's best (91.57 %) in a median of 18 queries, without it 45;
FLAN's tau at 512 cells 0.874.

How to run
----------
    .venv/bin/python benchmarks/compare_nb201.py --jobs 2                    # both studies
    .venv/bin/python benchmarks/compare_nb201.py --only predictors          # 8 minutes
"""
from __future__ import annotations

import time
from pathlib import Path

from nasloop.engine.cli import main as nasloop
from nasloop.engine.cli_types import positive_int
from nasloop.engine.config import SearchConfig
from script_args import REPO, ScriptParser, add_data_dir, check_search, output_folder, run_main

METHODS = ("predictor-topk:flan+warmup,predictor-topk:flan+warmup=null,bananas:mlp,bananas:gp,evolution,random")
PREDICTORS = "flan,gp,mlp,emprox,zero-cost"


def study(name: str, argv: list[str], out: Path) -> int:
    """Run one study; its exit status (0: every run finished and the report was written)."""
    command = ["compare", *argv, "--out", str(out / name), "--quiet"]
    print(f"$ nasloop {' '.join(command)}", flush=True)
    started = time.perf_counter()
    code = nasloop(command)
    print(f"({name}: exit {code}, {time.perf_counter() - started:.0f} s wall this invocation)\n", flush=True)
    return code


def main() -> int:
    """Both studies (or the one asked for); exits non-zero when one did not finish, as `nasloop compare` does."""
    parser = ScriptParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--only", choices=("search", "predictors"), help="run one of the two studies")
    parser.add_argument("--seeds", type=positive_int, default=20, help="seeds of the strategy study (default 20)")
    parser.add_argument("--predictor-seeds", type=positive_int, default=5,
                        help="seeds of the predictor study (default 5)")
    parser.add_argument("--jobs", type=positive_int, default=2,
                        help="runs of the strategy study at once (default 2; the predictor study fits one at a time)")
    parser.add_argument("--out", type=output_folder, default=REPO / "studies", help="where the study folders live")
    add_data_dir(parser)
    args = parser.parse_args()
    # the table, read now: a missing one was refused by each study in turn, under its command line
    check_search(SearchConfig(space="nb201", dataset="cifar10", data_dir=args.data_dir))
    common = ["--space", "nb201", "--dataset", "cifar10", *(["--data-dir", args.data_dir] if args.data_dir else [])]
    codes = []
    if args.only in (None, "search"):
        codes.append(study("c10", [*common, "--methods", METHODS, "--seeds", str(args.seeds), "--budget", "200",
                                   "--jobs", str(args.jobs)], args.out))
    if args.only in (None, "predictors"):
        codes.append(study("pred", [*common, "--predictors", PREDICTORS, "--train-sizes", "8,40,128,512",
                                    "--seeds", str(args.predictor_seeds)], args.out))
    return max(codes)


if __name__ == "__main__":
    run_main(main)
