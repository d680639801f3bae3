"""A user's plugin that is incomplete or crashes ends the command in one line, and the run says how it ended."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine import cli
from nasloop.engine.evaluators.tabular import TabularEvaluator
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.search import summarize
from nasloop.search_spaces.base import SearchSpace
from nasloop.search_spaces.nb201 import NB201Space


class Chain(SearchSpace):
    """Three layers of four ops: a complete space, which the cases below break one way each."""

    name = "chain"

    def __init__(self) -> None:
        super().__init__()

    def sample(self, rng: np.random.Generator):
        return tuple(int(v) for v in rng.integers(4, size=3))

    def mutate(self, arch, rng: np.random.Generator):
        return arch[:-1] + ((arch[-1] + 1) % 4,)

    def format(self, arch) -> str:
        return "-".join(map(str, arch))

    def parse(self, text: str):
        return tuple(int(v) for v in text.split("-"))


ChainFree = type("ChainFree", (Chain,), {"name": "chain-free"})  # complete, no evaluator


@pytest.fixture(autouse=True)
def _plugins() -> None:
    """This file's plugins, for each of its tests (the conftest drops them after it): registered as the file was
    imported, they joined the listings that other files' tests of the same worker check."""
    for name, space in (("chain-free", ChainFree), ("failing-no-mutate", NoMutate),
                        ("failing-required-option", RequiredOption), ("failing-crashes-later", CrashesLater),
                        ("failing-no-encode", DeclaresWithoutEncoding), ("failing-nan-encoding", NanEncoding),
                        ("failing-duck-network", DuckNetwork), ("failing-matrix-encoding", MatrixEncoding),
                        ("yields-neighbours", YieldsNeighbours)):
        register_search_space(name)(space)
    register_evaluator("failing-interrupted")(Interrupted)


class NoMutate(SearchSpace):
    name = "failing-no-mutate"
    sample, format, parse = Chain.sample, Chain.format, Chain.parse


class RequiredOption(Chain):
    def __init__(self, depth: int) -> None:
        super().__init__()
        self.depth = depth


class CrashesLater(NB201Space):
    """NB201, answered by its table, whose sampling breaks on the fourth call, as a plugin's bug would."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.calls = 0

    def sample(self, rng):
        self.calls += 1
        if self.calls > 3:
            raise ZeroDivisionError("division by zero in the user's code")
        return super().sample(rng)


class DeclaresWithoutEncoding(Chain):
    vector_encodings = ("onehot",)


class NanEncoding(CrashesLater):
    """NB201 with a vector encoding that is NaN for cells starting with op 0."""

    vector_encodings = ("raw",)

    def sample(self, rng):
        return NB201Space.sample(self, rng)

    def _encode(self, arch, kind):
        return np.array([np.nan if arch[0] == 0 else 1.0, *arch[1:]], dtype=np.float32)


class DuckNetwork(Chain):
    """Builds networks, but not as a NetworkSpace, which is what evaluators check for."""

    def to_module(self, arch, num_classes: int = 10, seed: int = 0):
        import torch

        return torch.nn.Linear(3, num_classes)


def search(tmp_path, space: str) -> list[str]:
    return ["search", "--space", space, "--strategy", "random", "--budget", "6", "--run-dir", str(tmp_path / "run")]


@pytest.mark.parametrize("space,fragment", [
    ("failing-no-mutate", "search space 'failing-no-mutate' (NoMutate) does not define mutate; add it to the class"),
    ("failing-required-option", "search space 'failing-required-option' needs the option depth, which has no "
                                "default; give it (--space-opt depth=VALUE)"),
    ("failing-no-encode", "search space 'chain' declares the 'onehot' encoding but does not define _encode; add it")])
def test_an_incomplete_plugin_is_named_before_the_run_exists(tmp_path, capsys, space, fragment):
    assert cli.main(search(tmp_path, space)) == 2
    error = capsys.readouterr().err
    assert fragment in error and error.count("\n") == 1
    assert not (tmp_path / "run").exists()


def test_a_plugin_crashing_mid_run_is_one_line_and_the_run_is_resumable(tmp_path, capsys, data_dir):
    """Named as the plugin's fault (engine/plugin_crash.py), where it was an 'unexpected' error of exit status 1."""
    assert cli.main([*search(tmp_path, "failing-crashes-later"), "--data-dir", str(data_dir)]) == 2
    error = capsys.readouterr().err
    line = next(n for n, text in enumerate(Path(__file__).read_text().splitlines(), 1) if "raise ZeroDivision" in text)
    said = ("search space 'failing-crashes-later': sample raised ZeroDivisionError: division by zero in the user's "
            f"code (at {__file__}:{line}); fix it")
    assert error == f"nasloop search: error: {said}; once fixed, continue with 'nasloop search --resume " \
                    f"{tmp_path / 'run'}'\n", error
    shown = summarize(tmp_path / "run")
    assert shown["status"] == "interrupted" and shown["stop_reason"].startswith(said)


def test_an_encoding_with_nan_is_named_with_its_architecture(tmp_path, capsys, data_dir):
    argv = ["search", "--space", "failing-nan-encoding", "--strategy", "bananas", "--predictor", "gp",
            "--strategy-opt", "num_init=12", "--budget", "16", "--seed", "1", "--data-dir", str(data_dir),
            "--run-dir", str(tmp_path / "run")]
    assert cli.main(argv) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "encodes |" in error and "as 'raw' with values that are not finite" in error


@pytest.mark.parametrize("argv,fragment", [
    (["--space", "chain-free"], "search space 'chain-free' has none; it builds no networks either, so no built-in "
                                "evaluator can: use an evaluator of your own (--evaluator), give its class a "
                                "benchmark, or derive it from NetworkSpace"),
    (["--space", "failing-duck-network", "--evaluator", "proxy"],
     "(it defines to_module but does not derive from NetworkSpace)"),
    (["--space", "chain-free", "--strategy", "bananas", "--predictor", "gp"],  # was told to use flan or emprox
     "declares no vector encoding; it has no graph encoding either, so no learned predictor reads it"),
    (["--space", "failing-duck-network", "--evaluator", "proxy", "--strategy", "predictor-topk", "--predictor",
      "blend"], "blend member 'flan': FLAN reads architectures as graphs"),
    (["--space", "failing-duck-network", "--evaluator", "proxy", "--strategy", "predictor-topk", "--predictor",
      "blend"], "; blend's default members are flan and forest: name others, e.g. members={forest: {}, gp: {}}")])
def test_refusals_give_advice_that_fits_the_space(tmp_path, capsys, argv, fragment):
    assert cli.main(["search", *argv, "--budget", "4", "--run-dir", str(tmp_path / "run")]) == 2
    error = capsys.readouterr().err
    assert fragment in error and error.count("\n") == 1 and not (tmp_path / "run").exists()



def test_a_crash_in_an_installed_plugin_package_names_its_line_not_nasloops(tmp_path, data_dir, monkeypatch,
                                                                           fresh_nasloop):
    """The package is found on the import path, as an installed one is; the command runs in this process as a process
    of its own would (fresh_nasloop: the package's module and its folder on the path go with it)."""
    packages = tmp_path / "lib" / "site-packages"
    packages.mkdir(parents=True)
    (packages / "crashy_package.py").write_text("from nasloop.engine.registry import register_strategy\n"
                                                "from nasloop.engine.user_files import path_from\n"
                                                "from nasloop.strategies.random_search import RandomSearch\n\n"
                                                "@register_strategy('crashy-package')\n"
                                                "class Crashy(RandomSearch):\n"
                                                "    def ask(self, n):\n"
                                                "        return [path_from(None, None)]\n")
    monkeypatch.syspath_prepend(str(packages))
    out = fresh_nasloop(["--plugin", "crashy_package", "search", "--strategy", "crashy-package", "--budget", "4",
                         "--run-dir", str(tmp_path / "run")], tmp_path, {"NASLOOP_DATA": str(data_dir)})
    # raised below nasloop's path_from (in pathlib), called from the package: the package's line is the one to read
    assert out.returncode == 2 and f"strategy crashy-package: ask raised TypeError: expected str, bytes or " \
        f"os.PathLike object, not NoneType (at {packages / 'crashy_package.py'}:8); fix it" in out.stderr, out.stderr


def test_a_crash_in_a_study_worker_names_the_plugin_line(tmp_path, data_dir):
    """Runs of a study execute in a process pool: the exception arrives re-raised by the pool, and the line
    still points at the plugin, not at concurrent/futures."""
    import os
    import subprocess
    import sys

    plugin = tmp_path / "crashy.py"
    plugin.write_text("from nasloop.engine.registry import register_strategy\n"
                      "from nasloop.strategies.random_search import RandomSearch\n\n\n"
                      "@register_strategy('crashy')\n"
                      "class Crashy(RandomSearch):\n"
                      "    def ask(self, n):\n"
                      "        return 1 / 0\n")
    argv = [sys.executable, "-m", "nasloop.engine.cli", "--plugin", str(plugin), "compare", "--methods",
            "crashy,random", "--jobs", "2", "--seeds", "1", "--budget", "4", "--out", str(tmp_path / "study")]
    out = subprocess.run(argv, cwd=tmp_path, env=dict(os.environ, NASLOOP_DATA=str(data_dir)), capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 1 and out.stderr.count("\n") == 1, out.stderr
    assert f"strategy crashy: ask raised ZeroDivisionError: division by zero (at {plugin}:8); fix it" in out.stderr


def test_exit_called_by_a_plugin_mid_search_is_one_line_and_recorded(tmp_path, capsys, data_dir):
    import sys

    from nasloop.engine.registry import register_strategy
    from nasloop.strategies.random_search import RandomSearch

    @register_strategy("failing-exits")
    class Exits(RandomSearch):
        def ask(self, n):
            sys.exit(3)

    argv = ["search", "--strategy", "failing-exits", "--budget", "4", "--data-dir", str(data_dir),
            "--run-dir", str(tmp_path / "run")]
    assert cli.main(argv) == 1
    error = capsys.readouterr().err
    assert "unexpected SystemExit in " in error and "(ask): exit(3) was called, which ends nasloop" in error
    Path(re.search(r"the traceback is in (\S+);", error).group(1)).unlink()
    assert summarize(tmp_path / "run")["stop_reason"].startswith("exit(3) was called; continue with")


class Interrupted(TabularEvaluator):
    """A table lookup the user interrupts (Ctrl-C) on its third call (``calls`` is reset by each test)."""

    instant = False  # asked and answered in separate writes, as a training is
    calls = 0

    def evaluate(self, arch, fidelity=None):
        type(self).calls += 1
        if type(self).calls == 3:
            raise KeyboardInterrupt
        return super().evaluate(arch, fidelity)


def test_a_run_stopped_mid_evaluation_shows_what_did_not_finish(tmp_path, capsys, data_dir):
    Interrupted.calls = 0
    run = tmp_path / "run"
    argv = ["search", "--evaluator", "failing-interrupted", "--strategy", "random", "--budget", "6",
            "--data-dir", str(data_dir), "--run-dir", str(run)]
    assert cli.main(argv) == 130
    capsys.readouterr()
    assert cli.main(["show", str(run)]) == 0
    shown = capsys.readouterr().out
    assert "interrupted" in shown and "1 not finished" in shown
    assert "3 of 6 started" in shown  # the count is of evaluations started, the unfinished one among them


def test_a_resume_that_finishes_an_interrupted_evaluation_did_something(tmp_path, data_dir, capsys):
    """A run interrupted during its last evaluation was resumed, the evaluation finished, and the note said
    'nothing to do': the started evaluation was counted as done before the resume."""
    Interrupted.calls = 0
    run = tmp_path / "run"
    assert cli.main(["search", "--evaluator", "failing-interrupted", "--strategy", "random", "--budget", "3",
                     "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 130
    assert summarize(run)["pending"] == 1
    capsys.readouterr()
    assert cli.main(["search", "--resume", str(run), "--quiet"]) == 0
    assert "nothing to do" not in capsys.readouterr().err
    assert summarize(run)["evaluations"] == 3 and summarize(run)["pending"] == 0


class MatrixEncoding(NanEncoding):
    """NB201 whose vector encoding is a matrix: it failed inside botorch or numpy."""

    def _encode(self, arch, kind):
        return np.asarray(arch, dtype=np.float32).reshape(2, 3)


def test_a_plugins_broken_contract_is_named_in_one_line(tmp_path, capsys, data_dir):
    """An evaluator returning words, a strategy keeping an array in its state and a 2-D vector encoding surfaced as
    nasloop's own ValueError or TypeError, or one of botorch's."""
    from nasloop.engine.evaluators.base import Evaluator
    from nasloop.engine.registry import register_evaluator, register_strategy
    from nasloop.engine.types import Result
    from nasloop.strategies.random_search import RandomSearch

    @register_evaluator("failing-words")
    class Words(Evaluator):
        def evaluate(self, arch, fidelity=None):
            return Result(metrics={"val_accuracy": "high"}, cost=1.0)

    @register_strategy("failing-array-state")
    class ArrayState(RandomSearch):  # an array once it has heard results: refused at that save, and recorded
        seen = None

        def tell(self, observations):
            super().tell(observations)
            self.seen = np.zeros(3)

        def state_dict(self):
            return {**super().state_dict(), "seen": self.seen}

        def load_state_dict(self, state):
            super().load_state_dict(state)
            self.seen = state["seen"]

    @register_strategy("failing-too-many")
    class TooMany(RandomSearch):  # the loop evaluated all of them: 12 evaluations of a budget of 10
        def ask(self, n):
            return super().ask(n + 3)

    @register_strategy("failing-strings")
    class Strings(RandomSearch):  # named as the space's bad input, not as the strategy's
        def ask(self, n):
            return [self.space.format(arch) for arch in super().ask(n)]

    cases = [(["--space", "chain-free", "--evaluator", "failing-words"],
              ["evaluator failing-words: evaluate returned metric 'val_accuracy' = 'high', not a number"]),
             (["--strategy", "failing-array-state"], ["strategy failing-array-state: its state_dict (its "
                                                      "predictor's included) holds a numpy.ndarray at state['seen'], "
                                                      "which the run store keeps as JSON; return plain lists"]),
             (["--strategy", "failing-too-many"], ["strategy failing-too-many: ask(1) returned 4 architectures; "
                                                   "return a list of one architecture"]),
             (["--strategy", "failing-strings"], ["strategy failing-strings proposed '|", ", a string; return the "
                                                  "space's architectures (space.parse(text) reads a string form)"])]
    for number, (argv, fragments) in enumerate(cases):
        run = tmp_path / f"run{number}"
        strategy = [] if "--strategy" in argv else ["--strategy", "random"]  # a flag is given once
        assert cli.main(["search", *strategy, *argv, "--budget", "8", "--seed", "0", "--data-dir",
                         str(data_dir), "--run-dir", str(run)]) == 2
        error = capsys.readouterr().err
        assert all(fragment in error for fragment in fragments) and error.count("\n") == 1, error
        shown = summarize(run)  # the failure is recorded, with its cause (a lookup group left open swallowed it)
        assert shown["status"] == "failed" and fragments[0] in shown["stop_reason"], shown
    matrix = ["search", "--space", "failing-matrix-encoding", "--strategy", "bananas", "--predictor", "gp", "--budget",
              "8", "--data-dir", str(data_dir), "--run-dir", str(tmp_path / "matrix")]
    assert cli.main(matrix) == 2  # named before the run exists, since the encodings are probed first
    error = capsys.readouterr().err
    assert "search space 'nb201' encodes |" in error and "| as 'raw' with shape (2, 3); a vector encoding is one " \
        "1-D array" in error and error.count("\n") == 1, error
    assert not (tmp_path / "matrix").exists()


def test_a_plugin_evaluators_nan_is_not_blamed_on_a_benchmark(tmp_path, data_dir):
    from nasloop.engine.evaluators.base import Evaluator
    from nasloop.engine.registry import register_evaluator
    from nasloop.engine.types import Result

    @register_evaluator("failing-nan-score")
    class NanScore(Evaluator):
        def evaluate(self, arch, fidelity=None):
            return Result(metrics={"val_accuracy": float("nan")}, cost=1.0)

    @register_evaluator("failing-none-score")
    class NoneScore(Evaluator):  # None is a value unknown, as the store reads it, not a broken contract
        def evaluate(self, arch, fidelity=None):
            return Result(metrics={"val_accuracy": None, "latency": 3.0}, cost=1.0)

    for name, said in (("nan", "nan"), ("none", "no value")):
        run = tmp_path / name
        assert cli.main(["search", "--space", "chain-free", "--evaluator", f"failing-{name}-score", "--strategy",
                         "random", "--budget", "3", "--run-dir", str(run), "--quiet"]) == 1
        assert f"no finite 'val_accuracy' in this result (evaluator failing-{name}-score gave {said})" in \
            summarize(run)["stop_reason"]


def test_an_evaluators_numpy_numbers_are_stored_as_numbers(tmp_path, data_dir):
    """numpy's numbers pass as real numbers; a float32 cost went into SQLite as bytes and the finished run was
    refused as damaged by show and resume, and a float32 metric stopped the run with json's TypeError."""
    from nasloop.engine.evaluators.base import Evaluator
    from nasloop.engine.registry import register_evaluator
    from nasloop.engine.types import Result

    @register_evaluator("numpy-numbers")
    class NumpyNumbers(Evaluator):
        def evaluate(self, arch, fidelity=None):
            return Result(metrics={"val_accuracy": np.float32(len(arch)), "params": np.int64(5)},
                          cost=np.float32(1.5), cost_estimated=np.bool_(True))

    run = tmp_path / "run"
    argv = ["search", "--space", "chain-free", "--evaluator", "numpy-numbers", "--strategy", "random", "--seed", "0",
            "--run-dir", str(run), "--quiet"]
    assert cli.main([*argv[:-3], "--budget", "4", *argv[-3:]]) == 0
    assert cli.main(["search", "--resume", str(run), "--budget", "6", "--quiet"]) == 0
    shown = summarize(run)
    assert shown["evaluations"] == 6 and shown["budget"]["seconds_used"] == 9.0
    assert shown["best"]["metrics"] == {"val_accuracy": shown["best"]["score"], "params": 5.0}


class YieldsNeighbours(NB201Space):
    name = "yields-neighbours"

    def neighbours(self, arch):  # a generator, not a list: local search failed on len()
        yield from super().neighbours(arch)


def test_a_space_yielding_its_neighbours_is_climbed(tmp_path, data_dir):
    assert cli.main(["search", "--space", "yields-neighbours", "--evaluator", "proxy", "--evaluator-opt",
                     "proxies=params", "--strategy", "local", "--budget", "12", "--data-dir", str(data_dir),
                     "--run-dir", str(tmp_path / "run"), "--quiet"]) == 0
    assert summarize(tmp_path / "run")["evaluations"] == 12

