"""The NDS benchmarks: one per published file (``nds-darts``, ``nds-darts-in``, ``nds-darts-fix-w-d``...).

Each serves the test accuracy NDS measured after every epoch (the fidelities; the last by
default), and the parameter and FLOP counts NDS recorded (also as the stored ``params`` and
``flops`` proxies). The files are not shipped: ``nasloop data import --space nds FILE`` converts a
downloaded one into ``<variant>.npz``, and the published file itself (``DARTS.json``...) in a data
folder is read directly too.
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import ClassVar, Sequence

import numpy as np

from ...engine.data.importing import refuse_another_benchmarks_file
from ...engine.data.paths import FileVersion
from ...engine.data.sniff import head_text
from ...engine.data.table import Table, column_name, merge_by_key
from ...engine.errors import ArchitectureError
from ...engine.registry import register_benchmark
from ...engine.types import Result
from ..benchmark import Benchmark, Task
from ..functional_rows import forms_of, functional_rows, one_row_per_network
from ...engine.metric_units import ACCURACY, SIZE
from ..table_files import load_table
from .arch import NdsArch, format_arch, functional_arch, parse_arch
from .families import VARIANTS, Variant, sweep_variant, variant_of_file
from .reader import how_to_get, import_nds, infer_family, looks_like_nds, refuse_mixed_recipes, refuse_varied_sizes

METRIC = "test_accuracy"


@lru_cache(maxsize=4)
def _cells(table: Table, variant: str) -> list[NdsArch]:
    family = VARIANTS[variant].family
    return [parse_arch(a, family) for a in table.columns["arch"].tolist()]


class NdsBenchmark(Benchmark):
    """Lookups of one NDS variant: test accuracy per epoch, parameters and FLOPs."""

    variant: ClassVar[Variant]
    times_training = False  # NDS timed iterations, not networks
    formats = "the NDS result JSON (<Family>.json, <Family>_in.json, <Family>_fix-w-d.json) and nasloop's npz"
    warmup_proxies = ("params",)
    metric_units = {**ACCURACY, **SIZE}

    def table_source(self) -> tuple[str, FileVersion]:
        names = (self.table_file, self.variant.file_name, self.variant.file_name + ".gz")
        return self.located(names, f"the {self.name} results come from {self.variant.file_name}: "
                            f"{how_to_get(self.variant.file_name)}")

    @property
    def table(self) -> Table:
        return load_table(type(self), *self.table_source())

    @classmethod
    def read_table(cls, path: Path) -> Table:
        """The table with one row per network: a table of two rows of one network (nasloop's table of an earlier
        version, or one made otherwise) holds their mean, as one file's import groups a network's records."""
        return one_row_per_network(super().read_table(path), cls.functional_forms)

    @classmethod
    def row_identities(cls, table: Table) -> tuple[str, ...]:
        """Each row's functional form: an import replacing a table counts the networks it loses by it."""
        return forms_of(table, cls.functional_forms)

    @classmethod
    def read_source(cls, path: Path) -> Table:
        # the NB201 CSV saved as DARTS.json.gz is named for what it is, not 'not readable NDS JSON' with no word of it
        refuse_another_benchmarks_file(path, cls.variant.name, recognised=looks_like_nds(head_text(path)))
        return import_nds(path, cls.variant)

    def fidelities(self, task: str) -> list[int]:
        prefix, suffix = f"{self.task(task).name}@", f":{METRIC}"
        return sorted(int(c[len(prefix):-len(suffix)]) for c in self.table.columns
                      if c.startswith(prefix) and c.endswith(suffix))

    def row(self, arch: NdsArch) -> int | None:
        """The row of ``arch``'s network in any of its forms: a row is kept under its file's numbering of the nodes,
        and a held network written with two nodes that may trade places numbered the other way, the same network
        (the space's functional hash says so), was missed, as NB301's cells were."""
        try:
            key = format_arch(functional_arch(arch), self.variant.family)
        except (IndexError, TypeError, AttributeError):
            raise ArchitectureError(f"{arch!r} is not an {self.name} architecture") from None
        return functional_rows(self.table, type(self).functional_forms).get(key)

    @classmethod
    def functional_forms(cls, table: Table) -> list[str]:
        """Each row's functional form (:func:`.arch.functional_arch`), which indexes the rows: the cells parsed once
        for :meth:`cells` (parsing is about two thirds of the time: 1.6 of 2.2 s on 5,000 NASNet rows)."""
        family = cls.variant.family
        return [format_arch(functional_arch(arch), family) for arch in _cells(table, cls.variant.name)]

    def metric_names(self, task: str, fidelity: int | None = None) -> list[str]:
        self.check(task, fidelity)
        return [METRIC, "params_m", "flops_m"]  # what query reports (size where the source gives it)

    def query(self, arch: NdsArch, task: str, fidelity: int | None = None) -> Result:
        fidelity = self.check(task, fidelity)
        row = self.row(arch)
        column = self.table.columns.get(column_name(self.variant.dataset, fidelity, METRIC))
        if row is not None and column is not None and math.isnan(column[row]):
            reached = [f for f in self.fidelities(task) if not math.isnan(
                self.table.columns[column_name(self.variant.dataset, f, METRIC)][row])]
            return Result.failed(f"the {self.name} table's run of this architecture stopped after epoch "
                                 f"{max(reached, default=0)}, so it has no {fidelity}-epoch result (NDS' file holds "
                                 "it so); it counts as failed at this fidelity", cost_estimated=True)
        if row is None or column is None:
            return Result.failed(f"the {self.name} table holds no {fidelity}-epoch result for this architecture (NDS "
                                 "sampled ~5,000 networks; keep to them with --space-opt table_only=true, or "
                                 "evaluate others with --evaluator proxy or train)", cost_estimated=True)
        metrics = {METRIC: float(column[row])}
        for key, name in (("params", "params_m"), ("flops", "flops_m")):
            value = float(self.table.columns[key][row])
            if not math.isnan(value):
                metrics[name] = value / 1e6
        return Result(metrics=metrics, cost=0.0, cost_estimated=True)

    def cells(self) -> list[NdsArch]:
        return _cells(self.table, self.variant.name)

    def cells_at(self, fidelity: int | None = None) -> list[NdsArch]:
        """The networks with a result at ``fidelity`` (the last epoch when None): those whose run stopped earlier
        have none there, so a search that drew them failed each such evaluation."""
        reached = self._reached(fidelity)
        return [cell for cell, held in zip(self.cells(), reached) if held]

    def holds(self, archs: Sequence[NdsArch], fidelity: int | None = None) -> list[bool]:
        """Whether the table has a result for each architecture at ``fidelity`` (the last epoch when None)."""
        reached = self._reached(fidelity)
        return [row is not None and bool(reached[row]) for row in map(self.row, archs)]

    def _reached(self, fidelity: int | None) -> np.ndarray:
        """Per row, whether its run has a result at ``fidelity`` (checked first: an absent one is one line)."""
        task = self.variant.dataset
        return ~np.isnan(self.table.columns[column_name(task, self.check(task, fidelity), METRIC)])

    def proxy_names(self, task: str) -> list[str]:
        self.task(task)
        return [k for k in ("params", "flops") if not np.isnan(self.table.columns[k]).all()]

    def proxy_scores(self, archs: Sequence[NdsArch], proxy: str, task: str) -> np.ndarray:
        if proxy not in self.proxy_names(task):
            return super().proxy_scores(archs, proxy, task)
        return self.values_at(self.table.columns[proxy], archs)

    @classmethod
    def recognise_source(cls, path: Path) -> str | None:
        """An NDS file of this variant: by its published name, or, renamed, by its cells' family.

        A renamed file is claimed by every variant of its family: nothing in a record says whether
        it was trained on CIFAR-10 or ImageNet, or with width and depth fixed, so ``--space nds``
        asks which, and ``--space <variant>`` says it (``pnas_imagenet.json`` was written as the
        CIFAR-10 table, over it). A file whose first records vary in width or depth is refused by
        the fixed-size variant, so ``--space nds`` does not offer it.
        """
        swept = sweep_variant(path.name)
        if swept is not None:
            owned = swept == cls.variant  # refused by the import, which says why
            return f"NDS's learning-rate and weight-decay sweep over {swept.name} networks" if owned else None
        named = variant_of_file(path.name)
        if named is not None:  # claimed by its published name even when damaged, so reading it names the damage
            return f"NDS results of the {named.name} space ({named.file_name})" if named == cls.variant else None
        head = head_text(path)
        if looks_like_nds(head) and infer_family(head) == cls.variant.family:
            refuse_varied_sizes(str(path), head, cls.variant)  # a fix-w-d table's networks share one size
            return (f"NDS results whose cells are {cls.variant.family.name} cells (the file's name is not a "
                    f"published one; read as {cls.variant.file_name}, as --space {cls.variant.name} says)")
        return None

    @classmethod
    def import_files(cls, paths: Sequence[Path]) -> Table:
        """One table from the files of one training recipe: a later file's networks replace an earlier one's (in any
        numbering of their nodes, as one file's import groups its records: :meth:`functional_forms`), the others
        are kept."""
        tables = [Table.load(p) if Path(p).name.endswith(".npz") else import_nds(Path(p), cls.variant) for p in paths]
        refuse_mixed_recipes(tables, [str(p) for p in paths])  # by their paths: two folders' DARTS.json may differ
        return merge_by_key(tables, cls.functional_forms)

    @classmethod
    def merge_tables(cls, tables: Sequence[Table]) -> Table:
        refuse_mixed_recipes(list(tables))
        return merge_by_key(list(tables), cls.functional_forms)


def _variant_benchmark(variant: Variant) -> type[NdsBenchmark]:
    data = "ImageNet" if variant.imagenet else "CIFAR-10"
    fixed = ", width and depth fixed" if variant.fixed_width_depth else ""
    task = Task(variant.dataset, metric=METRIC,
                description=f"{data} test accuracy % after each epoch (NDS has no validation split{fixed})")
    doc = f"NDS {variant.family.file_stem} cells on {data}{fixed} ({variant.file_name})."
    class_name = "NdsBenchmark_" + variant.name[4:].replace("-", "_")  # a module attribute, so instances pickle
    attrs = {"__doc__": doc, "__module__": __name__, "__qualname__": class_name, "name": variant.name,
             "variant": variant, "tasks": (task,), "table_file": f"{variant.name}.npz"}
    cls = globals()[class_name] = type(class_name, (NdsBenchmark,), attrs)
    return register_benchmark(variant.name)(cls)


BENCHMARK_CLASSES: dict[str, type[NdsBenchmark]] = {name: _variant_benchmark(v) for name, v in VARIANTS.items()}
