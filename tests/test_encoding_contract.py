"""A space breaking its encoding contract is named before the first evaluation, not at the predictor's first fit."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.registry import register_search_space
from nasloop.engine.search import search
from nasloop.search_spaces.base import GraphEncoding
from nasloop.search_spaces.nb201 import NB201Space

VARLEN = "search space 'nb201-varlen' encodes .* as 'path' with shape \\(\\d+,\\) \\(the first, \\(\\d+,\\)\\); " \
         "a vector encoding is one 1-D array of the same length for every architecture"
STRAY = "search space 'nb201-stray' encodes .* as 'graph' with the op 'nb201-stray/mystery', which its graph_ops " \
        "do not list; add 'mystery' to graph_ops"


@pytest.fixture
def broken_spaces() -> None:
    """NB201 with its table, one encoding broken each way (registered per test: the conftest drops them after)."""

    @register_search_space("nb201-varlen")
    class VarLen(NB201Space):
        name = "nb201-varlen"

        def _encode(self, arch, kind):
            encoded = super()._encode(arch, kind)
            return encoded[:-1] if kind == "path" and arch[0] == 0 else encoded  # a shorter vector for some

    @register_search_space("nb201-stray")
    class Stray(NB201Space):
        name = "nb201-stray"

        def _encode(self, arch, kind):
            encoded = super()._encode(arch, kind)
            if kind != "graph":
                return encoded
            return GraphEncoding((*encoded.ops[:-2], f"{self.name}/mystery", encoded.ops[-1]), encoded.edges)


@pytest.mark.parametrize("space,strategy,predictor,error", [
    ("nb201-varlen", "bananas", "gp", VARLEN), ("nb201-varlen", "bo", None, VARLEN),
    ("nb201-stray", "predictor-topk", "emprox", STRAY), ("nb201-stray", "bananas", "forest", STRAY)])
def test_a_broken_encoding_is_refused_before_anything_runs(broken_spaces, tmp_path, data_dir, space, strategy,
                                                           predictor, error):
    """EmProx read the stray op as unknown and the forest's graph features dropped it, for a whole run; a vector
    of another length failed at the first fit, after the initial evaluations."""
    run = tmp_path / "run"
    with pytest.raises(ConfigError, match=error):
        search(SearchConfig(space=space, strategy=strategy, predictor=predictor, budget=20, data_dir=str(data_dir),
                            run_dir=str(run)))
    assert not run.exists()


def test_predictors_evaluate_names_a_broken_encoding(broken_spaces, data_dir, capsys):
    assert main(["predictors", "evaluate", "--space", "nb201-stray", "--predictor", "emprox", "--train-sizes", "8",
                 "--seeds", "1", "--data-dir", str(data_dir)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "which its graph_ops do not list" in error, error

