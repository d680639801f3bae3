"""The search loop on the real NB201 table: budgets, duplicates, reproducibility, failures."""
from __future__ import annotations

import csv
import json
import re

import numpy as np
import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ArchitectureError, ConfigError
from nasloop.engine.evaluators.tabular import TabularEvaluator
from nasloop.engine.executors.inprocess import InProcessExecutor
from nasloop.engine.export import export_trials
from nasloop.engine.loop import Budget, SearchLoop
from nasloop.engine.registry import register_evaluator
from nasloop.engine.search import resume, search
from nasloop.engine.store import RunStore
from nasloop.engine.types import Observation, Result
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.strategies.base import Strategy
from nasloop.strategies.evolution import RegularizedEvolution


def run(tmp_path, name, data_dir, **config):
    return search(SearchConfig(data_dir=str(data_dir), run_dir=str(tmp_path / name), **config))


def arch_sequence(run_dir) -> list[tuple[str, str]]:
    with RunStore.in_run_dir(run_dir) as store:
        return [(t.arch, t.state) for t in store.trials()]


@pytest.mark.parametrize("strategy", ["random", "evolution", "local"])
def test_same_seed_same_trajectory_other_seed_differs(tmp_path, data_dir, strategy):
    a = run(tmp_path, "a", data_dir, strategy=strategy, budget=60, seed=5)
    b = run(tmp_path, "b", data_dir, strategy=strategy, budget=60, seed=5)
    c = run(tmp_path, "c", data_dir, strategy=strategy, budget=60, seed=6)
    assert arch_sequence(a["run_dir"]) == arch_sequence(b["run_dir"])
    assert arch_sequence(a["run_dir"]) != arch_sequence(c["run_dir"])
    assert a["best"] == b["best"]


def test_budget_counts_distinct_evaluations_and_duplicates_are_answered_from_the_store(tmp_path, data_dir):
    summary = run(tmp_path, "r", data_dir, strategy="local", budget=150, seed=0)
    assert summary["evaluations"] == 150 and summary["duplicates_answered"] > 0
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        evaluated = store.evaluations()
        assert len({t.arch for t in evaluated}) == 150  # nothing evaluated twice
        assert len(store.trials()) == 150  # repeats answered at once are counted, not stored row by row


def test_evolution_drops_children_the_search_already_proposed(tmp_path, data_dir):
    # Past a few hundred evaluations aging evolution's population collapses onto cells whose
    # neighbours are all known; the plain algorithm then re-proposes them by the thousand.
    plain = run(tmp_path, "plain", data_dir, strategy="evolution", budget=600, seed=0,
                strategy_options={"dedup": False})
    deduped = run(tmp_path, "dedup", data_dir, strategy="evolution", budget=600, seed=0)
    assert plain["duplicates_answered"] > 1000
    assert deduped["evaluations"] == 600 and deduped["duplicates_answered"] < plain["duplicates_answered"] / 100
    # The same tables and the same strategy otherwise: both end near the NB201 optimum (91.57 %).
    assert deduped["best"]["score"] > 91.4 and plain["best"]["score"] > 91.4


def test_evaluations_report_val_to_the_search_and_keep_test_apart(tmp_path, data_dir):
    summary = run(tmp_path, "r", data_dir, strategy="random", budget=30, seed=1)
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        for t in store.evaluations():
            assert t.score == t.result.metrics["val_accuracy"] != t.result.metrics["test_accuracy"]
            assert t.result.cost > 0
    best = summary["best"]
    assert best["score"] == max(t.score for t in RunStore.in_run_dir(summary["run_dir"]).evaluations())
    assert {"val_accuracy", "test_accuracy"} <= set(best["metrics"])


def test_seconds_budget_stops_on_simulated_training_time(tmp_path, data_dir):
    summary = run(tmp_path, "r", data_dir, strategy="random", budget=None, max_seconds=20_000, seed=2)
    used = summary["budget"]["seconds_used"]
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        last = store.evaluations()[-1].result.cost
    assert used >= 20_000 and used - last < 20_000  # the last evaluation crossed the line


def test_lower_fidelity_and_other_datasets(tmp_path, data_dir):
    low = run(tmp_path, "low", data_dir, strategy="random", budget=10, seed=3, fidelity=12)
    high = run(tmp_path, "high", data_dir, strategy="random", budget=10, seed=3)
    assert low["budget"]["seconds_used"] < high["budget"]["seconds_used"] / 10
    imagenet = run(tmp_path, "in", data_dir, strategy="random", budget=10, seed=3, dataset="ImageNet16-120")
    assert imagenet["best"]["metrics"]["val_accuracy"] < 50 < high["best"]["metrics"]["val_accuracy"]


def test_functional_dedup_answers_equivalent_cells(tmp_path, data_dir):
    exact = run(tmp_path, "e", data_dir, strategy="random", budget=300, seed=4)
    functional = run(tmp_path, "f", data_dir, strategy="random", budget=300, seed=4, dedup="functional")
    space = NB201Space()
    with RunStore.in_run_dir(functional["run_dir"]) as store:
        keys = [space.functional_hash(space.parse(t.arch)) for t in store.evaluations()]
    assert len(set(keys)) == 300
    assert functional["duplicates_answered"] > exact["duplicates_answered"]


class OnlyDuplicates(Strategy):
    """A broken strategy: proposes the same cell forever."""

    def ask(self, n):
        return [(3, 3, 3, 3, 3, 3)] * n

    def tell(self, observations):
        pass


def test_a_strategy_that_only_repeats_itself_cannot_hang_the_loop(tmp_path, nb201_context):
    space = NB201Space()
    with RunStore.in_run_dir(tmp_path, create=True) as store:
        loop = SearchLoop(space, OnlyDuplicates(space), TabularEvaluator(space, nb201_context),
                          InProcessExecutor(), store, Budget(queries=10), max_duplicate_streak=500)
        reason = loop.run()
        assert "500 already-evaluated" in reason
        assert store.counts()["evaluations"] == 1


class Proposes(Strategy):
    """A broken strategy: its ask returns ``answer`` (nothing, or not a list)."""

    def __init__(self, space, answer):
        super().__init__(space)
        self.answer = answer

    def ask(self, n):
        return self.answer

    def tell(self, observations):
        pass


@pytest.mark.parametrize("answer, said", [([], "returned no architecture"), (None, "returned a NoneType")])
def test_a_strategy_that_proposes_nothing_is_named(tmp_path, nb201_context, answer, said):
    # An empty ask counted as repeats: 10,000 of them stopped the run as "is the space exhausted?", and a
    # None failed inside the loop with a TypeError.
    space = NB201Space()
    with RunStore.in_run_dir(tmp_path, create=True) as store:
        loop = SearchLoop(space, Proposes(space, answer), TabularEvaluator(space, nb201_context),
                          InProcessExecutor(), store, Budget(queries=10))
        with pytest.raises(ConfigError, match=re.escape(f"strategy Proposes: ask(1) {said}")):
            loop.run()


def test_a_strategy_repeating_itself_is_told_from_an_exhausted_space(tmp_path, nb201_context):
    # It stopped as "is the space exhausted?" with one of NB201's 15,625 cells evaluated.
    space = NB201Space()
    with RunStore.in_run_dir(tmp_path, create=True) as store:
        always = Proposes(space, [space.sample(np.random.default_rng(0))])
        loop = SearchLoop(space, always, TabularEvaluator(space, nb201_context), InProcessExecutor(), store,
                          Budget(queries=10), max_duplicate_streak=50)
        assert loop.run() == ("the strategy proposed 50 already-evaluated architectures in a row; stopping: 1 of its "
                              "15,625 architectures evaluated; the strategy stopped exploring")


class Flaky(TabularEvaluator):
    """The real table, but every cell with an avg_pool on the first edge crashes, as a buggy trainer would."""

    def evaluate(self, arch, fidelity=None):
        if arch[0] == 4:
            raise RuntimeError("CUDA error: an illegal memory access was encountered")
        return super().evaluate(arch, fidelity)


def test_crashing_evaluations_are_stored_as_failed_and_the_search_goes_on(tmp_path, nb201_context):
    space = NB201Space()
    with RunStore.in_run_dir(tmp_path, create=True) as store:
        strategy = RegularizedEvolution(space, seed=0, population_size=10, sample_size=3)
        SearchLoop(space, strategy, Flaky(space, nb201_context), InProcessExecutor(), store,
                   Budget(queries=80)).run()
        failed = store.trials("status = 'failed'")
        assert failed and all("illegal memory access" in t.result.reason for t in failed)
        assert all(t.score is None for t in failed)
        assert store.counts()["evaluations"] == 80
        assert all(space.parse(a)[0] != 4 for a, _ in strategy.state_dict()["population"])


class RefusesSome(TabularEvaluator):
    """A user's evaluator that refuses cells whose first node is always zero, in nasloop's own error type."""

    def evaluate(self, arch, fidelity=None):
        if arch[0] == 0:
            raise ArchitectureError("node 1 of this cell is always zero; it is not worth training")
        return super().evaluate(arch, fidelity)


class SometimesPartial(TabularEvaluator):
    """A user's evaluator that declares no metric names, and whose results after its first lack the objective for
    some cells."""

    def metric_names(self, fidelity=None):
        return None

    def evaluate(self, arch, fidelity=None):
        result = super().evaluate(arch, fidelity)
        self.calls = getattr(self, "calls", 0) + 1
        if arch[0] == 4 and self.calls > 1:
            return Result(metrics={k: v for k, v in result.metrics.items() if k != "val_accuracy"}, cost=result.cost)
        return result


@pytest.mark.parametrize("evaluator_class, reason", [
    (RefusesSome, "evaluator RefusesSome refused this architecture: node 1 of this cell is always zero"),
    (SometimesPartial, "no finite 'val_accuracy' in this result")])
def test_an_evaluation_that_fails_for_one_architecture_fails_its_trial_only(tmp_path, nb201_context,
                                                                           evaluator_class, reason):
    """Both ended the run: an ArchitectureError as if the input were wrong, a missing objective as if the
    evaluator never reported it ("choose --objective from: ..."), after results that had it."""
    space = NB201Space()
    with RunStore.in_run_dir(tmp_path, create=True) as store:
        SearchLoop(space, RegularizedEvolution(space, seed=0, population_size=10, sample_size=3),
                   evaluator_class(space, nb201_context), InProcessExecutor(), store, Budget(queries=60)).run()
        failed = store.trials("status = 'failed'")
        assert failed and all(t.result.reason.startswith(reason) for t in failed)
        assert store.counts()["evaluations"] == 60 and len(failed) < 30


class TellFailsOnce(RegularizedEvolution):
    """Real aging evolution whose tell crashes on its 30th new result (a bug in a user's strategy)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = set()

    def tell(self, observations):
        for obs in observations:
            if obs.arch not in self.seen and len(self.seen) == 29:
                raise RuntimeError("bug in tell")
            self.seen.add(obs.arch)
        super().tell(observations)


class CostlyLookup(TabularEvaluator):
    """The table's answers, declared not instant: the loop treats it as it treats training (two writes)."""

    instant = False


@pytest.mark.parametrize("evaluator_class", [CostlyLookup, TabularEvaluator])
def test_a_result_is_kept_when_the_strategy_fails_to_take_it(tmp_path, nb201_context, evaluator_class):
    space = NB201Space()
    with RunStore.in_run_dir(tmp_path / "crash", create=True) as store:
        loop = SearchLoop(space, TellFailsOnce(space, seed=2, population_size=10, sample_size=3),
                          evaluator_class(space, nb201_context), InProcessExecutor(), store, Budget(queries=60))
        with pytest.raises(RuntimeError, match="bug in tell"):
            loop.run()
        kept = store.evaluations()
        if evaluator_class is CostlyLookup:  # the costly result is kept, to be told on resume
            assert len(kept) == 30 and kept[-1].result is not None and not kept[-1].told
        else:  # an instant lookup's ask and result are one write: the resumed strategy asks it again
            assert len(kept) == 29 and all(t.told for t in kept)
    with RunStore.in_run_dir(tmp_path / "crash") as store:  # resuming tells it first, then goes on
        SearchLoop(space, RegularizedEvolution(space, seed=2, population_size=10, sample_size=3),
                   evaluator_class(space, nb201_context), InProcessExecutor(), store, Budget(queries=60)).run()
        resumed = [t.arch for t in store.evaluations()]
        assert all(t.told for t in store.evaluations())
    with RunStore.in_run_dir(tmp_path / "straight", create=True) as store:
        SearchLoop(space, RegularizedEvolution(space, seed=2, population_size=10, sample_size=3),
                   evaluator_class(space, nb201_context), InProcessExecutor(), store, Budget(queries=60)).run()
        assert [t.arch for t in store.evaluations()] == resumed


def test_resume_with_a_larger_budget_continues(tmp_path, data_dir):
    first = run(tmp_path, "r", data_dir, strategy="evolution", budget=40, seed=7)
    more = resume(first["run_dir"], budget=70)
    straight = run(tmp_path, "s", data_dir, strategy="evolution", budget=70, seed=7)
    assert more["evaluations"] == 70
    assert arch_sequence(more["run_dir"]) == arch_sequence(straight["run_dir"])


def test_export_csv_and_json(tmp_path, data_dir):
    summary = run(tmp_path, "r", data_dir, strategy="random", budget=15, seed=8)
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        records = json.loads(export_trials(store, tmp_path / "out.json").read_text())
        with open(export_trials(store, tmp_path / "out.csv"), newline="") as fh:
            rows = list(csv.DictReader(fh))
    assert len(records) == len(rows) == 15
    for record, row in zip(records, rows):
        assert row["arch"] == record["arch"]
        assert float(row["val_accuracy"]) == record["metrics"]["val_accuracy"] == record["score"]
        assert float(row["test_accuracy"]) == record["metrics"]["test_accuracy"]


class ScoreNamed(TabularEvaluator):
    """A user's evaluator whose metric is called 'score', the name of a trial's own column."""

    def metric_names(self, fidelity=None):
        return ["score"]

    def evaluate(self, arch, fidelity=None):
        result = super().evaluate(arch, fidelity)
        return Result(metrics={"score": result.metrics["val_accuracy"] / 100}, cost=result.cost)


def test_a_metric_named_like_a_trial_column_keeps_its_own_csv_column(tmp_path, data_dir):
    """The CSV's header had two 'score' columns, and the metric's value took the trial score's place."""
    register_evaluator("score-named")(ScoreNamed)
    summary = run(tmp_path, "run", data_dir, evaluator="score-named", objective="score", budget=6)
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        with open(export_trials(store, tmp_path / "out.csv"), newline="") as fh:
            header = next(csv.reader(fh))
            fh.seek(0)
            rows = list(csv.DictReader(fh))
    assert header.count("score") == 1 and "metrics.score" in header
    assert all(0 < float(row["metrics.score"]) < 1 and float(row["score"]) == float(row["metrics.score"])
               for row in rows)


def test_budget_and_objective_errors(tmp_path, data_dir):
    with pytest.raises(ConfigError, match="needs a budget"):
        Budget()
    with pytest.raises(ConfigError, match="no 'accuracy' metric; choose --objective from"):
        run(tmp_path, "r", data_dir, budget=5, objective="accuracy")
    import nasloop  # a script catches every refusal through the one class the package root exports
    with pytest.raises(nasloop.NasloopError, match=f"no nasloop run at {tmp_path / 'none'} "):
        nasloop.resume(tmp_path / "none")


def test_local_search_climbs_to_local_optima(tmp_path, data_dir):
    """Whenever first-improvement local search restarts, it has left a true local optimum."""
    from nasloop.search_spaces.nb201 import NB201Benchmark
    from nasloop.strategies.local_search import LocalSearch

    space, bench = NB201Space(), NB201Benchmark(data_dir)
    strategy = LocalSearch(space, seed=3)
    val = lambda c: bench.query(c, "cifar10").metrics["val_accuracy"]  # noqa: E731
    from nasloop.engine.types import Observation

    optima = []
    for _ in range(2000):
        before = strategy.current
        (arch,) = strategy.ask(1)
        if before is not None and strategy.current is None:  # it gave up on `before` and restarted
            optima.append(before)
        strategy.tell([Observation(arch, val(arch))])
    assert optima
    for cell, score in optima:
        assert all(val(n) <= score for n in space.neighbours(cell))


def test_a_run_within_evolutions_random_start_is_told_it_was_random_search(tmp_path, data_dir, capsys):
    from nasloop.engine.cli import main

    base = ["search", "--data-dir", str(data_dir), "--quiet", "--json"]
    assert main([*base, "--budget", "30", "--run-dir", str(tmp_path / "short")]) == 0
    assert capsys.readouterr().err == ("nasloop search: note: evolution draws its first 50 evaluations at random "
                                       "(population_size), so this 30-evaluation run was random search; raise "
                                       "--budget above 50 or lower population_size\n")
    assert main([*base, "--budget", "30", "--strategy-opt", "population_size=10", "--run-dir",
                 str(tmp_path / "evolving")]) == 0
    assert capsys.readouterr().err == ""
    assert main([*base, "--budget", "5", "--strategy", "bananas", "--predictor", "forest", "--run-dir",
                 str(tmp_path / "unguided")]) == 0  # was labelled 'bananas with forest' without a word
    assert capsys.readouterr().err == ("nasloop search: note: bananas draws its first 10 evaluations before its "
                                       "predictor ranks any (num_init: at random, or by its warm-up proxies), so this "
                                       "5-evaluation run never used its predictor; raise --budget above 10 or lower "
                                       "num_init\n")
    assert main([*base, "--budget", "3", "--strategy", "bo", "--run-dir", str(tmp_path / "bo")]) == 0
    assert capsys.readouterr().err == ("nasloop search: note: bo draws its first 10 evaluations from its initial "
                                       "design (num_init) before its GP proposes any, so this 3-evaluation run never "
                                       "used its model; raise --budget above 10 or lower num_init\n")


def test_evolution_draws_at_random_when_every_tournament_child_is_known():
    # Near the end of a small space searched whole, the winners' neighbourhoods are all known. A
    # repeat let through there is answered from the store, and 10,000 of them in a row stop the run
    # short of the budget; a random draw still finds the cells left.
    space = NB201Space()
    strategy = RegularizedEvolution(space, seed=0, population_size=2, sample_size=2)
    members = [space.sample(strategy.rng) for _ in range(2)]
    strategy.tell([Observation(arch, 1.0 + i) for i, arch in enumerate(members)])
    strategy.asked_random = 2
    known = {space.hash(a) for member in members for a in [member, *space.neighbours(member)]}
    strategy.bind_history(lambda arch: space.hash(arch) in known)
    children = strategy.ask(20)
    assert not any(space.hash(child) in known for child in children)
    assert len({space.hash(child) for child in children}) == 20


def test_the_summary_names_the_default_predictor_a_guided_run_ranked_with(tmp_path, data_dir, capsys):
    """`--json` said "predictor": null for a bananas run left on its default, while the table said "with mlp"."""
    from nasloop.engine.cli import main

    run = tmp_path / "run"
    assert main(["search", "--strategy", "bananas", "--budget", "12", "--data-dir", str(data_dir), "--run-dir",
                 str(run), "--quiet", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["predictor"] == "mlp"
    assert main(["show", str(run)]) == 0 and "bananas with mlp" in capsys.readouterr().out
    evolution = search(SearchConfig(strategy="evolution", budget=5, data_dir=str(data_dir),
                                    run_dir=str(tmp_path / "evolution")))
    assert evolution["predictor"] is None  # a strategy that ranks nothing names no predictor
