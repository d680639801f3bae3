"""NDS result files in the published format, written for tests (the NDS data is not shipped).

The layout is the published one: a JSON list of records (``{"top": [...], "mid": [...]}`` for
some files), each with ``net`` (``genotype`` as [op, input] lists with ``*_concat``, ``width``,
``depth``, ``aux``, ``drop_prob``), ``params``, ``flops``, per-epoch ``test_ep_top1`` errors and
the training curves. ``params`` is the real parameter count of the network nasloop builds; the
errors are generated (a learning curve whose end falls with log-parameters, plus noise), since
NDS' own numbers are not here: tests check the reading, not NDS' findings.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np

from nasloop.engine.registry import SEARCH_SPACES
from nasloop.search_spaces.nds.arch import output_nodes

EPOCHS = 10


def nds_records(space_name: str, count: int, seed: int = 0, widths=(8, 16), depths=(4, 5)) -> list[dict]:
    space = SEARCH_SPACES.get(space_name)(widths=list(widths), depths=list(depths))
    rng = np.random.default_rng(seed)
    family = space.family
    records = []
    for job in range(count):
        arch = space.sample(rng)
        params = sum(p.numel() for p in space.to_module(arch).parameters())
        final = 40.0 - 4.0 * np.log(params / 1e4) + rng.normal(0, 0.5)
        errors = [round(float(final + (90 - final) * np.exp(-e / 2.5)), 3) for e in range(EPOCHS)]
        genotype = {}
        for name, cell in (("normal", arch.normal), ("reduce", arch.reduce)):
            genotype[name] = [[family.ops[op], source] for source, op in cell]
            genotype[f"{name}_concat"] = output_nodes(cell, family)
        records.append({
            "job_id": job, "exp_mem": 1000.0, "params": params, "flops": 40 * params, "act_mem": 2.0,
            "net": {"aux": False, "depth": arch.depth, "drop_prob": 0.0, "genotype": genotype, "width": arch.width},
            "optim": {"base_lr": 0.1, "max_ep": EPOCHS, "wd": 0.0005},
            "prec_time": 0.01, "iter_time": 0.05, "min_test_top1": min(errors),
            "train_ep_loss": [2.0] * EPOCHS, "train_ep_top1": errors, "test_ep_top1": errors,
            "train_it_loss": [2.1, 2.0], "train_it_top1": [90.0, 89.0],
        })
    return records


def write_nds_file(path: Path, records: list[dict], split: bool = False) -> Path:
    data = {"top": records[: len(records) // 2], "mid": records[len(records) // 2:]} if split else records
    text = json.dumps(data)
    if path.suffix == ".gz":
        with gzip.open(path, "wt") as fh:
            fh.write(text)
    else:
        path.write_text(text)
    return path
