"""NAS-Bench-Suite-Zero's stored scores of a cell without an input-output path follow nasloop's computed rule.

nasloop leaves every proxy that reads the images undefined for a network whose output ignores its input
(``proxy_scoring.output_ignores_input``). The suite stored numbers for some of them on such cells: snip, grasp,
grad_norm and plain 0, fisher 3.8e-5 (NB201's 341 cells, both of its files) and TNB101-micro's nwot 394.9; they
were read as scores, so a stored table and a computed one disagreed on what is undefined. The data-free proxies
(l2_norm, flops, params) keep their stored values.
"""
from __future__ import annotations

import math

import numpy as np
from nasloop.engine.proxy_registry import get_proxy
from nasloop.engine.proxy_scoring import score_architectures
from nasloop.search_spaces.cell_space import cells_without_path, live_cell, without_path
from nasloop.search_spaces.nb201 import NB201Benchmark, NB201Space
from nasloop.search_spaces.nb201.cell import SPEC
from nasloop.search_spaces.nb201.suite_zero import load_nb201_zc
from nasloop.search_spaces.suite_zero_csv import PROXIES, READS_IMAGES
from nasloop.search_spaces.tnb101.benchmark import TNB101MicroBenchmark
from nasloop.search_spaces.tnb101.codes import MICRO_SPEC
from nasloop.search_spaces.tnb101.space import TNB101MicroSpace

DATA_FREE = ("l2_norm", "flops", "params")
DEAD_CONV = "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|"  # its conv feeds only none edges


def test_the_suites_image_reading_proxies_are_nasloops_own():
    assert READS_IMAGES == {p for p in PROXIES if get_proxy(p).needs_data}


def test_nb201s_stored_proxies_are_undefined_on_exactly_the_cells_without_a_path(data_dir):
    space, benchmark = NB201Space(), NB201Benchmark(data_dir)
    cells = list(space.enumerate())
    pathless = np.array([live_cell(SPEC, c) == (SPEC.none,) * 6 for c in cells])
    assert pathless.sum() == 341 and (cells_without_path(SPEC) == pathless).all()
    for task in ("cifar10", "ImageNet16-120"):
        for proxy in READS_IMAGES:
            scores = benchmark.suite_zero(task)[proxy]
            assert np.isnan(scores[pathless]).all(), proxy
            assert np.isfinite(scores[~pathless]).all(), proxy
        for proxy in DATA_FREE:
            assert np.isfinite(benchmark.suite_zero(task)[proxy]).all(), proxy
        assert np.isfinite(benchmark.proxy_scores([cells[i] for i in np.flatnonzero(pathless)], "l2_norm", task)).all()


def test_a_stored_and_a_computed_score_are_undefined_alike(data_dir, one_torch_thread):
    space, benchmark = NB201Space(), NB201Benchmark(data_dir)
    live = "|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|none~0|nor_conv_3x3~1|avg_pool_3x3~2|"
    records = score_architectures(space, [DEAD_CONV, live], list(PROXIES), data_dir=data_dir, batch_size=16)
    for record in records:
        cell = space.parse(record["arch"])
        for proxy in PROXIES:
            stored = benchmark.proxy_scores([cell], proxy, "cifar10")[0]
            assert math.isnan(stored) == (record["scores"][proxy] is None), (record["arch"], proxy)
    assert without_path(SPEC, space.parse(DEAD_CONV)) and not without_path(SPEC, space.parse(live))


def test_the_early_partial_file_reads_them_undefined_too(data_dir):
    reference = load_nb201_zc("cifar10", data_dir)
    pathless = [cell for cell in reference if without_path(SPEC, cell)]
    assert pathless
    for cell in pathless:
        for proxy in READS_IMAGES & set(reference[cell]):
            assert math.isnan(reference[cell][proxy]), proxy
        assert all(math.isfinite(reference[cell][p]) for p in DATA_FREE if p in reference[cell])


def test_tnb101_micros_stored_proxies_follow_the_rule(data_dir):
    space, benchmark = TNB101MicroSpace(), TNB101MicroBenchmark(data_dir)
    cells = list(space.enumerate())
    pathless = np.array([without_path(MICRO_SPEC, c) for c in cells])
    assert pathless.sum() == 169
    suite = benchmark.suite_zero("class_scene")
    assert np.isnan(suite["nwot"][pathless]).all() and np.isfinite(suite["nwot"][~pathless]).all()
    assert np.isnan(suite["fisher"][pathless]).all() and np.isfinite(suite["l2_norm"]).all()
    jigsaw = benchmark.proxy_scores(cells, "epe_nas", "jigsaw")  # the JSON's own column, not only -1e8 there
    assert np.isnan(jigsaw[pathless]).all()
    assert np.isfinite(benchmark.proxy_scores(cells, "zen", "class_scene")[~pathless]).all()


def test_a_macro_skeleton_keeps_its_stored_epe_nas(data_dir):
    """Macro's architectures are skeletons, not cells: every one has a path, and its stored scores read as stored."""
    from nasloop.search_spaces.tnb101.benchmark import TNB101MacroBenchmark
    from nasloop.search_spaces.tnb101.space import TNB101MacroSpace

    benchmark = TNB101MacroBenchmark(data_dir)
    column = benchmark.table.columns["class_scene:proxy:epe_nas"]
    stored = np.where(column == -1e8, np.nan, column)
    archs = [benchmark._parse(a) for a in benchmark.table.columns["arch"].tolist()]
    assert np.array_equal(benchmark.proxy_scores(archs, "epe_nas", "class_scene"), stored, equal_nan=True)
    assert TNB101MacroSpace().size == len(archs)
