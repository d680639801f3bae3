"""TransNAS-Bench-101's own published file, ``transnas-bench_v10141024.pth``, read for ``nasloop data import``.

The benchmark's authors publish every architecture's training record as one file saved with ``torch.save``
(linked from github.com/yawen-d/TransNASBench, on the VEGA datasets page), which their API reads:
``{"metrics_dict": {task: [metric, ...]}, "info_names": [...], "task_list": [...], "data": {"micro"|"macro":
{arch: {task: {"metrics": {metric: [value per epoch]}, "model_info": {...}, "total_epochs": n}}}}}``, keyed by the
strings nasloop writes (``64-41414-1_02_333``, ``64-1234-basic``). A task's value is its validation metric after
the last epoch, the one NASLib queries as an architecture's validation result (``get_single_metric(mode="final")``)
and the one the shipped JSON's ``val`` holds. The file is loaded with torch's ``weights_only`` unpickler, which
builds plain data and tensors only, so a hostile file runs no code; it holds no proxies.
"""
from __future__ import annotations

import pickle
import re
import zipfile
from pathlib import Path
from typing import Any

from ...engine.data.sniff import head_bytes, refuse_inflated_members
from ...engine.errors import DataError, one_line
from ...engine.held_imports import imported

API_FILE = "transnas-bench_v10141024.pth"
WHAT = f"TransNAS-Bench-101's own file (its API's {API_FILE})"
WHERE = f"{API_FILE} is linked from github.com/yawen-d/TransNASBench"
VALID_METRIC = {"class_scene": "valid_top1", "class_object": "valid_top1", "jigsaw": "valid_top1",
                "room_layout": "valid_neg_loss", "segmentsemantic": "valid_acc", "normal": "valid_ssim",
                "autoencoder": "valid_ssim"}
"""Each task's validation metric in the file, as NASLib maps its validation accuracy."""
_LEGACY_MAGIC = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19"  # torch.save before zip archives
_KEYS = re.compile(rb"metrics_dict|task_list")
_ARCH = re.compile(rb"64-[1-4]{4,6}-basic|64-41414-[0-3]_[0-3]{2}_[0-3]{3}")


def _pickle_head(path: Path) -> bytes:
    """The start of the saved object's pickle: a zip archive's ``data.pkl``, else the file's own bytes."""
    if not zipfile.is_zipfile(path):
        head = head_bytes(path)
        return head if head.startswith(_LEGACY_MAGIC) else b""
    try:
        with zipfile.ZipFile(path) as archive:
            name = next((n for n in archive.namelist() if n.endswith("/data.pkl")), None)
            if name is None:
                return b""
            with archive.open(name) as member:
                return member.read(1 << 16)
    except (OSError, zipfile.BadZipFile, ValueError):
        return b""


def looks_like_api_file(path: Path) -> bool:
    """Whether ``path`` is a torch save whose object starts as the API's database does: its own keys, or (its
    ``data`` pickled first) an architecture's training record, not merely arch strings (a FLAN state may hold some)."""
    head = _pickle_head(path)
    return bool(_KEYS.search(head) or (_ARCH.search(head) and b"total_epochs" in head))


def _load(path: Path) -> Any:
    torch = imported("torch")  # only an import of this file needs it

    try:
        refuse_inflated_members(path)
        return torch.load(path, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError, EOFError, ValueError, pickle.UnpicklingError, zipfile.BadZipFile) as exc:
        raise DataError(f"cannot read {path} as TransNAS-Bench-101's {API_FILE} ({one_line(exc, 120)}); the file "
                        f"is corrupt or truncated: get it again ({WHERE})") from None


def api_records(path: Path, part: str) -> dict[str, dict[str, dict[str, float]]]:
    """The file's ``part`` (micro or macro) as the shipped JSON lays it out: ``{task: {arch: {"val": v}}}``."""
    database = _load(path)
    spaces = database.get("data") if isinstance(database, dict) else None
    archs = spaces.get(part) if isinstance(spaces, dict) else None
    if not isinstance(archs, dict) or not archs:
        raise DataError(f"{path} holds no TransNAS-Bench-101 {part} architectures (its 'data' has "
                        f"{', '.join(map(str, spaces)) if isinstance(spaces, dict) else 'nothing'}); get {API_FILE} "
                        f"again ({WHERE})")
    records: dict[str, dict[str, dict[str, float]]] = {}
    for arch, tasks in archs.items():
        if not isinstance(tasks, dict):
            raise DataError(f"{path}: the {part} record of {str(arch)[:60]} is a {type(tasks).__name__}, not a "
                            f"mapping of tasks; get {API_FILE} again ({WHERE})")
        for task, metric in VALID_METRIC.items():
            result = tasks.get(task)
            if result is None:
                continue
            try:
                records.setdefault(task, {})[arch] = {"val": float(result["metrics"][metric][-1])}
            except (KeyError, IndexError, TypeError, ValueError) as exc:
                raise DataError(f"{path}: the {part}/{task} record of {arch} has no final {metric} "
                                f"({one_line(exc, 60)}); get {API_FILE} again ({WHERE})") from None
    return records
