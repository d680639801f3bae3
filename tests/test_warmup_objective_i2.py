"""predictor-topk's warm-up and the run's objective.

The default warm-up (``warmup: auto``) ranks NB201 by the stored proxies params and zen, which rank for accuracy: a
``--objective params_m --minimize`` search spent its first picks on the largest cells (best 0.3163 M parameters after
20 evaluations, where a random start found the table's 0.0733). It now warms up only for the task's own metric in
its own direction, and a warm-up named with another objective is kept with a note. A benchmark warm-up refused on a
space without a table advised 'warmup: [params, zen]', which was refused next (10,000 networks to build): the
refusal now gives the whole fix, pool included, as flags, and ``compare`` rewrites it as one method's options.
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from nasloop import SearchConfig
from nasloop.engine.cli import main
from nasloop.engine.search import build_plugins
from nasloop.engine.study_methods import MethodSource, as_method_advice
from nasloop.strategies.warmup import COMPUTED_POOL_LIMIT

from .messages import one_line

EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "custom_space.py")
NOTE = "rank architectures for accuracy"

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def picks(run: Path) -> list[str]:
    """The architectures a run evaluated, in the order it asked for them."""
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        return [row[0] for row in db.execute("SELECT arch FROM trials WHERE state != 'duplicate' ORDER BY id")]


def nb201_search(tmp_path: Path, data_dir: Path, name: str, *flags: str) -> list[str]:
    """The first picks of the real command shape (six: all of them the strategy's initial ones)."""
    run = tmp_path / name
    assert main(["search", "--strategy", "predictor-topk", "--predictor", "gp", "--budget", "6", "--data-dir",
                 str(data_dir), "--run-dir", str(run), "--quiet", *flags]) == 0
    return picks(run)


def test_auto_warms_up_for_the_tasks_metric_only(tmp_path, data_dir, capsys):
    accuracy = nb201_search(tmp_path, data_dir, "default")
    assert accuracy == nb201_search(tmp_path, data_dir, "named", "--strategy-opt", "warmup=[params,zen]")
    assert accuracy == nb201_search(tmp_path, data_dir, "own", "--objective", "val_accuracy")  # the task's own
    size = nb201_search(tmp_path, data_dir, "size", "--objective", "params_m", "--minimize")
    assert not set(size) & set(accuracy)  # a random start, not the proxies' largest cells
    assert size == nb201_search(tmp_path, data_dir, "random", "--objective", "params_m", "--minimize",
                                "--strategy-opt", "warmup=null")
    reversed_accuracy = nb201_search(tmp_path, data_dir, "worst", "--objective", "val_accuracy", "--minimize")
    assert not set(reversed_accuracy) & set(accuracy)  # the task's metric in the other direction
    assert NOTE not in capsys.readouterr().err


def test_a_warmup_named_for_another_objective_is_kept_with_a_note(tmp_path, data_dir, capsys):
    accuracy = nb201_search(tmp_path, data_dir, "default")
    assert NOTE not in capsys.readouterr().err
    latency = nb201_search(tmp_path, data_dir, "latency", "--objective", "edgegpu_latency", "--minimize",
                           "--strategy-opt", "warmup=true")
    assert latency == accuracy  # asked for, so kept
    notes = [line for line in capsys.readouterr().err.splitlines() if NOTE in line]
    assert len(notes) == 1
    one_line(notes[0], "note:", "(params, zen)", "not for edgegpu_latency:min", "warmup: null")


def test_the_refused_benchmark_warmup_gives_a_fix_that_runs(tmp_path, data_dir, capsys):
    run = tmp_path / "run"
    command = ["--plugin", EXAMPLE, "search", "--space", "macro-cnn", "--space-opt", "stages=2", "--evaluator",
               "proxy", "--proxies", "synflow", "--strategy", "predictor-topk", "--predictor", "gp", "--data-dir",
               str(data_dir), "--run-dir", str(run), "--quiet"]
    assert main([*command, "--budget", "3", "--strategy-opt", "warmup=true"]) == 2
    err = one_line(capsys.readouterr().err.strip(), "search space 'macro-cnn' has none")
    fix = re.search(r"--strategy-opt '(warmup=[^']+)' --strategy-opt warmup_pool=(\d+)$", err)
    assert fix is not None, err
    warmup, pool = fix.group(1), int(fix.group(2))
    assert 0 < pool <= COMPUTED_POOL_LIMIT
    assert not run.exists()
    # the advised pool is accepted (built, not ranked: ranking it builds its networks)...
    options = {"warmup": warmup.partition("=")[2].strip("[]").split(","), "warmup_pool": pool}
    build_plugins(SearchConfig(space="macro-cnn", plugins=[EXAMPLE], space_options={"stages": 2},
                               evaluator="proxy", evaluator_options={"proxies": ["synflow"]},
                               strategy="predictor-topk", predictor="gp", strategy_options=options,
                               data_dir=str(data_dir), run_dir=str(tmp_path / "built")))
    # ...and the advice, followed as written with a smaller pool, runs
    assert main([*command, "--budget", "3", "--strategy-opt", warmup, "--strategy-opt", "warmup_pool=4"]) == 0
    assert len(picks(run)) == 3


def test_compare_writes_the_advised_warmup_and_pool_as_one_methods_options(tmp_path, data_dir, capsys):
    out = tmp_path / "study"
    assert main(["--plugin", EXAMPLE, "compare", "--space", "macro-cnn", "--space-opt", "stages=2", "--evaluator",
                 "proxy", "--evaluator-opt", "proxies=synflow", "--methods", "predictor-topk:gp+warmup=true",
                 "--budget", "3", "--seeds", "1", "--data-dir", str(data_dir), "--out", str(out)]) == 2
    err = one_line(capsys.readouterr().err.strip(), "search space 'macro-cnn' has none")
    assert "--strategy-opt" not in err and "+warmup_pool" not in err  # a methods file reads neither
    assert ("'warmup: [params,zen]' and 'warmup_pool: 200' (in the method's strategy_options, in a --methods-file: "
            "--methods splits at commas)") in err
    # followed as written, in a methods file (with a smaller pool), the study runs
    methods = tmp_path / "methods.yaml"
    methods.write_text("- strategy: predictor-topk\n  predictor: gp\n"
                       "  strategy_options: {warmup: [params,zen], warmup_pool: 4}\n")
    assert main(["--plugin", EXAMPLE, "compare", "--space", "macro-cnn", "--space-opt", "stages=2", "--evaluator",
                 "proxy", "--evaluator-opt", "proxies=synflow", "--methods-file", str(methods), "--budget", "3",
                 "--seeds", "1", "--data-dir", str(data_dir), "--out", str(out)]) == 0
    advice = "e.g. --strategy-opt 'warmup=[params,zen]' --strategy-opt warmup_pool=200"
    in_file = as_method_advice(advice, MethodSource("/study/methods.yaml", 2))
    assert in_file == ("e.g. 'warmup: [params,zen]' and 'warmup_pool: 200' (in the strategy_options of method 2 "
                       "of /study/methods.yaml)")
    unlisted = as_method_advice("add --strategy-opt num_init=4 --strategy-opt batch_size=2", MethodSource())
    assert unlisted == "add '+num_init=4+batch_size=2' (the method's options)"
