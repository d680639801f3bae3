"""A report's figures give each metric's unit on its axis where the run's benchmark or evaluator names one: the
anytime figure read 'best val_accuracy so far', leaving its reader to guess whether 91.6 was a percentage, and a
front's axis 'edgegpu_latency:min', whether 1.9 was milliseconds or seconds. A metric no plugin gives a unit (a
user's benchmark, whose 'val_accuracy' may count anything) is drawn bare."""
from __future__ import annotations

import re
from pathlib import Path

from nasloop.engine.assemble import metric_unit
from nasloop.engine.cli import main
from nasloop.engine.registry import register_benchmark, register_search_space
from nasloop.engine.types import Result
from nasloop.search_spaces.benchmark import Benchmark, Task
from nasloop.search_spaces.nb201.space import NB201Space


def drawn_texts(svg: Path) -> list[str]:
    """The texts of a matplotlib SVG (each written as a comment before its glyphs)."""
    return re.findall(r"<!-- (.*?) -->", svg.read_text(encoding="utf-8"))


def test_a_studys_anytime_axes_give_the_accuracy_in_percent(tmp_path: Path, data_dir: Path) -> None:
    study = tmp_path / "study"
    assert main(["compare", "--methods", "random", "--seeds", "2", "--budget", "4", "--out", str(study),
                 "--data-dir", str(data_dir), "--quiet"]) == 0
    for figure in ("anytime", "anytime_log"):
        texts = drawn_texts(study / "figures" / f"{figure}.svg")
        assert "best val_accuracy so far (%)" in texts and "target (91.57)" in texts  # the table's best
    # a log query axis read 10^0 and 2x10^0, 3x10^0...: its ticks are numbers now
    log_svg = (study / "figures" / "anytime_log.svg").read_text(encoding="utf-8")
    ticks = re.findall(r'<g id="xtick_\d+">.*?<!-- (.*?) -->', log_svg, re.DOTALL)
    assert "1" in ticks and all(tick.replace(",", "").isdigit() for tick in ticks if tick[0] != "q"), ticks
    # the figure alone, apart from the report, said 'queries to the target' and not which
    assert "target: val_accuracy 91.57 %" in drawn_texts(study / "figures" / "queries_to_target.svg")


def test_a_runs_front_gives_the_accuracy_in_percent_and_the_latency_in_ms(tmp_path: Path, data_dir: Path) -> None:
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--strategy", "random", "--objectives",
                 "val_accuracy:max,edgegpu_latency:min", "--budget", "6", "--data-dir", str(data_dir),
                 "--run-dir", str(run), "--quiet"]) == 0
    assert main(["report", str(run)]) == 0
    texts = drawn_texts(run / "report" / "figures" / "pareto_front.svg")
    assert "val_accuracy:max (%)" in texts and "edgegpu_latency:min (ms)" in texts
    assert "val_accuracy (%)" in drawn_texts(run / "report" / "figures" / "trajectory.svg")


def test_units_come_from_the_plugins_that_report_the_metric() -> None:
    assert metric_unit("nb201", "tabular", "params_m") == "millions"
    assert metric_unit("nb201", "tabular", "eyeriss_arithmetic_intensity") == ""  # a ratio: no unit
    assert metric_unit("tnb101-micro", "tabular", "val_ssim") == ""
    assert metric_unit("nb201", "train", "val_accuracy") == "%"  # the trainer measures it, in percent
    assert metric_unit("nb201", "proxy", "synflow") == ""


def test_a_users_benchmark_names_no_unit_unless_it_lists_one() -> None:
    class CountSpace(NB201Space):
        """NB201 cells scored by a formula of the user's."""

        name, benchmark = "c8-count", "c8-count"

    class Count(Benchmark):
        """Counts convolutions, reported under nasloop's accuracy name."""

        tasks, table = (Task("cifar10", "val_accuracy"),), None

        def fidelities(self, task):
            return [1]

        def query(self, arch, task, fidelity=None):
            return Result(metrics={"val_accuracy": float(sum(op > 1 for op in arch))}, cost=1.0)

        @classmethod
        def recognise_source(cls, path):
            return None

        @classmethod
        def import_files(cls, paths):
            raise NotImplementedError

    register_search_space("c8-count")(CountSpace)
    register_benchmark("c8-count")(Count)
    assert metric_unit("c8-count", "tabular", "val_accuracy") == ""
    Count.metric_units = {"val_accuracy": "convolutions"}
    assert metric_unit("c8-count", "tabular", "val_accuracy") == "convolutions"
