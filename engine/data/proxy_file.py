"""Reading precomputed proxy files (``<space>-<dataset>-proxies.csv``, written by ``nasloop proxies --out``).

Found in a data folder, such a file's proxies are *stored* ones for that space and dataset (see
:meth:`nasloop.engine.context.RunContext.stored_proxies`). It is read as untrusted input: a
damaged line is named, never skipped, and so is a line scoring an architecture again with other values.
Its first line records the settings it was scored with
(``# nasloop proxies {json}``), so a continued file cannot mix settings, and a probe (one
architecture and its network's parameter count) so a run whose space builds networks of another
size is refused instead of mixing the file's scores with its own. A last line without its line end
was cut off by a stopped run: it may read as a shorter number than was scored, so it is refused
here and dropped by the run that continues the file (:func:`prepare_to_continue`).
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, NamedTuple, Sequence

import numpy as np

from ...search_spaces.base import NetworkSpace, SearchSpace
from ..errors import ArchitectureError, ConfigError, DataError
from ..proxy_registry import PROXIES
from ..space_networks import to_module
from .datasets import dataset_facts, reads_images
from .paths import FileVersion, file_version, first_data_file

FIELD_LIMIT = 4096  # characters of one field; an architecture string is far shorter
SETTINGS = "# nasloop proxies "
"""How the settings line starts; JSON follows."""
FAILED = "failed"
"""A score whose proxy raised a RuntimeError (CUDA out of memory, or the network's own shape mismatch): an empty field
is one undefined for the network (no input-output path), which runs rank below every scored architecture. A failed
one is as if the file lacked it: runs compute it, and each continuation of the file scores its row again (saying how
many failed again: a shape mismatch always does)."""


class ProxyScores(NamedTuple):
    names: tuple[str, ...]
    scores: dict[str, np.ndarray]
    """Canonical architecture string -> its scores (NaN where a proxy failed)."""
    settings: dict[str, Any]
    """What the scores were made with (the file's first line)."""
    failed: dict[str, np.ndarray] = {}  # never changed in place
    """Canonical architecture string -> which of its scores failed (:data:`FAILED`; NaN in ``scores``), for those
    with any; a later row of the same architecture fills them in."""


def settings_line(settings: dict[str, Any]) -> str:
    return SETTINGS + json.dumps(settings, sort_keys=True, default=str)


def file_name(space: str, dataset: str) -> str:
    return f"{space}-{dataset}-proxies.csv"


def find_proxy_file(space: str, dataset: str, data_dir: str | os.PathLike | None) -> Path | None:
    """The precomputed proxy file of ``space`` on ``dataset`` in the data folders, or None."""
    return first_data_file((file_name(space, dataset),), data_dir)


@lru_cache(maxsize=4)
def _read(path: str, version: FileVersion, space: SearchSpace) -> ProxyScores:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read the proxy file {path} ({exc}); delete it and compute it again with "
                        "'nasloop proxies --all --out FILE'") from None
    if text and not text.endswith("\n"):
        last = text.count("\n") + 1
        raise DataError(f"{path} line {last} is incomplete (the run writing it was stopped); "
                        "run the same 'nasloop proxies' command again to rescore it")
    if not text.startswith(SETTINGS):  # scores that cannot be checked would be mixed with others unseen
        raise DataError(f"{path} has no settings line ('{SETTINGS}{{...}}'), so the network size and dataset "
                        "of its scores cannot be checked; delete it and compute it again with 'nasloop proxies --all "
                        "--out FILE'")
    first, _, text = text.partition("\n")
    settings = _settings(path, first[len(SETTINGS):])
    scored = settings.get("space")
    if scored is not None and scored != space.name:  # its rows were refused one by one as a damaged file's
        raise DataError(f"{path} holds the proxies of search space '{scored}' (its settings line says so), not "
                        f"of '{space.name}'; score {space.name}'s with 'nasloop proxies --space {space.name} --out "
                        "FILE' into a file of its own")
    rows = _csv_rows(path, text)
    header = next(rows, None)
    if not header or header[0] != "arch" or len(header) < 2 or len(set(header)) != len(header):
        raise DataError(f"{path} is not a proxy file: its line 2 must be 'arch,<proxy>,...'")
    _check_columns(path, header[1:])
    scores: dict[str, np.ndarray] = {}
    failed: dict[str, np.ndarray] = {}
    lines: dict[str, int] = {}
    for line, row in enumerate(rows, start=3):
        if len(row) != len(header) or any(len(field) > FIELD_LIMIT for field in row):
            raise DataError(f"{path} line {line} has {len(row)} fields, not {len(header)}; the file is damaged "
                            "(delete the line and rescore it with the 'nasloop proxies' command that wrote it)")
        lost = np.array([v == FAILED for v in row[1:]])
        try:
            key = space.format(space.parse(row[0]))
            values = np.array([float(v) if v and v != FAILED else math.nan for v in row[1:]])
        except (ArchitectureError, ValueError) as exc:
            raise DataError(f"{path} line {line} is not an architecture of '{space.name}' with scores ({exc}); "
                            "the file is damaged or belongs to another space") from None
        # 'nasloop proxies' writes an undefined score as an empty field: inf or nan was put there by something else
        bad = next((v for v, x in zip(row[1:], values) if v and v != FAILED and not math.isfinite(x)), None)
        if bad is not None:
            raise DataError(f"{path} line {line} scores {bad[:20]!r}, not a finite number; the file is damaged "
                            "(delete the line and rescore it with the 'nasloop proxies' command that wrote it)")
        if key in scores:  # scored again: what failed before is filled in, what was scored must agree
            was, was_lost = scores[key], failed.get(key, np.zeros(len(values), dtype=bool))
            both = ~was_lost & ~lost
            if not np.array_equal(was[both], values[both], equal_nan=True):
                raise DataError(f"{path} line {line} scores {key[:60]} again, differently from line {lines[key]}; "
                                "the file is damaged (delete both lines and rescore them with the 'nasloop proxies' "
                                "command that wrote it)")
            values, lost = np.where(lost, was, values), was_lost & lost
        scores[key], lines[key] = values, line
        failed.pop(key, None)
        if lost.any():
            failed[key] = lost
    return ProxyScores(tuple(header[1:]), scores, settings, failed)


def _csv_rows(path: str, text: str) -> Iterator[list[str]]:
    """The CSV rows of ``text``, the file from its line 2. A row csv cannot split (a field past csv's own limit of
    131,072 characters, which the FIELD_LIMIT check never saw) is named as a damaged line, where csv's Error stopped
    the run as an unexpected error."""
    rows = csv.reader(io.StringIO(text))
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataError(f"{path} line {rows.line_num + 1} is not a CSV row ({exc}); the file is damaged (delete "
                            "the line and rescore it with the 'nasloop proxies' command that wrote it)") from None
        yield row


def _check_columns(path: str, names: Sequence[str]) -> None:
    """One line for a column that names no registered proxy: every column becomes a stored proxy of the space, so
    ' meco' (a space after the comma, as an editor writes) was a proxy of its own while meco itself was computed
    on the networks, and a column of anything else (an accuracy) became a feature of 'features=[proxies]' unseen.
    'nasloop proxies' writes registered names only."""
    bad = next((name for name in names if name not in PROXIES), None)
    if bad is None:
        return
    meant = bad.strip().lower()
    hint = (f"write it '{meant}' (no spaces or capitals)" if meant in PROXIES else
            "drop its column, or load the plugin that registers it (--plugin FILE)")
    raise DataError(f"{path} line 2 names column {bad!r}, which is no zero-cost proxy nasloop knows (known: "
                    f"{', '.join(PROXIES.names())}); {hint}")


REQUIRED = ("dataset", "batch_size", "seed", "probe")
"""Settings a file's scores are checked against when a run reads them (``nasloop proxies`` writes them all): its
dataset, the mini-batch and seed missing architectures are computed with, and the probe of its network size."""


def _settings(path: str, text: str) -> dict[str, Any]:
    try:
        settings = json.loads(text)
    except (ValueError, RecursionError):
        settings = None
    probe = settings.get("probe") if isinstance(settings, dict) else None
    if not isinstance(settings, dict) or probe is not None and not (
            isinstance(probe, list) and len(probe) == 2 and isinstance(probe[0], str)
            and isinstance(probe[1], int) and not isinstance(probe[1], bool)):
        raise DataError(f"{path} line 1 is not the settings of a proxy file; the file is damaged (delete it and "
                        "compute it again with 'nasloop proxies --all --out FILE')")
    # a setting left out would pass its check unseen, as a file without a settings line would
    missing = [key for key in REQUIRED if settings.get(key) is None]
    if missing:
        raise DataError(f"{path} line 1 records no {' or '.join(missing)}, so its scores cannot be checked against "
                        "this run's; delete it and compute it again with 'nasloop proxies --all --out FILE'")
    if not all(isinstance(settings[key], int) and not isinstance(settings[key], bool)
               for key in ("batch_size", "seed")) or settings["batch_size"] < 2:
        raise DataError(f"{path} line 1 records batch size {settings['batch_size']!r} and seed {settings['seed']!r}, "
                        "not whole numbers (the batch at least 2); the file is damaged (delete it and compute it "
                        "again with 'nasloop proxies --all --out FILE')")
    return settings


def prepare_to_continue(path: str | os.PathLike) -> None:
    """Ready ``path`` for more rows: refuse a file that is not a proxy file, and cut off a last line without its
    line end (a stopped run's row).

    Anything else given as ``--out`` by mistake (a user's notes, a binary file) is refused before a byte of it
    changes: cutting it to its last line end would have emptied a file of one line."""
    with open(path, "rb+") as fh:
        start = fh.read(len(SETTINGS))
        if not SETTINGS.encode().startswith(start):  # a prefix: the first line of a run stopped at once
            raise ConfigError(f"{path} is not a proxy file written by 'nasloop proxies' (it does not begin "
                              f"'{SETTINGS.strip()}'), and it is left as it is; choose another --out")
        size = fh.seek(0, os.SEEK_END)
        if not size:
            return
        fh.seek(size - 1)
        if fh.read(1) == b"\n":  # the usual case: only the last byte is read
            return
        fh.seek(0)
        fh.truncate(fh.read().rfind(b"\n") + 1)


def recorded_settings(path: str | os.PathLike) -> dict[str, Any]:
    """A proxy file's settings line, or none where it cannot be read (as :func:`read_proxy_file` then says)."""
    try:
        with open(path, encoding="utf-8") as fh:
            first = fh.readline(1 << 20)
        settings = json.loads(first[len(SETTINGS):]) if first.startswith(SETTINGS) else None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return {}
    return settings if isinstance(settings, dict) else {}


def recorded_space(path: str | os.PathLike) -> str | None:
    """The search space a proxy file's settings line names, or None where it names none or cannot be read (as
    :func:`read_proxy_file` then says): a run continuing it with another space was told of its rows, one by one,
    that they are no architecture of that space, as if the file were damaged."""
    scored = recorded_settings(path).get("space")
    return scored if isinstance(scored, str) else None


def read_proxy_file(path: str | os.PathLike, space: SearchSpace) -> ProxyScores:
    """The file's proxy names, scores and settings."""
    path = Path(path)
    return _read(str(path), file_version(path), space)


PROBE_CANDIDATES = 16
"""Architectures, from the start of a file's list, among which its probe is the one with most parameters: a
parameter-free cell (NB201's all-none, the first of ``--all``) would not tell a change of depth apart."""


def network_probe(space: NetworkSpace, archs: Sequence[Any]) -> list | None:
    """An architecture and its network's parameter count: what tells two network sizes apart. An architecture
    whose network cannot be built (a NAGO generator over param_limit) is its own failed row, not the probe: it
    stopped the whole command before any row was scored. None when no architecture builds."""
    sizes: dict[str, int] = {}
    for text in dict.fromkeys(space.format(a) for a in archs):
        try:
            sizes[text] = _parameters(space, text)
        except ArchitectureError:
            continue
        if len(sizes) == PROBE_CANDIDATES:
            break
    if not sizes:
        return None
    text = max(sizes, key=sizes.__getitem__)
    return [text, sizes[text]]


@lru_cache(maxsize=16)
def _parameters(space: NetworkSpace, text: str) -> int:
    return int(sum(p.numel() for p in to_module(space, space.parse(text)).parameters()))


def check_dataset(path: str | os.PathLike, found: ProxyScores, dataset: str) -> None:
    """One line when the file was scored on another dataset than the one its name puts it to (a renamed file):
    the probe cannot tell, since its network is built for ten classes whatever the dataset."""
    scored = found.settings.get("dataset")
    if scored is not None and not same_dataset(str(scored), dataset):
        loadable = reads_images(dataset)  # None: a benchmark's task (TNB101's, a plugin's)
        rescore = (f"score {dataset} with 'nasloop proxies --dataset {dataset}'" if loadable else
                   f"'nasloop proxies --dataset {dataset}' scores only proxies that need no images, since nasloop "
                   f"cannot load {dataset}'s" if loadable is False else  # the plain advice fails for meco in turn
                   f"score {dataset} with 'nasloop proxies --dataset {dataset}', which scores only proxies that "
                   f"need no images, since nasloop does not read {dataset}'s images")
        raise DataError(f"{path} was scored on {scored}, not {dataset} (its settings line says so); {rescore}, or "
                        "move the file out of the data folder")


def same_dataset(one: str, other: str) -> bool:
    """Whether two dataset names, as typed (any case, an alias), name one dataset or benchmark task."""
    return _dataset_name(one) == _dataset_name(other)


def _dataset_name(name: str) -> str:
    try:
        return dataset_facts(name).name
    except ConfigError:  # a benchmark's task (TNB101's): its name, in any case
        return name.lower()


def check_network_size(path: str | os.PathLike, found: ProxyScores, space: SearchSpace,
                       fix: str = "score it again with this run's --space-opt, or move it out of the data "
                                  "folder") -> None:
    """One line when the file was scored on networks of another size than ``space`` builds."""
    probe = found.settings.get("probe")
    if not isinstance(space, NetworkSpace):
        return
    if probe is None:  # read files have one (see REQUIRED); without it the size would pass unchecked
        raise DataError(f"{path} records no probe, so the network size of its scores cannot be checked; {fix}")
    try:
        built = _parameters(space, probe[0])
    except ArchitectureError:
        raise DataError(f"{path} was scored on another space: its probe {probe[0][:60]} is not an architecture "
                        f"of '{space.name}'") from None
    if built != probe[1]:
        raise DataError(f"{path} was scored on networks of another size ({probe[0][:60]} has {probe[1]:,} "
                        f"parameters there and {built:,} here); {fix}")


