"""The ``nasloop proxies`` command a computing note advises, written so that runs then read what it writes.

A run reads a precomputed proxy file only as ``<space>-<dataset>-proxies.csv`` in its data folders, so advice
ending in ``--out FILE`` left the user to find that out from the next command's note; the advised command names
the file runs read. A file already there is continued with its own proxies, in its order, and the ones the run
lacks after them, which the command adds to it.
"""
from __future__ import annotations

import shlex
from pathlib import Path
from typing import Sequence

from ..search_spaces.base import NetworkSpace, SearchSpace, enumerable, table_only_flag
from .data.paths import search_dirs
from .data.proxy_file import ProxyScores, file_name


def precompute_advice(space: SearchSpace, dataset: str, data_dir: str | None, proxies: Sequence[str],
                      found: tuple[Path, ProxyScores] | None) -> str:
    """``'nasloop proxies ... --out PATH' precomputes them once`` for ``proxies`` (empty: the command's default
    ones) of ``space`` on ``dataset``, where ``found`` is the data folders' proxy file (its path and scores) if
    there is one. Options and paths are shell-quoted, so the command runs as printed."""
    flags = [table_only_flag(space).strip()] if table_only_flag(space) else []
    if isinstance(space, NetworkSpace):  # a file of other networks' scores is refused for this run
        flags += [f"--space-opt {shlex.quote(option)}" for option in space.resized()]
    if dataset != "cifar10":  # without --dataset the file was CIFAR-10's, which runs on another do not read
        flags.append(f"--dataset {shlex.quote(dataset)}")
    if data_dir:  # where the command finds the images it scores on, and the table whose proxies it need not score
        flags.append(f"--data-dir {shlex.quote(str(data_dir))}")
    names = list(proxies)
    if found is None:
        out = search_dirs(data_dir)[0] / file_name(space.name, dataset)
    else:  # its own proxies first: the command's default ones, or others alone, would be refused
        out, held = found[0], list(found[1].names)
        names = held + [p for p in names if p not in held]
    if names:
        flags.append(f"--proxies {','.join(names)}")
    which = "--all" if enumerable(space) else "--archs-file FILE"
    command = " ".join(["nasloop proxies --space", space.name, *flags, which, "--out", shlex.quote(str(out))])
    done = "precomputes them once" if enumerable(space) else "precomputes those you list"
    return f"'{command}' {done}"
