"""Malformed inputs for the ``nasloop`` command, generated from a seed.

Each :class:`Case` is one thing a user may type, feed or point at: a config file in the wrong
encoding or built from YAML aliases, an option of the wrong type, an architecture list of random
bytes, a hostile pickle, a damaged or foreign run store, an impossible run or export location.
Every case is wrong, so the command must refuse it: a non-zero exit, one or two lines on stderr,
no traceback, no hang, and no file touched outside the case's own run directory. The tests run a
seeded sample in-process (``tests/test_fuzz_cli.py``); ``benchmarks/fuzz_cli.py`` runs hundreds
in subprocesses and prints the tally.
"""
from __future__ import annotations

import gzip
import json
import pickle
import shutil
import sqlite3
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

NB201_ARCH = "|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|none~2|"
GOOD = "good/nasloop.sqlite"
MARKER = "pwned"
"""The file a hostile pickle's payload would create in the working folder."""

BAD_VALUES = ["abc", "1e9", "null", "[1, 2]", "10.5", "-3", "0", "{a: 1}", "''", "true", str(2**80), "[]", "nan"]
BAD_INT_OPTIONS = [("strategy", "population_size"), ("strategy", "sample_size"), ("space", "channels"),
                   ("space", "cells")]
WRONG_TYPED_CONFIG = {
    "objective": ["[a]", "{a: 1}", "3"], "run_dir": ["123", "[x]", "true"], "budget": ["abc", "-5", "2.5", "[1]"],
    "seed": ["-1", "x", "1.5"], "dedup": ["fuzzy", "1"], "space": ["[nb201]", "7"], "dataset": ["{}", "0"],
    "evaluator_options": ["5", "[proxies]", "abc"], "strategy_options": ["3", "[1]"], "minimize": ["maybe", "[]"],
    "max_seconds": ["-1", "0", "fast"], "fidelity": ["0", "x", "1.5"], "plugins": ["5", "{a: b}"],
}


@dataclass
class Case:
    """One malformed input: the arguments after ``nasloop``, and what to lay out first."""

    name: str
    argv: list[str]
    files: dict[str, bytes] = field(default_factory=dict)
    """Files written (relative to the working folder) before the command runs."""
    prepare: Callable[[Path, Path], None] | None = None
    """Called with (working folder, a finished run to copy) to lay out a damaged store."""
    run_dir: str | None = None
    """The one place the command may write (relative); everything else must stay untouched."""
    store: str | None = None
    """A store file (relative) that must keep its exact bytes: foreign or damaged stores are never modified."""


def _search(data_dir: str, *extra: str, run_dir: str = "run") -> list[str]:
    return ["search", "--data-dir", data_dir, "--budget", "3", "--quiet", "--run-dir", run_dir, *extra]


def _alias_bomb(rng: np.random.Generator) -> bytes:
    width, depth = int(rng.integers(6, 12)), int(rng.integers(7, 11))
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, depth):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    key = rng.choice(["budget", "dataset", "strategy_options"])
    return ("\n".join(lines) + f"\n{key}: *l{depth - 1}\n").encode()


def _config_cases(rng: np.random.Generator, data_dir: str) -> list[Case]:
    """Config files; the run dir and budget are in the file, so no flag overrides the bad value."""
    base = {"space": "nb201", "dataset": "cifar10", "budget": str(int(rng.integers(2, 9))), "run_dir": "run"}
    yaml_text = "".join(f"{k}: {v}\n" for k, v in base.items())
    depth = int(rng.integers(70, 3000))
    nested = "a: " + "[" * depth + "]" * depth
    key = str(rng.choice(list(WRONG_TYPED_CONFIG)))
    value = str(rng.choice(WRONG_TYPED_CONFIG[key]))
    wrong = "".join(f"{k}: {v}\n" for k, v in {**base, key: value}.items())
    payloads = {
        "utf-16 config": yaml_text.encode("utf-16"),
        "latin-1 config": yaml_text.replace("cifar10", "caf\xe9").encode("latin-1"),
        "binary config": rng.integers(0, 256, int(rng.integers(16, 4096)), dtype=np.uint8).tobytes(),
        "NUL bytes in config": yaml_text.encode() + b"\x00" * int(rng.integers(1, 9)),
        "deeply nested config": nested.encode(),
        "alias bomb config": _alias_bomb(rng),
        f"wrong-typed config {key}: {value}": wrong.encode(),
        "config not a mapping": str(rng.choice(["- a\n- b\n", "42\n", "just text\n"])).encode(),
    }
    argv = ["search", "--data-dir", data_dir, "--quiet", "--config", "c.yaml"]
    return [Case(name, argv, files={"c.yaml": content}, run_dir="run") for name, content in payloads.items()]


def _option_cases(rng: np.random.Generator, data_dir: str) -> list[Case]:
    cases = []
    for kind, option in BAD_INT_OPTIONS:
        value = str(rng.choice(BAD_VALUES))
        if option == "population_size" and value == str(2**80):
            value = "abc"  # valid: a population larger than any budget makes evolution a random search
        cases.append(Case(f"--{kind}-opt {option}={value}", _search(data_dir, f"--{kind}-opt", f"{option}={value}"),
                          run_dir="run"))
    word = "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), int(rng.integers(3, 9))))
    cases += [
        Case("unknown objective", _search(data_dir, "--objective", word), run_dir="run"),
        Case("seed beyond 64 bits, guided", _search(data_dir, "--strategy",
                                                    str(rng.choice(["bananas", "predictor-topk"])),
                                                    "--seed", str(2**63 + int(rng.integers(0, 2**62)))), run_dir="run"),
        Case("unknown dataset", _search(data_dir, "--dataset", word), run_dir="run"),
        Case("unknown device", _search(data_dir, "--evaluator", "proxy", "--device", word), run_dir="run"),
        Case("cuda on a CPU machine", _search(data_dir, "--evaluator", "proxy", "--device", "cuda:7"), run_dir="run"),
        Case("val_fraction 0", _search(data_dir, "--evaluator", "train", "--evaluator-opt", "val_fraction=0"),
             run_dir="run"),
        Case("3-image training set", _search(data_dir, "--evaluator", "train", "--evaluator-opt",
                                             f"train_images={int(rng.integers(2, 10))}"), run_dir="run"),
        Case("epochs given twice", _search(data_dir, "--evaluator", "train", "--epochs", "1", "--evaluator-opt",
                                           f"epochs={int(rng.integers(2, 50))}"), run_dir="run"),
        Case("unknown --train-opt", ["train", "--arch", NB201_ARCH, "--data-dir", data_dir, "--train-opt",
                                     f"{word}=1"]),
        Case("non-positive network size", ["train", "--arch", NB201_ARCH, "--data-dir", data_dir, "--space-opt",
                                           f"channels={int(rng.integers(-64, 1))}"]),
        Case("proxies on an unknown device", ["proxies", "--sample", "1", "--data-dir", data_dir, "--device", word]),
        Case("fidelity the table lacks", _search(data_dir, "--fidelity", str(int(rng.integers(13, 199)))),
             run_dir="run"),
    ]
    return cases


def _archs_file_cases(rng: np.random.Generator, data_dir: str) -> list[Case]:
    argv = ["proxies", "--archs-file", "archs.txt", "--data-dir", data_dir]
    garbage = "".join(rng.choice(list("|~+0123456789abcnor_xskip"), int(rng.integers(5, 80))))
    return [Case("utf-16 archs file", argv, files={"archs.txt": (NB201_ARCH + "\n").encode("utf-16")}),
            Case("binary archs file", argv, files={"archs.txt": rng.integers(0, 256, 512, dtype=np.uint8).tobytes()}),
            Case("garbage architecture", argv, files={"archs.txt": garbage.encode()}),
            Case("empty archs file", argv, files={"archs.txt": b"\n# nothing\n"})]


class _Payload:
    """Unpickling this would create the marker file: a real payload, refused before it runs."""

    def __reduce__(self):
        return (open, (MARKER, "w"))


def _import_cases(rng: np.random.Generator) -> list[Case]:
    zipped = _zip_bytes({"not_a_table.txt": b"hello"})
    hostile = pickle.dumps({"cells": [1, 2, _Payload()]}, protocol=int(rng.integers(2, 6)))
    files = {
        "hostile pickle": ("bench.pkl", hostile),
        "gzipped hostile pickle": ("bench.pkl.gz", gzip.compress(hostile)),
        "random bytes": ("bench.bin", rng.integers(0, 256, 2048, dtype=np.uint8).tobytes()),
        "empty file": ("bench.json", b""),
        "truncated gzip": ("bench.json.gz", gzip.compress(b'{"a": ' + b"1" * 4000)[:int(rng.integers(10, 60))]),
        "zip that is no table": ("bench.npz", zipped),
        "JSON of nothing known": ("bench.json", json.dumps({"x": [1, 2, 3]}).encode()),
    }
    space = str(rng.choice(["nb201", "nb101", "tnb101-micro"]))
    return [Case(f"data import {name} ({space})", ["data", "import", "--space", space, "--out", "out", file],
                 files={file: content}, run_dir="out") for name, (file, content) in files.items()]


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _copy_run(work: Path, template: Path) -> Path:
    target = work / "damaged"
    target.mkdir()
    shutil.copy(template / "nasloop.sqlite", target / "nasloop.sqlite")
    return target / "nasloop.sqlite"


def _sql(statement: str) -> Callable[[Path, Path], None]:
    def prepare(work: Path, template: Path) -> None:
        db = sqlite3.connect(_copy_run(work, template))
        db.executescript(statement)
        db.close()
    return prepare


def _flip_pages(rng: np.random.Generator) -> Callable[[Path, Path], None]:
    """Random bytes over the header and cell pointers of one b-tree page (not page 1, the schema)."""
    def prepare(work: Path, template: Path) -> None:
        path = _copy_run(work, template)
        data = bytearray(path.read_bytes())
        page_size = int.from_bytes(data[16:18], "big")
        page = int(rng.integers(1, len(data) // page_size))
        data[page * page_size:page * page_size + 64] = rng.integers(0, 256, 64, dtype=np.uint8).tobytes()
        path.write_bytes(bytes(data))
    return prepare


def _bytes_store(content: bytes) -> Callable[[Path, Path], None]:
    def prepare(work: Path, template: Path) -> None:
        (work / "damaged").mkdir()
        (work / "damaged" / "nasloop.sqlite").write_bytes(content)
    return prepare


def _foreign_store(work: Path, template: Path) -> None:
    (work / "damaged").mkdir()
    db = sqlite3.connect(work / "damaged" / "nasloop.sqlite")
    db.executescript("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos VALUES (1, 'cat');")
    db.close()


def _store_cases(rng: np.random.Generator) -> list[Case]:
    damages = {
        "zero-byte store": _bytes_store(b""),
        "random-bytes store": _bytes_store(rng.integers(0, 256, 8192, dtype=np.uint8).tobytes()),
        "foreign SQLite file": _foreign_store,
        "dropped trials table": _sql("DROP TABLE trials;"),
        "dropped meta table": _sql("DROP TABLE meta;"),
        "bad JSON in config": _sql("UPDATE meta SET value = '{\"space\": ' WHERE key = 'config';"),
        "bad JSON in metrics": _sql("UPDATE trials SET metrics = 'not json' WHERE id = 2;"),
        "bad JSON in strategy state": _sql("UPDATE strategy_state SET state = '[1, 2';"),
        "text where a score belongs": _sql("UPDATE trials SET score = 'high' WHERE id = 1;"),
        "text where a time belongs": _sql("UPDATE trials SET asked_at = 'yesterday' WHERE id = 1;"),
        "NULL where a cost belongs": _sql("UPDATE trials SET cost = NULL WHERE id = 2;"),
        "store from a newer nasloop": _sql("UPDATE meta SET value = '99' WHERE key = 'schema_version';"),
        "store without a schema version": _sql("DELETE FROM meta WHERE key = 'schema_version';"),
        "NULL score of a success": _sql("UPDATE trials SET score = NULL WHERE id = (SELECT MAX(id) FROM trials "
                                        "WHERE status = 'ok');"),
        "infinite score": _sql("UPDATE trials SET score = 9e999 WHERE id = 1;"),
        "bytes that are not UTF-8 in a trial": _sql("UPDATE trials SET metrics = CAST(X'7B22FFFE' AS TEXT) "
                                                    "WHERE id = 2;"),
        "corrupt pages": _flip_pages(rng),
    }
    cases = []
    for name, prepare in damages.items():
        command = str(rng.choice(["show", "export", "resume"]))
        argv = {"show": ["show", "damaged"], "export": ["export", "damaged", "out.json"],
                "resume": ["search", "--resume", "damaged", "--quiet"]}[command]
        cases.append(Case(f"{command} on a {name}", argv, prepare=prepare, store="damaged/nasloop.sqlite"))
    return cases


def _place_cases(rng: np.random.Generator, data_dir: str) -> list[Case]:
    suffix = str(rng.choice([".csv", ".json"]))
    return [
        Case("run dir that is a file", _search(data_dir, run_dir="taken"), files={"taken": b"x"}),
        Case("run dir under /proc", _search(data_dir, run_dir=f"/proc/nasloop-{int(rng.integers(1e6))}")),
        Case("run dir below a file", _search(data_dir, run_dir="taken/sub"), files={"taken": b"x"}),
        Case("export to a directory", ["export", "good", f"folder{suffix}"], prepare=_copy_good, store=GOOD,
             files={f"folder{suffix}/keep": b"x"}),
        Case("export to a missing folder", ["export", "good", f"missing/out{suffix}"], prepare=_copy_good, store=GOOD),
        Case("export with an unknown suffix", ["export", "good", "out.xlsx"], prepare=_copy_good, store=GOOD),
        Case("show of a folder without a run", ["show", "nothing-here"]),
        Case("run dir name too long", _search(data_dir, run_dir="L" * int(rng.integers(256, 400)))),
        Case("resume of a name too long", ["search", "--resume", "R" * int(rng.integers(256, 400))]),
        Case("data dir that is a file", ["search", "--data-dir", "data.txt", "--budget", "3", "--run-dir", "run"],
             files={"data.txt": b"x"}),
        Case("empty plugin name", ["--plugin", "", str(rng.choice(["spaces", "strategies"]))]),
        Case("empty run dir", _search(data_dir, run_dir=str(rng.choice(["", " "])))),
        Case("empty study folder", ["compare", "--methods", "random", "--seeds", "1", "--budget", "3", "--data-dir",
                                    data_dir, "--out", ""]),
    ]


def _copy_good(work: Path, template: Path) -> None:
    shutil.copytree(template, work / "good")


def generate(seed: int, data_dir: str) -> list[Case]:
    """One round of every kind of malformed input, its details drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    return (_config_cases(rng, data_dir) + _option_cases(rng, data_dir) + _archs_file_cases(rng, data_dir)
            + _import_cases(rng) + _store_cases(rng) + _place_cases(rng, data_dir))


def allowed_paths(case: Case) -> list[str]:
    """Where a case may write: its run directory, and SQLite's own -wal/-shm beside a store it reads."""
    store = [case.store, f"{case.store}-wal", f"{case.store}-shm"] if case.store else []
    return ([case.run_dir] if case.run_dir else []) + store


def snapshot(work: Path, allowed: list[str]) -> dict[str, tuple[int, int]]:
    """(size, mtime) of every file under ``work`` outside the ``allowed`` relative paths."""
    skip = [work / a for a in allowed]
    return {str(p.relative_to(work)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(work.rglob("*"))
            if p.is_file() and not any(p == s or s in p.parents for s in skip)}


def judge(case: Case, work: Path, before: dict[str, tuple[int, int]], store_bytes: bytes | None,
          exit_code: int | None, stderr: str) -> str:
    """What the command did with a malformed input: ``clean`` is the only acceptable answer."""
    if exit_code is None:
        return "hang"
    if "Traceback" in stderr:
        return "traceback"
    if exit_code == 0:
        return "silent"
    if len(stderr.strip().splitlines()) > 2 or not stderr.strip():
        return "unclear"
    if (work / MARKER).exists() or snapshot(work, allowed_paths(case)) != before:
        return "touched"
    if case.store and (work / case.store).read_bytes() != store_bytes:
        return "touched"
    return "clean"
