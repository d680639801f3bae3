"""Precomputing zero-cost proxies of many architectures into a file (``nasloop proxies --out``).

``nasloop proxies --space S --all --out FILE`` scores every architecture of an enumerable space
(or ``--archs-file`` ones) and appends one CSV row per architecture the moment it is scored, so a
killed run loses at most the rows in flight and the same command continues where it stopped.
Scoring goes through an executor, so ``--executor ray --workers N`` spreads it over N processes
(or a cluster). Written as ``<space>-<dataset>-proxies.csv`` in a data folder
(:mod:`.data.proxy_file`), its proxies become stored ones for that space and dataset: feature
sets, the forest, FLAN's supplementary input and zero-cost warm-ups read them instead of
building networks.
"""
from __future__ import annotations

import csv
import errno
import fcntl
import json
import math
import os
import socket
import time
from dataclasses import replace
from pathlib import Path
from typing import IO, Any, Callable, Mapping, Sequence

import numpy as np

from ..search_spaces.base import SearchSpace
from .context import PRECOMPUTE_REFUSED, RunContext
from .data.proxy_file import (FAILED, ProxyScores, check_network_size, network_probe, prepare_to_continue,
                              read_proxy_file, recorded_settings, recorded_space, same_dataset, settings_line)
from .errors import ArchitectureError, ConfigError
from .method_signatures import refuse_uncallable_methods
from .options import effective_options
from .proxy_registry import resolve
from .proxy_batches import MAX_BATCH_SIZE
from .proxy_scoring import minibatch, score_network
from .evaluators.base import checked_result, refused
from .evaluators.proxy import ProxyEvaluator
from .space_networks import build_network
from .executors.base import Executor, checked_capacity, lost_trials, next_completions
from .types import Arch, Result


def precompute(space: SearchSpace, archs: Sequence[Arch], proxies: Sequence[str], out: str | os.PathLike,
               context: RunContext, executor: Executor, batch_size: int = 64, seed: int = 0, device: str = "cpu",
               on_row: Callable[[str], None] | None = None,
               space_options: Mapping[str, Any] | None = None,
               on_skip: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Score ``archs`` not yet in ``out`` and append their rows; returns how many were scored, how many the file
    already held (``skipped``) and how many repeated an earlier one of ``archs`` (``repeated``: a sample drawn twice,
    scored once; counted as held, it read as '3 already there' of a file that did not exist), and how many of the
    scored failed whole (``failed``, with the first one's ``reason``: a network that cannot be built is a row of
    empty scores, which alone would not say why), and how many scores failed as the run's error (``errors``, with
    the first one's ``error``: a RuntimeError such as CUDA out of memory), written as ``failed`` rather than empty
    (undefined for the network) and scored again when the command continues the file; of those scored again, how
    many were ``retried`` and how many failed ``again`` (with the first's cell and error, ``again_first``): a
    network's own error (a shape mismatch) fails at every continuation, which the summary then says rather than
    asking for one more.

    ``on_skip`` hears, before any scoring, how many of ``archs`` will not be scored, held or repeated (a progress
    bar of ``archs`` starts there); ``on_row`` hears each row as it is written.

    A file is continued only with the settings it was started with (the space's options with its
    defaults filled in, dataset, mini-batch, seed; and networks of the probe architecture's size):
    scores of differently built networks or mini-batches never share a file. A row cut off by a
    stopped run (no line end) is dropped and scored again. A file holding some of ``proxies`` and no
    others gains the rest (``added``, for the ``held`` architectures it holds, which ``archs`` must
    list, beside the ``new`` ones it lacks, scored with every proxy): its scores are copied into
    ``<out>.adding`` with the others scored beside them, which a stopped run continues, and which takes the
    file's place once every row is in (such a file was refused, so one more proxy meant scoring all of them
    again into a file of their own).
    """
    if not archs:  # nothing to score, and no architecture to probe the network size with: the file is left alone
        return {"scored": 0, "skipped": 0, "repeated": 0, "failed": 0, "reason": None, "errors": 0, "error": None,
                "retried": 0, "again": 0, "again_first": None, "added": [], "held": 0}
    # a task nasloop reads no images of (TNB101's): data-free proxies are scored on the networks as built for
    # CIFAR-10 (the evaluator's own dataset), as a run computes those the file lacks, and the file is written for the
    # task (settings below), which runs read; one reading images is refused first in this command's words
    context.computed_on(proxies, *PRECOMPUTE_REFUSED)
    _refuse_past_bound(Path(out))
    evaluator = RowEvaluator(space, context, proxies=list(proxies), batch_size=batch_size, seed=seed, device=device)
    # a space instance from Python was never constructed through the registry, whose check refuses a to_module the
    # probe below cannot call as to_module(arch): the same check here, or the file written was one no run could read
    refuse_uncallable_methods("search space", space.name, type(space))
    evaluator.check()
    names = evaluator.proxies
    # as JSON reads them back, defaults filled in: channels=16 given or not builds the same networks
    built = json.loads(json.dumps(effective_options(type(space), dict(space_options or {})), sort_keys=True,
                                  default=str))
    settings = {"space": space.name, "space_options": built, "dataset": context.dataset, "batch_size": batch_size,
                "seed": seed}
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = _Rows(space, archs, names, settings, evaluator, executor, on_row, on_skip)
    with out.open("a", encoding="utf-8", newline="") as fh:
        _lock(fh, out)
        prepare_to_continue(out)
        held = _checked(out, space, names, settings, exact=False) if out.stat().st_size else None
        if held is None or list(held.names) == names:
            return {**rows.write(fh, held), "added": [], "held": 0}
        # the file holds some of the proxies named: a copy gains the others, row by row (a stopped run continues
        # it), and takes the file's place once every row is in
        added = [name for name in names if name not in held.names]
        _refuse_unlisted(out, held, added, space, archs)
        rows.adding = RowEvaluator(space, context, proxies=added, batch_size=batch_size, seed=seed, device=device)
        rows.adding.check()
        rows.held = held
        copy = out.with_name(f"{out.name}.adding")
        with copy.open("a", encoding="utf-8", newline="") as fa:
            _lock(fa, copy)
            prepare_to_continue(copy)
            summary = rows.write(fa, _checked(copy, space, names, settings) if copy.stat().st_size else None)
        os.replace(copy, out)
    new = len({space.format(arch) for arch in archs} - set(held.scores))
    return {**summary, "added": added, "held": len(held.scores), "new": new}


class _Rows:
    """Scoring architectures into a proxy file: the rows it lacks are scored through the executor and appended as
    each comes. ``held``, where set, is the file a copy is made of with more proxies (:func:`precompute`): its
    rows' scores are copied and only the ``adding`` evaluator's proxies scored for them."""

    def __init__(self, space: SearchSpace, archs: Sequence[Arch], names: list[str], settings: dict[str, Any],
                 evaluator: "RowEvaluator", executor: Executor, on_row: Callable[[str], None] | None,
                 on_skip: Callable[[int], None] | None) -> None:
        self.space, self.archs, self.names, self.settings = space, archs, names, settings
        self.evaluator, self.executor, self.on_row, self.on_skip = evaluator, executor, on_row, on_skip
        self.held: ProxyScores | None = None
        self.adding: RowEvaluator | None = None

    def _copied(self) -> dict[str, dict[str, float]]:
        """The held file's scores to copy, by architecture: those of rows without a failed score (scored again
        whole), an undefined score (NaN) left out, so it is written empty again."""
        if self.held is None:
            return {}
        return {text: {name: float(v) for name, v in zip(self.held.names, values) if not math.isnan(v)}
                for text, values in self.held.scores.items() if text not in self.held.failed}

    def write(self, fh: IO[str], begun: ProxyScores | None) -> dict[str, Any]:
        """Score into ``fh`` the rows its file lacks: ``begun`` is what the file holds, checked (None: empty). A row
        with a failed score is scored again (the new row fills in what failed), at every continuation."""
        space, archs, names, settings, executor = self.space, self.archs, self.names, self.settings, self.executor
        on_row, on_skip, copied = self.on_row, self.on_skip, self._copied()
        fresh = begun is None
        done = {} if fresh else {key: v for key, v in begun.scores.items() if key not in begun.failed}
        was_failed = {} if fresh else begun.failed
        distinct = {space.format(a): a for a in archs}  # in the order first drawn
        todo = [(text, arch) for text, arch in distinct.items() if text not in done]
        if on_skip is not None and len(archs) > len(todo):
            on_skip(len(archs) - len(todo))
        writer = csv.writer(fh)
        if fresh:
            fh.write(settings_line({**settings, "probe": network_probe(space, archs)}) + "\n")
            writer.writerow(["arch", *names])
        queue = iter(enumerate(todo))
        texts: dict[int, str] = {}
        failed: list[str] = []
        errors: list[str] = []
        again: list[str] = []
        retried = sum(int(was_failed[text].sum()) for text, _ in todo if text in was_failed)

        def submit_next() -> bool:
            nxt = next(queue, None)
            if nxt is None:
                return False
            index, (text, arch) = nxt
            texts[index] = text
            executor.submit(index, self.adding if text in copied else self.evaluator, arch, None)
            return True

        while executor.pending < checked_capacity(executor) and submit_next():
            pass
        empty_waits = 0
        while executor.pending:  # a user's executor is checked as a search checks it (executors.base)
            completed_now, empty_waits = next_completions(executor, self.evaluator, texts, empty_waits)
            for completed in completed_now:
                text = texts.pop(completed.trial_id)
                result = checked_result(self.evaluator, completed.result, executor)
                if text in copied:
                    result = replace(result, metrics={**copied[text], **result.metrics})
                writer.writerow([text, *_fields(result, names)])
                if not result.ok and not result.metrics:
                    failed.append(result.reason or "")
                else:  # each failed score, for the summary: a new failure, or one written 'failed' before
                    lost = np.array([math.isnan(result.metrics.get(name, 0.0)) for name in names])
                    before = was_failed.get(text, np.zeros(len(names), dtype=bool))
                    errors += [result.reason or ""] * int((lost & ~before).sum())
                    again += [f"{text}: {result.reason}"] * int((lost & before).sum())
                fh.flush()  # on disk as it is scored: a killed run keeps every finished row
                if on_row is not None:
                    on_row(text)
                submit_next()
        if texts:
            raise lost_trials(executor, texts, "the same 'nasloop proxies --out FILE' scores the rows its file lacks")
        return {"scored": len(todo), "skipped": len(distinct) - len(todo), "repeated": len(archs) - len(distinct),
                "failed": len(failed), "reason": failed[0] if failed else None,
                "errors": len(errors), "error": errors[0] if errors else None,
                "retried": retried, "again": len(again), "again_first": again[0] if again else None}


class RowEvaluator(ProxyEvaluator):
    """The proxy evaluator of a file's rows: every proxy's score, and NaN for one that raised a RuntimeError (CUDA
    out of memory: the run's error, not the network's). The search's evaluator leaves such a proxy out, as it does
    one undefined for the network (NaN, no input-output path), so both were written as an empty field, and the
    command continuing the file took the failed score as done, which runs then read as undefined (ranked below
    every scored architecture). The first failure's reason is the result's."""

    def evaluate(self, arch: Arch, fidelity: int | None = None) -> Result:
        proxies = resolve(self.proxies)
        inputs, targets = minibatch(proxies, self.dataset, self.context.data_dir, self.batch_size, self.seed,
                                    self.images)
        start = time.perf_counter()
        try:
            scored = score_network(lambda: build_network(self.space, arch, self.num_classes, 0),
                                   proxies, inputs, targets, self.seed, self.device)
        except ArchitectureError as exc:  # named as the evaluator the user knows ('proxy'), not this class
            return refused(ProxyEvaluator, exc, time.perf_counter() - start)
        except RuntimeError as exc:  # building or moving the network (out of memory): every proxy failed
            return Result(metrics={name: math.nan for name in self.proxies}, reason=f"{type(exc).__name__}: {exc}")
        failed = [name for name in self.proxies if name in scored.failed]
        return Result(metrics={**scored.scores, **{name: math.nan for name in failed}},
                      cost=sum(scored.seconds.values()), reason=scored.errors[failed[0]] if failed else None)


def _lock(fh: IO[str], out: Path) -> None:
    """One writer per file: two commands continuing it at once would score the same rows twice, and
    append them in turn. The kernel drops the lock when the process ends, however it ends."""
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno not in (errno.EAGAIN, errno.EACCES):
            raise
        raise ConfigError(f"{out} is being written by another 'nasloop proxies'; wait for it to finish, or stop "
                          f"it{_holder(fh)} and run the same command again") from None


def _holder(fh: IO[str]) -> str:
    """`` (process PID on HOST)`` holding the lock on ``fh``'s file, from the kernel's table of locks (Linux's
    /proc/locks), for the user to find the command to stop: the refusal named none. The kernel drops a lock with
    the last process that has the file open, so a holder that has ended left the file open in a process it
    started, which is the one to stop; empty where the table is not readable or does not show the holder (another
    machine's, on a network file system)."""
    st = os.fstat(fh.fileno())
    device = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        table = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return ""
    fields = next((f for f in map(str.split, table) if len(f) > 5 and f[1] in ("FLOCK", "POSIX") and f[5] == device),
                  None)  # a waiter's line reads '1: -> FLOCK ...': never matched
    if fields is None or not fields[4].isdigit() or fields[4] == "0":  # 0: a pid outside this container's view
        return ""
    pid = int(fields[4])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return f" (a process started by process {pid} on {socket.gethostname()}, which has ended, has the file open)"
    except PermissionError:  # another user's: alive
        pass
    return f" (process {pid} on {socket.gethostname()})"


def _checked(out: Path, space: SearchSpace, names: list[str], settings: dict[str, Any], exact: bool = True
             ) -> ProxyScores:
    """The scores of a file being continued, once its space, proxies and settings are checked against this run's:
    the same proxies in the same order, or (``exact`` False) some of them and no others, which :func:`precompute`
    adds the rest to."""
    scored = recorded_space(out)
    if scored is not None and scored != space.name:  # before its rows are parsed as this space's
        raise ConfigError(f"{out} holds the proxies of search space '{scored}' (its settings line says so), not of "
                          f"'{space.name}'; give --space {scored} to continue it, or another --out")
    found = read_proxy_file(out, space)
    if list(found.names) != names and (exact or not set(found.names) < set(names)):
        raise ConfigError(f"{out} holds proxies {', '.join(found.names)}, not {', '.join(names)}; give the same "
                          "--proxies to continue it, or another --out")
    _check_same_settings(out, found.settings, settings)
    check_network_size(out, found, space, "give the same --space-opt to continue it, or another --out")
    return found


def _refuse_unlisted(out: Path, held: ProxyScores, added: list[str], space: SearchSpace, archs: Sequence[Arch]
                     ) -> None:
    """Adding a proxy scores it for every architecture the file holds, so ``archs`` must list them all: one line
    otherwise, as a file of 3 architectures' scores would be a file of every one of them."""
    listed = {space.format(a) for a in archs}
    left = [text for text in held.scores if text not in listed]
    if left:
        raise ConfigError(f"{out} holds {', '.join(held.names)} for {len(held.scores):,} architectures, and adding "
                          f"{', '.join(added)} scores it for each of them, {len(left):,} of which this command does "
                          f"not list (the first: {left[0]}); give --all, or list them all with --archs-file, or "
                          "another --out")


def _refuse_past_bound(out: Path) -> None:
    """Refuse to continue a file an older nasloop scored with a batch past :data:`MAX_BATCH_SIZE`: given its own
    batch size, the command was refused as a new batch ("choose a smaller batch size"), and given a smaller one, as
    other settings ("give the same options"), each advising the other."""
    recorded = recorded_settings(out).get("batch_size") if out.is_file() else None
    if isinstance(recorded, int) and recorded > MAX_BATCH_SIZE:
        raise ConfigError(f"{out} was scored with batch size {recorded}, over the {MAX_BATCH_SIZE:,} a proxy "
                          "mini-batch now takes (an older nasloop took it), and its rows cannot be continued with "
                          f"another; write them to another --out with --batch-size up to {MAX_BATCH_SIZE:,}")


def _check_same_settings(out: Path, recorded: dict[str, Any], settings: dict[str, Any]) -> None:
    """One line naming what differs when a file is continued with other settings than it was started with."""
    was_options, now_options = recorded.get("space_options") or {}, settings["space_options"]
    recorded = {**{k: v for k, v in recorded.items() if k not in ("space_options", "probe")}, **was_options}
    settings = {**{k: v for k, v in settings.items() if k != "space_options"}, **now_options}
    if same_dataset(str(recorded.get("dataset")), str(settings.get("dataset"))):  # typed in another case
        recorded["dataset"] = settings.get("dataset")
    differ = [key for key in dict.fromkeys([*settings, *recorded]) if recorded.get(key) != settings.get(key)]
    if differ:
        was = ", ".join(f"{key} {recorded.get(key)!r}" for key in differ)
        now = ", ".join(f"{key} {settings.get(key)!r}" for key in differ)
        raise ConfigError(f"{out} was scored with {was}, not {now}; give the same options to continue it, "
                          "or another --out")


def _fields(result: Result, names: Sequence[str]) -> list[str]:
    """The row's scores as text: empty where a proxy is undefined for the network, ``failed`` where it raised the
    run's error (NaN from :class:`RowEvaluator`)."""
    values = [result.metrics.get(name) for name in names]
    return ["" if v is None or math.isinf(v) else FAILED if math.isnan(v) else repr(float(v)) for v in values]
