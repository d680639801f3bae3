"""Reading a study folder's ``study.json``: every field checked, so a damaged or hand-edited file is one line naming
it and the fix, never a traceback or a study that counts a run twice."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from .config import SearchConfig
from .errors import ConfigError, DataError
from .plugin_trust import SIGNATURE_KEY
from .run_folders import STUDY_FILE
from .study_grid import STUDY_VERSION, Study
from .study_methods import Method, ascii_folder_name, read_sources
from .user_files import folder_file_text

def load_study(folder: Path) -> Study:
    """The study recorded in ``folder/study.json``; a missing or damaged file is one line."""
    path = Path(folder) / STUDY_FILE
    try:
        record = json.loads(folder_file_text(path))
        if not isinstance(record, dict):
            raise ValueError(f"it holds a {type(record).__name__}, not a study's mapping")
        version = record.get("version", STUDY_VERSION)
        if not isinstance(version, int) or isinstance(version, bool):  # was said to be a newer nasloop's
            raise ValueError(f"its version is {version!r}, not a whole number")
        if version > STUDY_VERSION:
            raise DataError(f"{path} is a study file of version {version!r}, written by a newer nasloop (this one "
                            f"reads up to {STUDY_VERSION}); upgrade nasloop to read it")
        grid = record["grid"]
        try:  # a budget of NaN was one line naming neither the file nor the fix
            base = SearchConfig.from_stored({**grid, "data_dir": record.get("data_dir"),
                                              "executor": record.get("executor", "inprocess"),
                                              "executor_options": record.get("executor_options") or {},
                                              "plugins": record.get("plugins") or []}, source="its grid")
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        methods = [_method(m) for m in record["methods"]]
        seeds = record["seeds"]
        odd = next((s for s in seeds if isinstance(s, bool) or not isinstance(s, int) or not 0 <= s < 2**63), None)
        if odd is not None:  # int() read 1.5 and true as seed 1, and a list of text failed in its own words
            raise ValueError(f"its seeds include {odd!r}, not a whole number from 0 to 2**63 - 1")
        _once("seed", seeds)  # a repeat counted one run as several seeds (or methods) in every statistic
        _once("method", [m.label for m in methods])
        files = {str(name): str(digest)
                 for name, digest in _mapping(record.get("pretrained_files"), "pretrained files")}
        report = _report_settings(record.get("report") or {})
        folders = _folders(record.get("folders"), methods)
        sources = read_sources(record.get("sources"))
    except FileNotFoundError:
        raise DataError(f"no study at {folder} (missing {STUDY_FILE}); make one with 'nasloop compare'") from None
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:  # RecursionError: nested JSON
        raise DataError(f"{path} is not a readable study file ({type(exc).__name__}: {exc}); "
                        "set the folder aside and run 'nasloop compare' again") from None
    return Study(Path(folder), base, methods, seeds, files, folders, report, record.get(SIGNATURE_KEY), sources)


def _method(record: Any) -> Method:
    """A recorded method, its names text and its options mappings: a label of 5 failed as an unexpected
    AttributeError where its folder name was made."""
    method = Method(**record)
    names_ok = isinstance(method.label, str) and isinstance(method.strategy, str) and (
        method.predictor is None or isinstance(method.predictor, str))
    if not (names_ok and isinstance(method.strategy_options, dict) and isinstance(method.predictor_options, dict)):
        raise ValueError(f"a method {record!r} does not name its label, strategy and predictor as text with "
                         "options as mappings")
    return method


def _mapping(record: Any, what: str) -> Any:
    """The items of a recorded mapping (absent: none)."""
    if record is None:
        return ()
    if not isinstance(record, dict):
        raise ValueError(f"its {what} are {record!r}, not a mapping")
    return record.items()


def _once(what: str, values: list[Any]) -> None:
    """Refuse a study file listing one seed or method twice (a hand edit: nasloop writes each once). Counted once
    each: a list of 200,000 seeds took minutes to count one by one."""
    repeated = sorted(str(v) for v, count in Counter(values).items() if count > 1)
    if repeated:
        raise ValueError(f"it lists the {what} {repeated[0]} more than once")


def _folders(record: Any, methods: list[Method]) -> dict[str, str]:
    """The recorded run folder of each method (absent from studies made before: their folders kept ASCII only),
    each checked to be one folder name, since a damaged one would place runs outside ``runs/``."""
    if record is None:
        return {m.label: ascii_folder_name(m.label) for m in methods}
    if not isinstance(record, dict):
        raise ValueError(f"its folders are {record!r}, not a mapping of method to folder")
    for name in record.values():
        if not isinstance(name, str) or name in ("", ".", "..") or any(c in name for c in "/\\\0"):
            raise ValueError(f"its run folder {name!r} is not one folder name")
    return {str(label): name for label, name in record.items()}


def _report_settings(record: dict[str, Any]) -> dict[str, Any]:
    """The recorded ``report`` of a study.json (absent from studies made before it was kept: the defaults), checked
    so that a damaged one fails here, naming the file, not as a traceback in the report."""
    if not isinstance(record, dict):
        raise ValueError(f"its report is {record!r}, not a mapping of target and interval")
    target, interval = record.get("target"), record.get("interval", "t")
    if target is not None and (isinstance(target, bool) or not isinstance(target, (int, float))):
        raise ValueError(f"its report target is {target!r}, not a number")
    if interval not in ("t", "bootstrap"):
        raise ValueError(f"its report interval is {interval!r}, not 't' or 'bootstrap'")
    return {"target": None if target is None else float(target), "interval": interval}

