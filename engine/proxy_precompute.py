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
import math
import os
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..search_spaces.base import SearchSpace
from .context import RunContext
from .data.proxy_file import read_proxy_file
from .errors import ConfigError
from .evaluators.proxy import ProxyEvaluator
from .executors.base import Executor
from .types import Arch, Result


def precompute(space: SearchSpace, archs: Sequence[Arch], proxies: Sequence[str], out: str | os.PathLike,
               context: RunContext, executor: Executor, batch_size: int = 64, seed: int = 0, device: str = "cpu",
               on_row: Callable[[str], None] | None = None) -> dict[str, int]:
    """Score ``archs`` not yet in ``out`` and append their rows; returns how many were done and skipped."""
    evaluator = ProxyEvaluator(space, context, proxies=list(proxies), batch_size=batch_size, seed=seed,
                               device=device)
    evaluator.check()
    names = evaluator.proxies
    out = Path(out)
    done: dict[str, np.ndarray] = {}
    if out.is_file() and out.stat().st_size:
        found, done = read_proxy_file(out, space)
        if list(found) != names:
            raise ConfigError(f"{out} holds proxies {', '.join(found)}, not {', '.join(names)}; give the same "
                              "--proxies to continue it, or another --out")
    todo = list({space.format(a): a for a in archs if space.format(a) not in done}.items())
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        if not done:
            writer.writerow(["arch", *names])
        queue = iter(enumerate(todo))
        texts: dict[int, str] = {}

        def submit_next() -> bool:
            nxt = next(queue, None)
            if nxt is None:
                return False
            index, (text, arch) = nxt
            texts[index] = text
            executor.submit(index, evaluator, arch, None)
            return True

        while executor.pending < executor.capacity and submit_next():
            pass
        while executor.pending:
            for completed in executor.wait():
                text = texts.pop(completed.trial_id)
                writer.writerow([text, *_fields(completed.result, names)])
                fh.flush()  # on disk as it is scored: a killed run keeps every finished row
                if on_row is not None:
                    on_row(text)
                submit_next()
    return {"scored": len(todo), "skipped": len(archs) - len(todo)}


def _fields(result: Result, names: Sequence[str]) -> list[str]:
    """The row's scores as text, empty where a proxy failed (a trial whose first proxy failed keeps
    the others' scores)."""
    values = [result.metrics.get(name) for name in names]
    return ["" if v is None or not math.isfinite(v) else repr(float(v)) for v in values]
