"""A user's space whose benchmark another of their files registers, and whose same_ops maps ops a width apart to one
shared op: each mistake is one line naming the space, what it named and the fix, from plugin files as a user writes
them."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nasloop.engine import cli

pytestmark = pytest.mark.usefixtures("own_plugin_files")  # a plugin file's classes leave with its test

SPACE = '''
import numpy as np
from nasloop.engine.errors import ArchitectureError
from nasloop.engine.registry import register_search_space
from nasloop.search_spaces.base import GraphEncoding, NeighbourhoodSpace

KERNELS, WIDTHS = (1, 3), (16, 32)
OPS = tuple(f"conv{k}x{k}_{w}" for k in KERNELS for w in WIDTHS)


@register_search_space("e7-chain")
class Chain(NeighbourhoodSpace):
    """Three blocks, each one of OPS, written 'conv1x1_16-conv3x3_32-conv1x1_32'."""
    name, benchmark = "e7-chain", "e7-formula"
    graph_encodings, graph_ops = ("graph",), ("input", *OPS, "output")

    def parse(self, text):
        parts = text.split("-")
        if len(parts) != 3 or not all(p in OPS for p in parts):
            raise ArchitectureError(f"'{text}' is not 3 of {OPS} joined by '-'")
        return tuple(OPS.index(p) for p in parts)

    def format(self, arch):
        return "-".join(OPS[o] for o in arch)

    def sample(self, rng):
        return tuple(int(o) for o in rng.integers(0, len(OPS), 3))

    def mutate(self, arch, rng):
        i = int(rng.integers(3))
        return arch[:i] + ((arch[i] + 1) % len(OPS),) + arch[i + 1:]

    def neighbours(self, arch):
        return [arch[:i] + (o,) + arch[i + 1:] for i in range(3) for o in range(len(OPS)) if o != arch[i]]

    def _encode(self, arch, kind):
        ops = ("input",) + tuple(OPS[o] for o in arch) + ("output",)
        return GraphEncoding(tuple(self.token(op) for op in ops), np.array([[0, 1, 2, 3], [1, 2, 3, 4]]))
'''

BENCHMARK = '''
from nasloop.engine.data.table import Table
from nasloop.engine.registry import register_benchmark
from nasloop.engine.types import Result
from nasloop.search_spaces.benchmark import Benchmark, Task

import SPACE_MODULE  # the space, from the file beside this one


@register_benchmark("e7-formula")
class Formula(Benchmark):
    """A surrogate: each block's op index summed, computed from no file."""
    tasks = (Task("cifar10", "val_accuracy"),)
    table = Table({})

    def fidelities(self, task):
        return [1]

    def query(self, arch, task, fidelity=None):
        return Result(metrics={"val_accuracy": float(sum(arch))}, cost=1.0)

    @classmethod
    def recognise_source(cls, path):
        return None

    @classmethod
    def import_files(cls, paths):
        raise NotImplementedError("computed, from no file")
'''


def plugin_files(tmp_path: Path, space: str = SPACE) -> tuple[Path, Path]:
    """The space's and the benchmark's files, each test's under names of its own (a file's module loads once per
    process, and what it registers stays until its test ends), the benchmark's importing the space's."""
    name = "".join(c for c in tmp_path.name if c.isalnum())
    space_file, benchmark_file = tmp_path / f"chain_{name}.py", tmp_path / f"formula_{name}.py"
    space_file.write_text(space.replace('"e7-chain"', f'"e7-chain-{name}"').replace('"e7-formula"', f'"e7-f-{name}"'))
    benchmark_file.write_text(BENCHMARK.replace('"e7-formula"', f'"e7-f-{name}"').replace("SPACE_MODULE",
                                                                                        space_file.stem))
    return space_file, benchmark_file


def error_of(capsys, *args: str) -> str:
    """The one error line of a refused command."""
    assert cli.main(list(args)) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    return error


def test_a_space_whose_benchmark_is_another_files_names_itself_and_the_file_to_load(tmp_path, capsys):
    """Loaded alone, the space's file was refused as "unknown benchmark 'e7-formula'; known: ... (the plugin loaded
    (chain.py) registers no benchmark by that name: check its register decorator)": no word of the space naming it,
    and the decorator it pointed at was right; the fix was to load the benchmark's file too."""
    space_file, benchmark_file = plugin_files(tmp_path)
    space = f"e7-chain-{space_file.stem.partition('_')[2]}"
    bench = f"e7-f-{space_file.stem.partition('_')[2]}"
    run = tmp_path / "run"
    for command in (["search", "--space", space, "--budget", "3", "--run-dir", str(run), "--quiet"],
                    ["spaces", space]):
        error = error_of(capsys, "--plugin", str(space_file), *command)
        assert (f"error: search space '{space}' names the benchmark '{bench}' (its class's benchmark), which no "
                "plugin loaded registers: give the file that registers it with --plugin too, or correct the name; "
                "known: ") in error
        assert "nb201" in error and "register decorator" not in error
    assert not run.exists()
    assert cli.main(["--plugin", str(benchmark_file), "search", "--space", space, "--strategy", "local", "--budget",
                     "5", "--run-dir", str(run), "--quiet"]) == 0  # with the benchmark's file, its table answers
    assert run.is_dir()


def test_ops_a_width_apart_mapped_to_one_shared_op_are_named_with_the_fix(tmp_path, capsys):
    """It read "search space 'e7-chain' maps two of its ops to one shared operation in same_ops": not which, nor
    what to do with ops that differ only in a width no token holds."""
    space = SPACE.replace('    name, benchmark = "e7-chain", "e7-formula"',
                          '    name, benchmark = "e7-chain", None\n'
                          '    same_ops = {"conv1x1_16": "conv1x1", "conv3x3_16": "conv3x3", "conv3x3_32": "conv3x3"}')
    space_file, _ = plugin_files(tmp_path, space)
    name = f"e7-chain-{space_file.stem.partition('_')[2]}"
    error = error_of(capsys, "--plugin", str(space_file), "search", "--space", name, "--evaluator", "proxy",
                     "--budget", "3", "--run-dir", str(tmp_path / "run"))
    assert (f"error: search space '{name}' maps conv3x3_16, conv3x3_32 all to 'conv3x3' in same_ops; a shared op "
            "is one op of each space, so map one of them and leave out the others, which keep the space's own "
            "tokens") in error


def test_a_benchmark_listing_cells_of_another_space_is_named_before_any_fit(tmp_path, capsys):
    """Its cells() listing two-block cells of a three-block space read "predictor random: architecture 1 of 2, ...,
    is not one of search space ...; pass what space.parse or space.sample returns": the user passed nothing, their
    benchmark's cells() did."""
    space_file, benchmark_file = plugin_files(tmp_path)
    cells = "\n    def cells(self):\n        return [(0, 1), (1, 0), (1, 1), (0, 0), (2, 1)]\n"
    benchmark_file.write_text(benchmark_file.read_text() + cells)
    name = f"e7-chain-{space_file.stem.partition('_')[2]}"
    error = error_of(capsys, "--plugin", str(benchmark_file), "predictors", "evaluate", "--space", name,
                     "--predictor", "random", "--train-sizes", "2", "--seeds", "1")
    assert (f"error: the e7-f-{space_file.stem.partition('_')[2]} benchmark's cells() lists (0, 1), not an "
            f"architecture of search space '{name}' as built ('conv1x1_16-conv1x1_32' is not 3 of ") in error
    assert ("make cells() list the space's architectures, as its sample returns them, or leave out the --space-opt "
            "that changes them") in error


def test_the_readmes_formula_benchmark_answers_a_search_of_the_readmes_chain(tmp_path, data_dir, fresh_nasloop):
    """The README's benchmark computed from no file, in a file of its own beside its chain space, run as written
    with the command a user types: a tabular local search, and predictors evaluate over its cells(). Each command
    runs in this process as a process of its own would (fresh_nasloop: it loads both files anew)."""
    blocks = re.findall(r"```python\n(.*?)```", (Path(__file__).resolve().parents[1] / "README.md").read_text(),
                        flags=re.S)
    space = next(b for b in blocks if "class ChainSpace" in b)
    named = 'name, vector_encodings = "my-chain", ("onehot",)'
    assert named in space
    (tmp_path / "chain.py").write_text(space.replace(named, named + '\n    benchmark = "my-formula"'))
    (tmp_path / "formula.py").write_text(next(b for b in blocks if "class Formula" in b))
    command = ["--plugin", "formula.py"]
    found = fresh_nasloop([*command, "search", "--space", "my-chain", "--strategy", "local", "--budget", "12",
                           "--data-dir", str(data_dir), "--run-dir", "run", "--json"], cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    summary = json.loads(found.stdout)
    assert summary["evaluator"] == "tabular" and summary["evaluations"] == 12 and summary["failed"] == 0
    best = summary["best"]
    assert best["metrics"]["val_accuracy"] == sum(b in "01" for b in best["arch"].split("-"))  # its formula
    ranked = fresh_nasloop([*command, "predictors", "evaluate", "--space", "my-chain", "--predictor", "gp",
                            "--train-sizes", "16", "--seeds", "1", "--data-dir", str(data_dir), "--json"], cwd=tmp_path)
    assert ranked.returncode == 0, ranked.stderr
    assert json.loads(ranked.stdout)[0]["test_size"] == 4 ** 8 - 16  # every other cell it lists
