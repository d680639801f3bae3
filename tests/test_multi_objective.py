"""Several objectives on the real NB201 table: the front, its hypervolume, strategies and bad input."""
from __future__ import annotations

import itertools
import json
import re
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.objectives import Objective, hypervolume, parse_objectives
from nasloop.engine.search import search
from nasloop.engine.store import RunStore
from nasloop.strategies.evolution import crowded_order

OBJECTIVES = ["val_accuracy:max", "params_m:min"]


def run(tmp_path, name, data_dir, **config):
    return search(SearchConfig(data_dir=str(data_dir), run_dir=str(tmp_path / name), **config))


def sweep_hypervolume(points: np.ndarray, ref: np.ndarray) -> float:
    """2-D hypervolume by a sweep over points sorted by the first objective (both maximised)."""
    pts = sorted((p for p in points if (p > ref).all()), key=lambda p: -p[0])
    volume, best_second = 0.0, ref[1]
    for p in pts:
        if p[1] > best_second:
            volume += (p[0] - ref[0]) * (p[1] - best_second)
            best_second = p[1]
    return volume


def test_objectives_parse_and_refuse_bad_forms():
    assert parse_objectives("val_accuracy:max,params_m:min") == (Objective("val_accuracy"),
                                                                Objective("params_m", minimize=True))
    assert parse_objectives(["flops_m"]) == (Objective("flops_m"),)
    for bad in ("val_accuracy:up", ":min", "a:max,a:min"):
        with pytest.raises(ConfigError) as err:
            parse_objectives(bad)
        assert "\n" not in str(err.value)


def test_config_refuses_mixed_and_misshapen_objective_settings(data_dir):
    with pytest.raises(ConfigError, match="not both"):
        SearchConfig(objective="val_accuracy", objectives=OBJECTIVES)
    with pytest.raises(ConfigError, match="one value per objective"):
        SearchConfig(objectives=OBJECTIVES, reference_point=[80.0])
    with pytest.raises(ConfigError, match="give --objectives too"):
        SearchConfig(reference_point=[80.0, 2.0])
    with pytest.raises(ConfigError, match=re.escape("--reference-point bounds a hypervolume, which needs two or more "
                                                    "objectives, and --objectives names one (val_accuracy:max)")):
        search(SearchConfig(objectives=["val_accuracy:max"], reference_point=[80.0], data_dir=str(data_dir)))


def test_a_yaml_configuration_gives_objectives_in_the_command_lines_comma_form_too(tmp_path):
    """`objectives: val_accuracy:max,params_m:min` in a YAML file was refused as not a list."""
    (tmp_path / "search.yaml").write_text("objectives: val_accuracy:max, params_m:min\n")
    config = SearchConfig.from_yaml(tmp_path / "search.yaml")
    assert config.objectives == OBJECTIVES
    assert config.objective_list() == (Objective("val_accuracy"), Objective("params_m", minimize=True))


def test_an_infinite_reference_point_value_is_named_on_the_flag(tmp_path, capsys):
    """It was refused as the configuration key reference_point, which the user never typed."""
    with pytest.raises(SystemExit) as done:  # argparse's usage error
        main(["search", "--objectives", "val_accuracy:max,params_m:min", "--reference-point", "80,inf",
              "--budget", "2", "--run-dir", str(tmp_path / "run")])
    assert done.value.code == 2
    error = capsys.readouterr().err
    assert "--reference-point: 'inf' in '80,inf' is not a finite number" in error and error.count("\n") == 1
    assert not (tmp_path / "run").exists()


def test_a_reference_point_starting_below_zero_is_read_as_numbers(tmp_path, data_dir, capsys):
    """A proxy such as jacov is negative, so its reference value is too: '--reference-point -1e3,1.6' was taken
    for a flag and refused as 'expected one argument' (argparse reads only -5 or -.5 as a negative number)."""
    run_dir = str(tmp_path / "run")
    assert main(["search", "--objectives", "val_accuracy:max,params_m:min", "--reference-point", "-1e1,1.6",
                 "--budget", "3", "--data-dir", str(data_dir), "--run-dir", run_dir, "--json"]) in (0, None)
    summary = json.loads(capsys.readouterr().out)
    assert summary["reference_point"] == [-10.0, 1.6] and summary["hypervolume"] > 0
    assert main(["show", run_dir, "--json"]) in (0, None)
    assert json.loads(capsys.readouterr().out)["hypervolume"] == summary["hypervolume"]


def test_random_search_front_and_hypervolume_match_a_brute_force_check(tmp_path, data_dir):
    summary = run(tmp_path, "r", data_dir, strategy="random", budget=60, seed=3, objectives=OBJECTIVES,
                  reference_point=[80.0, 1.6])
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        done = [t for t in store.evaluations() if t.result.ok]
    points = np.array([[t.result.metrics["val_accuracy"], -t.result.metrics["params_m"]] for t in done])
    dominated = [any((q >= p).all() and (q > p).any() for q in points) for p in points]
    expected = {t.id for t, d in zip(done, dominated) if not d}
    assert {m["trial"] for m in summary["pareto_front"]} == expected
    assert summary["hypervolume"] == pytest.approx(sweep_hypervolume(points, np.array([80.0, -1.6])))
    assert summary["reference_point"] == pytest.approx([80.0, 1.6])
    assert hypervolume(points, [80.0, -1.6]) == pytest.approx(summary["hypervolume"])


def test_single_objective_strategies_and_unknown_metrics_are_refused_before_the_run(tmp_path, data_dir):
    with pytest.raises(ConfigError, match="optimises one objective.*bo, evolution, random"):
        run(tmp_path, "l", data_dir, strategy="local", budget=5, objectives=OBJECTIVES)
    with pytest.raises(ConfigError, match="reports no 'latency' metric"):
        run(tmp_path, "u", data_dir, strategy="random", budget=5, objectives=["val_accuracy:max", "latency:min"])
    assert not (tmp_path / "l").exists() and not (tmp_path / "u").exists()
    # --minimize alone used to be dropped: the run maximised the default objective and called it best
    with pytest.raises(ConfigError, match="--minimize applies to --objective; .* --objective val_accuracy --minimize"):
        run(tmp_path, "m", data_dir, strategy="random", budget=3, minimize=True)
    assert not (tmp_path / "m").exists()
    summary = run(tmp_path, "v", data_dir, strategy="random", budget=3, objective="val_accuracy", minimize=True)
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        seen = [t.result.metrics["val_accuracy"] for t in store.evaluations()]
    assert summary["best"]["metrics"]["val_accuracy"] == min(seen) < max(seen)


def test_hardware_costs_are_metrics_and_objectives(tmp_path, data_dir):
    summary = run(tmp_path, "hw", data_dir, strategy="evolution", budget=40, seed=1,
                  objectives=["val_accuracy:max", "edgegpu_latency:min"], strategy_options={"population_size": 10,
                                                                                             "sample_size": 4})
    front = summary["pareto_front"]
    assert front and all(set(m["metrics"]) == {"val_accuracy", "edgegpu_latency"} for m in front)
    latencies = [m["metrics"]["edgegpu_latency"] for m in front]
    accuracies = [m["metrics"]["val_accuracy"] for m in front]
    assert latencies == sorted(latencies, reverse=True) and accuracies == sorted(accuracies, reverse=True)
    # The value of one cell, straight from HW-NAS-Bench's file (row 1462: five nor_conv_3x3 edges... all six).
    from nasloop.engine.assemble import build_context
    from nasloop.search_spaces.nb201 import NB201Space

    bench = build_context(NB201Space, "cifar10", str(data_dir), lookup=True).benchmark
    metrics = bench.query((3, 3, 3, 3, 3, 3), "cifar10").metrics
    assert metrics["edgegpu_latency"] == pytest.approx(7.699499130249023)
    assert metrics["fpga_energy"] == pytest.approx(60.749919999999996)


def test_crowded_order_ranks_fronts_first_and_ends_of_a_front_highest():
    points = np.array([[1, 5], [2, 4], [3, 3], [4, 1], [1, 1], [2, 2.5], [0.5, 0.5]], dtype=float)
    order = crowded_order(points)
    fronts = [{0, 1, 2, 3}, {5}, {4}, {6}]
    for better, worse in zip(fronts, fronts[1:]):
        assert min(order[i] for i in better) > max(order[i] for i in worse)
    assert order[0] == order[3] > max(order[1], order[2])  # the front's ends are the least crowded


def test_show_and_export_give_the_front(tmp_path, data_dir, capsys):
    summary = run(tmp_path, "r", data_dir, strategy="random", budget=30, seed=5, objectives=OBJECTIVES)
    assert main(["show", summary["run_dir"], "--json"]) in (0, None)
    shown = json.loads(capsys.readouterr().out)
    assert shown["pareto_front"] == summary["pareto_front"] and shown["hypervolume"] > 0
    assert shown["reference_point_given"] is False
    main(["show", summary["run_dir"]])  # a 0 from two trade-off points advised a worse point nobody had given
    assert ("the worst value of each objective seen, as none was given, so the front's end points add nothing; give "
            "--reference-point for a figure to compare runs by") in re.sub(r"[│\s]+", " ", capsys.readouterr().out)
    out = tmp_path / "front.json"
    main(["export", summary["run_dir"], str(out), "--pareto"])
    capsys.readouterr()
    assert sorted(r["id"] for r in json.loads(out.read_text())) == sorted(m["trial"] for m in summary["pareto_front"])
    single = run(tmp_path, "s", data_dir, strategy="random", budget=5, seed=5)
    assert main(["export", single["run_dir"], str(tmp_path / "x.json"), "--pareto"]) == 2
    assert "--pareto needs a run searched with two or more --objectives" in capsys.readouterr().err


def test_a_reference_point_nothing_beats_is_named_and_exports_take_any_case(tmp_path, data_dir, capsys):
    from nasloop.engine.evaluators.tabular import TabularEvaluator
    from nasloop.engine.registry import register_evaluator

    @register_evaluator("table-copy")
    class TableCopy(TabularEvaluator):
        """The table under another name, not declared to answer it exactly: runs of one that is refuse such points
        before starting."""

        answers_table = False

    summary = run(tmp_path, "r", data_dir, strategy="random", budget=5, seed=0, objectives=OBJECTIVES,
                  reference_point=[100, 0], evaluator="table-copy")
    assert summary["hypervolume"] == 0
    assert main(["show", summary["run_dir"]]) in (0, None)
    shown = re.sub(r"[│\s]+", " ", capsys.readouterr().out)  # the table folds long values over lines
    assert "no evaluation is better than it in every objective: give a worse --reference-point" in shown
    assert " best by val_accuracy " in shown  # the first objective's best, said to be
    assert main(["export", summary["run_dir"], str(tmp_path / "x.CSV")]) in (0, None)  # was refused
    huge = run(tmp_path, "h", data_dir, strategy="random", budget=5, seed=0, objectives=OBJECTIVES,
               reference_point=[-1e200, 1e200], evaluator="table-copy")
    assert huge["hypervolume"] is None  # infinite: '-' without a reason
    main(["show", huge["run_dir"]])
    assert "overflows a float; give a --reference-point nearer the front" in re.sub(r"[│\s]+", " ",
                                                                                 capsys.readouterr().out)
    assert (tmp_path / "x.CSV").read_text().startswith("id,")


def test_run_report_draws_the_front(tmp_path, data_dir):
    from nasloop.engine.pareto_summary import front_texts
    from nasloop.engine.run_report import write_run_report

    summary = run(tmp_path, "r", data_dir, strategy="random", budget=25, seed=6, objectives=OBJECTIVES)
    paths = write_run_report(Path(summary["run_dir"]), tmp_path / "report", command=["nasloop", "report"])
    assert (tmp_path / "report" / "figures" / "pareto_front.png") in paths
    md = (tmp_path / "report" / "report.md").read_text()
    assert "![Pareto front](figures/pareto_front.png)" in md
    assert "## Best architectures by val_accuracy" in md  # the first objective's ranking, said to be
    assert (tmp_path / "report" / "report.html").read_text().count("data:image/png;base64,") == 2
    # The text gives the hypervolume and every member of the front with its objectives, not the figure alone.
    assert f"## Pareto front ({len(summary['pareto_front'])})" in md
    assert f"hypervolume {summary['hypervolume']:.6g} (reference point" in md
    for member, texts in zip(summary["pareto_front"], front_texts(summary)):
        arch = member["arch"].replace("|", "\\|")  # as markdown escapes it
        assert f"| {member['trial']} | {arch} | {texts['val_accuracy']} | {texts['params_m']} |" in md
        assert float(texts["val_accuracy"]) == pytest.approx(member["metrics"]["val_accuracy"], rel=1e-3)


@pytest.mark.parametrize("objectives", [["val_accuracy:max", "params_m:min"], ["params_m:min", "val_accuracy:max"],
                                        ["val_accuracy:max", "test_accuracy:max"], ["params_m:min", "flops_m:min"]])
def test_the_drawn_front_is_the_edge_of_what_its_members_dominate(objectives, tmp_path, data_dir, monkeypatch):
    """Every point of the staircase must be reached by some member (steps-post drew a line through points
    nobody reaches when the second objective is maximised); with three objectives no staircase is drawn."""
    from matplotlib.cbook import STEP_LOOKUP_MAP

    from nasloop.engine import plots

    drawn = []
    monkeypatch.setattr(plots, "save_figure", lambda figure, folder, name: drawn.append(figure) or [folder / name])
    for objs in (objectives, objectives + ["edgegpu_latency:min"]):
        name = "-".join(objs).replace(":", "_")
        summary = run(tmp_path, name, data_dir, strategy="random", budget=25, seed=6, objectives=objs)
        with RunStore.in_run_dir(summary["run_dir"], readonly=True) as store:
            plots.pareto_figure(store.evaluations(), summary, tmp_path)
        lines = drawn[-1].axes[0].lines
        if len(objs) > 2:
            assert not lines and "of all 3 objectives" in drawn[-1].axes[0].get_legend().get_texts()[1].get_text()
            continue
        signs = [1 if o.endswith(":max") else -1 for o in objs]  # y is the first objective, x the second
        first, second = (o.split(":")[0] for o in objs[:2])
        members = [(m["metrics"][second] * signs[1], m["metrics"][first] * signs[0])
                   for m in summary["pareto_front"]]
        (line,) = lines
        xs, ys = STEP_LOOKUP_MAP[line.get_drawstyle()](*line.get_data())
        for a, b, c, d in zip(xs[:-1], ys[:-1], xs[1:], ys[1:]):
            for x, y in ((a, b), ((a + c) / 2, (b + d) / 2), (c, d)):  # ends and middle of each segment
                assert any(mx >= x * signs[1] - 1e-9 and my >= y * signs[0] - 1e-9 for mx, my in members), (x, y)


def test_the_trajectory_marks_no_success_failed_for_lacking_its_first_objective(tmp_path, data_dir, monkeypatch):
    """An evaluation without an Edge TPU latency succeeded (the report says '0 failed'); the figure drew it
    as a red 'failed' cross all the same."""
    from nasloop.engine import plots

    drawn = []
    monkeypatch.setattr(plots, "save_figure", lambda figure, folder, name: drawn.append(figure) or [folder / name])
    summary = run(tmp_path, "r", data_dir, strategy="random", budget=12, seed=0,
                  objectives=["edgetpu_latency:min", "val_accuracy:max"])
    with RunStore.in_run_dir(summary["run_dir"], readonly=True) as store:
        trials = store.evaluations()
        plots.run_figure(trials, summary, tmp_path)
    lacking = sum(t.result.ok and t.result.metrics.get("edgetpu_latency") is None for t in trials)
    assert lacking and summary["failed"] == 0
    axes = drawn[-1].axes[0]
    labels = [text.get_text() for text in axes.get_legend().get_texts()]
    assert "failed" not in labels and "no edgetpu_latency" in labels
    marks = next(c for c in axes.collections if c.get_label() == "no edgetpu_latency")
    assert len(marks.get_offsets()) == lacking


def test_frontier_parents_mutate_the_front_of_everything_evaluated(tmp_path, data_dir):
    from nasloop.engine.objectives import pareto_mask
    from nasloop.search_spaces.nb201 import NB201Space

    summary = run(tmp_path, "front", data_dir, strategy="evolution", budget=60, seed=3, objectives=OBJECTIVES,
                  strategy_options={"population_size": 20})  # parents: auto, the frontier with two objectives
    space = NB201Space()
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        trials = [t for t in store.evaluations() if t.result.ok]
        state = store.strategy_state()[1]
    points = np.array([(t.result.metrics["val_accuracy"], -t.result.metrics["params_m"]) for t in trials])
    front = {trials[i].arch for i in np.flatnonzero(pareto_mask(points))}
    assert {text for text, _ in state["front"]} == front  # the strategy's front is the front of all results
    # every child after the random start is one edit from a member of the front as it stood then
    seen: list[tuple[str, tuple[float, float]]] = []
    for t, p in zip(trials, points):
        if len(seen) >= 20:
            current = [a for (a, _), kept in zip(seen, pareto_mask(np.array([q for _, q in seen]))) if kept]
            assert any(space.parse(t.arch) in space.neighbours(space.parse(a)) for a in current)
        seen.append((t.arch, tuple(p)))


def test_edge_tpu_latency_of_a_cell_it_could_not_compile_is_missing_not_minus_one(tmp_path, data_dir):
    """HW-NAS-Bench writes -1 where the Edge TPU compiler refused a cell; taken as a latency it won every front."""
    from nasloop.engine.assemble import build_context
    from nasloop.search_spaces.nb201 import NB201Space

    bench = build_context(NB201Space, "cifar10", str(data_dir), lookup=True).benchmark
    latencies = [bench.query(c, "cifar10").metrics.get("edgetpu_latency") for c in NB201Space().enumerate()]
    assert sum(v is None for v in latencies) == 4699 and min(v for v in latencies if v is not None) > 0
    summary = run(tmp_path, "tpu", data_dir, strategy="evolution", budget=60, seed=0,
                  objectives=["val_accuracy:max", "edgetpu_latency:min"])
    assert summary["pareto_front"] and all(m["metrics"]["edgetpu_latency"] > 0 for m in summary["pareto_front"])
    with RunStore.in_run_dir(summary["run_dir"]) as store:  # the cells without one are left out, and said to be
        lacking = sum("edgetpu_latency" not in t.result.metrics for t in store.evaluations())
    assert lacking > 0 and summary["lacking_objectives"] == {"edgetpu_latency": lacking}


def test_a_single_objective_the_table_lacks_for_a_cell_fails_that_evaluation(tmp_path, data_dir):
    # Stored as a success without a score: a run of such cells finished with no best and '0 failed'.
    summary = run(tmp_path, "tpu1", data_dir, strategy="random", budget=30, seed=0, objective="edgetpu_latency",
                  minimize=True)
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        lacking = [t for t in store.evaluations() if "edgetpu_latency" not in t.result.metrics]
    assert lacking and summary["failed"] == len(lacking)
    assert all(t.result.reason == "no finite 'edgetpu_latency' in this result (the benchmark lacks it for this "
               "cell)" and t.result.metrics["val_accuracy"] > 0 for t in lacking)  # what it did report is kept
    assert summary["best"]["metrics"]["edgetpu_latency"] > 0


def test_a_non_finite_objective_in_a_store_stays_off_the_front(tmp_path, data_dir, capsys):
    # An infinite accuracy (as a user's evaluator may report, stored with no score) took the front, and 'show' then
    # crashed on it. (The same metrics beside the trial's old score are a damaged row: tests/test_damaged_stores.py.)
    summary = run(tmp_path, "r", data_dir, strategy="random", budget=10, seed=0, objectives=OBJECTIVES)
    with sqlite3.connect(Path(summary["run_dir"]) / "nasloop.sqlite") as db:
        db.execute("""UPDATE trials SET metrics = '{"val_accuracy": 1e999, "params_m": 0.3}', score = NULL
                      WHERE id = 3""")
    assert main(["show", summary["run_dir"]]) in (0, None)
    out = capsys.readouterr().out
    assert "left out of both" in out and "1 evaluation without a finite val_accuracy" in out
    assert "trial 3 " not in out


def test_hardware_costs_that_are_equal_read_equal_so_no_dominated_cell_sits_on_the_front(tmp_path, data_dir):
    """HW-NAS-Bench's Eyeriss figures are sums, so equal costs differed in the 16th digit (4.8744200000000015 and
    4.874420000000002): a cell both slower-equal and less accurate than another was listed on the front."""
    summary = run(tmp_path, "run", data_dir, strategy="random", budget=40, seed=3,
                  objectives=["val_accuracy:max", "eyeriss_latency:min"])
    front = [(m["metrics"]["val_accuracy"], m["metrics"]["eyeriss_latency"]) for m in summary["pareto_front"]]
    for (accuracy, latency), (other_accuracy, other_latency) in itertools.permutations(front, 2):
        assert not (accuracy >= other_accuracy and latency <= other_latency * (1 + 1e-12)), front
    latencies = {m["metrics"]["eyeriss_latency"] for m in summary["pareto_front"]}
    assert 4.87442 in latencies  # the cost that was split, now one value


def test_show_gives_a_fronts_values_to_the_digits_that_tell_members_apart(tmp_path, data_dir, capsys, monkeypatch):
    """Edge GPU latencies of 1.4457 and 1.4461 ms both read 1.446, so the slower, less accurate member looked
    dominated by the other."""
    monkeypatch.setenv("COLUMNS", "300")  # rich folds long rows at a terminal's width
    summary = run(tmp_path, "run", data_dir, strategy="random", budget=100, seed=0,
                  objectives=["test_accuracy:max", "edgegpu_latency:min"])
    front = summary["pareto_front"]
    latencies = {m["metrics"]["edgegpu_latency"] for m in front}
    assert len({f"{v:.4g}" for v in latencies}) < len(latencies)  # the case this test is about
    capsys.readouterr()
    assert main(["show", summary["run_dir"]]) == 0
    lines = capsys.readouterr().out.splitlines()
    for name in ("test_accuracy", "edgegpu_latency"):
        shown = {}
        for member in front:
            line = next(line for line in lines if f" trial {member['trial']} " in line)
            text = line.split(f"{name}=")[1].split()[0]
            assert float(text) == pytest.approx(member["metrics"][name], rel=1e-3)
            shown.setdefault(text, set()).add(member["metrics"][name])
        assert all(len(values) == 1 for values in shown.values()), (name, shown)
    from nasloop.engine.run_report import _pareto_section  # the report's front table gives the same digits

    rows = _pareto_section(summary)[1][1]
    assert [row[3] for row in rows] == [next(line for line in lines if f" trial {m['trial']} " in line)
                                        .split("edgegpu_latency=")[1].split()[0] for m in front]
    nago = {**summary, "objectives": ["val_accuracy:max", "params_m:min"],  # two members of a NAGO training run
            "pareto_front": [{"trial": 1, "arch": "a", "metrics": {"val_accuracy": 31.2, "params_m": 0.019533}},
                             {"trial": 2, "arch": "b", "metrics": {"val_accuracy": 30.9, "params_m": 0.019528}}]}
    assert [row[3] for row in _pareto_section(nago)[1][1]] == ["0.019533", "0.019528"]
