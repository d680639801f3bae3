"""Reading the published NDS result files into nasloop's table.

An NDS file is a JSON list of trained networks; the CIFAR-10 and ImageNet files of the cell families
alike are plain lists (as NDS's own notebooks read them). NDS's re-run files (``Vanilla_reruns.json``,
``ResNet_reruns.json``) split theirs into top- and mid-ranked models, ``{"top": [...], "mid": [...]}``;
a cell-family file in that form is read the same way (as NNI's converter reads every file), so the
form says nothing of the dataset. Each record has ``net`` (``genotype`` with ``normal``,
``normal_concat``, ``reduce``, ``reduce_concat``; ``width``; ``depth``; ``aux``...), the test
top-1 error after every epoch (``test_ep_top1``, %), ``params`` and ``flops``, plus per-iteration
training curves that are not kept. NDS reports no validation split: the table's accuracy is the
test accuracy, ``100 - error``, after each epoch (the fidelities).

A network sampled twice is one row whose accuracies are the mean of its runs (``runs`` counts
them), also where the two records number its nodes differently (:func:`.arch.functional_arch`), under
the first record's form. Every network of a design-space file is trained one way; a file whose records' ``optim``
(base_lr, wd, max_ep...) or training options in ``net`` (auxiliary head, drop-path) differ sweeps
training settings (``DARTS_lr-wd.json``) and is refused, as are files of different recipes imported
into one table. The recipe is kept in the table's metadata.
Files are untrusted: only JSON is read, every record is checked, and a record that does not fit
the family is named in one line instead of being skipped.
"""
from __future__ import annotations

import json
import math
import re
import zlib
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ...engine.data.numbers import file_number
from ...engine.data.sniff import content_text
from ...engine.data.table import Table, column_name
from ...engine.errors import ArchitectureError, DataError
from .arch import OtherFamilyError, canonical_arch, check_size, format_arch, from_genotype, functional_arch
from .families import FAMILIES, Family, Variant

_OP_NAME = re.compile(r'\[\s*"([a-z0-9_]+)"\s*,\s*\d+\s*\]')
_START = re.compile(r'\s*(\[|\{\s*"(top|mid)"\s*:)')  # a list, or a re-run split; pretty-printed ('{\n  "top"') too
_FIRST_NORMAL = re.compile(r'"normal"\s*:\s*\[((?:\s*\[\s*"[a-z0-9_]+"\s*,\s*\d+\s*\]\s*,?)*)\]')


def how_to_get(file_name: str) -> str:
    """How to get a space's published ``file_name``, naming it in the import to run, which a missing table's
    message gives as is (it said '<Family>.json', a placeholder the user had to fill in from the file it named)."""
    return ("download the NDS data (the 'data' link of github.com/facebookresearch/nds, nds_data.zip), then run "
            f"'nasloop data import --space nds {file_name}'")


HOW_TO_GET = how_to_get("<Family>.json")
"""The same for a file whose family is not known (a damaged or foreign one, refused as it is read)."""


def looks_like_nds(head: str) -> bool:
    """Whether the start of a file is an NDS cell-family result list (judged by content)."""
    return _START.match(head) is not None and '"genotype"' in head and '"normal_concat"' in head


def infer_family(head: str) -> Family | None:
    """The family whose ops and node count fit the records at the start of a file (the smallest such op set).

    An op of no family (``none``, a typo) is left out of the judgement: it is damage that reading the file names
    by record and entry with the family's ops, and counting it here made a file that has it in its first records
    "not an NDS file" while the same op further on was named precisely."""
    first = _FIRST_NORMAL.search(head)
    if first is None:
        return None
    nodes = len(_OP_NAME.findall(first.group(0))) // 2
    seen = set(_OP_NAME.findall(head)) & {op for f in FAMILIES.values() for op in f.ops}
    fits = [f for f in FAMILIES.values() if f.nodes == nodes and seen <= set(f.ops)]
    return min(fits, key=lambda f: len(f.ops)) if fits and seen else None


def refuse_varied_sizes(name: str, head: str, variant: Variant) -> None:
    """Refuse a file for a ``_fix-w-d`` variant when its first records already show two widths or two depths:
    recognised by its cells alone, ``--space nds`` offered that table, which the import then refused."""
    widths, depths = ({int(v) for v in re.findall(rf'"{key}"\s*:\s*(\d+)', head)} for key in ("width", "depth"))
    if variant.fixed_width_depth and len(widths) * len(depths) > 1:
        raise _not_fixed(name, sorted(widths), sorted(depths), variant)


def _not_fixed(name: str, widths: list[int], depths: list[int], variant: Variant) -> DataError:
    family = variant.family.name
    return DataError(f"{name} holds networks of widths {', '.join(map(str, widths))} and depths "
                     f"{', '.join(map(str, depths))}, and the networks of {variant.file_name} share one width and "
                     f"one depth; import it with --space nds-{family} or --space nds-{family}-in")


def _records(path: Path) -> list[tuple[str, Any]]:
    """(how a message names it, record) for each record, in file order ("'mid' record 3" in a split file)."""
    try:
        data = json.loads(content_text(path))
    # ValueError: JSON's own (JSONDecodeError) and an integer of more digits than Python converts (4,300)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise DataError(f"{path} is not readable NDS JSON ({type(exc).__name__}: {str(exc)[:80]}); "
                        f"replace the file ({HOW_TO_GET})") from None
    if isinstance(data, dict) and set(data) <= {"top", "mid"} and all(isinstance(v, list) for v in data.values()):
        labelled = [(f"'{part}' record {i}", r) for part in ("top", "mid") for i, r in enumerate(data.get(part, []))]
    else:
        labelled = [(f"record {i}", r) for i, r in enumerate(data)] if isinstance(data, list) else []
    if not labelled:
        raise DataError(f"{path} holds no NDS records (a JSON list of trained networks); {HOW_TO_GET}")
    return labelled


def _errors(record: dict, where: str) -> list[float]:
    errors = record.get("test_ep_top1")
    if not isinstance(errors, list) or not errors:
        raise DataError(f"{where}: test_ep_top1 must be a list of per-epoch top-1 errors in [0, 100], got "
                        f"{str(errors)[:60]}; the record is damaged: replace the file ({HOW_TO_GET})")
    for epoch, error in enumerate(errors, start=1):  # the bad value itself, which a cut-off list hid
        if not (isinstance(error, (int, float)) and not isinstance(error, bool) and 0 <= error <= 100):
            raise DataError(f"{where}: test_ep_top1 at epoch {epoch} is {str(error)[:20]}, not a top-1 error in "
                            f"[0, 100] %; the record is damaged: replace the file ({HOW_TO_GET})")
    return [float(e) for e in errors]


def _count(record: dict, key: str, where: str) -> float:
    value = record.get(key)
    if value is None:
        return float("nan")
    # a count past float's range (10**400) raised OverflowError, and an infinite one was named by the table's
    # sorted row, not by the record that holds it
    fix = f"the record is damaged: replace the file ({HOW_TO_GET})"
    number = file_number(value, f"{where}: {key}", fix)
    if not 0 <= number < math.inf:
        raise DataError(f"{where}: {key} must be a finite non-negative number, got {number!r}; {fix}")
    return number


def _mean(runs: np.ndarray) -> np.ndarray:
    """Per column, the mean over the runs that have a value (NaN where none has)."""
    counts = (~np.isnan(runs)).sum(axis=0)
    return np.where(counts > 0, np.nansum(runs, axis=0) / np.maximum(counts, 1), np.nan)


TRAINING_NET_FIELDS = ("aux", "aux_weight", "drop_prob")  # in ``net`` but how a network was trained, not what it is


def _recipe(path: Path, records: list[tuple[str, Any]]) -> dict[str, Any]:
    """The one training recipe of the file's records (``optim``: base_lr, wd, max_ep...; and the ``net`` fields
    that are training options: the auxiliary head, drop-path), as ``{"optim wd": 0.0005, "net aux": False...}``;
    one line when records differ.

    NDS's ``DARTS_lr-wd.json`` and ``DARTS_lr-wd_in.json`` sweep learning rate and weight decay over
    networks of the DARTS space. Read as a design-space table they mixed accuracies of different
    recipes, and a network trained under several was averaged across them. A field a record leaves
    out is not counted as a difference."""
    values: dict[str, dict[str, tuple[str, Any]]] = {}  # field -> value's JSON -> (first record with it, value)
    for label, record in records:
        optim, net = record.get("optim"), record["net"]
        fields = {f"optim {key}": value for key, value in optim.items()} if isinstance(optim, dict) else {}
        fields.update({f"net {key}": net[key] for key in TRAINING_NET_FIELDS if key in net})
        for key, value in fields.items():
            values.setdefault(key, {}).setdefault(json.dumps(value, sort_keys=True), (label, value))
    differing = {key: list(seen.values()) for key, seen in values.items() if len(seen) > 1}
    if differing:
        shown = "; ".join(f"{key} is {', '.join(f'{v} ({label})' for label, v in firsts[:4])}"
                          f"{', ...' if len(firsts) > 4 else ''}" for key, firsts in sorted(differing.items()))
        raise DataError(f"{path} sweeps training settings ({shown}): its accuracies are of different training "
                        "recipes, so it is not a design-space file nasloop reads (those train every network one way: "
                        "DARTS.json, ENAS_in.json...)")
    return {key: next(iter(seen.values()))[1] for key, seen in sorted(values.items())}


def refuse_mixed_recipes(tables: list[Table], names: Sequence[str] | None = None) -> None:
    """One line when files imported into one table were trained with different recipes (another ``max_ep``, an
    auxiliary head in one alone): merged, their accuracies would be of different trainings, a network's later
    run replacing its earlier one under another recipe. Tables saved before recipes were recorded are not judged.
    ``names``: how to call each table (the paths given, where two folders' ``DARTS.json`` differ); by default the
    file name each table records."""
    named = zip(names if names is not None else [str(t.meta.get("source")) for t in tables], tables)
    judged = [(name, t) for name, t in named if isinstance(t.meta.get("recipe"), dict)]
    for (earlier, first_table), (later, second_table) in zip(judged, judged[1:]):
        first, second = first_table.meta["recipe"], second_table.meta["recipe"]
        differing = [key for key in sorted(set(first) & set(second)) if first[key] != second[key]]
        if differing:
            shown = "; ".join(f"{key} {first[key]} vs {second[key]}" for key in differing[:3])
            raise DataError(f"{earlier} and {later} were trained with different "
                            f"recipes ({shown}), so one table would mix their accuracies; import each into its own "
                            "--out folder")


def import_nds(path: Path, variant: Variant) -> Table:
    """The records of one NDS file as ``variant``'s table: one row per network (in any of its forms)."""
    family, task = variant.family, variant.dataset
    rows: dict[str, dict[str, Any]] = {}
    records = _records(path)
    for label, record in records:
        where = f"{path} {label}"
        net = record.get("net") if isinstance(record, dict) else None
        if not isinstance(net, dict):
            raise DataError(f"{where} has no 'net' mapping; this is not an NDS cell-family file ({HOW_TO_GET})")
        try:
            check_size(net.get("width"), net.get("depth"), where=f"{where}: ", imagenet=variant.imagenet)
        except ArchitectureError as exc:
            raise DataError(f"{exc}; replace the file ({HOW_TO_GET})") from None
        try:
            arch = canonical_arch(from_genotype(net.get("genotype"), net.get("width"), net.get("depth"), family,
                                                where=f"{where}: "))
        except OtherFamilyError as exc:
            raise DataError(f"{exc}; the records are not {family.name} cells: if the file is another family's, "
                            "give it that family's published name (DARTS.json, ENAS_in.json...) or its --space"
                            ) from None
        except ArchitectureError as exc:
            raise DataError(f"{exc}; the record is damaged: replace the file ({HOW_TO_GET})") from None
        # by its network: one sampled twice in two numberings of its nodes is one row, under its first form
        first = {"arch": arch, "text": format_arch(arch, family), "errors": [], "params": [], "flops": []}
        row = rows.setdefault(format_arch(functional_arch(arch), family), first)
        row["errors"].append(_errors(record, where))
        row["params"].append(_count(record, "params", where))
        row["flops"].append(_count(record, "flops", where))
    recipe = _recipe(path, records)
    by_text = sorted(rows.values(), key=lambda row: row["text"])  # the rows' order of a table keyed by written form
    archs = [row["text"] for row in by_text]
    epochs = max(len(e) for row in rows.values() for e in row["errors"])
    columns: dict[str, np.ndarray] = {"arch": np.asarray(archs)}
    accuracy = np.full((len(archs), epochs), np.nan)
    for r, found in enumerate(by_text):
        runs = found["errors"]
        padded = np.full((len(runs), epochs), np.nan)
        for k, errors in enumerate(runs):
            padded[k, :len(errors)] = errors
        accuracy[r] = 100.0 - _mean(padded)
    for epoch in range(epochs):
        columns[column_name(task, epoch + 1, "test_accuracy")] = accuracy[:, epoch]
    for key in ("params", "flops"):
        columns[key] = np.array([_mean(np.array(row[key])[:, None])[0] for row in by_text])
    columns["runs"] = np.array([len(row["errors"]) for row in by_text], dtype=np.int64)
    widths = sorted({row["arch"].width for row in rows.values()})
    depths = sorted({row["arch"].depth for row in rows.values()})
    if variant.fixed_width_depth and len(widths) * len(depths) > 1:  # was written as the fix-w-d table regardless
        raise _not_fixed(str(path), widths, depths, variant)
    found = (f"{len(records):,} trained networks, {len(archs):,} distinct, {epochs} epochs; widths "
             f"{', '.join(map(str, widths))}; depths {', '.join(map(str, depths))}")
    short = [(label, len(r["test_ep_top1"])) for label, r in records if len(r["test_ep_top1"]) < epochs]
    if short:  # kept: its early epochs are real results; the later ones are missing, not guessed
        shown = ", ".join(f"{label}: {n}" for label, n in short[:3]) + (", ..." if len(short) > 3 else "")
        found += (f"; {len(short)} network{'s' * (len(short) > 1)} stopped early ({shown} of {epochs} epochs), "
                  "without results at the later epochs (a search there keeps to the networks that have them)")
    return Table(columns, {"benchmark": variant.name, "key": "arch", "source": path.name, "found": found,
                           "recipe": recipe, "accuracy": "test accuracy: NDS reports no validation split",
                           "cost": "unknown: the source's timings are per iteration, not per network"})
