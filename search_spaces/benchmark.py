"""The benchmark interface: a space's tabular data, its tasks and fidelities.

A :class:`Benchmark` is defined in each space's folder: its tasks with their metric and
direction, fidelities, ``query(arch, task, fidelity)``, stored proxy scores, its cells and the
importers of its public formats. The tabular evaluator, ``predictors evaluate``, zero-cost
warm-ups and ``data import`` reach tables only through it. A benchmark object holds only its data
folder; its table loads on first use, once per process, and is dropped when the object is
pickled, so an evaluator carrying one ships to Ray workers in bytes.
"""
from __future__ import annotations

import os
import zipfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar, Hashable, Mapping, Sequence

import numpy as np

from ..engine.data.paths import FileVersion, file_version, find_file
from ..engine.data.rewrites import Rewrite
from ..engine.data.table import Table, column_name
from ..engine.errors import ConfigError, DataError, UnsupportedError
from ..engine.options import WIRING, Configurable
from ..engine.registry import BENCHMARKS, RegisteredName
from ..engine.types import Arch, Result
from .table_files import refuse_another_table
from .task import Task, unknown_task, whole_epochs


class Benchmark(Configurable, ABC):
    """Base class for benchmarks; subclass it in the space's folder and register with ``@register_benchmark``."""

    plugin_kind = "benchmark"
    name: ClassVar[str] = RegisteredName(BENCHMARKS)  # registering a class that sets none gives it its registered one
    tasks: ClassVar[tuple[Task, ...]] = ()
    table_file: ClassVar[str] = ""  # the file ``nasloop data import`` writes (``<name>.npz``), in the data folders
    formats: ClassVar[str] = ""
    """The public formats :meth:`import_files` reads, in words (for messages)."""
    read_directly: ClassVar[tuple[str, ...]] = ()
    """Files the benchmark reads from the data folders as they are (stored proxies, hardware costs): nothing to
    import, which ``nasloop data import`` says when given one."""
    warmup_proxies: ClassVar[tuple[str, ...]] = ()
    """The stored proxies whose mean rank starts a search best here (``warmup: true``; measured, see README)."""
    ranking_proxy: ClassVar[str | None] = None  # zero-cost's default where Zen is not stored: the best (README)
    final_only: ClassVar[bool] = False
    """The table holds only each architecture's final result: no fidelity to choose."""
    times_training: ClassVar[bool] = True
    """A lookup's cost is a training time (measured or estimated); False where the source has none and every
    lookup costs 0 s, so a seconds budget could never end a search."""
    rewrites: ClassVar[tuple[Rewrite, ...]] = ()
    """Public files holding what a file of :attr:`read_directly` holds in another layout (NASLib's JSON of the proxies
    a CSV here holds), which ``nasloop data import`` writes in the layout read (:mod:`nasloop.engine.data.rewrites`)."""
    whole_import: ClassVar[str] = ""
    """What ``nasloop data import --space <name>`` is given to import a table of the whole space (the public file
    holding every architecture), named by the refusal of a search on a table of part of it; empty where none is."""
    metric_units: ClassVar[dict[str, str]] = {}  # each reported metric's unit (see .units), for a report's axes
    wiring: ClassVar[tuple[str, ...]] = (*WIRING, "space_options")

    def __init__(self, data_dir: str | os.PathLike | None = None,
                 space_options: Mapping[str, Any] | None = None) -> None:
        """``space_options``: every option of the space the run builds, its defaults filled in, which a benchmark
        that computes its results may read (:meth:`cells` of a space whose size is an option: a user's benchmark
        listed the cells of one configuration alone, whatever ``--space-opt`` built)."""
        self.data_dir = str(data_dir) if data_dir else None
        self.space_options: dict[str, Any] = dict(space_options or {})
        self._located: tuple[str, FileVersion] | None = None

    def located(self, names: Sequence[str], missing: str) -> tuple[str, FileVersion]:
        """(path, :func:`file_version`) of the first of ``names`` in the data folders, the key its table is cached
        under; found once per benchmark object (a query reads the table several times, and finding the file stats
        every candidate in every data folder), and again by a new object (a new run), so a table imported since is read.
        """
        if self._located is None:
            path = find_file(names, self.data_dir, missing)
            refuse_another_table(type(self), path)
            self._located = (str(path), file_version(path))
        return self._located

    def table_source(self) -> tuple[str, FileVersion] | None:
        """The file the table is read from and its version (:meth:`located`), found without loading it:
        the table's identity, which a run keeps with the held-out values it looked up as it ended, so that ``show``
        tells a table imported since (``.engine.run_held_out``); None where the benchmark does not say (a user's
        that reads no one file: its kept values are read as kept)."""
        return None

    @property
    @abstractmethod
    def table(self) -> Table:
        """The benchmark's table, loaded on first use (once per process and file version: :mod:`.table_files`)."""

    @classmethod
    def read_table(cls, path: Path) -> Table:
        """The table a file found under one of the benchmark's names holds: nasloop's own ``.npz`` as it is, a
        public file read by :meth:`read_source`. A space whose own table needs checking extends it."""
        return Table.load(path) if path.name.endswith(".npz") else cls.read_source(path)

    @classmethod
    def read_source(cls, path: Path) -> Table:
        """The table of a public file the benchmark reads as it is (found under one of its names), if it reads any."""
        raise DataError(f"{path}: the {cls.name} benchmark reads only nasloop's own table file; import it with "
                        f"'nasloop data import --space SPACE {path}', SPACE the space whose benchmark it is")

    def warm_up(self, task: str) -> None:
        """Load everything a query of ``task`` reads, so that a worker's first trial is a plain lookup."""
        len(self.table)

    def __getstate__(self) -> dict[str, Any]:
        """Only the configuration travels; each process loads (and caches) the table itself."""
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _located=None)

    # --- tasks and fidelities ----------------------------------------------------------------
    def has_task(self, name: str) -> bool:
        """Whether ``name`` is one of the tasks (or an alias, any case)."""
        return self.find_task(name) is not None

    @classmethod
    def find_task(cls, name: str) -> Task | None:
        """The task ``name`` spells (its name or an alias, any case), or None; of the class, for a reader holding no
        table (a study's records, named by their task)."""
        wanted = str(name).lower()
        return next((task for task in cls.tasks
                     if wanted == task.name.lower() or wanted in (a.lower() for a in task.aliases)), None)

    def task(self, name: str) -> Task:
        """The task called ``name`` (or one of its aliases, any case); one line listing the tasks otherwise."""
        task = self.find_task(name)
        if task is not None:
            return task
        raise ConfigError(unknown_task(self.name, name, self.tasks))

    @abstractmethod
    def fidelities(self, task: str) -> list[int]:
        """The fidelities (training epochs) the table has results for on ``task``, ascending
        (empty for a ``final_only`` table)."""

    def metric_names(self, task: str, fidelity: int | None = None) -> list[str] | None:
        """The metrics a lookup of ``task`` can report, read off the table's columns; None where the benchmark
        does not say (the tabular evaluator then reads a cell's). A metric some cells lack still counts."""
        return None

    def has_results(self, task: str) -> bool:
        """Whether the table holds a result of ``task`` (a ``final_only`` table's file may lack a task)."""
        return True

    def held_results(self, task: str, fidelity: int | None = None) -> int | None:
        """How many architectures the table holds a result of ``task`` for at ``fidelity`` (the highest by default):
        the held rows (:meth:`Table.held_rows`) with a value in the task metric's column, named as the shared table
        format names it; None where the table has no such column (a benchmark whose query reads its own layout)."""
        found = self.task(task)
        fidelity = self.check(found.name, fidelity)
        name = f"{found.name}:{found.metric}" if fidelity is None else column_name(found.name, fidelity, found.metric)
        values = self.table.columns.get(name)
        if values is None or values.dtype.kind != "f":
            return None
        return int(np.count_nonzero(np.isfinite(values) & self.table.held_rows()))

    def search_gap(self, task: str, space_size: int | None = None, fidelity: int | None = None) -> str | None:
        """Why a search of a space of ``space_size`` architectures would fail at most lookups of ``task``, or None.

        A table imported from part of its public file (a truncated or hand-made one, a NASLib pickle of a few cells)
        holds results for fewer architectures than the space has: a search proposes the others too, and each of their
        lookups fails. The tabular evaluator refuses such a run before it starts, unless its space keeps to the table.
        """
        found = self.task(task)
        held = None if space_size is None else self.held_results(found.name, fidelity)
        if held is None or held >= space_size:
            return None
        epochs = self.check(found.name, fidelity)
        what = found.name if epochs is None else f"{found.name} {epochs}-epoch"
        source = self.table.meta.get("source")
        out = "" if self.table.folder is None else f" --out {self.table.folder}"  # read before the cache
        fix = (f"import the whole file with 'nasloop data import --space {self.name} {self.whole_import}{out}'"
               if self.whole_import else f"import a table of the whole space with 'nasloop data import"
               f"{out and ' ...' + out}'")
        if fidelity is not None:  # the fidelity given: another may be held for every architecture (the CSV's 200)
            whole = [str(f) for f in self.fidelities(found.name)
                     if (self.held_results(found.name, f) or 0) >= space_size]
            # '--fidelity:' names the flag alone, which the command writes as typed ('--epochs:'; see as_typed)
            fix += f", or choose a fidelity every architecture has, with --fidelity: {', '.join(whole)}" * bool(whole)
        return (f"the {self.name} table holds {what} results for {held:,} of the space's {space_size:,} "
                f"architectures{f' (imported from {source})' if source else ''}; a search proposes the others too, "
                f"and their lookups fail: {fix}")

    def check(self, task: str, fidelity: int | None = None) -> int | None:
        """Load the table now and check the task and fidelity; return the fidelity to query.

        Every problem (missing or corrupt file, unknown task, absent fidelity) is one line.
        """
        name = self.task(task).name
        table = self.table  # loads it: a missing or corrupt file fails now
        if not isinstance(table, Table):  # a plugin's None failed the warm-up that follows in Python's words
            raise ConfigError(f"benchmark '{self.name}': its table is {type(table).__name__}, not a Table; return "
                              "a nasloop.engine.data.table.Table of its columns (Table({}) for a benchmark whose "
                              "query reads none)")
        if self.final_only:
            if not self.has_results(name):  # else every evaluation of the run fails, one by one
                raise UnsupportedError(f"the {self.name} table has no results for {name}; import a source that "
                                       "covers it with 'nasloop data import', or choose another --dataset")
            if fidelity is not None:
                raise UnsupportedError(f"the {self.name} table holds only each architecture's final result; "
                                       f"drop --fidelity {fidelity}")
            return None
        available = self.fidelities(name)
        if not available:
            raise UnsupportedError(f"the {self.name} table has no results for {name}; "
                                   "import a source that covers it with 'nasloop data import'")
        chosen = max(available) if fidelity is None else whole_epochs(fidelity)
        if chosen not in available:
            shown = ", ".join(map(str, available[:12])) + (" ..." if len(available) > 12 else "")
            raise UnsupportedError(f"{self.name} {name} has no {chosen}-epoch results; available: {shown}")
        return chosen

    # --- lookups -----------------------------------------------------------------------------
    @abstractmethod
    def query(self, arch: Arch, task: str, fidelity: int | None = None) -> Result:
        """The table's result for ``arch``; an architecture it does not hold is a failed Result, never a crash.
        ``fidelity`` None (a run that names none) means the highest the table holds for ``task``: call
        :meth:`check`, which returns it (None for a ``final_only`` table)."""

    def metric_values(self, archs: Sequence[Arch], task: str, metric: str | None = None,
                      fidelity: int | None = None) -> np.ndarray:
        """Each architecture's ``metric`` (the task's own by default), NaN where the table has no result for it.

        What a predictor's targets and a study's optimum read over a whole table. This default builds every
        result; a table that stores the metric as a column overrides it to read only that column.
        """
        chosen = self.task(task)
        metric = metric or chosen.metric
        self.check_metric(chosen.name, metric, fidelity)
        return np.array([self.query(a, chosen.name, fidelity).metrics.get(metric, np.nan) for a in archs],
                        dtype=np.float64)

    def check_metric(self, task: str, metric: str, fidelity: int | None = None) -> None:
        """Refuse a metric the table's lookups of ``task`` never report (a misspelt name read as all NaN); one it
        reports at other fidelities only reads NaN at this one."""
        declared = self.metric_names(task, fidelity)
        if declared is None or metric in declared:
            return
        names = list(declared)  # not the benchmark's own list, which it may keep
        for other in self.fidelities(task):
            names += [m for m in self.metric_names(task, other) or () if m not in names]
        if metric not in names:
            raise ConfigError(f"the {self.name} table has no metric '{metric}' for {self.task(task).name}; "
                              f"choose from: {', '.join(names)}{self.metric_source(metric)}")

    def metric_source(self, metric: str) -> str:
        """Where a metric the lookups lack comes from when an optional file missing from the data folders brings
        it ("; 'edgegpu_latency' comes from ..."), else "": the names to choose from do not say what to fetch."""
        return ""

    def proxy_source(self, proxy: str, task: str) -> str:
        """Where ``proxy`` of ``task``, which nothing at hand stores, is stored when an optional file missing from
        the data folders brings it ("; NAS-Bench-Suite-Zero's ... stores 'jacov' ..."), else "": said when it cannot
        be computed instead, where only the task's images were named."""
        return ""

    def proxy_names(self, task: str) -> list[str]:
        """The zero-cost proxies whose scores the table stores for ``task``."""
        return []

    def partial_proxies(self, task: str) -> dict[str, tuple[int, int]]:
        """Stored proxies the source scored for only some of the table's cells: (cells scored, cells held).

        Empty by default: most tables cannot tell a score the source lacks from one that is undefined
        (Zen of an NB201 cell with no input-output path), and only the first kind is partial.
        """
        return {}

    def proxy_scores(self, archs: Sequence[Arch], proxy: str, task: str) -> np.ndarray:
        """Stored scores of ``proxy`` for ``archs`` (NaN where the table has none)."""
        raise UnsupportedError(f"the {self.name} table has no '{proxy}' scores for {self.task(task).name}; "
                               f"it has: {', '.join(self.proxy_names(task)) or 'none'}")

    # Helpers for tables with one row per architecture and proxy columns named "<task>:proxy:<name>".
    def row(self, arch: Arch) -> int | None:
        """The table row of ``arch``, None where the table does not hold it (row-keyed tables define it)."""
        raise UnsupportedError(f"the {self.name} benchmark does not look architectures up by row")

    def stored_proxies(self, task: str) -> list[str]:
        """The proxies with a ``<task>:proxy:<name>`` column, as the importers name them."""
        prefix = f"{self.task(task).name}:proxy:"
        return [c[len(prefix):] for c in self.table.columns if c.startswith(prefix)]

    def values_at(self, column: np.ndarray, archs: Sequence[Arch]) -> np.ndarray:
        """``column`` at each architecture's row, NaN where the table does not hold it."""
        return np.array([np.nan if r is None else column[r] for r in map(self.row, archs)], dtype=np.float64)

    def cells(self) -> list[Arch]:
        """Every architecture the table holds, in the benchmark's own fixed order."""
        raise UnsupportedError(f"the {self.name} benchmark does not list its architectures; define its cells() "
                               "(every architecture the table holds, in a fixed order) to rank or sample them all")

    def cell_count(self) -> int:
        """How many architectures :meth:`cells` lists; a table that can count its rows without building them says so."""
        return len(self.cells())

    def cell(self, row: int) -> Arch:
        """Cell ``row`` of :meth:`cells` (IndexError past its end); a table that builds one row's alone says so."""
        return self.cells()[row]

    def table_values(self, task: str, metric: str | None = None, fidelity: int | None = None) -> np.ndarray:
        """:meth:`metric_values` of every cell :meth:`cells` lists, in order; a table reading its rows builds none."""
        return self.metric_values(self.cells(), task, metric, fidelity)

    def optimum(self, task: str, fidelity: int | None = None) -> float | None:
        """The best value of the task's metric over every cell the table holds (the most a search can
        find; the default target of a study), or None for a table that does not list its cells."""
        chosen = self.task(task)
        try:
            values = self.table_values(chosen.name, fidelity=fidelity)
        except UnsupportedError:
            return None
        if not np.isfinite(values).any():
            return None
        return float(np.nanmin(values) if chosen.minimize else np.nanmax(values))

    # --- importing public formats ------------------------------------------------------------
    @classmethod
    def row_text(cls, table: Table, row: int) -> str:
        """Row ``row`` of this benchmark's ``table`` as a user writes its architecture, for a message naming one (an
        import that would lose it): its ``arch`` string, else its key; a table keyed otherwise overrides this."""
        if "arch" in table.columns:
            return repr(str(table.columns["arch"][row]))
        key = table.meta.get("key")
        return f"{key} {table.columns[key][row]}" if key in table.columns else f"row {row}"

    @classmethod
    def row_identities(cls, table: Table) -> Sequence[Hashable] | None:
        """Each row's network in row order, where the benchmark writes one network in several forms (a cell's nodes
        numbered otherwise), by which an import judges what replacing ``table`` loses, as its merge groups rows; None
        where the key column is the identity (the default)."""
        return None

    @classmethod
    def recognise(cls, path: Path) -> str | None:
        """What ``path`` is, in words, if it is a file this benchmark imports (judged by content); else None.

        nasloop's own tables (``.npz`` archives whose metadata names this benchmark, or a benchmark it derives
        from) are recognised here; a benchmark's public formats by :meth:`recognise_source`. A user's subclass
        registered under a name of its own imports with its parent's importers, which name the parent in the
        table they write: matched on its own name only, its own import's table was refused as the parent's.
        """
        if not zipfile.is_zipfile(path):
            return cls.recognise_source(path)
        written = Table.peek_meta(path).get("benchmark")
        if written == cls.name:
            return f"a nasloop {cls.name} table"
        parents = {name for ancestor in cls.__mro__[1:] if isinstance(name := vars(ancestor).get("name"), str)}
        return f"a nasloop {written} table (the benchmark {cls.name} derives from)" if written in parents else None

    @classmethod
    @abstractmethod
    def recognise_source(cls, path: Path) -> str | None:
        """What ``path`` is if it is one of the public formats this benchmark imports; else None."""

    @classmethod
    def recognise_read_directly(cls, path: Path) -> tuple[str, str] | None:
        """(the name it is read under, what it is) if ``path`` holds one of the files of :attr:`read_directly`,
        judged by content whatever its name; else None. No benchmark imports those files, so renamed to a table's
        name they were refused as 'not a format of' the table's benchmark with no word of what they were."""
        return None

    @classmethod
    def recognise_unread(cls, path: Path) -> str | None:
        """What ``path`` is if it is a public file of this benchmark's space that nasloop neither imports nor reads
        (TA-GATES's split of the NB201 cells), judged by content whatever its name; else None. Copied under a
        table's name it was refused as 'not a format of' the table's benchmark with no word of what it was."""
        return None

    @classmethod
    def read_under(cls, path: Path) -> str | None:
        """The name a data folder holds ``path``, a file this benchmark recognises, under for the benchmark to read
        it as it is (its public table, or nasloop's own table: :attr:`table_file`), or None where it must be
        imported first. Found under another benchmark's name, it was named as this one's data with no word of where
        it belongs. A benchmark reading public files as they are extends this, falling back to it for its table."""
        own = bool(cls.table_file) and zipfile.is_zipfile(path) and cls.recognise(path) is not None
        return cls.table_file if own else None

    @classmethod
    @abstractmethod
    def import_files(cls, paths: Sequence[Path]) -> Table:
        """Convert public files (later ones override earlier ones) into nasloop's own table."""

    @classmethod
    def merge_tables(cls, tables: Sequence[Table]) -> Table | None:
        """The table :meth:`import_files` makes of files already read as ``tables`` (later ones overriding earlier
        ones), or None where the benchmark cannot tell without reading them again (a plugin's defining only
        ``import_files``): a refused import asks whether importing the table there first would keep it, and read
        every file a second time to know (13 of 27 s for a 58 MB NASLib pickle)."""
        return None
