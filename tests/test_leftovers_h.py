"""Leftovers reviewers found: a lookup of a cell a few-cell NB201 table lacks was charged an estimated training
time; a draw's own value (synflow@0) was no objective; a NAGO point over param_limit stopped 'nasloop proxies';
methods sharing no seed got a paired test; bo let an option it never reads pass at its default. Each test says
what a user saw before."""
from __future__ import annotations

import math

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.report import study_tables
from nasloop.engine.store import RunStore
from nasloop.engine.store_rows import Trial
from nasloop.engine.study_grid import Study
from nasloop.engine.study_results import MethodRuns, StudyResults
from nasloop.engine.study_stats import holm, paired_tests
from nasloop.engine.types import Result
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.search_spaces.nb201.benchmark import NB201Benchmark

from .messages import one_line
from .test_data_leftovers_b import naslib_pickle

pytestmark = pytest.mark.usefixtures("isolated_cache")  # neither the user's cache nor NASLOOP_DATA is read


def test_a_cell_a_few_cell_table_lacks_is_a_free_failure_naming_the_table(tmp_path, capsys):
    """Each lookup of a cell the pickle did not hold failed as 'no 12-epoch cifar10 result' and was still charged
    the FLOPs estimate of its training (five: hundreds of simulated seconds against --max-seconds). A search of the
    whole space on such a table is now refused before the run, as TransNAS-Bench-101's was (one rule for every
    table of part of its space, see test_partial_tables_b); a lookup of a cell it lacks stays a free failure."""
    data = tmp_path / "data"
    assert main(["data", "import", "--space", "nb201", str(naslib_pickle(tmp_path / "few.pickle", 2)),
                 "--out", str(data)]) == 0
    assert main(["search", "--space", "nb201", "--data-dir", str(data), "--strategy", "random", "--budget", "5",
                 "--run-dir", str(tmp_path / "run")]) == 2
    one_line(capsys.readouterr().err.strip(), "holds cifar10 12-epoch results for 2 of the space's 15,625")
    assert not (tmp_path / "run").exists()
    benchmark, space = NB201Benchmark(data), NB201Space()
    result = benchmark.query(list(space.enumerate())[100], "cifar10")
    one_line(result.reason, "not in the NB201 table", "holds 2 of the 15,625 cells")
    assert not result.ok and result.cost == 0 and not result.cost_estimated


def test_a_draws_own_value_is_an_objective_as_the_readme_says(tmp_path):
    """'--objectives params@1:min' was refused: 'the proxy evaluator reports no 'params@1' metric', though the
    README lists each draw's value (<metric>@<draw>) among what --objectives takes."""
    data = tmp_path / "data"
    data.mkdir()
    # NB201's networks, replicates differing in initial weights: the same code as NAGO's draws, without building
    # a NAGO generator's largest network for the size check (2 s)
    assert main(["search", "--space", "nb201", "--evaluator", "proxy",
                 "--proxies", "params", "--evaluator-opt", "replicates=2", "--objectives", "params@1:min",
                 "--strategy", "random", "--budget", "1", "--data-dir", str(data),
                 "--run-dir", str(tmp_path / "run")]) == 0
    with RunStore.in_run_dir(tmp_path / "run") as store:
        metrics = [t.result.metrics for t in store.evaluations()]
    assert len(metrics) == 1 and all({"params@0", "params@1"} <= set(m) for m in metrics)


BAD_POINT = "g1=10,4,0.1;g2=10,1;g3=10,4,0.1"  # its smallest network has 13,318 parameters
GOOD_POINT = "g1=3,2,0.5;g2=3,0.5;g3=3,2,0.5"


@pytest.mark.parametrize("out", [False, True])
def test_proxies_records_a_point_whose_network_cannot_be_built_and_goes_on(tmp_path, capsys, out):
    """At param_limit=13218 'nasloop proxies' stopped at the point over the limit (exit 2), the next one unscored;
    with --out, the file probe built it first and the command stopped before writing any row."""
    archs = tmp_path / "archs.txt"
    archs.write_text(f"{GOOD_POINT}\n{BAD_POINT}\n" if out else f"{BAD_POINT}\n{GOOD_POINT}\n")
    csv = tmp_path / "scores.csv"
    data = tmp_path / "data"
    data.mkdir()
    assert main(["proxies", "--space", "nago", "--space-opt", "param_limit=13218", "--archs-file", str(archs),
                 "--proxies", "params", "--data-dir", str(data), *(["--out", str(csv)] if out else [])]) == 0
    printed = capsys.readouterr().out
    if out:
        one_line(printed.splitlines()[0], "2 architectures scored", "1 failed, their rows empty", "13,318 parameters")
        rows = csv.read_text().splitlines()[2:]
        assert rows[0].startswith(f'"{GOOD_POINT}",0.0') and rows[1] == f'"{BAD_POINT}",'
    else:
        bad, good = printed.splitlines()
        one_line(bad, BAD_POINT, "failed: its network cannot be built", "param_limit to at least 13318")
        assert good.startswith(f"{GOOD_POINT}  params=0.0")


def test_methods_without_a_shared_seed_have_no_paired_test_and_leave_holms_family(tmp_path):
    """Two methods of a study that finished no seed in common read '0/0, p 1, n.s.', as if a test had found no
    difference; and counted in Holm's family, such a pair raised every other pair's adjusted p."""
    nan = math.nan
    a, b, c = np.array([1.0, 2.0, 3.0, nan, 5.0, 6.0]), np.array([nan] * 3 + [4.0, nan, nan]), np.arange(6.0) - 1
    tests = {(t.a, t.b): t for t in paired_tests({"a": a, "b": b, "c": c})}
    none = tests[("a", "b")]
    assert none.pairs == 0 and math.isnan(none.p_value) and math.isnan(none.p_holm) and not none.significant
    tested = [tests[("a", "c")], tests[("b", "c")]]
    assert [t.pairs for t in tested] == [5, 1]
    assert [t.p_holm for t in tested] == holm([t.p_value for t in tested])  # a family of two, not three

    def runs(label: str, seed: int, scores: list[float]) -> MethodRuns:
        method = MethodRuns(label)
        trials = [Trial(i, i, f"arch-{i}", f"key-{i}", None, "done", None, score,
                        Result(metrics={"val_accuracy": score}), True, 0.0, 1.0) for i, score in enumerate(scores)]
        method.add(seed, trials, 3, None, 1.0)
        return method

    results = StudyResults(Study(tmp_path, SearchConfig(), [], [0, 1]), 3, "val_accuracy", False, None,  # random's
                           # seed 1 and local's seed 0 deleted
                           {"random": runs("random", 0, [70.0, 80.0, 90.0]), "local": runs("local", 1, [75.0] * 3)},
                           [])
    head, rows = study_tables(results)["tests"]
    assert rows == [["random vs local", "–", "no shared seed", "0", "–", "–", "–", "no pair to test"]]


@pytest.mark.parametrize("space, option", [("nago", "pool_size=1000"), ("nago", "encoding=unit"),
                                           ("nb201", "num_restarts=8")])
def test_an_option_bo_never_reads_on_the_space_is_refused_at_its_default_too(tmp_path, capsys, space, option):
    """'--strategy-opt pool_size=1000' on NAGO passed without a word (1000 is the default), while 999 was refused:
    the constructor could only compare the value with its default, not tell that it was given."""
    data = tmp_path / "data"
    data.mkdir()
    assert main(["search", "--space", space, "--strategy", "bo", "--strategy-opt", option, "--budget", "1",
                 "--data-dir", str(data), "--run-dir", str(tmp_path / "run"),
                 *(["--evaluator", "proxy", "--proxies", "params"] if space == "nago" else [])]) == 2
    name = option.split("=")[0]
    one_line(capsys.readouterr().err.strip(), f"strategy 'bo' searches '{space}'", f"does not read the {name} option",
             "drop it")
    assert not (tmp_path / "run").exists()
