"""Our feature predictors beside GRAF's reference, on identical NAS-Bench-201 cells, splits and labels.

Issue 19 names GRAF (Kadlecová et al., ICML 2024: graph features plus zero-cost proxies in a
random forest) as the strongest published small-sample predictor on NB201. Its authors' code
(github.com/gabikadlecova/zc_combine) evaluates on the 9,445 cells without dead ops, with NASLib
tables and random splits of its own; this script runs their features and their model on exactly what
``benchmarks/feature_predictors.py --live-cells`` uses instead: the same cells, the same target
(cifar10-valid val-200), the same ``default_rng(seed).permutation`` splits and scipy tau.

Their feature functions are not copied: ``zc_combine/features/base.py`` and ``nasbench201.py`` are
imported from the checkout given with ``--reference-repo`` and evaluated with their NB201 config
(``zc_combine/configs/nb201_full.json``: operation counts; shortest input-output path avoiding every
subset of ops; most ops on a path using only a subset; input and output degrees and mean degrees
per subset). Their package's ``__init__`` pulls in NASLib, so only those two files are loaded.
What surrounds them is written here from their code's conventions: a cell becomes their
``(ops, edges)`` form (NASLib op numbering, edges ``(1,2) ... (3,4)``); the 13 NAS-Bench-Suite-Zero
proxies are the ones nasloop stores, with the suite's -1e8 marker where a proxy is undefined (their
``--use_all_proxies``); the model is their ``rf``, scikit-learn's ``RandomForestRegressor`` with its
defaults and ``random_state=42`` (their default seed, the same for every split).

How to run
----------
    git clone https://github.com/gabikadlecova/zc_combine ~/zc_combine
    .venv/bin/python benchmarks/graf_reference_nb201.py --reference-repo ~/zc_combine --seeds 5
    .venv/bin/python benchmarks/graf_reference_nb201.py --reference-repo ~/zc_combine \
        --ours forest-both,blend-three-in16

Data: ``--data-dir``, else $NASLOOP_DATA, else ``<repo>/../shared/data``. Progress goes to stderr,
the table to stdout.
"""
from __future__ import annotations

import functools
import importlib.util
import json
import sys
import types
from pathlib import Path
from typing import Any, Callable, Literal, Sequence

import numpy as np

from nasloop.engine.cli_types import int_list, positive_int
from nasloop.engine.context import RunContext
from nasloop.engine.errors import ConfigError, NasloopError
from nasloop.engine.registry import register_predictor
from nasloop.predictors.base import Predictor
from nasloop.engine.predictor_evaluation import evaluate_predictors
from nasloop.search_spaces.base import SearchSpace
from nasloop.search_spaces.cell_space import live_cell
from nasloop.search_spaces.nb201.cell import EDGES, NASLIB_OPS, OPS, SPEC

sys.path.insert(0, str(Path(__file__).resolve().parent))
from feature_predictors import VARIANTS, variant_row  # noqa: E402  (sibling benchmark scripts)
from script_args import ScriptParser, add_data_dir, output_file, run_main  # noqa: E402

FEATURE_FILES = {"zc_combine.features.base": Path("zc_combine/features/base.py"),
                 "zc_combine.features.nasbench201": Path("zc_combine/features/nasbench201.py")}
CONFIG = Path("zc_combine/configs/nb201_full.json")
INVALID = -1e8  # NAS-Bench-Suite-Zero's marker for an undefined proxy score, as their loader reads it
INPUTS = {"graf+proxies": "GRAF features + 13 proxies", "proxies": "13 proxies", "graf": "GRAF features"}


@functools.lru_cache(maxsize=None)  # one import per checkout
def load_reference_features(repo: str) -> Callable[[tuple[int, ...]], list[float]]:
    """Their NB201 feature vector of one of our cells, from a checkout, or one line saying what is missing."""
    root = Path(repo).expanduser()
    missing = [str(p) for p in (*FEATURE_FILES.values(), CONFIG) if not (root / p).is_file()]
    if missing:
        raise ConfigError(f"no {missing[0]} under {repo}; pass --reference-repo a checkout of "
                          "https://github.com/gabikadlecova/zc_combine")
    for package in ("zc_combine", "zc_combine.features"):  # empty packages: their __init__ imports NASLib
        module = types.ModuleType(package)
        module.__path__ = []
        sys.modules[package] = module
    for name, path in FEATURE_FILES.items():
        spec = importlib.util.spec_from_file_location(name, root / path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    functions = sys.modules["zc_combine.features.nasbench201"].feature_func_dict
    config = json.loads((root / CONFIG).read_text())
    their_ops = dict(enumerate(NASLIB_OPS))

    @functools.lru_cache(maxsize=None)  # once per cell and process: networkx takes a few ms a cell
    def features(cell: tuple[int, ...]) -> list[float]:
        edges = {(a + 1, b + 1): NASLIB_OPS.index(OPS[op]) for (a, b), op in zip(EDGES, cell)}
        values: list[float] = []
        for entry in config:  # each entry: a function, and optionally one keyword swept over a list
            function = functions[entry["name"]]
            (key, settings), = entry.get("kwargs", {None: [None]}).items()
            for setting in settings:
                result = function((their_ops, edges), **({} if key is None else {key: setting}))
                values += [float(v) for v in result.values()] if isinstance(result, dict) else [float(result)]
        return values

    return features


@register_predictor("graf-reference")
class GrafReferencePredictor(Predictor):
    """GRAF's NB201 features (their code) and/or the 13 stored proxies in their random forest."""

    def __init__(self, space: SearchSpace, seed: int = 0, context: RunContext | None = None,
                 reference_repo: str = "", inputs: Literal["graf+proxies", "proxies", "graf"] = "graf+proxies") -> None:
        super().__init__(space, seed)
        if space.name != "nb201":
            raise ConfigError("graf-reference encodes NB201 cells only; evaluate it with --space nb201")
        self.reference_repo, self.inputs = reference_repo, inputs
        self._graf = load_reference_features(reference_repo)
        self._context = context or RunContext()
        self._forest = None

    def _matrix(self, archs: Sequence[Any]) -> np.ndarray:
        blocks, parts = [], self.inputs.split("+")
        if "graf" in parts:
            blocks.append(np.array([self._graf(tuple(a)) for a in archs]))
        if "proxies" in parts:
            benchmark = self._context.benchmark
            task = self._context.dataset
            scores = np.stack([benchmark.proxy_scores(list(archs), p, task)
                               for p in benchmark.proxy_names(task)], axis=1)
            blocks.append(np.where(np.isfinite(scores), scores, INVALID))
        return np.concatenate(blocks, axis=1)

    def _fit(self, archs: list, y: np.ndarray) -> None:
        from sklearn.ensemble import RandomForestRegressor

        self._forest = RandomForestRegressor(random_state=42).fit(self._matrix(archs), y)

    def predict(self, archs: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
        if self._forest is None:
            raise ConfigError("graf-reference: fit before predict")
        mean = self._forest.predict(self._matrix(archs))
        return mean, np.zeros_like(mean)


def table(records: dict[str, list[dict]], sizes: list[int], reference: str) -> str:
    lines = ["| predictor | " + " | ".join(str(n) for n in sizes) + " | fit s at largest |",
             "| --- |" + " ---: |" * (len(sizes) + 1)]
    lines += [variant_row(name, recs, sizes) for name, recs in records.items()]
    base = {(r["train_size"], r["seed"]): r["kendall_tau"] for r in records[reference]}
    for name, recs in records.items():
        if name.startswith("ours: "):
            diffs = []
            for n in sizes:
                d = np.array([r["kendall_tau"] - base[(n, r["seed"])] for r in recs if r["train_size"] == n])
                diffs.append(f"{d.mean():+.3f} ({(d > 0).sum()}/{len(d)})")
            lines.append(f"| {name[6:]} minus reference GRAF + proxies (seeds ahead) | " + " | ".join(diffs) + " | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = ScriptParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference-repo", required=True, help="a checkout of github.com/gabikadlecova/zc_combine")
    parser.add_argument("--sizes", type=int_list, default=[8, 40, 128, 512],
                        help="train sizes (default 8,40,128,512)")
    parser.add_argument("--seeds", type=positive_int, default=5, help="seeds 0..N-1 (default 5)")
    parser.add_argument("--ours", default="forest-proxies,forest-both",
                        help=f"our variants beside it (benchmarks/feature_predictors.py: {', '.join(VARIANTS)})")
    add_data_dir(parser)
    parser.add_argument("--json", type=output_file, help="also write the raw records to this file")
    args = parser.parse_args(argv)
    ours = [v for v in args.ours.split(",") if v]
    unknown = [v for v in ours if v not in VARIANTS]
    if unknown:
        print(f"graf_reference_nb201.py: error: unknown variant '{unknown[0]}'; choose from {', '.join(VARIANTS)}",
              file=sys.stderr)
        return 2
    data_dir = args.data_dir
    seeds = list(range(args.seeds))
    keep = lambda cell: live_cell(SPEC, cell) == cell  # noqa: E731  (the reference's cell set)
    runs = [(f"reference: {label}", "graf-reference", {"reference_repo": args.reference_repo, "inputs": inputs})
            for inputs, label in INPUTS.items()]
    runs += [(f"ours: {name}", *VARIANTS[name]) for name in ours]
    records: dict[str, list[dict]] = {}
    try:
        load_reference_features(args.reference_repo)  # a bad checkout fails here, before the first fit
        for label, predictor, options in runs:
            print(f"{label}: {predictor} {options}", file=sys.stderr, flush=True)
            records[label] = evaluate_predictors([predictor], args.sizes, seeds, data_dir=data_dir,
                                                 predictor_options={predictor: options}, keep_cell=keep)
    except NasloopError as exc:
        print(f"graf_reference_nb201.py: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        Path(args.json).write_text(json.dumps(records, indent=1))
    print(f"NB201 CIFAR-10 val-200, the 9,445 cells without dead ops; Kendall tau over every other such cell, "
          f"mean ± 95% t half-width over seeds 0-{args.seeds - 1}; times on this machine\n")
    print(table(records, args.sizes, runs[0][0]))
    return 0


if __name__ == "__main__":
    run_main(main)  # SIGTERM stops it as Ctrl-C does, in one line: it killed the script without a word
