"""Bayesian optimisation (botorch) on the real NB201 table and on the NAGO generator space."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.search import resume, search
from nasloop.engine.store import RunStore
from nasloop.search_spaces.nago.space import NAGOSpace
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.strategies.bo import BayesianOptimisation
from nasloop.strategies.bo_model import Proposer

FAST = {"num_init": 6, "pool_size": 300, "mc_samples": 32}  # a candidate pool (NB201)
FAST_BOX = {"num_init": 4, "num_restarts": 2, "raw_samples": 64, "mc_samples": 32}  # NAGO's box


def run(tmp_path, name, data_dir, **config):
    return search(SearchConfig(data_dir=str(data_dir), run_dir=str(tmp_path / name), **config))


def archs(run_dir) -> list[str]:
    with RunStore.in_run_dir(run_dir) as store:
        return [t.arch for t in store.trials()]


def test_bo_on_nb201_improves_on_its_random_start_and_resumes_exactly(tmp_path, data_dir):
    straight = run(tmp_path, "s", data_dir, strategy="bo", budget=14, seed=4, strategy_options=FAST)
    with RunStore.in_run_dir(straight["run_dir"]) as store:
        scores = [t.score for t in store.evaluations()]
    assert len(set(archs(straight["run_dir"]))) == 14  # the pool never offers a known cell
    assert max(scores[6:]) > max(scores[:6])  # the GP-guided picks beat the 6 random ones
    first = run(tmp_path, "r", data_dir, strategy="bo", budget=9, seed=4, strategy_options=FAST)
    resumed = resume(first["run_dir"], budget=14)
    assert archs(resumed["run_dir"]) == archs(straight["run_dir"])


def test_bo_starts_on_nb201_from_the_cells_random_search_draws(tmp_path, data_dir):
    """The README said the initial design is scrambled Sobol everywhere; off a box it is random search's cells, which
    is why a study's bo and random curves agree for its first num_init queries."""
    guided = run(tmp_path, "bo", data_dir, strategy="bo", budget=6, seed=7, strategy_options=FAST)
    drawn = run(tmp_path, "random", data_dir, strategy="random", budget=6, seed=7)
    assert archs(guided["run_dir"]) == archs(drawn["run_dir"])


def test_bo_with_two_objectives_uses_the_hypervolume_acquisition(tmp_path, data_dir):
    summary = run(tmp_path, "mo", data_dir, strategy="bo", budget=8, seed=2, strategy_options=FAST,
                  objectives=["val_accuracy:max", "params_m:min"], reference_point=[60.0, 1.6])
    assert summary["evaluations"] == 8 and summary["pareto_front"] and summary["hypervolume"] > 0


def test_sobol_design_gives_integer_ends_their_share():
    space = NAGOSpace(param_limit=1e5)
    proposer = Proposer(space, None, 10, 2, 16)
    points = [space.to_box(proposer.initial(i, 0, np.random.default_rng(0))) for i in range(64)]
    values = np.array(points)
    for column, dim in enumerate(space.dimensions):
        if dim.integer:
            counts = np.bincount(values[:, column].astype(int) - int(dim.low))
            levels = int(dim.high - dim.low) + 1
            assert len(counts) == levels and counts.min() >= 64 // levels - 3  # ends not starved


def test_each_design_point_is_that_of_botorchs_whole_sobol_design():
    """A point is drawn alone, the sequence fast-forwarded to it: the design, and so a seed's run, is the one
    botorch's draw of all num_init points gives."""
    import torch
    from botorch.utils.sampling import draw_sobol_samples

    space = NAGOSpace(param_limit=1e5)
    proposer = Proposer(space, None, 10, 2, 16)
    half = torch.tensor([0.5 if d.integer else 0.0 for d in space.dimensions], dtype=torch.float64)
    bounds = proposer.bounds(np.zeros((0, 0))) + torch.stack([-half, half])
    whole = draw_sobol_samples(bounds=bounds, n=40, q=1, seed=3).squeeze(1)
    rng = np.random.default_rng(0)
    assert [proposer.initial(i, 3, rng) for i in (0, 1, 17, 39)] == [space.from_box(whole[i].tolist())
                                                                      for i in (0, 1, 17, 39)]


def test_bo_searches_the_nago_box_with_replicates_as_noise(tmp_path, data_dir):
    summary = run(tmp_path, "nago", data_dir, space="nago", space_options={"param_limit": 2e4}, evaluator="proxy",
                  evaluator_options={"proxies": ["synflow"], "replicates": 2, "batch_size": 16}, strategy="bo",
                  budget=6, seed=1, strategy_options=FAST_BOX)
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        done = store.evaluations()
        state = store.strategy_state()[1]
    metrics = done[0].result.metrics
    assert metrics["replicates"] == 2 and {"synflow@0", "synflow@1", "synflow_std"} <= set(metrics)
    assert metrics["synflow"] == pytest.approx((metrics["synflow@0"] + metrics["synflow@1"]) / 2)
    told = [noise for _, _, noise in state["observed"]]
    assert all(n is not None and n[0] == pytest.approx(m.result.metrics["synflow_std"] ** 2 / 2)
               for n, m in zip(told, done))
    space = NAGOSpace(param_limit=2e4)
    assert len({t.arch for t in done}) == 6 and all(space.parse(t.arch) for t in done)


def test_bo_refuses_options_that_do_not_fit_the_space():
    with pytest.raises(ConfigError, match="its own box of hyperparameters, which does not read the encoding option"):
        BayesianOptimisation(NAGOSpace(), encoding="unit")
    # Each proposer's own options were accepted by the other and ignored without a word.
    with pytest.raises(ConfigError, match="its own box of hyperparameters, which does not read the pool_size option"):
        BayesianOptimisation(NAGOSpace(), pool_size=10)
    with pytest.raises(ConfigError, match="over a pool of candidate architectures, which does not read the "
                                          "num_restarts option; drop it"):
        BayesianOptimisation(NB201Space(), num_restarts=2)
    with pytest.raises(ConfigError, match="no vector encoding 'graph'.*path, onehot"):
        BayesianOptimisation(NB201Space(), encoding="graph")
    with pytest.raises(ConfigError, match="one per objective"):
        BayesianOptimisation(NB201Space(), num_objectives=2, reference_point=[1.0])


def test_a_batch_spreads_out_and_pending_points_are_not_proposed_again(nb201_context):
    from nasloop.engine.types import Observation

    space, bench = NB201Space(), nb201_context.benchmark
    bo = BayesianOptimisation(space, seed=3, **FAST)
    first = bo.ask(6)
    bo.tell([Observation(a, bench.query(a, "cifar10").metrics["val_accuracy"]) for a in first])
    batch = bo.ask(3)  # three free workers: q = 3 in one acquisition
    more = bo.ask(2)  # asked while the three still run: they are pending in the acquisition
    texts = [space.format(a) for a in first + batch + more]
    assert len(set(texts)) == 11
    assert sorted(bo.state_dict()["pending"]) == sorted(texts[6:])


def test_failures_enter_the_model_at_the_worst_value_and_are_never_proposed_again(nb201_context):
    from nasloop.engine.types import Observation

    space, bench = NB201Space(), nb201_context.benchmark
    bo = BayesianOptimisation(space, seed=5, **FAST)
    first = bo.ask(6)
    told = [Observation(a, None if a[0] == 4 or i < 2 else bench.query(a, "cifar10").metrics["val_accuracy"])
            for i, a in enumerate(first)]
    bo.tell(told)
    failed = {space.format(o.arch) for o in told if o.failed}
    assert failed and bo.failed == failed
    proposals = bo.ask(4)
    assert not failed & {space.format(a) for a in proposals}
    assert len({space.format(a) for a in first + proposals}) == 10


def test_without_a_cpp_compiler_the_hypervolume_acquisition_runs_without_a_word(tmp_path, data_dir,
                                                                                 nasloop_in_process, monkeypatch):
    """botorch compiles a fused kernel for qLogNEHVI on first use; on a machine without a C++ compiler its
    warning that it fell back to Python reached the terminal mid-search (and failed this suite). Run in this process
    (the warnings a process shows reach its stderr), botorch's record of an earlier try cleared."""
    from botorch.acquisition.multi_objective import logei

    monkeypatch.setattr(logei, "_load_attempted", False)  # the conftest's session left it set: no compile
    env = {"CXX": "/bin/false", "TORCH_EXTENSIONS_DIR": str(tmp_path / "extensions")}
    options = [f"--strategy-opt={key}={value}" for key, value in FAST.items()]
    proc = nasloop_in_process(["search", "--strategy", "bo", "--objectives", "val_accuracy:max,params_m:min",
                               "--budget", "8", *options, "--data-dir", str(data_dir), "--run-dir",
                               str(tmp_path / "run"), "--quiet"], env=env)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    build = tmp_path / "extensions" / "logei_fused_ext"
    assert build.is_dir() and not list(build.glob("*.so"))  # the compile was tried, and failed
    assert logei._C is None  # botorch's Python version ran
