"""FLAN across spaces: pretrain on one benchmark's cells, save the weights, fine-tune on another.

FLAN's claim (Akhauri & Abdelfattah, 2024) is that a predictor whose ops are read through a
vocabulary shared between spaces needs far fewer samples of a new space once it has learned from
another. ``nasloop predictors pretrain --space nb101 --out flan-nb101.pt`` fits FLAN on a table's
cells (several ``--space`` in turn: each fine-tunes what the previous one learned) and saves
its members and vocabulary; ``--predictor-opt pretrained=flan-nb101.pt`` starts a FLAN's fit from
them instead of from random weights. Shared operations (:mod:`.vocabulary`) keep their learned
embeddings; ops the file has never seen get fresh rows, and none of its rows is ever dropped.

The file is ``torch.save`` of plain tensors and lists, read back with ``weights_only=True`` and
checked field by field: a file from elsewhere is untrusted.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..engine.context import RunContext
from ..engine.data.sniff import refuse_inflated_members
from ..engine.errors import ConfigError, DataError, UnsupportedError
from ..engine.evaluators.checkpoint_write import TorchFile
from ..engine.file_limits import largest_file_text, past_largest_file
from ..engine.hooks import say_note
from ..engine.replaced_files import replaced_by_this_process
from ..engine.user_files import why_not_a_file
from ..search_spaces.base import SearchSpace
from .base import Pretrainable
from .vocabulary import SEPARATOR
from ..engine.held_imports import imported

FORMAT = "nasloop-flan-pretrained"
VERSION = 3
"""Version 2 adds the checksum of the contents. Version 1 files are still read (a run started from one must stay
resumable): they carry no checksum of their own, so what they do carry is checked instead, the CRC-32 of each record
of torch.save's zip archive (:func:`check_records`). Version 3 marks a file fitted with NB101's
``params`` proxy in millions, as the proxy computes it (commit f4de08e); a version 2 file may hold either unit."""
READABLE = (1, 2, 3)
WHOLE_COUNTS = {"nb101": "params"}
"""The stored proxy each space fed in another unit before commit f4de08e: a file fitted on it then takes the
feature's new values through weights fitted on the old (log-squashed whole counts). Files kept version 2 until
5a6e018, so a version 2 file fitted on it was written in either unit, and its bytes do not tell which: it is read,
with a note (refused, every file written in millions between the two commits was refused with it). Read in
millions, a file fitted on whole counts ranked as it does in whole counts (README, "Predictors across spaces")."""
log = logging.getLogger(__name__)
SHAPE_OPTIONS = ("op_dim", "hidden", "time_steps")  # what must match for the weights to load


def save_pretrained(predictor: Any, path: str | os.PathLike, spaces: Sequence[str], cells: int) -> Path:
    """Write a fitted FLAN's members, vocabulary and shape to ``path``."""
    if not predictor.fitted:
        raise ConfigError("only a fitted FLAN can be saved as a pretrained model; fit it first")
    payload = {"format": FORMAT, "version": VERSION, "vocab": predictor.vocab.tokens(),
               "shape": {k: getattr(predictor, k) for k in SHAPE_OPTIONS},
               "features": predictor.feature_width, "spaces": list(spaces), "cells": int(cells),
               "space_ids": predictor.space_ids if predictor.space_id else [],
               "feature_names": predictor.supplementary_names,
               "members": [m.state_dict() for m in predictor.members]}
    payload["checksum"] = _checksum(payload)
    path = Path(path)
    try:  # a crash never leaves a half-written file under the real name, nor (a Ctrl-C too) one beside it; a partial
        # file of this process's own: two pretrains writing one --out each removed or renamed the other's
        with replaced_by_this_process(path, "partial") as partial, partial.open("wb") as handle:
            TorchFile(handle).save(payload)  # the OSError of a failed write, where torch says 'unexpected pos'
    except (OSError, RuntimeError) as exc:  # torch's own failures are RuntimeErrors
        if past_largest_file(exc):  # 'give another --out' would not help, and the fits are lost
            raise ConfigError(f"cannot write the pretrained file: {largest_file_text(str(path))}, and run the same "
                              "command again") from None
        raise ConfigError(f"cannot write the pretrained file {path} ({str(exc).splitlines()[0][:80]}); "
                          "give another --out") from None
    return path


def _checksum(payload: dict[str, Any]) -> str:
    """SHA-256 of what a fit reads from the file: bytes flipped in a weight (still a finite number, so no other
    check sees it) change it."""
    torch = imported("torch")
    digest = hashlib.sha256(repr([payload.get(k) for k in ("vocab", "shape", "features", "spaces", "space_ids",
                                                           "feature_names")]).encode())
    for member in payload.get("members") or ():
        for key in sorted(member):
            value = member[key]
            digest.update(key.encode())
            digest.update(value.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()
                          if torch.is_tensor(value) else repr(value).encode())  # any dtype, bfloat16 included
    return digest.hexdigest()


def file_tokens(tokens: Sequence[str], space: SearchSpace) -> list[str]:
    """A saved vocabulary (a pretrained file's, a resumed run's), one token per embedding row, with ``space``'s ops
    that it wrote under the space's own name ('<space>/<op>') read as their token now: an op a space has since
    declared in ``same_ops`` (DARTS' separable convolutions when the NDS families came; every op of states saved
    before ops were shared) kept its learned row unread while the same op got a fresh one, unseen. A token the
    vocabulary also holds under its new name keeps its old one (two rows cannot share a token)."""
    vocab = list(tokens)
    renamed = {f"{space.name}{SEPARATOR}{op}": space.token(op) for op in space.graph_ops}
    return [renamed[t] if t in renamed and renamed[t] not in vocab else t for t in vocab]


def check_shared_tokens(start: dict[str, Any], space: SearchSpace, path: str) -> None:
    """One line when the file shares no op token with ``space`` (a user's space without ``same_ops``):
    every op would get a fresh embedding, and nothing the file's embeddings learned would be read."""
    if not {space.token(op) for op in space.graph_ops} & set(file_tokens(start["vocab"], space)):
        raise ConfigError(f"pretrained file {path} (pretrained on {', '.join(start['spaces']) or 'unnamed spaces'}) "
                          f"shares no op token with '{space.name}'; declare which of its ops are the same operation "
                          "as another space's in same_ops, or fit without the file")


def check_start_features(start: dict[str, Any], path: str | None, width: int, names: list[str],
                         ids_here: int = 0, space: str | None = None) -> None:
    """The pretrained file's supplementary input is this FLAN's (``width`` columns, features and their undefined
    flags; ``ids_here`` of them the space-id one-hot): checked at construction when the features are named (so
    a search fails before its first evaluation), else at the first fit. Named features are compared by name
    first: the same option gives other features on another space (its graph's ops, its stored proxies), where
    "give the same supplementary option" was advice the user had already followed."""
    recorded = start["feature_names"]
    if recorded and names and recorded != names:
        which = (f"the supplementary features {_some(recorded)}, not {_some(names)}" if max(len(recorded), len(names))
                 <= 4 else f"{len(recorded)} supplementary features, and this FLAN reads {len(names)}"
                 + _differences(recorded, names))
        fix = _features_fix(start["spaces"], space, recorded, names)
        raise ConfigError(f"pretrained file {path} was trained on {which}; {fix}")
    if start["features"] != width:
        ids = start["space_ids"]
        how = (f" (of them, {len(ids) + 1} for space_id: {', '.join(ids)}, other)" if ids else "")
        here = f" (of them, {ids_here} for space_id)" if ids_here else ""
        only_ids = ids_here and not ids and start["features"] == width - 2 * ids_here  # the file has no space ids
        lacks_ids = ids and not ids_here and start["features"] == width + 2 * (len(ids) + 1)  # the FLAN has none
        fix = ("drop --predictor-opt space_id=true: the file was pretrained without it" if only_ids else
               "add --predictor-opt space_id=true: the file was pretrained with it" if lacks_ids else
               "give the same supplementary and space_id options, or pretrain again")
        raise ConfigError(f"pretrained file {path} was trained with {start['features'] // 2} supplementary "
                          f"features{how} and this FLAN has {width // 2}{here}; {fix}")


def _some(names: Sequence[str]) -> str:
    return f"{', '.join(names[:4])}{', ...' if len(names) > 4 else ''}"


def _differences(recorded: Sequence[str], names: Sequence[str]) -> str:
    """The first few features only the file, and only this FLAN, has."""
    only_file = [n for n in recorded if n not in set(names)]
    only_here = [n for n in names if n not in set(recorded)]
    parts = [f"{what}: {_some(found)}" for what, found in (("only in the file", only_file),
                                                           ("only here", only_here)) if found]
    return f" ({'; '.join(parts)})" if parts else " (in another order)"


LISTED = 13
"""At most this many shared features are spelt out as an option to copy (a benchmark's stored proxies): graph
features, dozens, are not."""


def _features_fix(spaces: Sequence[str], space: str | None, recorded: Sequence[str] = (),
                  names: Sequence[str] = ()) -> str:
    """The advice for features that differ by name. On the file's own space the same option still reads other
    stored proxies on another task (TNB101-micro stores 13 for class_scene, 3 for class_object), where "give the
    same supplementary option" alone was advice the user had already followed: the features both have work. Only a
    plain proxy name's features depend on the task."""
    differing = set(recorded) ^ set(names)
    if space is None or space in spaces and (not differing or any(":" in name or "[" in name for name in differing)):
        # graph features, encodings, proxies:<task> and an order are the same on every task: the options differ
        return "give the same supplementary option, or pretrain again"
    if space in spaces:
        shared = [name for name in recorded if name in set(names)]
        both = (f"name the features both have (--predictor-opt 'supplementary=[{', '.join(shared)}]') or pretrain "
                "on this task" if shared and len(shared) <= LISTED else "pretrain on this task")
        return (f"give the same supplementary option, or pretrain again (where it was the same, the file was "
                f"pretrained on another task of {space}, whose stored proxies differ: {both})")
    return (f"the file was pretrained on {', '.join(spaces)}, and graph features and stored proxies differ from "
            f"space to space: pretrain with features '{space}' has too (proxies both compute, e.g. "
            "supplementary=[params, flops]), or pretrain and fine-tune without the option")


def load_pretrained(path: str | os.PathLike, context: RunContext | None = None) -> dict[str, Any]:
    """The checked contents of a pretrained file; one line naming the problem otherwise. A file that may be fitted
    on a proxy's older unit is noted once a run, where the ``context``'s run says its notes (else through logging)."""
    torch = imported("torch")
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"pretrained file {path} is a folder; give the file 'nasloop predictors pretrain --out' "
                          "wrote")
    if os.path.lexists(path) and not path.is_file():
        raise ConfigError(f"pretrained file {path} {why_not_a_file(path)}; give the file 'nasloop predictors "
                          "pretrain --out' wrote")
    if not path.is_file():
        where = "" if path.is_absolute() else f" in {Path.cwd()} (a relative path is read from the current folder)"
        raise ConfigError(f"pretrained file {path} does not exist{where}; write one with 'nasloop predictors "
                          "pretrain', or run from the folder it is in")
    try:
        refuse_inflated_members(path)
    except ValueError as exc:
        raise DataError(f"{path} is not a FLAN pretrained file ({exc}); write one with 'nasloop predictors pretrain'") \
            from None
    try:
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        with warnings.catch_warnings():  # torch warns about a plain pickle's protocol before refusing it
            warnings.simplefilter("ignore")
            payload = torch.load(path, weights_only=True, map_location="cpu")
    except Exception as exc:  # torch raises many types for a damaged or foreign file
        raise DataError(f"{path} is not a readable FLAN pretrained file ({type(exc).__name__}); write it again with "
                        "'nasloop predictors pretrain'") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise DataError(f"{path} is not a FLAN pretrained file (no '{FORMAT}' marker); write one with "
                        "'nasloop predictors pretrain'")
    if payload.get("version") not in READABLE:
        raise DataError(f"{path} is a version {payload.get('version')!r} pretrained file; this nasloop reads "
                        f"versions {', '.join(map(str, READABLE))}: pretrain again")
    vocab, members, shape = payload.get("vocab"), payload.get("members"), payload.get("shape")
    ok = (isinstance(vocab, list) and all(isinstance(t, str) and "/" in t for t in vocab) and vocab
          and isinstance(members, list) and members and all(isinstance(m, dict) for m in members)
          and isinstance(shape, dict) and all(isinstance(shape.get(k), int) for k in SHAPE_OPTIONS)
          and isinstance(payload.get("features"), int)
          and isinstance(payload.setdefault("space_ids", []), list)
          and isinstance(payload.setdefault("spaces", []), list) and all(isinstance(n, str) for n in payload["spaces"])
          and all(isinstance(n, str) for n in payload["space_ids"]))
    if not ok:
        raise DataError(f"{path} is damaged: its vocabulary, shape or members are missing or malformed; "
                        "pretrain again")
    check_contents(payload, path)
    older_unit = next((f"{space}'s {feature}" for space, feature in WHOLE_COUNTS.items() if payload["version"] < 3
                       and space in payload["spaces"] and feature in payload.get("feature_names", [])), None)
    if older_unit is not None:
        note = (f"pretrained file {path} (format version {payload['version']}) was fitted with {older_unit} proxy, "
                "read as a whole count until commit f4de08e (5 Dec 2026) and in millions since, and the file does not "
                "say which: one written before reads millions now through weights fitted on whole counts (on nb101, "
                "FLANs fine-tuned from one ranked alike either way: Kendall tau within 0.01 at 20, 40 and 128 cells); "
                "pretrain it again to be sure")
        say_note(None if context is None else context.on_note, note, log, None if context is None else context.noted)
    rows = {m.get("embedding.weight").shape[0] if torch.is_tensor(m.get("embedding.weight")) else -1 for m in members}
    if rows != {len(vocab)} or len(set(vocab)) != len(vocab):
        raise DataError(f"{path} is damaged: its members' embeddings do not have one row per distinct vocabulary "
                        f"token ({len(vocab)}); pretrain again")
    payload["digest"] = digest  # what a resumed run checks it still starts from
    payload.setdefault("feature_names", [])
    broken = [key for m in members for key, value in m.items()
              if not torch.is_tensor(value) or value.is_floating_point() and not torch.isfinite(value).all()]
    if broken:
        raise DataError(f"{path} is damaged: its weights {broken[0]} are not finite numbers; pretrain again")
    if payload["version"] >= 2 and payload.get("checksum") != _checksum(payload):
        raise DataError(f"{path} is damaged: its contents do not match the checksum written with them; pretrain "
                        "again")
    if payload["version"] == 1:
        check_records(path, data)
    return payload


def check_records(path: Path, data: bytes) -> None:
    """One line for a record of the file ``data`` (its bytes) that does not match the CRC-32 its zip archive keeps
    of it. A version-1 file carries no checksum of its own, and torch.load does not check these: bytes flipped inside
    a weight (still a finite number, so no other check sees it) loaded unseen. A record whose CRC is 0 was written
    without one (``torch.serialization.set_crc32_options(False)``), and a file of torch's older format, not a zip
    archive, carries none: those are read as they are."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # its list of records read as torch.load read it
        for record in archive.infolist():
            try:
                if record.CRC:
                    archive.read(record)  # zipfile compares the CRC as the record's last byte is read
            except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
                raise DataError(f"{path} is damaged: its record {record.filename} does not match the CRC-32 written "
                                "with it (a version 1 file has no checksum of its own); pretrain again") from None


def check_contents(payload: dict[str, Any], path: Path) -> None:
    """One line for what a checksum written again (a tool re-saving the file) still lets through, before anything
    reads the weights: a tensor that is sparse, on another device or meta (no values; these would crash), or not
    real floating point (int64 weights would load and FLAN give every cell one value; complex ones would be cast
    unseen); an embedding whose width is not the recorded op_dim (would crash at the fit); and metadata the code
    would misread (features=True read as 1; feature names for features the file does not have)."""
    torch = imported("torch")

    def damaged(what: str) -> DataError:
        return DataError(f"{path} is damaged: {what}; pretrain again")

    shape = payload["shape"]
    bad = next((k for k in SHAPE_OPTIONS if isinstance(shape[k], bool) or shape[k] < 1), None)
    if bad is not None:
        raise damaged(f"its shape option {bad} is {shape[bad]!r}, not a positive whole number")
    for member in payload["members"]:
        for key, value in member.items():
            if not torch.is_tensor(value):
                raise damaged(f"its weights {key} are a {type(value).__name__}, not a tensor")
            if value.layout != torch.strided or value.device.type != "cpu":
                kind = "a sparse tensor" if value.layout != torch.strided else f"a tensor on {value.device.type}"
                raise damaged(f"its weights {key} are {kind}, not a dense one on the CPU")
            if value.dtype not in (torch.float32, torch.float64):
                raise damaged(f"its weights {key} are {str(value.dtype).replace('torch.', '')}, not float32 or float64")
        embedding = member.get("embedding.weight")
        if embedding is None or embedding.dim() != 2 or embedding.shape[1] != shape["op_dim"]:
            got = "missing" if embedding is None else f"of shape {tuple(embedding.shape)}"
            raise damaged(f"its embedding is {got}, not one row of op_dim {shape['op_dim']} per token")
    features, ids, names = payload["features"], payload["space_ids"], payload.get("feature_names", [])
    if isinstance(features, bool) or features < 0 or features % 2:
        raise damaged(f"its features count is {features!r}, not an even whole number (a value and an undefined "
                      "flag per feature)")
    if len(set(ids)) != len(ids) or (ids and features < 2 * (len(ids) + 1)):
        raise damaged(f"its space ids {', '.join(ids)} are repeated or do not fit its {features} feature columns")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or (
            names and len(names) != features // 2 - (len(ids) + 1 if ids else 0)):
        raise damaged(f"its feature names {names!r} are not one name per supplementary feature it was trained on")


def diverged(start: dict[str, Any] | None, path: str | None, lr: float) -> ConfigError:
    """The line for a fit whose members score their own training cells as NaN or infinite: weights pretrained
    elsewhere whose values no training gives (a file rewritten with its checksum, so nothing caught it on load),
    or a learning rate that blew the weights up. Without it the fit ended quietly and every later prediction was
    refused as if a plugin had returned NaN."""
    if start is not None:  # the file or the rate: its largest weight tells (a trained FLAN's are small)
        largest = max(float(v.abs().max()) for m in start["members"] for v in m.values() if v.numel())
        return ConfigError(f"FLAN fine-tuned from pretrained file {path} at lr {lr:g} scores its training cells as "
                           f"non-finite numbers (the file's largest weight is {largest:.3g}); if that is no trained "
                           "FLAN's weight, pretrain again, else give a smaller --predictor-opt lr=...")
    return ConfigError(f"FLAN's training diverged: it scores its training cells as non-finite numbers at lr {lr:g}; "
                       "give a smaller --predictor-opt lr=...")


class FlanPretraining(Pretrainable):
    """FLAN's side of ``nasloop predictors pretrain`` (the engine's :mod:`~nasloop.engine.pretraining` reads the
    tables and fits): spaces in turn chain through ``pretrained``, and what one file cannot hold is refused before
    any fit. A subclass of FLAN is pretrained as itself, with its own options and defaults."""

    start_option = "pretrained"

    @classmethod
    def pretrained_model_name(cls, name: str) -> str:
        return "FLAN" if name == "flan" else name

    @classmethod
    def check_pretraining(cls, options: Mapping[str, Any], joint: bool) -> None:
        if joint and "supplementary" in options:
            raise ConfigError("--joint reads the spaces' graphs only (space_id=true adds the space); drop --joint or "
                              "the supplementary option")

    @classmethod
    def check_pretraining_space(cls, space: SearchSpace) -> None:
        if not space.graph_encodings:  # FLAN's own refusal advised gp and mlp, which nothing pretrains
            raise UnsupportedError(f"--space {space.name} declares no graph encoding, which FLAN, the predictor "
                                   "pretrain fits, reads; pretrain on a space that has one")

    @classmethod
    def check_chain(cls, predictors: Mapping[str, Any]) -> None:
        if len(predictors) > 1 and any(flan.space_id for flan in predictors.values()):
            # the one-hot's slots are set by the first space's fit and the input cannot grow after it: the later
            # spaces were written into the file but read through the 'other' slot, as a space never seen
            raise ConfigError("space_id=true gives each space its own slot only when they are fitted together; add "
                              "--joint (one fit on the mix of the spaces), or drop space_id=true")
        _check_one_input({name: flan.supplementary_names for name, flan in predictors.items()})

    def save_pretrained(self, out: Path, spaces: Sequence[str], cells: int) -> None:
        save_pretrained(self, out, spaces, cells)


def _check_one_input(inputs: dict[str, list[str]]) -> None:
    """A model pretrained in turn keeps one supplementary input: say so before the first fit, not after it."""
    if len({tuple(names) for names in inputs.values()}) > 1:
        shared = set.intersection(*(set(names) for names in inputs.values()))
        parts = []
        for space, names in inputs.items():  # each space's count, and the features that set it apart
            own = [n for n in names if n not in shared]
            parts.append(f"{space}: {len(names)}" + (f", {', '.join(own[:4])}{', ...' * (len(own) > 4)} only "
                                                     "there" if own else ""))
        found = "; ".join(parts)
        raise ConfigError(f"the supplementary option gives each space other features ({found}); a model pretrained "
                          "on one space after another keeps one input: name proxies every space stores or "
                          "computes (e.g. supplementary=[params, flops]) or drop the option")
