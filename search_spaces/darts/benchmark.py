"""The NAS-Bench-301 cells of NAS-Bench-Suite-Zero: 725 DARTS architectures with 13 proxies each.

NAS-Bench-Suite-Zero (through NASLib's ``zc_nasbench301.json``, shipped as part of
``zc_proxies_partial.json.gz``) scored 725 DARTS cells on CIFAR-10 and 199 on each of three
NAS-Bench-360 tasks (svhn, scifar100, ninapro). The CIFAR-10 ``val_accuracy`` is **predicted by
the NB301 surrogate** (an ensemble trained on ~60k real DARTS runs), not measured by a training
run: the task description says so, and so does every CIFAR-10 result (``surrogate: 1``). The
surrogate knows CIFAR-10 only; the other three tasks are among the suite's additional tasks
(its Table 2), whose accuracies come from the suite's own runs, so they are not marked. There are
no training times: a lookup's cost is unknown, reported as 0 and marked estimated.

Keys are NASLib's compact form; rows are kept under the canonical genotype string and looked up by the network's
functional form (:func:`.genotype.functional_arch`), so an architecture whose nodes list their two inputs in the
other order, or that numbers two nodes neither of which reads the other the other way, finds the same row. Two files
import: NASLib's published ``zc_nasbench301.json`` (``{task: {str(compact): {proxy: {"score": s,
"time": t}, ..., "val_accuracy": v}}}``, keys written as Python prints the compact tuple) and the
merged ``zc_proxies_partial.json.gz`` (``{"nasbench301": {task: ...}}``, each proxy its score alone).
"""
from __future__ import annotations

import ast
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from ...engine.data.importing import refuse_another_benchmarks_file
from ...engine.data.numbers import file_number
from ...engine.data.paths import FileVersion, file_version
from ...engine.data.sniff import head_text
from ...engine.data.suite_zero import ZC_FILE, published_score, read_suite_zero
from ...engine.data.table import Table
from ...engine.errors import ArchitectureError, DataError
from ...engine.registry import register_benchmark
from ...engine.types import Result
from ..benchmark import Benchmark, Task
from ..functional_rows import forms_of, functional_rows, one_row_per_network
from ...engine.metric_units import ACCURACY
from ..table_files import load_table
from .genotype import DartsArch, canonical_arch, check_arch, format_arch, functional_arch, parse_arch

TABLE_FILE = "nb301.npz"
SURROGATE = "NB301 surrogate-predicted validation accuracy %, not a training run"
SUITE_RUNS = "validation accuracy % of NAS-Bench-Suite-Zero's own runs; the NB301 surrogate knows CIFAR-10 only"
SURROGATE_TASK = "cifar10"
TASKS = (Task("cifar10", description=f"CIFAR-10 ({SURROGATE}; 725 cells)"),
         Task("svhn", description=f"SVHN ({SUITE_RUNS}; 199 cells)"),
         Task("scifar100", description=f"spherical CIFAR-100 ({SUITE_RUNS}; 199 cells)"),
         Task("ninapro", description=f"NinaPro ({SUITE_RUNS}; 199 cells)"))
PROXIES = ("synflow", "snip", "grasp", "fisher", "grad_norm", "jacov", "nwot", "epe_nas", "plain", "l2_norm", "zen",
           "flops", "params")
PUBLISHED_FILE = "zc_nasbench301.json"
HOW_TO_GET = (f"get NAS-Bench-Suite-Zero's {PUBLISHED_FILE} from github.com/automl/NASLib (branch zerocost: "
              "'source scripts/bash_scripts/download_nbs_zero.sh nb301' puts it in naslib/data), then run "
              f"'nasloop data import --space darts {PUBLISHED_FILE}'")
_PUBLISHED_HEAD = re.compile(r'\{\s*"(%s)"\s*:\s*\{\s*"\s*[\[(]\s*[\[(]\s*[\[(]' % "|".join(t.name for t in TASKS))
"""The start of NASLib's per-space file: a task, then a key that is a pair of cells of (input, op) pairs. NB201's,
NB101's and TransNAS' files start with a task too, but their keys are flat tuples."""


@lru_cache(maxsize=4)
def row_archs(table: Table) -> tuple[DartsArch, ...]:
    """Every row's architecture, parsed once per loaded table: the index below, the table's cells and a task's cells
    (a table-bound space's) each parsed all 924 rows again, 1,649 parses in a 50-evaluation search. Architectures
    are tuples of ints, so the callers share them."""
    return tuple(parse_arch(text) for text in table.columns["arch"].tolist())


CHECKED_FORMS = 1 << 13
"""How many cells :func:`checked_form` keeps. An evolution looks a parent's neighbours up again while the parent
stays among those tournaments pick, so the cells that come back are recent ones: the tests' 700-evaluation NB301
evolution (population 50) had every hit of an unbounded cache (365,000 of 393,000 lookups, seed 3) with 4,096 kept
and lost some at 2,048; this is twice that. A population of 300 has more recent cells and misses twice as often
here (57,000 misses, not 28,000), still far from none kept (all 336,000 looked up). Kept for 65,536 cells, the
cache held up to 115 MB (tracemalloc: 1.8 kB a cell where nothing else holds its tuples, 0.7 kB where
:func:`..cell_numbering.smallest_numbering`'s cache holds its two halves); at this bound 15 MB at most."""


@lru_cache(maxsize=CHECKED_FORMS)
def checked_form(arch: DartsArch) -> str:
    """The functional form of one of the space's own (checked) cells: an evolution's mutations look up each
    parent's ~120 neighbours, the same ones again and again (393,000 lookups of 28,000 cells in 700 NB301
    evaluations), and formatting a form took a third of its CPU. Keyed by tuples of ints alone: a bool (equal to
    an int) never reaches it, as a cell's check refuses one."""
    return format_arch(functional_arch(arch))


def functional_forms(table: Table) -> list[str]:
    """Each row's functional form, by which :func:`..functional_rows.functional_rows` indexes the table: a row is
    kept under its file's numbering of the nodes, which another numbering of the same network missed (629 of the
    725 CIFAR-10 cells with two nodes of their normal cell numbered the other way), where NB201's and NB101's
    lookups find every form. No published file has two rows of one network; a table that has (two trainings) holds
    their mean (:func:`..functional_rows.one_row_per_network`)."""
    return [format_arch(functional_arch(arch)) for arch in row_archs(table)]


def _space_records(path: Path) -> dict:
    """The file's NB301 records by task: the ``nasbench301`` entry of the merged file, or NASLib's per-space file
    as it is (its keys are tasks)."""
    data = read_suite_zero(str(path), file_version(path))
    space = data.get("nasbench301") if "nasbench301" in data or not set(data) & {t.name for t in TASKS} else data
    if not isinstance(space, dict) or not space:
        raise DataError(f"{path} holds no nasbench301 records; {HOW_TO_GET}")
    return space


def import_suite_zero(path: Path) -> Table:
    """The file's ``nasbench301`` records as a table: one row per canonical architecture, columns per task."""
    space = _space_records(path)
    parsed: dict[str, dict[str, dict]] = {}
    for task in TASKS:
        records = space.get(task.name) or {}
        if not isinstance(records, dict):
            raise DataError(f"{path}: the nasbench301 {task.name} entry is a {type(records).__name__}, not a mapping "
                            f"of architectures to records; replace the file ({HOW_TO_GET})")
        for key, record in records.items():
            try:
                arch = canonical_arch(check_arch(ast.literal_eval(key)))
            except (ValueError, SyntaxError, ArchitectureError) as exc:
                raise DataError(f"{path}: NB301 key {key[:60]!r} is not NASLib's compact form ({exc}); "
                                f"replace the file ({HOW_TO_GET})") from None
            if not isinstance(record, dict):
                raise DataError(f"{path}: the NB301 {task.name} record of {key[:60]} is not a mapping")
            accuracy = record.get("val_accuracy")
            if accuracy is None or not math.isfinite(file_number(accuracy, f"{path}: the NB301 {task.name} "
                                                                 f"val_accuracy of {key[:60]}",
                                                                 f"replace the file ({HOW_TO_GET})")):
                raise DataError(f"{path}: the NB301 {task.name} record of {key[:60]} has no val_accuracy (got "
                                f"{accuracy!r}), so it cannot be looked up; replace the file ({HOW_TO_GET})")
            parsed.setdefault(format_arch(arch), {})[task.name] = record
    archs = sorted(parsed)
    columns: dict[str, np.ndarray] = {"arch": np.asarray(archs)}
    for task in TASKS:
        for name in ("val_accuracy", *(f"proxy:{p}" for p in PROXIES)):
            field = name.split(":")[-1]
            values = np.full(len(archs), np.nan)
            for row, arch in enumerate(archs):
                value = parsed[arch].get(task.name, {}).get(field)
                value = value if field == "val_accuracy" else published_score(value)
                if value is not None:
                    values[row] = file_number(value, f"{path}: NB301 {task.name} {field} of {arch[:60]}",
                                              f"replace the file ({HOW_TO_GET})")
            if not np.isnan(values).all():
                columns[f"{task.name}:{name}"] = values
    return one_row_per_network(Table(columns, {"benchmark": "nb301", "key": "arch", "source": path.name,
                                               "cost": "unknown: the source has no training times",
                                               "accuracy": "CIFAR-10: predicted by the NB301 surrogate; svhn, "
                                                           "scifar100, ninapro: NAS-Bench-Suite-Zero's runs"}),
                               functional_forms)


@register_benchmark("nb301")
class NB301Benchmark(Benchmark):
    """Lookups of the NB301 cells NAS-Bench-Suite-Zero scored (surrogate accuracy, 13 stored proxies)."""

    name = "nb301"
    tasks = TASKS
    metric_units = ACCURACY
    final_only = True
    table_file = TABLE_FILE
    times_training = False  # the suite stores no training times
    formats = f"NAS-Bench-Suite-Zero's proxy JSON (NASLib's {PUBLISHED_FILE}, or {ZC_FILE}) and nasloop's nb301.npz"
    warmup_proxies = ("params", "synflow")  # median 22 queries to the optimum, 30 from a random start (README)
    # zero-cost's default: Zen is not stored for CIFAR-10 (computed, 12.8 s a network here), and of the proxies that
    # are, nwot ranks its CIFAR-10 cells best (Kendall tau 0.392; params 0.368, l2_norm 0.367, flops 0.337: README)
    ranking_proxy = "nwot"

    def table_source(self) -> tuple[str, FileVersion]:
        return self.located((TABLE_FILE, ZC_FILE), HOW_TO_GET)

    @property
    def table(self) -> Table:
        return load_table(type(self), *self.table_source())

    @classmethod
    def read_table(cls, path: Path) -> Table:
        """The table with one row per network: a table of two rows of one network holds their mean."""
        return one_row_per_network(super().read_table(path), functional_forms)

    @classmethod
    def row_identities(cls, table: Table) -> tuple[str, ...]:
        """Each row's functional form: an import replacing a table counts the networks it loses by it."""
        return forms_of(table, functional_forms)

    @classmethod
    def read_source(cls, path: Path) -> Table:
        refuse_another_benchmarks_file(path, NB301Benchmark.name)
        return import_suite_zero(path)

    def fidelities(self, task: str) -> list[int]:
        self.task(task)
        return []

    def metric_names(self, task: str, fidelity: int | None = None) -> list[str]:
        found = self.task(task)
        self.check(found.name, fidelity)
        return ["val_accuracy", *(["surrogate"] if found.name == SURROGATE_TASK else [])]  # what query reports

    def row(self, arch: DartsArch) -> int | None:
        # checked: a string or a foreign value failed inside functional_arch in Python's words (query is public)
        return functional_rows(self.table, functional_forms).get(format_arch(functional_arch(check_arch(arch))))

    def query(self, arch: DartsArch, task: str, fidelity: int | None = None) -> Result:
        found = self.task(task)
        self.check(found.name, fidelity)
        row = self.row(arch)
        column = self.table.columns.get(f"{found.name}:val_accuracy")
        value = np.nan if row is None or column is None else column[row]
        if math.isnan(value):
            held = 0 if column is None else int(np.isfinite(column).sum())  # 725 on CIFAR-10, 199 on the others
            return Result.failed(f"the {self.name} table holds no {found.name} result for this architecture (it "
                                 f"has {held:,} {found.name} cells; search with --evaluator proxy or train for "
                                 "others)", cost_estimated=True)
        metrics = {"val_accuracy": float(value), **({"surrogate": 1.0} if found.name == SURROGATE_TASK else {})}
        return Result(metrics=metrics, cost=0.0, cost_estimated=True)

    def cells(self) -> list[DartsArch]:
        return list(row_archs(self.table))

    def task_cells(self, task: str) -> list[DartsArch]:
        """The cells with a result for ``task`` (the CIFAR-10 and the NAS-Bench-360 cells are disjoint sets)."""
        values = self._accuracy(task)
        return [arch for arch, v in zip(row_archs(self.table), values) if not math.isnan(v)]

    def holds(self, archs: Sequence[DartsArch], task: str, *, checked: bool = False) -> list[bool]:
        """Whether the table has a ``task`` result for each architecture. ``checked``: they are the space's own
        cells (a mutation's ~120 neighbours), not checked again: an evolution of 700 NB301 lookups looked up
        390,000 neighbours, and checking each took half its CPU."""
        values = self._accuracy(task)
        if checked:
            index = functional_rows(self.table, functional_forms)
            rows: Iterable[int | None] = (index.get(checked_form(arch)) for arch in archs)
        else:
            rows = map(self.row, archs)
        return [row is not None and not math.isnan(values[row]) for row in rows]

    def _accuracy(self, task: str) -> np.ndarray:
        """``task``'s accuracy column; all NaN when the table has none for it (a file with other tasks only)."""
        column = self.table.columns.get(f"{self.task(task).name}:val_accuracy")
        return np.full(len(self.table), np.nan) if column is None else column

    def proxy_names(self, task: str) -> list[str]:
        return sorted(self.stored_proxies(task))

    def proxy_scores(self, archs: Sequence[DartsArch], proxy: str, task: str) -> np.ndarray:
        column = self.table.columns.get(f"{self.task(task).name}:proxy:{proxy}")
        if column is None:
            return super().proxy_scores(archs, proxy, task)
        return self.values_at(column, archs)

    @classmethod
    def recognise_source(cls, path: Path) -> str | None:
        head = head_text(path, 256).lstrip()
        if _PUBLISHED_HEAD.match(head):
            return f"NAS-Bench-Suite-Zero's NB301 proxy JSON (NASLib's {PUBLISHED_FILE})"
        return "NAS-Bench-Suite-Zero's proxy JSON" if head.startswith('{"nasbench') else None

    @classmethod
    def read_under(cls, path: Path) -> str | None:
        merged = head_text(path, 256).lstrip().startswith('{"nasbench')  # the per-space file is imported first
        return super().read_under(path) or (ZC_FILE if merged and cls.recognise_source(path) else None)

    @classmethod
    def import_files(cls, paths: Sequence[Path]) -> Table:
        tables = [Table.load(p) if Path(p).name.endswith(".npz") else import_suite_zero(Path(p)) for p in paths]
        return cls.merge_tables(tables)

    @classmethod
    def merge_tables(cls, tables: Sequence[Table]) -> Table:
        return tables[-1]  # each file holds the whole set: the last one given wins
