"""The cache of NB301 cells' functional forms is bounded, and still serves the tests' 700-evaluation evolution.

``checked_form`` kept 65,536 cells, up to 115 MB where nothing else held their tuples (1.8 kB a cell), for the rest
of the process after a DARTS search, where the evolution it was made for comes back to recent cells only.
"""
from __future__ import annotations

import gc
import tracemalloc
from typing import Iterator


from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search
from nasloop.search_spaces.cell_numbering import smallest_numbering
from nasloop.search_spaces.darts.benchmark import checked_form
from nasloop.search_spaces.darts.genotype import DartsArch, check_arch

HELD_AT_MOST = 20e6  # bytes: the bound's 8,192 cells take 15 MB at most; 20,000 took 35 MB before


def _fresh_cells(count: int, start: int) -> Iterator[DartsArch]:
    """``count`` distinct DARTS cells of the space (every node reads the two inputs, its ops from ``start`` on in
    base 7), each of new tuples, as an evolution's neighbours are."""
    for number in range(start, start + count):
        ops = [(number // 7 ** k) % 7 for k in range(16)]
        yield tuple(tuple((source, op) for source, op in zip((0, 1) * 4, ops[8 * c:8 * c + 8])) for c in range(2))


def _held_per_cell(count: int) -> float:
    """Bytes the form cache holds for each of ``count`` fresh cells looked up, where it alone holds their tuples."""
    checked_form.cache_clear()
    gc.collect()
    tracemalloc.start()
    try:
        for arch in _fresh_cells(count, 10 ** 9):
            checked_form(arch)
        smallest_numbering.cache_clear()  # the cells' halves are then the form cache's alone
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
        checked_form.cache_clear()
        gc.collect()
        return (held - tracemalloc.get_traced_memory()[0]) / count
    finally:
        tracemalloc.stop()


def test_the_forms_of_many_fresh_cells_hold_a_bounded_memory():
    assert all(check_arch(arch) == arch for arch in _fresh_cells(50, 123_456))  # cells of the space
    checked_form.cache_clear()
    for arch in _fresh_cells(20_000, 0):  # an NB301 search looking up as many distinct neighbours
        checked_form(arch)
    kept = checked_form.cache_info().currsize
    per_cell = _held_per_cell(2_000)
    assert 1_000 < per_cell < 3_000  # 1.8 kB measured: its tuples, its form's text and the cache's own entry
    assert kept * per_cell <= HELD_AT_MOST, f"{kept:,} cells kept, {kept * per_cell / 1e6:.1f} MB"


def test_the_700_evaluation_evolution_still_finds_its_cells_forms_kept(tmp_path, data_dir):
    checked_form.cache_clear()
    summary = search(SearchConfig(space="darts", strategy="evolution", budget=700, seed=3, data_dir=str(data_dir),
                                  run_dir=str(tmp_path / "run")))
    assert summary["evaluations"] == 700
    info = checked_form.cache_info()
    # 365,000 of 393,000 lookups were hits unbounded: every one of 28,000 distinct cells missed once, no more
    assert info.hits >= 0.9 * (info.hits + info.misses), info
