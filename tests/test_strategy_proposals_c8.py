"""A user's strategy whose ask returns one architecture, not a list of one, is told so in one line: an NB201 cell,
a tuple of six op indices, was refused as 'ask(1) returned 6 architectures', and where the count fitted (ask(8))
as a proposal of the bare op index 4, naming what the tuple held, not that it was no list."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.errors import ConfigError
from nasloop.engine.proposals import checked_proposals
from nasloop.engine.registry import register_strategy
from nasloop.search_spaces.nb201.space import NB201Space
from nasloop.strategies.base import Strategy


class OneNotList(Strategy):
    """Returns a sampled architecture itself, the list around it forgotten."""

    def ask(self, n):
        return self.space.sample(self.rng)

    def tell(self, observations):
        pass


def test_a_search_names_one_architecture_returned_for_a_list(tmp_path, data_dir, capsys):
    register_strategy("c8-one-not-list")(OneNotList)
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--strategy", "c8-one-not-list", "--budget", "5",
                 "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert "strategy c8-one-not-list: ask(1) returned one architecture, (" in error
    assert "not a list of them; return [arch]" in error and "6 architectures" not in error


@pytest.mark.parametrize("wrap", [tuple, list])
def test_one_architecture_is_named_where_its_length_fits_the_count(wrap):
    space = NB201Space()
    strategy = OneNotList(space)
    cell = space.sample(np.random.default_rng(0))
    with pytest.raises(ConfigError, match=r"ask\(8\) returned one architecture, .*not a list of them; return \[arch\]"):
        checked_proposals(space, strategy, wrap(cell), 8)


def test_a_list_of_architectures_and_other_faults_keep_their_lines():
    space = NB201Space()
    strategy = OneNotList(space)
    cells = [space.sample(np.random.default_rng(seed)) for seed in range(3)]
    assert checked_proposals(space, strategy, cells, 3) == cells
    with pytest.raises(ConfigError, match=r"ask\(2\) returned 3 architectures; return a list of 1 to 2"):
        checked_proposals(space, strategy, cells, 2)
    with pytest.raises(ConfigError, match=r"proposed '\|none~0\|', a string"):
        checked_proposals(space, strategy, ["|none~0|"], 1)
