"""A user's space whose moves give no architecture of it, or whose size or graph_ops are written wrong: one line
naming the method and the fix, before the run's folder exists, from a plugin file as a user loads one."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nasloop.engine import cli

pytestmark = pytest.mark.usefixtures("own_plugin_files")  # a plugin file's space leaves with its test

SPACE = '''
import numpy as np
from nasloop.engine.errors import ArchitectureError
from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.registry import register_evaluator, register_search_space
from nasloop.engine.types import Result
from nasloop.search_spaces.base import EnumerableSpace, GraphEncoding, NeighbourhoodSpace

WIDTHS = (8, 16, 32)


@register_search_space("c-widths")
class Widths(EnumerableSpace, NeighbourhoodSpace):
    """Three layers, each a width index into WIDTHS, written '8-16-32'."""
    name = "c-widths"
    graph_encodings = ("graph",)
    graph_ops = ("input", "w8", "w16", "w32", "output")

    def parse(self, text):
        parts = text.split("-")
        if len(parts) != 3 or not all(p.isdigit() and int(p) in WIDTHS for p in parts):
            raise ArchitectureError(f"'{text}' is not 3 widths of {WIDTHS} joined by '-'")
        return tuple(WIDTHS.index(int(p)) for p in parts)

    def format(self, arch):
        return "-".join(str(WIDTHS[w]) for w in arch)

    def sample(self, rng):
        return tuple(int(w) for w in rng.integers(0, 3, 3))

    def mutate(self, arch, rng):
        i = int(rng.integers(3))
        return arch[:i] + ((arch[i] + 1) % 3,) + arch[i + 1:]

    def neighbours(self, arch):
        return [arch[:i] + (w,) + arch[i + 1:] for i in range(3) for w in range(3) if w != arch[i]]

    @property
    def size(self):
        return 27

    def enumerate(self):
        return iter([(a, b, c) for a in range(3) for b in range(3) for c in range(3)])

    def _encode(self, arch, kind):
        ops = ("input",) + tuple(f"w{WIDTHS[w]}" for w in arch) + ("output",)
        return GraphEncoding(tuple(self.token(op) for op in ops), np.array([[0, 1, 2, 3], [1, 2, 3, 4]]))


@register_evaluator("c-sum")
class Sum(Evaluator):
    """The sum of the widths."""

    def evaluate(self, arch, fidelity=None):
        return Result(metrics={"val_accuracy": float(sum(arch))}, cost=0.0)
'''


def plugin_file(tmp_path: Path, text: str) -> Path:
    """``text`` as a plugin file of its test's own: a file's module loads once per process, and what it registers
    stays, so each test's file has its name and registers its plugins under it (c-widths-NAME, c-sum-NAME, ...)."""
    name = "".join(c for c in tmp_path.name if c.isalnum())
    plugin = tmp_path / f"widths_{name}.py"
    for plugin_name in ('"c-widths"', '"c-sum"', '"c-texts"'):
        text = text.replace(plugin_name, f'{plugin_name[:-1]}-{name}"')
    plugin.write_text(text)
    return plugin


def names(plugin: Path) -> list[str]:
    """The space and evaluator options of a search on the plugins of ``plugin``."""
    name = plugin.stem.partition("_")[2]
    return ["--space", f"c-widths-{name}", "--evaluator", f"c-sum-{name}"]


def search(tmp_path: Path, capsys, old: str, new: str, strategy: str = "random", *more: str) -> str:
    """The error line of a search on the space above with ``old`` replaced by ``new`` (``more``: further flags, a
    --budget among them replacing 4); the run folder must not exist."""
    assert old in SPACE
    plugin = plugin_file(tmp_path, SPACE.replace(old, new))
    run = tmp_path / "run"
    budget = [] if "--budget" in more else ["--budget", "4"]  # a flag is given once
    assert cli.main(["--plugin", str(plugin), "search", *names(plugin), "--strategy", strategy, *budget,
                     *more, "--run-dir", str(run), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and not run.exists()
    return error.replace(names(plugin)[1], "c-widths")


EDGES = "np.array([[0, 1, 2, 3], [1, 2, 3, 4]])"
"""The space's graph edges, as SPACE writes them."""


def edges_error(tmp_path: Path, capsys, edges: str) -> str:
    """The error line of a bananas search ranking with the random predictor (whose construction, the quickest,
    checks the space's encodings) on the space with graph ``edges`` instead of :data:`EDGES`."""
    return search(tmp_path, capsys, EDGES, edges, "bananas", "--predictor", "random", "--budget", "12")


def test_the_space_as_written_searches(tmp_path, capsys):
    plugin = plugin_file(tmp_path, SPACE)
    for strategy in ("random", "local", "evolution"):
        assert cli.main(["--plugin", str(plugin), "search", *names(plugin), "--strategy", strategy, "--budget", "4",
                         "--run-dir", str(tmp_path / strategy), "--quiet"]) == 0


@pytest.mark.parametrize("method,old,new", [
    ("mutate", "((arch[i] + 1) % 3,)", "(arch[i] + 1,)"),
    ("neighbours", "for w in range(3) if w != arch[i]]", "for w in range(4) if w != arch[i]]"),
    ("enumerate", "for c in range(3)])", "for c in range(4)])"),
    ("sample", "rng.integers(0, 3, 3)", "rng.integers(0, 4, 3)"),
])
def test_a_move_giving_no_architecture_of_the_space_is_named_before_the_run(tmp_path, capsys, method, old, new):
    """A width index one past the end failed in the user's format as an unexpected IndexError, inside the strategy,
    naming neither the method at fault nor the fix (a bad mutate after evolution's whole random start)."""
    error = search(tmp_path, capsys, old, new, "local" if method == "neighbours" else "random")
    assert f"error: search space 'c-widths': {method} returned (" in error
    assert "which its format cannot write (IndexError: tuple index out of range" in error
    assert f"make {method} return architectures of the space, which format writes and parse reads back" in error


@pytest.mark.parametrize("kind,new", [("numpy.ndarray", "return rng.integers(0, 3, 3)"),
                                      ("list", "return [int(w) for w in rng.integers(0, 3, 3)]")])
def test_a_sample_of_another_kind_than_parse_gives_is_named_not_the_next_mutate(tmp_path, capsys, kind, new):
    """A sample of numpy arrays wrote and read back as tuples do, and the check then blamed mutate (adding a tuple
    to an array gave no architecture of the space), though mutate was right for what parse gives."""
    error = search(tmp_path, capsys, "return tuple(int(w) for w in rng.integers(0, 3, 3))", new)
    assert f"error: search space 'c-widths': sample returned a {kind} (" in error
    assert "where parse reads its string back as a tuple; make sample return the kind parse does" in error


def test_a_misspelt_shared_operation_in_same_ops_is_named_with_the_space_and_the_fix(tmp_path, capsys):
    """It read "'conv3x3_typo' is not a shared operation; shared operations: ...", naming neither the space nor
    same_ops, where the user wrote it."""
    error = search(tmp_path, capsys, '    graph_ops = ("input", "w8", "w16", "w32", "output")',
                   '    graph_ops = ("input", "w8", "w16", "w32", "output")\n    same_ops = {"w8": "conv3x3_typo"}')
    assert ("search space 'c-widths' maps 'w8' to 'conv3x3_typo' in same_ops, which is not a shared operation; "
            "map it to one of ") in error
    assert "conv3x3, " in error and "or leave it out to keep the space's own token" in error


def test_a_format_returning_no_string_is_named(tmp_path, capsys):
    """It failed in nasloop's own hash: "unexpected AttributeError in search_spaces/base.py (hash)"."""
    error = search(tmp_path, capsys, 'return "-".join(str(WIDTHS[w]) for w in arch)', "return len(arch)")
    assert "error: search space 'c-widths': format returned int 3 for (" in error
    assert "return the architecture's string form, which parse reads back" in error


def test_a_size_written_as_a_method_is_named(tmp_path, capsys):
    """It failed comparing the budget with it: "'>' not supported between instances of 'int' and 'method'"."""
    error = search(tmp_path, capsys, "    @property\n    def size", "    def size")
    assert "search space 'c-widths': size is a method, not a number of architectures; make it a property" in error


def test_graph_ops_listing_tokens_instead_of_bare_names_is_named(tmp_path, capsys):
    """A space that listed 'c-widths/w8' in graph_ops was told to write self.token(op) for 'c-widths/c-widths/w8'."""
    error = search(tmp_path, capsys, 'graph_ops = ("input", "w8", "w16", "w32", "output")',
                   'graph_ops = ("c-widths/input", "c-widths/w8", "c-widths/w16", "c-widths/w32", "c-widths/output")')
    assert ("search space 'c-widths' lists 'c-widths/input' in graph_ops; list bare op names ('input'), and write "
            "self.token(op) in _encode") in error


STRATEGY = '''
from nasloop.engine.registry import register_strategy
from nasloop.strategies.base import Strategy


@register_strategy("c-texts")
class Texts(Strategy):
    """Proposes the string forms of samples, as a user forgetting space.parse does."""

    def ask(self, n):
        return [self.space.format(self.space.sample(self.rng)) for _ in range(n)]

    def tell(self, observations):
        pass
'''


def test_a_strategy_proposing_strings_is_named_when_the_spaces_format_chokes_on_them(tmp_path, capsys):
    """The space's format iterated the string: "unexpected ValueError in widths.py (<genexpr>): not enough values to
    unpack", naming neither the strategy nor the fix."""
    plugin = plugin_file(tmp_path, SPACE + STRATEGY)
    strategy = f"c-texts-{plugin.stem.partition('_')[2]}"
    assert cli.main(["--plugin", str(plugin), "search", *names(plugin), "--strategy", strategy, "--budget", "2",
                     "--run-dir", str(tmp_path / "run"), "--quiet"]) == 2
    error = capsys.readouterr().err.splitlines()[-1]  # after the note that it keeps no state
    assert error.startswith(f"nasloop search: error: strategy {strategy} proposed '")
    assert "', a string; return the space's architectures (space.parse(text) reads a string form)" in error


def test_graph_edges_written_target_first_are_named_before_the_run(tmp_path, capsys):
    """FLAN read such a chain as a graph whose output had no inputs, ranked on a one-step flow, without a word. Every
    predictor's construction checks the space's encodings (random's, the quickest, here)."""
    error = edges_error(tmp_path, capsys, "np.array([[1, 2, 3, 4], [0, 1, 2, 3]])")
    assert "as 'graph' with the edge (1, 0), whose source is not before its target; number the nodes in " in error


def test_the_depth_flan_propagates_does_not_depend_on_the_order_edges_are_listed_in():
    """A space listing (1, 2) before (0, 1) had its 2-step chain read as 1 step deep. The depth is the longest
    path anywhere, as its docstring says: a dead branch 1→2→3→4 beside the arc 0→5 is 3 deep."""
    from nasloop.predictors.flan_network import longest_path

    assert longest_path(3, np.array([[1, 0], [2, 1]])) == longest_path(3, np.array([[0, 1], [1, 2]])) == 2
    assert longest_path(6, np.array([[0, 1, 2, 3], [5, 2, 3, 4]])) == 3


def test_a_tournament_larger_than_the_population_names_the_fix(tmp_path, capsys):
    """'evolution needs sample_size <= population_size, got 10 and 5' left the user to guess which to change."""
    plugin = plugin_file(tmp_path, SPACE)
    assert cli.main(["--plugin", str(plugin), "search", *names(plugin), "--strategy", "evolution", "--strategy-opt",
                     "population_size=5", "--budget", "4", "--run-dir", str(tmp_path / "run")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "got 10 and 5; give sample_size=5 or less" in error
