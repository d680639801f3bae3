"""Predictor-guided strategies (bananas, predictor-topk) end to end on the real NB201 table."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from nasloop.engine.config import SearchConfig
from nasloop.search_spaces.nb201 import NB201Benchmark
from nasloop.engine.errors import ConfigError, UnsupportedError
from nasloop.engine.search import resume, search
from nasloop.engine.types import Observation
from nasloop.predictors.baselines import ZeroCostPredictor
from nasloop.predictors.emprox import EmProxPredictor
from nasloop.predictors.flan import FlanPredictor
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.strategies.acquisition import acquisition_values
from nasloop.strategies.bananas import Bananas
from nasloop.strategies.predictor_topk import PredictorTopK
from nasloop.strategies.warmup import check_proxies

# A small FLAN ensemble: real learned predictions with a real spread, fitted in about a second.
TINY_FLAN = {"ensemble": 2, "steps": 60, "update_steps": 10, "hidden": 16, "op_dim": 8}
COLUMNS = "id, step, arch, key, fidelity, state, duplicate_of, status, score, metrics, cost, told"


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def trials(run_dir: Path) -> list[tuple]:
    with sqlite3.connect(run_dir / "nasloop.sqlite") as db:
        return db.execute(f"SELECT {COLUMNS} FROM trials ORDER BY id").fetchall()


def scores(run_dir: Path) -> list[float]:
    return [row[8] for row in trials(run_dir) if row[5] != "duplicate"]


def config(data_dir: Path, run_dir: Path, **changes) -> SearchConfig:
    base = dict(strategy="bananas", predictor="flan", predictor_options=dict(TINY_FLAN), budget=16, seed=3,
                strategy_options={"num_init": 8, "batch_size": 4}, data_dir=str(data_dir), run_dir=str(run_dir))
    return SearchConfig(**{**base, **changes})


def edits(a: tuple, b: tuple) -> int:
    return sum(x != y for x, y in zip(a, b))


@pytest.mark.parametrize("acquisition", ["its", "ucb", "ei"])
def test_bananas_proposes_unseen_mutants_of_evaluated_cells(tmp_path, data_dir, acquisition):
    run = tmp_path / acquisition
    summary = search(config(data_dir, run, strategy_options={"num_init": 8, "batch_size": 4, "max_edits": 2,
                                                             "acquisition": acquisition}))
    assert summary["evaluations"] == 16 and summary["duplicates_answered"] == 0  # never re-proposes
    space = NB201Space()
    cells = [space.parse(row[2]) for row in trials(run)]
    assert len(set(cells)) == 16
    for i in range(8, 16):  # each guided pick is 1-2 edits from a cell evaluated before its round
        assert min(edits(cells[i], parent) for parent in cells[:8 + 4 * ((i - 8) // 4)]) in (1, 2)


def test_guided_evaluations_beat_random_ones(tmp_path, data_dir):
    """After the random initial design, FLAN-guided top-k (pool mode) evaluates far better cells than chance.

    Validation accuracies of evaluations 9-24, pooled over 3 seeds: mean and median both compared.
    """
    guided, chance = [], []
    for seed in range(3):
        search(config(data_dir, tmp_path / f"g{seed}", strategy="predictor-topk", budget=24, seed=seed,
                      strategy_options={"num_init": 8, "batch_size": 8, "enumerate_limit": 0, "pool_size": 300}))
        search(SearchConfig(strategy="random", budget=24, seed=seed, data_dir=str(data_dir),
                            run_dir=str(tmp_path / f"r{seed}")))
        guided += scores(tmp_path / f"g{seed}")[8:]
        chance += scores(tmp_path / f"r{seed}")[8:]
    assert np.mean(guided) > np.mean(chance) + 2.0, (np.mean(guided), np.mean(chance))
    assert np.median(guided) > np.median(chance) + 0.5, (np.median(guided), np.median(chance))


def test_topk_over_the_whole_space_takes_the_predicted_best(tmp_path, data_dir, nb201_context):
    """With explore=0, each round's picks are the unseen functions the refit predictor ranks highest.

    One cell per function: a copy of a function already evaluated or picked is passed over.
    """
    run = tmp_path / "run"
    search(config(data_dir, run, strategy="predictor-topk", predictor="zero-cost", predictor_options={},
                  strategy_options={"num_init": 4, "batch_size": 3, "explore": 0}, budget=10))
    space = NB201Space()
    cells, values = [space.parse(row[2]) for row in trials(run)], scores(run)
    everything = list(space.enumerate())
    for start in (4, 7):  # two rounds, each ranked by a predictor fitted on everything before it
        predictor = ZeroCostPredictor(space, context=nb201_context).fit(cells[:start], values[:start])
        mean, _ = predictor.predict(everything)
        covered, ranked = {space.functional_hash(c) for c in cells[:start]}, []
        for i in np.argsort(-mean, kind="stable"):
            if len(ranked) < 3 and space.functional_hash(everything[i]) not in covered:
                covered.add(space.functional_hash(everything[i]))
                ranked.append(everything[i])
        assert cells[start:start + 3] == ranked


def test_topk_local_picks_are_neighbours_of_the_incumbents(tmp_path, data_dir):
    run = tmp_path / "run"
    search(config(data_dir, run, strategy="predictor-topk", predictor="zero-cost", predictor_options={},
                  strategy_options={"num_init": 6, "batch_size": 3, "explore": 0, "local": 1}, budget=15))
    space = NB201Space()
    cells, values = [space.parse(row[2]) for row in trials(run)], scores(run)
    for start in (6, 9, 12):  # the last pick of each round is one edit from one of the two best so far
        best = [cells[i] for i in np.argsort(-np.asarray(values[:start]), kind="stable")[:2]]
        assert min(edits(cells[start + 2], b) for b in best) == 1


@pytest.mark.parametrize("near", [True, False])
def test_topk_exploration_picks_edit_the_incumbents_unless_told_otherwise(tmp_path, data_dir, near):
    """One exploration pick per round (the last): a neighbour of the two best so far by default.

    The zero-cost predictor has no spread, so the pick among the neighbours is at random.

    With ``explore_near=False`` it is a random cell of the whole space instead, and over six
    rounds such draws are almost never one edit from the incumbents (24 of 15,625 cells are).
    """
    run = tmp_path / "run"
    search(config(data_dir, run, strategy="predictor-topk", predictor="zero-cost", predictor_options={},
                  strategy_options={"num_init": 6, "batch_size": 3, "explore": 1, "explore_near": near},
                  budget=24))
    space = NB201Space()
    cells, values = [space.parse(row[2]) for row in trials(run)], scores(run)
    near_incumbents = []
    for start in range(6, 24, 3):
        best = [cells[i] for i in np.argsort(-np.asarray(values[:start]), kind="stable")[:2]]
        near_incumbents.append(min(edits(cells[start + 2], b) for b in best) == 1)
    assert all(near_incumbents) if near else not any(near_incumbents)


def test_topk_exploration_takes_the_neighbour_the_ensemble_is_least_sure_of(data_dir):
    """By default the exploration pick is the incumbents' unseen neighbour with the largest ensemble std."""
    space, bench = NB201Space(), NB201Benchmark(data_dir)
    predictor = FlanPredictor(space, seed=1, **TINY_FLAN)
    strategy = PredictorTopK(space, seed=1, predictor=predictor, num_init=6, batch_size=3, explore=1)
    for _ in range(6):
        strategy.tell([Observation(a, bench.query(a, "cifar10").metrics["val_accuracy"]) for a in strategy.ask(1)])
    round_picks = strategy.ask(1) + list(strategy.queue)  # the first guided ask fits and ranks one round
    ranked, explored = round_picks[:2], round_picks[2]
    taken = {space.hash(a) for a in ranked}
    best = strategy._best_observed(2)
    neighbours = [n for b in best for n in space.neighbours(b)
                  if space.hash(n) not in taken and space.hash(n) not in strategy.observed]
    _, std = predictor.predict(neighbours)
    assert std.max() > 0 and explored in neighbours
    assert std[neighbours.index(explored)] == pytest.approx(std.max())


def test_topk_explores_by_std_only_where_std_is_what_the_model_does_not_know():
    space = NB201Space()
    assert PredictorTopK(space, predictor=FlanPredictor(space)).exploration_mode == "std"  # ensemble spread
    assert PredictorTopK(space, predictor=EmProxPredictor(space)).exploration_mode == "random"  # data spread
    assert PredictorTopK(space, predictor=EmProxPredictor(space), explore_by="std").exploration_mode == "std"


def test_predictor_is_refit_on_results_and_failures_are_excluded(nb201_context):
    space, bench = NB201Space(), nb201_context.benchmark
    predictor = ZeroCostPredictor(space, context=nb201_context)
    strategy = PredictorTopK(space, seed=0, predictor=predictor, num_init=4, batch_size=3, explore=1)
    seen, sizes, failed = set(), [], None
    for step in range(12):
        (arch,) = strategy.ask(1)
        assert space.hash(arch) not in seen  # never an architecture already asked
        seen.add(space.hash(arch))
        if step == 1:
            failed = arch
            strategy.tell([Observation(arch, None)])  # a failed evaluation
        else:
            strategy.tell([Observation(arch, bench.query(arch, "cifar10").metrics["val_accuracy"])])
        sizes.append(len(predictor.state_dict()["archs"]))
    # fitted at the first guided ask, then refit after every batch of 3 new results: the training set grows
    assert sizes[3] == 0 and sizes[4] == 3 and sizes[7] == 6 and sizes[10] == 9
    assert space.format(failed) not in predictor.state_dict()["archs"]
    assert strategy.rounds >= 3


@pytest.mark.parametrize("strategy,predictor,stop_at,warmup", [
    ("bananas", "flan", 13, {}),
    ("predictor-topk", "zero-cost", 13, {}),
    # stopped inside a warm-up drawn from a random pool: the resumed run must rebuild the same ranking
    ("bananas", "zero-cost", 4, {"warmup": ["params", "zen"], "warmup_pool": 300}),
])
def test_interrupted_guided_search_resumes_exactly(tmp_path, data_dir, strategy, predictor, stop_at, warmup):
    options = {"num_init": 6, "batch_size": 4, **warmup}
    changes = dict(strategy=strategy, predictor=predictor, budget=20,
                   predictor_options=dict(TINY_FLAN) if predictor == "flan" else {},
                   strategy_options={**options, "explore": 0.3} if strategy == "predictor-topk" else options)
    reference = tmp_path / "reference"
    search(config(data_dir, reference, **changes))
    expected = trials(reference)

    def stop_midway(done: int, budget: int | None, best: float | None) -> None:
        if done == stop_at:  # 13: inside a round, a refit is due and queued picks are pending
            raise KeyboardInterrupt

    run = tmp_path / "interrupted"
    with pytest.raises(KeyboardInterrupt):
        search(config(data_dir, run, **changes), on_progress=stop_midway)
    assert len(trials(run)) == stop_at
    resume(run)
    assert trials(run) == expected
    if predictor == "zero-cost":  # same seed gave the same trajectory above; another seed gives another one
        other = tmp_path / "other"
        search(config(data_dir, other, **{**changes, "seed": 4}))
        assert [r[2] for r in trials(other)] != [r[2] for r in expected]


@pytest.mark.parametrize("strategy", ["predictor-topk", "bananas"])
def test_warmup_starts_from_the_cells_the_proxies_rank_best(tmp_path, data_dir, strategy):
    run = tmp_path / "run"
    search(config(data_dir, run, strategy=strategy, predictor="zero-cost", predictor_options={}, budget=8,
                  strategy_options={"num_init": 6, "batch_size": 2, "warmup": ["params", "zen"]}))
    space, table = NB201Space(), NB201Benchmark(data_dir)
    cells = list(space.enumerate())
    # the mean rank of the two proxies over the whole space, undefined Zen (no input-output path) ranking last
    mean_rank = np.mean([stats.rankdata(np.nan_to_num(table.proxy_scores(cells, p, "cifar10"), nan=-np.inf))
                         for p in ("params", "zen")], axis=0)
    by_cell = dict(zip(cells, mean_rank))
    first = [space.parse(row[2]) for row in trials(run)[:6]]
    assert min(by_cell[c] for c in first) >= np.sort(mean_rank)[-6]  # the top 6, whatever order ties took
    warm = np.mean([table.query(c, "cifar10").metrics["val_accuracy"] for c in first])
    chance = np.mean([table.query(c, "cifar10").metrics["val_accuracy"] for c in cells[::50]])
    assert warm > 90.0 > chance + 5  # far above what random initial cells average


def test_warmup_reads_proxy_names_as_a_list_or_as_the_cli_writes_them():
    assert check_proxies("params, zen") == check_proxies(["params", "zen"]) == ["params", "zen"]
    assert check_proxies(None) == []


def test_acquisitions_rank_as_defined():
    mean, std = np.array([90.0, 91.0, 90.0]), np.array([0.0, 0.0, 2.0])
    ucb = acquisition_values("ucb", mean, std, np.random.default_rng(0), beta=4.0)
    assert np.allclose(ucb, [90.0, 91.0, 94.0])
    ei = acquisition_values("ei", mean, std, np.random.default_rng(0), best_observed=91.0)
    assert ei[2] > ei[1] > ei[0]  # uncertainty beats a sure thing at the incumbent, which beats a sure loss
    draws = [acquisition_values("its", mean, std, np.random.default_rng(7)) for _ in range(2)]
    assert np.array_equal(draws[0], draws[1]) and draws[0][0] == 90.0 and draws[0][2] != 90.0


def test_classic_strategy_rejects_a_predictor(tmp_path, data_dir):
    with pytest.raises(ConfigError, match="strategy 'evolution' uses no predictor"):
        search(SearchConfig(strategy="evolution", predictor="zero-cost", data_dir=str(data_dir),
                            run_dir=str(tmp_path / "run")))
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("strategy,options,message", [
    ("bananas", {"acquisition": "pi"}, "option acquisition must be one of its, ucb, ei, got 'pi'"),
    ("bananas", {"pool_size": 0}, "option pool_size must be an integer >= 1"),
    ("bananas", {"beta": -1}, "option beta"),
    ("predictor-topk", {"refit": "sometimes"}, "option refit must be one of warm, reset"),
    ("predictor-topk", {"explore": 4, "batch_size": 4}, "option explore=4"),
    ("predictor-topk", {"explore_near": "yes"}, "option explore_near must be true or false"),
    ("predictor-topk", {"explore_by": "mean"}, "option explore_by must be one of auto, std, random"),
    ("predictor-topk", {"popsize": 3}, "strategy 'predictor-topk' has no option 'popsize'"),
    ("predictor-topk", {"warmup": ["params", "synflw"]}, "option warmup: unknown zero-cost proxy 'synflw'"),
    ("predictor-topk", {"warmup": 3},
     "option warmup must be true or false or a string or a list of strings or null, got 3"),
    ("bananas", {"warmup": "zen", "warmup_pool": 0},
     "option warmup_pool must be an integer >= 1 and <= 10000000 or null, got 0"),
    ("bananas", {"warmup_pool": 500}, "option warmup_pool sizes the pool a zero-cost warm-up ranks"),
])
def test_bad_options_fail_in_one_line_before_the_run(tmp_path, data_dir, strategy, options, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        search(SearchConfig(strategy=strategy, predictor="zero-cost", strategy_options=options,
                            data_dir=str(data_dir), run_dir=str(tmp_path / "run")))
    assert "\n" not in str(info.value)
    assert not (tmp_path / "run").exists()


def test_a_warmup_proxy_the_table_lacks_for_the_task_fails_in_one_line(tmp_path, data_dir):
    # NAS-Bench-Suite-Zero scored CIFAR-10 and ImageNet16-120, not CIFAR-100: there the table has
    # only its own counts and Zen
    with pytest.raises(ConfigError, match=r"option warmup: proxy 'synflow' is not stored for nb201 cifar100 "
                                          r"\(stored: flops, params, zen\)"):
        search(SearchConfig(strategy="predictor-topk", predictor="zero-cost", dataset="cifar100",
                            strategy_options={"warmup": ["params", "synflow"]}, data_dir=str(data_dir),
                            run_dir=str(tmp_path / "run")))
    assert not (tmp_path / "run").exists()


def test_the_benchmark_warmup_on_a_space_without_a_table_names_the_fix(tmp_path, data_dir):
    with pytest.raises(UnsupportedError) as info:
        search(SearchConfig(space="nago", strategy="predictor-topk", predictor="zero-cost", evaluator="proxy",
                            strategy_options={"warmup": True}, data_dir=str(data_dir), run_dir=str(tmp_path / "run")))
    message = str(info.value)
    assert "\n" not in message and "search space 'nago' has none" in message
    assert ("compute proxies on a pool of at most 2,000 of its networks instead, e.g. --strategy-opt "
            "'warmup=[params,zen]' --strategy-opt warmup_pool=200") in message
    assert not (tmp_path / "run").exists()


def test_predictor_topk_starts_from_the_benchmark_warmup_by_default_and_at_random_when_told(tmp_path, data_dir):
    """The default is the best start measured: the benchmark's warm-up proxies on a tabular run."""
    runs = {}
    for name, options in (("default", {}), ("explicit", {"warmup": ["params", "zen"]}), ("random", {"warmup": None})):
        runs[name] = tmp_path / name
        search(config(data_dir, runs[name], strategy="predictor-topk", predictor="zero-cost", predictor_options={},
                      budget=6, strategy_options={"num_init": 6, "batch_size": 2, **options}))
    first = {name: [row[2] for row in trials(run)] for name, run in runs.items()}
    assert first["default"] == first["explicit"] != first["random"]
    proxy_run = tmp_path / "proxy"  # answered by a proxy, not the table: no stored-proxy warm-up is assumed
    search(config(data_dir, proxy_run, strategy="predictor-topk", predictor="zero-cost", predictor_options={},
                  budget=4, evaluator="proxy", evaluator_options={"proxies": ["params"]},
                  strategy_options={"num_init": 4, "batch_size": 2}))
    assert [row[2] for row in trials(proxy_run)] != first["default"][:4]


def test_a_search_reads_its_own_predictors_name_key_options_as_compare_does(tmp_path, data_dir):
    """'--predictor-opt flan.ensemble=2' worked in compare and predictors evaluate, and was refused by search."""
    flan = {**TINY_FLAN, "steps": 10}  # the options a run read are checked, not its ranking: 10 steps tell them apart
    summary = search(config(data_dir, tmp_path / "a", predictor_options={f"flan.{k}": v for k, v in flan.items()},
                            budget=10))
    plain = search(config(data_dir, tmp_path / "b", predictor_options=flan, budget=10))
    assert scores(Path(summary["run_dir"])) == scores(Path(plain["run_dir"]))  # the same options, the same run
    # flan.KEY beats KEY in either order, as in compare and predictors evaluate
    three = scores(Path(search(config(data_dir, tmp_path / "c", budget=10,
                                      predictor_options={**flan, "ensemble": 3}))["run_dir"]))
    assert three != scores(Path(plain["run_dir"]))  # the option tells runs apart
    for n, options in enumerate(({**flan, "flan.ensemble": 3}, {"flan.ensemble": 3, **flan})):
        assert scores(Path(search(config(data_dir, tmp_path / f"c{n}", predictor_options=options,
                                         budget=10))["run_dir"])) == three
    with pytest.raises(ConfigError, match=r"--predictor-opt flan. names no option after 'flan.'"):
        search(config(data_dir, tmp_path / "e", predictor_options={**flan, "flan.": 3}))
    with pytest.raises(ConfigError, match=r"--predictor-opt gp.max_iter is for predictor 'gp', which is not used "
                                          r"here \(flan\); add it or drop the option"):
        search(config(data_dir, tmp_path / "d", predictor_options={**flan, "gp.max_iter": 3}))


class ShortMeans(ZeroCostPredictor):
    """A user's predictor with a bug: one mean for the whole pool."""

    def predict(self, archs):
        mean, std = super().predict(archs)
        return mean[:1], std


class NaNMeans(ZeroCostPredictor):
    """A user's predictor with a bug: NaN means."""

    def predict(self, archs):
        mean, std = super().predict(archs)
        return np.full_like(mean, np.nan), std


class BatchedMeans(ZeroCostPredictor):
    """A user's predictor with an option of its own on predict, reading its base class's predict in parts."""

    def predict(self, archs, batch_size=2):
        whole = super().predict  # bound here: a comprehension has no super() of its own before Python 3.12
        parts = [whole(archs[i:i + batch_size]) for i in range(0, len(archs), batch_size)]
        return np.concatenate([mean for mean, _ in parts]), np.concatenate([std for _, std in parts])


@pytest.mark.parametrize("predictor_class, strategy_class, message", [
    (NaNMeans, PredictorTopK, "predictor NaNMeans: predict returned 20 non-finite means for 20 architectures"),
    (ShortMeans, Bananas, "predictor ShortMeans: predict returned means of shape (1,) for "),
])
def test_a_predictors_unusable_output_is_named_before_it_steers_the_search(data_dir, predictor_class,
                                                                           strategy_class, message):
    # Both ranked a pool as if nothing were wrong (NaN sorts anywhere; one mean broadcast to every candidate),
    # and the search finished with other architectures than a working predictor picks.
    space, bench = NB201Space(), NB201Benchmark(data_dir)
    predictor = predictor_class(space, proxy="params")
    options = {"pool_size": 20} if strategy_class is Bananas else {"pool_size": 20, "warmup": None, "explore": 0}
    strategy = strategy_class(space, seed=0, predictor=predictor, num_init=4, **options)
    for _ in range(4):
        strategy.tell([Observation(a, bench.query(a, "cifar10").metrics["val_accuracy"]) for a in strategy.ask(1)])
    with pytest.raises(ConfigError, match=re.escape(message)):
        strategy.ask(1)


def test_every_reader_of_a_predictor_gets_its_output_checked(data_dir):
    """Only strategies that called checked_prediction got the check: a user's strategy reading predict() itself,
    or a blend averaging a user's member, ranked by NaN without a word."""
    from nasloop.engine.registry import register_predictor
    from nasloop.predictors.blend import BlendPredictor

    space, bench = NB201Space(), NB201Benchmark(data_dir)
    rng = np.random.default_rng(0)
    cells = [space.sample(rng) for _ in range(8)]
    accuracy = [bench.query(a, "cifar10").metrics["val_accuracy"] for a in cells]
    with pytest.raises(ConfigError, match=re.escape("predictor NaNMeans: predict returned 3 non-finite means for 3 "
                                                    "architectures")):
        NaNMeans(space, proxy="params").fit(cells[:5], accuracy[:5]).predict(cells[5:])
    batched = BatchedMeans(space, proxy="params").fit(cells[:5], accuracy[:5])  # its own argument passes through
    assert np.array_equal(batched.predict(cells[5:], batch_size=1)[0], batched.predict(cells[5:])[0])
    register_predictor("nan-means")(NaNMeans)
    blend = BlendPredictor(space, members={"nan-means": {"proxy": "params"}, "zero-cost": {"proxy": "params"}})
    with pytest.raises(ConfigError, match=re.escape("predictor nan-means: predict returned 5 non-finite means")):
        blend.fit(cells[:5], accuracy[:5])  # the blend reads its members on the training cells, to scale them
