"""TransNAS-Bench-101 tables: seven tasks per space, their metrics and stored proxies.

The source is ``transnas101_val.json.gz`` (``{"micro"|"macro": {task: {arch: {"val": v, "zen": s,
"synflow"?: s, "epe_nas"?: s}}}}``), read directly or imported as ``tnb101-micro.npz`` /
``tnb101-macro.npz``. Each task's ``val`` is the final validation value of its own metric, in the
direction the table defines (room_layout's is a negated loss, so higher is better everywhere).
The tables hold only final results (no learning curves) and no training times, so the cost of a
lookup is unknown: it is reported as 0 and marked estimated.
"""
from __future__ import annotations

import json
import math
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Callable, ClassVar, Sequence

import numpy as np

from ...engine.data.importing import refuse_another_benchmarks_file
from ...engine.data.numbers import file_number
from ...engine.data.paths import FileVersion, file_version
from ...engine.data.sniff import content_text, head_text
from ...engine.data.table import Table, merge_by_key, row_index
from ...engine.errors import ArchitectureError, DataError, one_line
from ...engine.registry import register_benchmark
from ...engine.types import Result
from ..benchmark import Benchmark, Task
from ...engine.metric_units import ACCURACY
from ..table_files import load_table
from ..cell_space import CellSpec, cell_index, cells_without_path
from ..suite_zero_csv import ProxyFile, csv_header, stored_proxies, suite_scores
from .api_file import API_FILE, WHAT as API_WHAT, WHERE as API_WHERE, api_records, looks_like_api_file
from .codes import MICRO_SPEC, format_macro, format_micro, parse_macro, parse_micro

JSON_FILE = "transnas101_val.json.gz"
TASKS = (Task("class_scene", "val_accuracy", description="scene classification, top-1 %"),
         Task("class_object", "val_accuracy", description="object classification, top-1 %"),
         Task("room_layout", "val_neg_l2_loss", description="room layout regression, negated L2 loss"),
         Task("jigsaw", "val_accuracy", description="jigsaw puzzle, top-1 %"),
         Task("segmentsemantic", "val_pixel_accuracy", description="semantic segmentation, pixel accuracy %"),
         Task("normal", "val_ssim", description="surface normals, SSIM"),
         Task("autoencoder", "val_ssim", description="autoencoding, SSIM"))
PROXIES = ("zen", "synflow", "epe_nas")


@lru_cache(maxsize=1)
def _json(path: str, version: FileVersion) -> dict:
    try:
        data = json.loads(content_text(path))
    # RecursionError: nesting no benchmark has (a hostile file)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise DataError(f"cannot read {path} as the TransNAS-Bench-101 JSON ({one_line(exc, 120)}); the file is "
                        "corrupt or truncated, fetch it again") from None
    if not isinstance(data, dict) or not set(data) & {"micro", "macro"}:
        raise DataError(f"{path} is not the TransNAS-Bench-101 JSON: expected {{\"micro\"|\"macro\": {{task: ...}}}}")
    return data


def import_json(path: Path, part: str, parse: Callable[[str], tuple], format: Callable[[tuple], str]) -> Table:
    """One space's records of the JSON as a table: one row per architecture, columns per task."""
    return records_table(path, _json(str(path), file_version(path)).get(part), part, parse, format)


def records_table(path: Path, records: object, part: str, parse: Callable[[str], tuple],
                  format: Callable[[tuple], str]) -> Table:
    """``{task: {arch: {"val": v, proxy: s...}}}`` of one space (the JSON's, or the API file's read as it) as a
    table: one row per architecture, columns per task."""
    if not isinstance(records, dict) or not records:
        raise DataError(f"{path} holds no TransNAS-Bench-101 {part} records")
    if not all(isinstance(t, dict) for t in records.values()):
        raise DataError(f"{path}: TransNAS-Bench-101 tasks must map architectures to records; fetch the file again")
    # Each key read once: the tasks name the same architectures, and parsing every task's keys again took most of
    # a read (0.44 s of micro's 7 x 4,096, 0.58 s of macro's 7 x 3,256)
    keys = dict.fromkeys(a for task in records.values() for a in task)
    try:
        written = {key: format(parse(key)) for key in keys}
    except ArchitectureError as exc:
        raise DataError(f"{path}: a {part} architecture key is malformed ({exc}); fetch the file again") from None
    archs = sorted(set(written.values()))
    rows = {a: i for i, a in enumerate(archs)}
    columns: dict[str, np.ndarray] = {"arch": np.asarray(archs, dtype="<U48")}
    for task in TASKS:
        entries = records.get(task.name) or {}
        values = np.full(len(archs), np.nan)
        proxies = {p: np.full(len(archs), np.nan) for p in PROXIES}
        for arch, record in entries.items():
            row = rows[written[arch]]
            where = f"{path}: the {part}/{task.name} record of {arch}"
            try:
                values[row] = file_number(record["val"], f"{where}: val", "fetch the file again")
                for proxy in PROXIES:
                    if record.get(proxy) is not None:
                        proxies[proxy][row] = file_number(record[proxy], f"{where}: {proxy}", "fetch the file again")
            except (KeyError, TypeError, ValueError) as exc:
                raise DataError(f"{path}: the {part}/{task.name} record of {arch} is malformed ({one_line(exc, 80)}); "
                                "fetch the file again") from None
        columns[f"{task.name}:{task.metric}"] = values
        for proxy, col in proxies.items():
            if not np.isnan(col).all():
                columns[f"{task.name}:proxy:{proxy}"] = col
    return Table(columns, {"benchmark": f"tnb101-{part}", "key": "arch", "source": path.name,
                           "cost": "unknown: the source has no training times"})


@lru_cache(maxsize=16)
def _holds_any(table: Table, column: str) -> bool:
    """Whether a loaded table has any value in ``column``; once per table, as every lookup checks its task."""
    return bool(np.isfinite(table.columns[column]).any())


class TransNASBenchmark(Benchmark):
    """Shared lookups of the two TransNAS-Bench-101 tables (the subclasses name their part)."""

    part: ClassVar[str]
    warmup_proxies = ("zen", "synflow")  # the tables store no parameter counts; these two they store everywhere
    _parse: ClassVar[Callable[[str], tuple]]
    _format: ClassVar[Callable[[tuple], str]]
    suite_zero_file: ClassVar[ProxyFile | None] = None
    """NAS-Bench-Suite-Zero's proxy file of this part, if there is one (micro, class_scene)."""
    cell_spec: ClassVar[CellSpec | None] = None
    """The cell shape of a part whose architectures are cells (micro's), some without an input-output path; None
    where every architecture has one (macro's skeletons hold no ``none`` op)."""
    tasks = TASKS
    metric_units = {**ACCURACY, "val_pixel_accuracy": "%"}  # the losses and SSIMs have none
    final_only = True
    times_training = False  # the JSON stores no training times
    formats = f"the TransNAS-Bench-101 JSON ({JSON_FILE}), the benchmark's own {API_FILE} and nasloop's own table"
    whole_import = JSON_FILE

    def table_source(self) -> tuple[str, FileVersion]:
        return self.located((self.table_file, JSON_FILE),
                            f"get TransNAS-Bench-101's own file ({API_WHERE}) and run 'nasloop data import --space "
                            f"tnb101-{self.part} {API_FILE}', or put {JSON_FILE} (shipped in shared/data: its values "
                            "with Zen, synflow and epe_nas) in --data-dir or $NASLOOP_DATA")

    @property
    def table(self) -> Table:
        return load_table(type(self), *self.table_source())

    @classmethod
    def read_source(cls, path: Path) -> Table:
        refuse_another_benchmarks_file(path, cls.name)
        return import_json(path, cls.part, cls._parse, cls._format)

    def fidelities(self, task: str) -> list[int]:
        self.task(task)
        return []

    def has_results(self, task: str) -> bool:
        found = self.task(task)
        return _holds_any(self.table, f"{found.name}:{found.metric}")

    def metric_names(self, task: str, fidelity: int | None = None) -> list[str]:
        return [self.task(task).metric]  # what query reports, the task's one metric

    def query(self, arch: tuple, task: str, fidelity: int | None = None) -> Result:
        found = self.task(task)
        self.check(found.name, fidelity)
        row = self.row(arch)
        value = np.nan if row is None else self.table.columns[f"{found.name}:{found.metric}"][row]
        if math.isnan(value):
            return Result.failed(f"no {found.name} result for this architecture in the {self.name} table",
                                 cost_estimated=True)
        return Result(metrics={found.metric: float(value)}, cost=0.0, cost_estimated=True)

    def cells(self) -> list[tuple]:
        return [self._parse(a) for a in self.table.columns["arch"].tolist()]

    def suite_zero(self, task: str) -> dict[str, np.ndarray]:
        """The Suite-Zero proxies of ``task`` in cell enumeration order, when this part has a file and it is present."""
        if self.suite_zero_file is None:
            return {}
        views = self.__dict__.setdefault("_suite_zero", {})
        if task not in views:
            views[task] = stored_proxies(self.suite_zero_file, self.data_dir, task)
        return views[task]

    def proxy_source(self, proxy: str, task: str) -> str:
        found = self.suite_zero_file
        return "" if found is None else found.missing_note(proxy, self.task(task).name, self.data_dir)

    def proxy_names(self, task: str) -> list[str]:
        return sorted(set(self.stored_proxies(task)) | set(self.suite_zero(self.task(task).name)))

    def proxy_scores(self, archs: Sequence[tuple], proxy: str, task: str) -> np.ndarray:
        """The table's own scores first (Zen, synflow, epe_nas), then the Suite-Zero file's.

        The JSON marks a score it could not compute (Zen and epe_nas of the 169 micro cells without an
        input-output path) with the suite's -1e8, and their synflow with its 0.0, which would rank those cells as
        numbers: read as undefined (NaN, :func:`suite_scores`, with epe_nas on those cells whatever it holds, as it
        reads the images), here rather than at import, so tables imported before read alike."""
        name = self.task(task).name
        column = self.table.columns.get(f"{name}:proxy:{proxy}")
        if column is None:
            suite = self.suite_zero(name).get(proxy)
            if suite is None:
                return super().proxy_scores(archs, proxy, task)
            return suite[[cell_index(MICRO_SPEC, a) for a in archs]].astype(np.float64)
        values = self.values_at(column, archs)
        spec = self.cell_spec
        pathless = False if spec is None else cells_without_path(spec)[[cell_index(spec, a) for a in archs]]
        return suite_scores(proxy, values, pathless)

    def row(self, arch: tuple) -> int | None:
        return row_index(self.table, "arch").get(self._format(arch))

    @classmethod
    def recognise(cls, path: Path) -> str | None:
        return API_WHAT if looks_like_api_file(path) else super().recognise(path)  # a torch save: a zip or not

    @classmethod
    def recognise_source(cls, path: Path) -> str | None:
        head = head_text(path, 256).lstrip()
        return "the TransNAS-Bench-101 JSON" if head.startswith(('{"micro"', '{"macro"')) else None

    @classmethod
    def read_under(cls, path: Path) -> str | None:
        return super().read_under(path) or (JSON_FILE if cls.recognise_source(path) else None)

    @classmethod
    def recognise_read_directly(cls, path: Path) -> tuple[str, str] | None:
        found = cls.suite_zero_file
        if found is None or not found.holds(csv_header(path)):
            return None
        return found.name, f"NAS-Bench-Suite-Zero's TNB101-{cls.part} proxy file"

    @classmethod
    def import_files(cls, paths: Sequence[Path]) -> Table:
        return cls.merge_tables([cls._import_one(Path(p)) for p in paths])

    @classmethod
    def _import_one(cls, path: Path) -> Table:
        if path.name.endswith(".npz"):
            return Table.load(path)
        if looks_like_api_file(path):
            return records_table(path, api_records(path, cls.part), cls.part, cls._parse, cls._format)
        return import_json(path, cls.part, cls._parse, cls._format)

    @classmethod
    def merge_tables(cls, tables: Sequence[Table]) -> Table:
        """Later files' values over earlier ones', value by value (:func:`merge_by_key`): the benchmark's own file
        holds no proxies, and given after the shipped JSON it kept the last file whole, losing Zen, synflow and
        epe_nas; a NaN (no value) keeps an earlier file's, as NB201's, NB101's and NDS's imports do."""
        return merge_by_key(list(tables))


@register_benchmark("tnb101-micro")
class TNB101MicroBenchmark(TransNASBenchmark):
    """TransNAS-Bench-101's cell-level table: 4,096 cells, 7 tasks."""

    name, part, table_file = "tnb101-micro", "micro", "tnb101-micro.npz"
    _parse, _format = staticmethod(parse_micro), staticmethod(format_micro)
    suite_zero_file = ProxyFile("tnb101_micro_zc_proxies_class_scene.csv.gz", "tnb_arch_str", (("class_scene", ""),),
                                MICRO_SPEC, parse_micro)
    cell_spec = MICRO_SPEC
    read_directly = (suite_zero_file.name,)


@register_benchmark("tnb101-macro")
class TNB101MacroBenchmark(TransNASBenchmark):
    """TransNAS-Bench-101's macro-level table: 3,256 skeletons, 7 tasks."""

    name, part, table_file = "tnb101-macro", "macro", "tnb101-macro.npz"
    _parse, _format = staticmethod(parse_macro), staticmethod(format_macro)


__all__ = ["TNB101MicroBenchmark", "TNB101MacroBenchmark", "TASKS", "JSON_FILE"]
