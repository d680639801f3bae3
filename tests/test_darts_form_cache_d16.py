"""The caches of DARTS cells' functional forms and numberings are bounded, and still serve the tests' 700-evaluation
NB301 evolution.

``checked_form`` and ``smallest_numbering`` kept 65,536 cells each, up to 115 MB and 81 MB where nothing else held
their tuples, for the rest of the process after a DARTS (or NDS) search, where the evolution they were made for
comes back to recent cells only.
"""
from __future__ import annotations

import gc
import tracemalloc
from typing import Any, Callable, Iterator

from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search
from nasloop.search_spaces.cell_numbering import smallest_numbering
from nasloop.search_spaces.darts.benchmark import checked_form
from nasloop.search_spaces.darts.genotype import DartsArch, check_arch

CACHES = (checked_form, smallest_numbering)


def _fresh_cells(count: int, start: int) -> Iterator[DartsArch]:
    """``count`` distinct DARTS cells of the space (every node reads the two inputs, its ops from ``start`` on in
    base 7, the normal cell's distinct too), each of new tuples, as an evolution's neighbours are."""
    for number in range(start, start + count):
        ops = [(number // 7 ** k) % 7 for k in range(16)]
        yield tuple(tuple((source, op) for source, op in zip((0, 1) * 4, ops[8 * c:8 * c + 8])) for c in range(2))


def _held_per_cell(cache: Any, key: Callable[[DartsArch], Any], count: int) -> float:
    """Bytes ``cache`` holds for each of ``count`` fresh cells looked up, where it alone holds their tuples. Both
    caches start empty (a full one's evictions free tuples that new ones reuse), and the tuples' free lists drained:
    a tuple taken from one is no allocation tracemalloc sees (a cell counted 0.9 kB, not 1.8)."""
    for each in CACHES:
        each.cache_clear()
    gc.collect()
    drained = [tuple([n] * size) for size in range(1, 21) for n in range(2_001)]  # CPython keeps 2,000 a size
    tracemalloc.start()
    try:
        for arch in _fresh_cells(count, 10 ** 9):
            cache(key(arch))
        for other in CACHES:  # the form cache's cells' halves are then its own
            if other is not cache:
                other.cache_clear()
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
        cache.cache_clear()
        gc.collect()
        return (held - tracemalloc.get_traced_memory()[0]) / count
    finally:
        tracemalloc.stop()
        del drained


def _held_after_many(cache: Any, key: Callable[[DartsArch], Any]) -> tuple[int, float]:
    """How many of 20,000 fresh cells (as many distinct neighbours as an NB301 search looks up) ``cache`` keeps, and
    the bytes each kept one holds."""
    cache.cache_clear()
    for arch in _fresh_cells(20_000, 0):
        cache(key(arch))
    return cache.cache_info().currsize, _held_per_cell(cache, key, 2_000)


def test_the_forms_of_many_fresh_cells_hold_a_bounded_memory():
    assert all(check_arch(arch) == arch for arch in _fresh_cells(50, 123_456))  # cells of the space
    kept, per_cell = _held_after_many(checked_form, lambda arch: arch)
    assert 1_000 < per_cell < 3_000  # 1.8 kB measured: its tuples, its form's text and the cache's own entry
    assert kept * per_cell <= 20e6, f"{kept:,} cells kept, {kept * per_cell / 1e6:.1f} MB"  # before: 35 MB


def test_the_numberings_of_many_fresh_cells_hold_a_bounded_memory():
    kept, per_cell = _held_after_many(smallest_numbering, lambda arch: arch[0])
    assert 500 < per_cell < 2_500  # 1.2 kB measured: the cell's tuples, its numbering's and the cache's entry
    assert kept * per_cell <= 14e6, f"{kept:,} cells kept, {kept * per_cell / 1e6:.1f} MB"  # before: 25 MB


def test_the_700_evaluation_evolution_still_finds_its_cells_forms_kept(tmp_path, data_dir):
    for cache in CACHES:
        cache.cache_clear()
    summary = search(SearchConfig(space="darts", strategy="evolution", budget=700, seed=3, data_dir=str(data_dir),
                                  run_dir=str(tmp_path / "run")))
    assert summary["evaluations"] == 700
    forms, numberings = (cache.cache_info() for cache in CACHES)
    # unbounded, 365,000 of 393,000 lookups were hits: each of 28,000 distinct cells missed once, no more
    assert forms.hits >= 0.9 * (forms.hits + forms.misses), forms
    # those misses' 96,000 numberings: 66,773 found kept unbounded, 65,340 at the bound
    assert numberings.hits >= 0.6 * (numberings.hits + numberings.misses), numberings
