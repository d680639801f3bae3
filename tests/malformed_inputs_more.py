"""More malformed inputs, for the commands :mod:`malformed_inputs` did not reach: ``predictors pretrain`` and the
pretrained files it writes, ``data import`` of whole tables with impossible numbers, ``proxies --all --out`` over a
damaged file it would continue, ``compare --methods-file``, ``--plugin`` files, and config keys the first
generator's wrong types left out. Outputs that are pipes join them: nasloop writes beside an output and renames
it into place, which replaced a FIFO with a regular file, and appending to one no one reads waited forever.

Kept apart so that ``tests/test_fuzz_cli.py`` (one seed of :func:`malformed_inputs.generate`) stays as fast;
``benchmarks/fuzz_cli.py`` runs both generators.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import pickle
from pathlib import Path
from typing import Callable

import numpy as np

from malformed_inputs import GOOD, NB201_ARCH, Case, _copy_good, _Payload, _search

PROXY_SETTINGS = ('# nasloop proxies {"batch_size": 64, "dataset": "cifar10", "probe": ["' + NB201_ARCH
                  + '", 559386], "seed": 0, "space": "nb201", "space_options": {"cells": 5, "channels": 16}}\n')
PROXY_FILE = PROXY_SETTINGS + f"arch,synflow\n{NB201_ARCH},14.702160902212928\n"
NB101_RECORD = {"hash": "00005c142e6f48ac74fdcf73e3439874", "val_acc_108": 93.0489, "train_time_108": 1768.976,
                "matrix": [[0, 1, 0, 0, 1, 1, 0], [0, 0, 1, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 1], [0, 0, 0, 0, 0, 1, 0],
                           [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]],
                "ops": ["input", "conv3x3-bn-relu", "maxpool3x3", "conv3x3-bn-relu", "conv3x3-bn-relu",
                        "conv1x1-bn-relu", "output"]}
"""The first cell of the NB101 JSON, without its params: a table of one cell imports."""
MORE_WRONG_CONFIG = {
    "strategy": ["[evolution]", "5"], "predictor": ["5", "{a: 1}"], "evaluator": ["[tabular]", "{}"],
    "executor": ["3", "[ray]"], "objectives": ["[val_accuracy, 5]", "[]", "{a: 1}"],
    "reference_point": ["[a, b]", "5", "[.nan, 1]"], "data_dir": ["[x]", "5", "true"],
    "space_options": ["[1]", "{channels: abc}"], "predictor_options": ["3", "[a]"], "executor_options": ["abc"],
    "tensorboard": ["[x]", "true"], "workdir": ["5", "/tmp"], "no_such_key": ["1"],
}


def _fifo(name: str) -> Callable[[Path, Path], None]:
    def prepare(work: Path, template: Path) -> None:
        os.mkfifo(work / name)
    return prepare


def _torch_bytes(value: object) -> bytes:
    import torch

    buffer = io.BytesIO()
    torch.save(value, buffer)
    return buffer.getvalue()


def _pretrain_cases(rng: np.random.Generator, data_dir: str) -> list[Case]:
    def pretrain(*extra: str, out: str = "flan.pt", spaces: tuple[str, ...] = ("nb201",)) -> list[str]:
        return ["predictors", "pretrain", *[a for s in spaces for a in ("--space", s)], "--train-size", "8",
                "--data-dir", data_dir, "--out", out, *extra]

    size = str(rng.choice(["0", "1", "-4", "abc", "2.5", str(2**70)]))
    foreign = _torch_bytes({"state_dict": {"w": [1.0, 2.0]}})
    damaged = {
        "random bytes": rng.integers(0, 256, 1024, dtype=np.uint8).tobytes(), "empty": b"",
        "truncated": foreign[:int(rng.integers(10, len(foreign) - 1))], "foreign torch": foreign,
        "hostile pickle": pickle.dumps({"members": [_Payload()]}), "text": b"weights\n",
    }
    cases = [
        Case("pretrain --space as a list", pretrain(spaces=("nb201,nb101",))),
        Case("pretrain --space empty", pretrain(spaces=("",))),
        Case("pretrain --space twice", pretrain(spaces=("nb201", "nb201"))),
        Case(f"pretrain --train-size {size}", ["predictors", "pretrain", "--space", "nb201", "--train-size", size,
                                              "--data-dir", data_dir, "--out", "flan.pt"]),
        Case("pretrain --out a folder", pretrain(out="folder.pt"), files={"folder.pt/keep": b"x"}),
        Case("pretrain --out below a file", pretrain(out="taken/flan.pt"), files={"taken": b"x"}),
        Case("pretrain --out under /proc", pretrain(out=f"/proc/nasloop-{int(rng.integers(1e6))}.pt")),
        Case("pretrain --out an existing file", pretrain(), files={"flan.pt": b"an earlier file"}),
        Case("pretrain --out a FIFO", pretrain(out="pipe.pt"), prepare=_fifo("pipe.pt")),
        Case("pretrain a predictor that cannot be", pretrain("--predictor", str(rng.choice(["gp", "forest"])))),
    ]
    for name, content in damaged.items():
        argv = _search(data_dir, "--strategy", "predictor-topk", "--predictor", "flan", "--predictor-opt",
                       "pretrained=given.pt")
        cases.append(Case(f"pretrained= a {name} .pt", argv, files={"given.pt": content}, run_dir="run"))
    return cases


def _whole_table(data_dir: str, value: str, column: int = -15) -> Callable[[Path, Path], None]:
    """The real NB201 CSV with one value replaced: only a whole table reaches the checks of its numbers. Column -15
    is cifar10_test_200 (the op indices hold commas, so it is counted from the end), 0 the official index."""
    def prepare(work: Path, template: Path) -> None:
        lines = gzip.decompress((Path(data_dir) / "nasbench201_all.csv.gz").read_bytes()).split(b"\n")
        cells = lines[1].split(b",")
        cells[column] = value.encode()
        lines[1] = b",".join(cells)
        (work / "bench.csv").write_bytes(b"\n".join(lines))
    return prepare


def _import_more_cases(rng: np.random.Generator, data_dir: str) -> list[Case]:
    value = str(rng.choice(["1e999", "-inf", "-5", "350", "1e300", str(10**40)]))
    argv = ["data", "import", "--space", "nb201", "--out", "out"]
    index = str(rng.choice(["-7", "15625", "20000", str(2**40)]))
    params = float(rng.choice([-3, 1e300, 12.5, np.nan]))
    png = b"\x89PNG\r\n\x1a\n" + rng.integers(0, 256, 256, dtype=np.uint8).tobytes()
    return [
        Case(f"data import of a whole table holding {value}", argv + ["bench.csv"],
             prepare=_whole_table(data_dir, value), run_dir="out"),
        Case(f"data import of a whole table with index {index}", argv + ["bench.csv"],
             prepare=_whole_table(data_dir, index, 0), run_dir="out"),
        Case("data import of an image named .csv", argv + ["bench.csv"], files={"bench.csv": png}, run_dir="out"),
        Case("data import of an empty gzip", argv + ["bench.csv.gz"], files={"bench.csv.gz": gzip.compress(b"")},
             run_dir="out"),
        Case("data import of a header alone", argv + ["bench.csv"], run_dir="out",
             files={"bench.csv": b"index,arch_str,naslib_op_indices,cifar10_test_200\n"}),
        Case("data import of JSON with huge numbers", argv + ["bench.json"], run_dir="out",
             files={"bench.json": json.dumps([{"arch": NB201_ARCH, "acc": 1}]).replace("1}", "1e999}").encode()}),
        Case("data import of a folder", argv + ["folder"], files={"folder/keep": b"x"}, run_dir="out"),
        Case(f"data import of an NB101 cell with params {params}", ["data", "import", "--space", "nb101", "--out",
                                                                   "out", "b.json"], run_dir="out",
             files={"b.json": json.dumps([{**NB101_RECORD, "params": params}]).encode()}),
    ]


def _proxy_resume_cases(rng: np.random.Generator, data_dir: str) -> list[Case]:
    head, row = PROXY_FILE.rsplit("\n", 2)[0], f"{NB201_ARCH},14.702160902212928"
    damages = {
        "binary": rng.integers(0, 256, 2048, dtype=np.uint8).tobytes(),
        "cut settings": (PROXY_SETTINGS[:int(rng.integers(20, 80))] + "\narch,synflow\n").encode(),
        "settings not a mapping": b'# nasloop proxies [1, 2]\narch,synflow\n',
        "no header": (PROXY_SETTINGS + row + "\n").encode(),
        "text score": (head + f"\n{NB201_ARCH},abc\n").encode(),
        "infinite score": (head + f"\n{NB201_ARCH},1e999\n").encode(),
        "extra fields": (PROXY_FILE.rstrip("\n") + ",5,6\n").encode(),
        "foreign arch": (head + "\n|zzz~0|,1.0\n").encode(),
        "a row scored twice": (PROXY_FILE + f"{NB201_ARCH},3.0\n").encode(),
        "utf-16": PROXY_FILE.encode("utf-16"),
    }
    name = str(rng.choice(list(damages)))
    argv = ["proxies", "--all", "--data-dir", data_dir, "--out", "p.csv"]
    return [Case(f"proxies --all --out over a {name} file", argv, files={"p.csv": damages[name]}, store="p.csv"),
            Case("proxies --out a FIFO", argv, prepare=_fifo("p.csv")),
            Case("export to a FIFO", ["export", "good", "out.csv"], prepare=_export_to_fifo, store=GOOD)]


def _export_to_fifo(work: Path, template: Path) -> None:
    _copy_good(work, template)
    _fifo("out.csv")(work, template)


def _methods_cases(rng: np.random.Generator, data_dir: str) -> list[Case]:
    entries = {
        "a list as a name": "- {name: [a, b], strategy: random}\n",
        "a mapping as a name": "- {name: {a: 1}, strategy: random}\n",
        "a strategy mapping": "- {strategy: {a: 1}}\n",
        "a number as predictor": "- {strategy: bananas, predictor: 5}\n",
        "options as a list": "- {strategy: evolution, strategy_options: [1]}\n",
        "option keys not text": "- {strategy: evolution, strategy_options: {1: 2}}\n",
        "an unknown key": "- {strategy: random, budget: 5}\n",
        "a name twice": "- {name: x, strategy: random}\n- {name: x, strategy: evolution}\n",
        "one method twice": "- {strategy: random}\n- {strategy: random}\n",
        "a key twice": "- {name: x, strategy: random, strategy: evolution}\n",
        "no list": "strategy: random\n",
    }
    argv = ["compare", "--methods-file", "m.yaml", "--seeds", "1", "--budget", "3", "--data-dir", data_dir,
            "--out", "study"]
    return [Case(f"methods file with {name}", argv, files={"m.yaml": text.encode()}, run_dir="study")
            for name, text in entries.items() if rng.random() < 0.6 or name.startswith("a list")]


def _plugin_cases(rng: np.random.Generator, data_dir: str) -> list[Case]:
    bodies = {
        "raises on import": f"raise RuntimeError('{rng.choice(['boom', 'no GPU'])}')\n",
        "registers nothing": "x = 1\n",
        "has a syntax error": "def f(:\n",
        "imports what is missing": "import nasloop_no_such_module\n",
        "exits while loading": f"import sys\nsys.exit({int(rng.integers(0, 4))})\n",
        "registers a built-in name": ("from nasloop.engine.registry import STRATEGIES\n"
                                      "from nasloop.strategies.base import Strategy\n\n\n"
                                      "@STRATEGIES.register('random')\nclass R(Strategy):\n    pass\n"),
    }
    return [Case(f"--plugin that {name}", ["--plugin", "p.py", *_search(data_dir)], files={"p.py": body.encode()},
                 run_dir="run") for name, body in bodies.items()]


def _config_more_cases(rng: np.random.Generator, data_dir: str) -> list[Case]:
    """As the first generator's config cases: every setting is in the file, since a flag overrides its key."""
    cases = []
    for key in rng.choice(list(MORE_WRONG_CONFIG), 4, replace=False):
        value = str(rng.choice(MORE_WRONG_CONFIG[key]))
        settings = {"space": "nb201", "budget": "3", "run_dir": "run", "data_dir": json.dumps(data_dir), key: value}
        text = "".join(f"{k}: {v}\n" for k, v in settings.items())
        cases.append(Case(f"config with {key}: {value}", ["search", "--quiet", "--config", "c.yaml"],
                          files={"c.yaml": text.encode()}, run_dir="run"))
    return cases


def generate_more(seed: int, data_dir: str) -> list[Case]:
    """One round of the newer kinds of malformed input, details drawn from ``seed``."""
    rng = np.random.default_rng(10_000 + seed)
    return (_pretrain_cases(rng, data_dir) + _import_more_cases(rng, data_dir) + _proxy_resume_cases(rng, data_dir)
            + _methods_cases(rng, data_dir) + _plugin_cases(rng, data_dir) + _config_more_cases(rng, data_dir))
