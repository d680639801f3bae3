"""A study's paired tests, each pair on its own shared seeds, and what the tests table says of how many.

The tests were run on the seeds every method of the study finished: one method's killed or unfinished run took that
seed from every other pair's test, so two methods that shared 6 seeds were tested on 1 (p 1, 'n.s.'), and the table
did not say on how many. Seeds two methods tie on are no evidence either way (the Wilcoxon test drops them), so a
pair of 6 shared seeds that ties on 3 cannot reach 0.05, which the report now says as it did for 5 seeds or fewer.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
from scipy import stats

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.report import study_notes, study_tables
from nasloop.engine.store import RunStore
from nasloop.engine.store_rows import Trial
from nasloop.engine.study_file import load_study
from nasloop.engine.study_grid import Study
from nasloop.engine.study_results import MethodRuns, StudyResults, collect
from nasloop.engine.types import Result


def _best(run: Path, budget: int) -> float:
    """A run's best score within the budget, read from its store."""
    with RunStore.in_run_dir(run, readonly=True) as store:
        return max(t.score for t in store.evaluations()[:budget] if t.score is not None)


def test_a_pair_is_tested_on_its_own_shared_seeds_not_those_every_method_finished(tmp_path: Path,
                                                                                 data_dir: Path) -> None:
    study = tmp_path / "study"
    assert main(["compare", "--space", "nb201", "--methods", "random,local,evolution", "--seeds", "6", "--budget",
                 "12", "--data-dir", str(data_dir), "--out", str(study), "--quiet"]) == 0
    for seed in range(1, 6):  # evolution's runs of seeds 1-5 lost (a killed study): it shares seed 0 alone
        shutil.rmtree(study / "runs" / "evolution" / f"seed-{seed}")
    results = collect(load_study(study))
    tests = {(t.a, t.b): t for t in results.tests(results.budget)}
    pair = tests[("random", "local")]
    random = [_best(study / "runs" / "random" / f"seed-{s}", 12) for s in range(6)]
    local = [_best(study / "runs" / "local" / f"seed-{s}", 12) for s in range(6)]
    differences = np.subtract(random, local)
    assert pair.pairs == 6 and (pair.wins, pair.losses) == ((differences > 0).sum(), (differences < 0).sum())
    assert pair.p_value == stats.wilcoxon(differences).pvalue
    assert [tests[("random", "evolution")].pairs, tests[("local", "evolution")].pairs] == [1, 1]
    head, rows = study_tables(results)["tests"]
    assert head[3] == "seeds" and rows[0][0] == "random vs local" and rows[0][3] == "6"


def _runs(label: str, finals: list[float]) -> MethodRuns:
    """A method whose seed s found ``finals[s]`` at its one evaluation."""
    method = MethodRuns(label)
    for seed, value in enumerate(finals):
        method.add(seed, [Trial(1, 1, f"{label}-{seed}", f"{label}-{seed}", None, "done", None, value,
                                Result(metrics={"val_accuracy": value}), True, 0.0, 1.0)], 1, None, 1.0)
    return method


def test_a_pair_that_differs_on_five_seeds_or_fewer_is_named_beside_the_tests(tmp_path: Path) -> None:
    """6 shared seeds, 3 of them tied: 'n.s.' with no word, where the smallest p possible was 0.25."""
    a, b, c = [91.0, 92.0, 93.0, 90.0, 90.5, 91.5], [91.0, 92.0, 93.0, 89.0, 90.0, 91.0], [80.0] * 6
    results = StudyResults(Study(tmp_path, SearchConfig(), [], list(range(6))), 1, "val_accuracy", False, None,
                           {"a": _runs("a", a), "b": _runs("b", b), "c": _runs("c", c)}, [])
    rows = {row[0]: row for row in study_tables(results)["tests"][1]}
    p = stats.wilcoxon(np.subtract(a, b)).pvalue
    assert rows["a vs b"][2:5] == ["3/0", "6", f"{p:.3g}"] == ["3/0", "6", "0.25"]
    notes = [note for note in study_notes(results) if "5 seeds or fewer" in note]
    assert len(notes) == 1 and notes[0].startswith("a vs b (3 seeds: smallest p 0.25): this pair differs on 5 seeds")


def test_two_methods_that_tie_on_every_seed_of_a_minimised_objective_differ_by_zero(tmp_path: Path) -> None:
    """Negated back from the score, their 0 difference read '-0.00000'."""
    latency = [-0.5, -0.7, -0.6]  # scores: the strategies maximise the negated latency
    results = StudyResults(Study(tmp_path, SearchConfig(), [], [0, 1, 2]), 1, "edgegpu_latency", True, None,
                           {"a": _runs("a", latency), "b": _runs("b", latency)}, [])
    assert study_tables(results)["tests"][1][0][1:4] == ["0.00000", "0/0", "3"]


def test_a_predictor_study_report_says_which_kendall_tau_and_precision_it_gives(tmp_path: Path,
                                                                                data_dir: Path) -> None:
    """'Kendall tau' alone: tau-a, tau-b and tau-c read differently where the accuracies tie, as NB201's do."""
    study = tmp_path / "pred"
    assert main(["compare", "--predictors", "zero-cost", "--train-sizes", "8", "--seeds", "1", "--data-dir",
                 str(data_dir), "--out", str(study), "--quiet"]) == 0
    report = (study / "report.md").read_text()
    assert "Kendall tau is tau-b (scipy.stats.kendalltau)" in report and "ties broken by the cells' order" in report


def test_a_bootstrap_interval_is_given_by_its_bounds_not_as_a_half_width(tmp_path: Path, data_dir: Path) -> None:
    """A percentile interval is not symmetric about the mean: 'mean ± half-width' moved both bounds (local's
    91.11 ± 0.35 at 60 queries over 5 seeds gave 91.46 for an upper bound of 91.36, above every seed's value)."""
    study = tmp_path / "study"
    assert main(["compare", "--space", "nb201", "--methods", "local", "--seeds", "5", "--budget", "8",
                 "--interval", "bootstrap", "--data-dir", str(data_dir), "--out", str(study), "--quiet"]) == 0
    finals = np.array([_best(study / "runs" / "local" / f"seed-{s}", 8) for s in range(5)])
    assert np.ptp(finals) > 0
    low, high = stats.bootstrap((finals,), np.mean, confidence_level=0.95, n_resamples=2000, method="percentile",
                                random_state=np.random.default_rng(0)).confidence_interval
    row = next(line for line in (study / "report.md").read_text().splitlines() if line.startswith("| local |"))
    assert row.split(" | ")[5] == f"{finals.mean():.2f} [{low:.2f}, {high:.2f}]"


def test_columns_within_a_methods_random_start_are_named_as_such(tmp_path: Path, data_dir: Path) -> None:
    """At 60 queries evolution's @7, @15 and @30 were random search's to the digit (its first 50 are random draws),
    read as evolution being no better early; only a budget within the start was noted."""
    study = tmp_path / "study"
    assert main(["compare", "--space", "nb201", "--methods", "random,evolution", "--seeds", "2", "--budget", "60",
                 "--data-dir", str(data_dir), "--out", str(study), "--quiet"]) == 0
    results = collect(load_study(study))
    at = results.at_budgets([7, 15, 30])
    assert at["random"] == at["evolution"]  # the same random draws on the same seeds
    notes = [note for note in study_notes(results) if "within the first" in note]
    assert notes == ["Method 'evolution': @7, @15, @30 fall within the first 50 evaluations (population_size), which "
                     "evolution makes before it uses the results it has seen: they measure that start, not its "
                     "search, and so does its average rank at those budgets."]
    assert notes[0] in (study / "report.md").read_text()


def test_predictors_evaluate_gives_the_seeds_that_ranked_where_one_ranked_nothing(data_dir: Path, capsys) -> None:
    """A predictor that gave every cell of one seed's test set one value made its row 'nan ± nan' in 'predictors
    evaluate', where the study of the same fits gave the mean of the seeds that ranked."""
    from nasloop.engine.predictor_evaluation import evaluate_predictors
    from nasloop.engine.registry import register_predictor
    from nasloop.predictors.baselines import RandomPredictor

    class Flat(RandomPredictor):
        """Ranks at random, but predicts one value for every cell at seed 0."""

        def predict(self, archs):  # type: ignore[no-untyped-def]
            mean, std = super().predict(archs)
            return (np.zeros(len(archs)) if self.seed == 0 else mean), std

    register_predictor("flat-c10")(Flat)  # the conftest drops it after the test
    records = evaluate_predictors(["flat-c10"], [8], [0, 1, 2], data_dir=data_dir)
    taus = [r["kendall_tau"] for r in records]
    assert np.isnan(taus[0]) and np.isfinite(taus[1:]).all()
    assert main(["predictors", "evaluate", "--predictor", "flat-c10", "--train-sizes", "8", "--seeds", "3",
                 "--data-dir", str(data_dir)]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "flat-c10" in line)
    half = stats.t.ppf(0.975, 1) * np.std(taus[1:], ddof=1) / np.sqrt(2)  # the study's 95 % t half-width
    assert f"{np.mean(taus[1:]):.3f} ± {half:.3f} (2/3 seeds)" in row and "nan" not in row


def test_the_area_and_the_held_out_value_have_their_interval_over_seeds(tmp_path: Path, data_dir: Path) -> None:
    """Both were bare means beside the columns' intervals: 89.81 and 89.82, with no word of their spread."""
    study = tmp_path / "study"
    assert main(["compare", "--space", "nb201", "--methods", "random", "--seeds", "4", "--budget", "6",
                 "--data-dir", str(data_dir), "--out", str(study), "--quiet"]) == 0
    areas, held = [], []
    for seed in range(4):
        with RunStore.in_run_dir(study / "runs" / "random" / f"seed-{seed}", readonly=True) as store:
            trials = store.evaluations()[:6]
        areas.append(np.mean(np.fmax.accumulate([t.score for t in trials])))
        held.append(max(trials, key=lambda t: (t.score, -t.id)).result.metrics["test_accuracy"])
    half = [stats.t.ppf(0.975, 3) * np.std(v, ddof=1) / 2 for v in (areas, held)]  # sqrt(4) seeds
    lines = (study / "report.md").read_text().splitlines()
    head = next(line for line in lines if line.startswith("| method |")).split(" | ")
    cells = dict(zip(head, next(line for line in lines if line.startswith("| random |")).split(" | ")))
    assert cells["AUC (%)"] == f"{np.mean(areas):.2f} ± {half[0]:.2f}"
    assert cells["held-out of chosen (%)"] == f"{np.mean(held):.2f} ± {half[1]:.2f}"


def test_each_short_pair_is_given_the_smallest_p_its_own_differing_seeds_allow(tmp_path: Path) -> None:
    """Each pair's own smallest p: the note said 0.0625 (5 seeds' bound) of a pair differing on 3, whose exact
    Wilcoxon p cannot go below 0.25."""
    a = [91.0, 92.0, 93.0, 90.0, 90.5, 91.5, 90.0]
    b = [91.0, 92.0, 93.0, 89.0, 90.0, 91.0, 90.0]  # a wins 3, ties 4: p 0.25 at best, as here
    c = [91.0, 92.0, 92.0, 89.0, 90.0, 91.0, 89.0]  # against a: wins 5, ties 2
    results = StudyResults(Study(tmp_path, SearchConfig(), [], list(range(7))), 1, "val_accuracy", False, None,
                           {"a": _runs("a", a), "b": _runs("b", b), "c": _runs("c", c)}, [])
    [note] = [note for note in study_notes(results) if "5 seeds or fewer" in note]
    assert stats.wilcoxon(np.subtract(a, b)).pvalue == 0.25 and stats.wilcoxon(np.subtract(a, c)).pvalue == 0.0625
    assert "a vs b (3 seeds: smallest p 0.25)" in note and "a vs c (5 seeds: smallest p 0.0625)" in note
    assert "b vs c (2 seeds: smallest p 0.5)" in note and "0.0625 or more" in note  # b and c tie on 5
