"""A user's own space, from their own file: loaded with --plugin, searched by every strategy and predictor
its capabilities allow, and refused in one line, before anything runs, by the ones they do not.

The space is ``examples/custom_space.py`` (a macro CNN of stages), used at a small size.
"""
from __future__ import annotations

import functools
import itertools
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pytest
import torch

from nasloop.engine.config import SearchConfig
from nasloop.engine.context import RunContext
from nasloop.engine.errors import ConfigError, UnsupportedError
from nasloop.engine.plugins import load_plugin
from nasloop.engine.data.proxy_file import file_name as proxy_file_name
from nasloop.engine.proxy_precompute import precompute
from nasloop.engine.registry import EXECUTORS, PREDICTORS, SEARCH_SPACES, register_search_space
from nasloop.engine.types import Observation
from nasloop.engine.search import search
from nasloop.engine.store import RunStore
from nasloop.predictors.vocabulary import VOCABULARY
from nasloop.search_spaces.base import EnumerableSpace, SearchSpace
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.strategies.predictor_topk import POOL_SIZE, POOL_SIZE_BUILDING, PredictorTopK

from .plugin_forgetting import forget_plugins_under

EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "custom_space.py")
SMALL = {"stages": 2}
PROXY = {"proxies": ["synflow"], "batch_size": 8}

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def run(tmp_path: Path, name: str, data_dir: Path, **config) -> dict:
    return search(SearchConfig(space="macro-cnn", plugins=[EXAMPLE], data_dir=str(data_dir),
                               run_dir=str(tmp_path / name), **config))


def nasloop(*args: str, cwd: Path, data_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NASLOOP_DATA=str(data_dir))
    return subprocess.run([sys.executable, "-m", "nasloop.engine.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("strategy,predictor", [("evolution", None), ("local", None), ("bananas", "gp"),
                                                ("bananas", "mlp"), ("predictor-topk", "flan"),
                                                ("predictor-topk", "emprox")])
def test_every_strategy_and_predictor_searches_it_with_proxies(strategy, predictor, tmp_path, data_dir):
    options = {"num_init": 4, "batch_size": 2, "pool_size": 40} if predictor else {}
    predictor_options = {"pretrain_samples": 200, "pretrain_epochs": 2} if predictor == "emprox" else {}
    summary = run(tmp_path, "run", data_dir, strategy=strategy, predictor=predictor, budget=8, seed=0,
                  evaluator="proxy", evaluator_options=PROXY, space_options=SMALL, strategy_options=options,
                  predictor_options=predictor_options)
    assert summary["evaluations"] == 8 and summary["failed"] == 0 and summary["objective"] == "synflow"
    space = SEARCH_SPACES.get("macro-cnn")(**SMALL)
    assert len(space.parse(summary["best"]["arch"])) == 6  # two stages of op, width, skip


def test_short_real_training_runs_on_it(tmp_path, data_dir):
    summary = run(tmp_path, "train", data_dir, strategy="random", evaluator="train", fidelity=1, budget=2, seed=0,
                  space_options=SMALL, evaluator_options={"train_images": 200, "batch_size": 32})
    assert summary["evaluations"] == 2 and summary["failed"] == 0
    assert 0 <= summary["best"]["metrics"]["val_accuracy"] <= 100


@pytest.fixture
def example_unloaded() -> Iterator[Callable[[], None]]:
    """``forget()``: this process drops ``examples/custom_space.py`` (its space, the loader's record of it, its module),
    as before the test and after it: a command then loads the file as a fresh process would, and a copy of it loaded
    next is not refused as 'macro-cnn' registered twice (this module's other tests loaded the example)."""
    forget = functools.partial(forget_plugins_under, Path(EXAMPLE))
    forget()
    yield forget
    forget()


def test_the_cli_loads_the_file_and_a_resume_loads_it_again(tmp_path, data_dir, fresh_nasloop, example_unloaded):
    # each command loads the plugin files as a process of its own would: fresh_nasloop forgets the test folder's after
    # each, example_unloaded the example's
    data = {"NASLOOP_DATA": str(data_dir)}
    listed = fresh_nasloop(["--plugin", EXAMPLE, "spaces"], tmp_path, data)
    assert listed.returncode == 0 and "macro-cnn" in listed.stdout
    example_unloaded()
    (tmp_path / "my_space.py").write_text(Path(EXAMPLE).read_text())
    first = fresh_nasloop(["--plugin", "my_space.py", "search", "--space", "macro-cnn", "--evaluator", "proxy",
                           "--proxies", "params", "--space-opt", "stages=2", "--budget", "3", "--run-dir", "r",
                           "--quiet", "--json"], tmp_path, data)
    assert first.returncode == 0, first.stderr
    (tmp_path / "elsewhere").mkdir()
    more = fresh_nasloop(["search", "--resume", "../r", "--budget", "5", "--quiet", "--json"], tmp_path / "elsewhere",
                         data)
    assert more.returncode == 0, more.stderr  # no --plugin: the run remembers it, named from where it started
    assert '"evaluations": 5' in more.stdout
    (tmp_path / "my_space.py").rename(tmp_path / "moved.py")
    gone = fresh_nasloop(["search", "--resume", "r", "--budget", "6", "--quiet"], tmp_path, data)
    assert gone.returncode == 2 and gone.stderr.count("\n") == 1
    assert f"was started with the plugin file {tmp_path / 'my_space.py'}, which no longer exists; put it back" \
        in gone.stderr and "or give where it is now: nasloop --plugin NEW/my_space.py search --resume r" in gone.stderr
    (tmp_path / "moved").mkdir()
    (tmp_path / "moved.py").rename(tmp_path / "moved" / "my_space.py")  # the file loads anew from its new place
    found = fresh_nasloop(["--plugin", "moved/my_space.py", "search", "--resume", "r", "--budget", "6", "--quiet",
                           "--json"], tmp_path, data)
    assert found.returncode == 0 and '"evaluations": 6' in found.stdout, found.stderr
    with RunStore.in_run_dir(tmp_path / "r", readonly=True) as store:  # its new place, for the next resume
        assert store.get_meta("config")["plugins"] == [str(tmp_path / "moved" / "my_space.py")]


def test_ray_workers_get_the_plugin_file_by_value(tmp_path, data_dir):
    # a process of its own, as the next test: the Ray cluster it starts, and the plugin it ships, are that process's
    out = nasloop("--plugin", EXAMPLE, "search", "--space", "macro-cnn", "--evaluator", "proxy", "--proxies", "params",
                  "--space-opt", "stages=2", "--budget", "3", "--executor", "ray", "--workers", "1",
                  "--run-dir", "r", "--quiet", "--json", cwd=tmp_path, data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    assert '"evaluations": 3' in out.stdout and '"failed": 0' in out.stdout


def test_ray_workers_import_the_modules_beside_a_plugin_file(tmp_path, data_dir):
    """A helper beside the plugin, a folder without __init__.py, an import inside a method, a cached function
    in the plugin itself (pickled by reference to the plugin's module): each failed on every Ray worker with 'No
    module named', though the plugin ran serially. A module of the helper's name where nasloop runs (first on
    Ray workers' import path) must not replace it."""
    plugins = tmp_path / "plugins"  # not the folder nasloop runs in, so nothing but the driver knows it
    (plugins / "nsscores").mkdir(parents=True)
    (plugins / "arch_scores.py").write_text(textwrap.dedent("""
        import threading
        _LOCK = threading.Lock()  # module state that cannot be pickled: workers must import this module

        def score(text):
            with _LOCK:
                return float(sum(map(ord, text)) % 97)
    """))
    (plugins / "nsscores" / "calc.py").write_text("def offset():\n    return 1.0\n")
    (plugins / "lazy_bonus.py").write_text("def bonus():\n    return 0.5\n")
    (plugins / "char_score.py").write_text(textwrap.dedent("""
        import functools
        from arch_scores import score
        from nsscores.calc import offset
        from nasloop.engine.evaluators.base import Evaluator
        from nasloop.engine.registry import register_evaluator
        from nasloop.engine.types import Result

        @functools.lru_cache(maxsize=None)
        def scale():  # a benchmark's table loader is often cached so
            return 1.0

        @register_evaluator("char-score")
        class CharScore(Evaluator):
            def evaluate(self, arch, fidelity=None):
                import lazy_bonus
                return Result(metrics={"val_accuracy": scale() * score(self.space.format(arch)) + offset()
                                       + lazy_bonus.bonus()})
    """))
    (tmp_path / "arch_scores.py").write_text("raise ImportError('the module where nasloop runs, not the helper')\n")
    out = nasloop("--plugin", str(plugins / "char_score.py"), "search", "--evaluator", "char-score", "--budget", "3",
                  "--executor", "ray", "--workers", "1", "--run-dir", "r", "--quiet", "--json", cwd=tmp_path,
                  data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    assert '"evaluations": 3' in out.stdout and '"failed": 0' in out.stdout, out.stdout


def test_a_predictor_that_builds_networks_to_rank_gets_a_smaller_pool(data_dir, tmp_path):
    """--predictor zero-cost on this space computes its proxy on every candidate: 5,000 a round took 2.5 minutes,
    and on a space it could enumerate it would build every network before its first guided pick."""
    nb201, bare = NB201Space(), RunContext(data_dir=str(tmp_path))  # no table, so nothing stored
    for name, options, enumerated in (("zero-cost", {}, False), ("forest", {"features": ["onehot"]}, True)):
        predictor = PREDICTORS.get(name)(nb201, context=bare, **options)
        assert PredictorTopK(nb201, predictor=predictor, context=bare).enumerable is enumerated
        assert PredictorTopK(nb201, predictor=predictor, context=bare, enumerate_limit=20_000).enumerable
    load_plugin(EXAMPLE)
    space, context = SEARCH_SPACES.get("macro-cnn")(), RunContext(data_dir=str(data_dir))  # room for 5,000 mutants
    computing = PREDICTORS.get("zero-cost")(space, context=context, proxy="synflow")
    reading = PREDICTORS.get("forest")(space, context=context, features=["onehot"])
    assert computing.builds_networks and not reading.builds_networks
    assert PREDICTORS.get("forest")(space, context=context, features=["onehot", "params"]).builds_networks
    assert PREDICTORS.get("blend")(space, context=context, members={"forest": {"features": ["onehot"]},
                                                                    "zero-cost": {"proxy": "params"}}).builds_networks
    states = {}
    for predictor, pool in ((computing, POOL_SIZE_BUILDING), (reading, POOL_SIZE)):
        strategy = PredictorTopK(space, seed=0, predictor=predictor, context=context, num_init=4, batch_size=2,
                                 warmup=None)
        first = strategy.ask(4)
        strategy.tell([Observation(a, float(i)) for i, a in enumerate(first)])
        ranked = []
        predict = predictor.predict
        predictor.predict = lambda archs, predict=predict: (ranked.append(len(archs)), predict(archs))[1]
        assert len(strategy.ask(2)) == 2
        assert pool // 2 <= ranked[0] <= pool  # half are mutants of the 4 cells seen, and those repeat
        states[pool] = strategy.state_dict()
    # a resume ranks the pool its run began with; a run stored before pools were chosen ranked 5,000
    stored_before = {k: v for k, v in states[POOL_SIZE_BUILDING].items() if k not in ("pool_size", "enumerate_limit")}
    for saved, pool in ((states[POOL_SIZE_BUILDING], POOL_SIZE_BUILDING), (stored_before, POOL_SIZE)):
        resumed = PredictorTopK(space, seed=0, predictor=PREDICTORS.get("zero-cost")(space, context=context,
                                                                                      proxy="synflow"),
                                context=context, num_init=4, batch_size=2, warmup=None)
        resumed.load_state_dict(saved)
        assert resumed.state_dict()["pool_size"] == pool


@pytest.mark.usefixtures("isolated_cache")
def test_a_proxy_file_spares_building_networks_only_once_it_holds_the_whole_space(tmp_path, data_dir):
    """A sample, or an interrupted --all, leaves architectures to compute: a guided round must not rank the whole
    space on it as if every score were stored."""
    load_plugin(EXAMPLE)

    class OneStage(SEARCH_SPACES.get("macro-cnn"), EnumerableSpace):  # 24 networks: a file can hold them all
        name = "macro-cnn-one-stage"

        def enumerate(self):
            return map(tuple, itertools.product(*(range(n) for n in (4, 3, 2))))

    space, folder = OneStage(stages=1), tmp_path / "data"
    folder.mkdir()
    (folder / "cifar10_subset.npz").symlink_to(data_dir / "cifar10_subset.npz")
    context, out = RunContext(data_dir=str(folder)), folder / proxy_file_name(space.name, "cifar10")
    everything = list(space.enumerate())
    assert len(everything) == space.size == 24
    with EXECUTORS.get("inprocess")() as executor:
        precompute(space, everything[:10], ["params"], out, context, executor, space_options={"stages": 1})
        assert context.computes(space, "params") and "params" in context.stored_proxies(space)
        assert PREDICTORS.get("zero-cost")(space, context=context, proxy="params").builds_networks
        precompute(space, everything, ["params"], out, context, executor, space_options={"stages": 1})
    assert not context.computes(space, "params")
    assert not PREDICTORS.get("zero-cost")(space, context=context, proxy="params").builds_networks
    assert context.computes(space, "synflow")


class BareChain(SearchSpace):
    """Sampling and mutation only: no neighbours, no encodings, no networks, no table."""

    name = "bare-chain"

    def parse(self, text):
        return tuple(int(c) for c in text.split("-"))

    def format(self, arch):
        return "-".join(map(str, arch))

    def sample(self, rng):
        return tuple(int(b) for b in rng.integers(0, 4, 5))

    def mutate(self, arch, rng):
        i = int(rng.integers(5))
        return arch[:i] + ((arch[i] + 1) % 4,) + arch[i + 1:]


@pytest.fixture
def bare_chain() -> None:
    """BareChain as 'bare-chain', for one test (the conftest drops it after it): registered as this file was
    imported, it was in every listing of spaces that other tests of the same worker checked."""
    register_search_space("bare-chain")(BareChain)


@pytest.mark.usefixtures("bare_chain")
@pytest.mark.parametrize("config,error,fragment", [
    ({"strategy": "local", "evaluator": "proxy"}, UnsupportedError,
     "strategy 'local' needs a search space that has neighbours (NeighbourhoodSpace: neighbours); 'bare-chain' does "
     "not. Strategies that work on it: bananas (with --predictor random), "),
    ({"strategy": "random"}, UnsupportedError, "needs a benchmark table, and search space 'bare-chain' has none"),
    ({"strategy": "bo", "evaluator": "proxy"}, UnsupportedError,
     "strategy 'bo' needs a search space that is a box of hyperparameters (BoxSpace: dimensions, to_box, from_box) "
     "or declares a vector encoding (vector_encodings); 'bare-chain' does not"),
    ({"strategy": "random", "evaluator": "proxy"}, UnsupportedError,
     "evaluator 'proxy' needs a search space that can build networks"),
    ({"strategy": "bananas", "predictor": "gp", "evaluator": "train"}, UnsupportedError,
     "gp reads architectures as vectors, and search space 'bare-chain' declares no vector encoding"),
    ({"strategy": "predictor-topk", "predictor": "flan"}, UnsupportedError,
     "FLAN reads architectures as graphs, and search space 'bare-chain' declares no graph encoding"),
    ({"strategy": "random", "space_options": {"depth": 3}}, ConfigError,
     "search space 'bare-chain' has no option 'depth'; it takes: none"),
])
def test_a_missing_capability_is_one_line_before_anything_runs(config, error, fragment, tmp_path, data_dir):
    with pytest.raises(error) as info:
        search(SearchConfig(space="bare-chain", budget=5, data_dir=str(data_dir), run_dir=str(tmp_path / "r"),
                            **config))
    assert fragment in str(info.value) and "\n" not in str(info.value)
    if "Strategies that work on it" in fragment:  # each name read alone: a worker lists other tests' plugins too
        listed = str(info.value).partition("Strategies that work on it: ")[2]
        for works in ("evolution", "predictor-topk (with --predictor random)", "random"):
            assert f", {works}" in listed
        assert "local" not in listed
    assert not (tmp_path / "r").exists()


@pytest.mark.usefixtures("bare_chain")
def test_proxies_of_a_space_without_networks_are_refused_with_a_fix_that_exists(data_dir, capsys):
    """It advised '--evaluator tabular', which 'nasloop proxies' does not have."""
    from nasloop.engine.cli import main

    assert main(["proxies", "--space", "bare-chain", "--sample", "2", "--proxies", "params", "--data-dir",
                 str(data_dir)]) == 2
    error = capsys.readouterr().err
    assert "search space 'bare-chain' cannot build networks; implement NetworkSpace.to_module for it" in error
    assert "--evaluator" not in error and error.count("\n") == 1, error


def test_options_neither_the_evaluator_nor_the_space_takes_are_refused(tmp_path, data_dir):
    load_plugin(EXAMPLE)
    with pytest.raises(ConfigError, match="evaluator 'proxy' has no option 'channels'; it takes: proxies"):
        run(tmp_path, "r", data_dir, strategy="random", evaluator="proxy", evaluator_options={"channels": 8}, budget=2)
    with pytest.raises(ConfigError,
                       match="search space 'macro-cnn' option stages must be an integer >= 1 and <= 10, got 0"):
        run(tmp_path, "r", data_dir, strategy="random", evaluator="proxy", space_options={"stages": 0}, budget=2)


def test_wiring_a_plugin_does_not_read_is_named_with_the_plugin():
    """A space built by hand with the run context only some spaces take was Python's bare TypeError."""
    from nasloop.search_spaces.nb201 import NB201Space

    with pytest.raises(ConfigError, match="^search space NB201Space is not built with a context; drop context=$"):
        NB201Space(context=None)
    with pytest.raises(ConfigError, match="has no option 'channel'; it takes: channels, cells"):
        NB201Space(channel=8, context=None)  # a misspelt option is still named first


def test_a_broken_installed_plugin_names_itself_and_hides_no_other(tmp_path, data_dir):
    (tmp_path / "good_spaces.py").write_text(textwrap.dedent('''
        from nasloop.search_spaces.nb201 import NB201Space

        class Tiny(NB201Space):
            """NB201 under another name, answered by its table."""
            name = "tiny-nb201"
    '''))
    dist = tmp_path / "two_plugins-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: two-plugins\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[nasloop.search_spaces]\nbroken = no_such_module:Space\n"
                                           "tiny-nb201 = good_spaces:Tiny\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path), NASLOOP_DATA=str(data_dir))  # processes of their own: the
    cli = [sys.executable, "-m", "nasloop.engine.cli"]  # installed plugins are those on the path they start with
    listed = subprocess.run([*cli, "spaces"], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert listed.returncode == 0 and "tiny-nb201" in listed.stdout and "nb201" in listed.stdout
    assert "broken" in listed.stdout and "failed to load" in listed.stdout
    good = subprocess.run([*cli, "search", "--space", "tiny-nb201", "--budget", "5", "--run-dir", "g", "--quiet"],
                          env=env, cwd=tmp_path, capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    bad = subprocess.run([*cli, "search", "--space", "broken", "--budget", "5", "--run-dir", "b"],
                         env=env, cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1
    assert "search space plugin 'broken' (no_such_module:Space) failed to load" in bad.stderr


def test_the_example_space_is_small_and_round_trips():
    assert len(Path(EXAMPLE).read_text().splitlines()) < 150
    space = load_plugin(EXAMPLE).MacroCNNSpace(stages=3)
    tokens = [space.token(op) for op in space.graph_ops]  # registered in the unified vocabulary when constructed
    assert len(set(VOCABULARY.ids(tokens).tolist())) == len(tokens) == 14
    rng = np.random.default_rng(0)
    for _ in range(20):
        arch = space.sample(rng)
        assert space.parse(space.format(arch)) == arch and space.mutate(arch, rng) in space.neighbours(arch)
        assert space.encode(arch, "onehot").sum() == 9 and space.encode(arch, "graph").num_nodes == 5
    assert space.to_module(arch)(torch.zeros(2, 3, 32, 32)).shape == (2, 10)


def test_a_to_module_that_returns_no_network_is_named():
    # It failed as "unexpected AttributeError in engine/evaluators/trainer.py", blaming nasloop.
    from nasloop.engine.space_networks import build_network

    load_plugin(EXAMPLE)

    class NoNetwork(SEARCH_SPACES.get("macro-cnn")):
        def to_module(self, arch, num_classes=10):
            return None

    space = NoNetwork(**SMALL)
    with pytest.raises(ConfigError, match="search space NoNetwork: to_module returned NoneType, not a torch.nn.Module"):
        build_network(space, space.sample(np.random.default_rng(0)), 10, 0)


def test_a_network_with_the_wrong_number_of_classes_is_named(data_dir):
    # It failed as torch's "Target 8 is out of bounds" (on a GPU, a device-side assert), blaming nasloop.
    from nasloop.engine.train_one import train_architecture

    load_plugin(EXAMPLE)

    class EightClasses(SEARCH_SPACES.get("macro-cnn")):
        def to_module(self, arch, num_classes=10):
            return super().to_module(arch, num_classes=8)

    space = EightClasses(**SMALL)
    with pytest.raises(ConfigError, match=re.escape("the network outputs shape (32, 8) for 32 images of a 10-class "
                                                    "dataset; its space's to_module must end in num_classes")):
        train_architecture(space, space.sample(np.random.default_rng(0)), dataset="cifar10", epochs=1,
                           data_dir=str(data_dir), train_images=200, batch_size=32)
