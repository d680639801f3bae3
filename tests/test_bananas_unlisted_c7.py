"""Bananas on NB101 draws its random stream without listing the table's cells.

With no random candidates wanted (its default), each round still draws a permutation of the unseen cells and discards
it, as the recorded NB201 searches did (``test_nb201_trajectories`` replays them step for step). Counting the unseen
cells listed the whole table for it: NB101's 30,001 cells built and hashed every round. They are now counted off the
cells' hashes, which NB101 reads from its table's hash column.
"""
from __future__ import annotations

import numpy as np

from nasloop.engine.assemble import build_context
from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search
from nasloop.search_spaces.nb101 import benchmark as nb101_benchmark
from nasloop.search_spaces.nb101.space import NB101Space
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.predictors.gp import GPPredictor
from nasloop.strategies.bananas import Bananas

from .nb101_small_e import small_nb101


def _built() -> int:
    return nb101_benchmark._cells.cache_info().misses


def test_a_bananas_search_of_the_nb101_table_builds_none_of_its_cells(data_dir, tmp_path):
    folder = tmp_path / "data"  # a table of its own: the process may have listed the shared one's cells already
    folder.mkdir()
    (folder / "nasbench101_30k.json.gz").symlink_to(data_dir / "nasbench101_30k.json.gz")
    before = _built()
    summary = search(SearchConfig(space="nb101", strategy="bananas", predictor="gp", budget=16, seed=0,
                                  strategy_options={"num_init": 6, "batch_size": 5}, data_dir=str(folder),
                                  run_dir=str(tmp_path / "run")))
    assert summary["evaluations"] == 16 and summary["failed"] == 0
    assert _built() == before


def test_the_nb101_tables_hashes_are_those_of_its_listed_cells_read_without_building_them(data_dir, tmp_path):
    small_nb101(data_dir, tmp_path)
    space = NB101Space(context=build_context(NB101Space, "cifar10", str(tmp_path), lookup=True))
    before = _built()
    hashes = space.enumerated_hashes()
    assert _built() == before
    assert hashes == [space.hash(cell) for cell in space.enumerate()] and len(hashes) == space.size == 3


def test_a_round_wanting_no_random_candidates_draws_as_a_permutation_of_the_unseen_cells():
    space = NB201Space()
    strategy = Bananas(space, seed=5, predictor=GPPredictor(space))
    seen = strategy.ask(7)
    state = strategy.rng.bit_generator.state
    assert strategy._random_unseen(0) == []
    drawn = strategy.rng.random()
    strategy.rng.bit_generator.state = state
    strategy.rng.permutation(space.size - len({space.hash(a) for a in seen}))
    assert strategy.rng.random() == drawn and np.isfinite(drawn)
