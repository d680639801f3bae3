"""What a script calling nasloop's Python API directly gets for a mistake: one nasloop error naming the problem and
the fix (as the command line prints), never a Python traceback from deep inside, nor a silent misreading."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop import NasloopError, SearchConfig


@pytest.mark.parametrize("targets", [["a", "b"], None, 3.5, [object(), object()]])
def test_a_predictor_names_targets_that_are_not_numbers(targets):
    """Strings raised numpy's ValueError (a traceback); None read as one NaN target, so the refusal counted
    '2 architectures but 1 targets', naming neither the None nor the fix."""
    from nasloop.predictors.baselines import RandomPredictor
    from nasloop.search_spaces.nb201 import NB201Space

    space = NB201Space()
    cells = [(0, 1, 2, 3, 4, 0), (1, 1, 1, 1, 1, 1)]
    with pytest.raises(NasloopError, match="targets must be numbers, one for each architecture, got .*pass a list"):
        RandomPredictor(space).fit(cells, targets)
    assert RandomPredictor(space).fit(cells, [1.0, 2.0]).fitted  # numbers pass as before


def test_a_zero_cost_fit_starts_from_scratch_and_lands_in_target_units(nb201_context):
    """A fit on one cell estimates no slope, and kept whatever an earlier fit had set: the same one-cell fit predicted
    189 (Zen itself) on a fresh predictor and 109 on one fitted before, for a cell whose accuracy is 78."""
    from nasloop.predictors.baselines import ZeroCostPredictor
    from nasloop.search_spaces.nb201 import NB201Space

    space = NB201Space()
    cells = list(space.enumerate())[3000::97]
    zen = nb201_context.benchmark.proxy_scores(cells, "zen", "cifar10")
    cells = [c for c, z in zip(cells, zen) if np.isfinite(z)][:8]  # cells with an input-output path, and a Zen
    y = nb201_context.benchmark.metric_values(cells, "cifar10")
    fresh = ZeroCostPredictor(space, context=nb201_context).fit(cells[:1], y[:1])
    refit = ZeroCostPredictor(space, context=nb201_context).fit(cells[1:], y[1:]).fit(cells[:1], y[:1])
    assert fresh.predict(cells)[0] == pytest.approx(refit.predict(cells)[0])
    assert fresh.predict(cells[:1])[0][0] == pytest.approx(y[0])  # its one training cell, in target units


def test_score_architectures_takes_a_space_by_name_as_train_architecture_does():
    """score_architectures("nb201", ...) failed with AttributeError ('str' object has no attribute 'name'), where its
    sibling train_architecture("nb201", ...) takes a registered name."""
    from nasloop.engine.evaluators.proxies import score_architectures
    from nasloop.search_spaces.nb201 import NB201Space

    text = "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|avg_pool_3x3~1|nor_conv_1x1~2|"
    by_name = score_architectures("nb201", [text], ["params"])
    assert by_name == [dict(by_name[0], scores=score_architectures(NB201Space(), [text], ["params"])[0]["scores"])]
    assert by_name[0]["scores"]["params"] > 0
    with pytest.raises(NasloopError, match="unknown search space 'nb2O1'"):
        score_architectures("nb2O1", [text], ["params"])
    with pytest.raises(NasloopError, match="zero-cost proxies need a search space, got None"):
        score_architectures(None, [text], ["params"])


@pytest.mark.parametrize("args, message", [
    (("random", [8], [0]), r"predictors takes a list, got the string 'random'; pass e.g. predictors=\['flan'\]"),
    ((["random"], 8, [0]), r"train_sizes takes a list, got 8; pass e.g. train_sizes=\[8, 40\]"),
    ((["random"], [8], 0), r"seeds takes a list, got 0; pass e.g. seeds=\[0, 1, 2\]")])
def test_evaluate_predictors_names_one_value_where_a_list_belongs(data_dir, args, message):
    """A bare 'random' was read letter by letter ("unknown predictor 'r'"), train_sizes=8 raised TypeError, and
    seeds=0 read as no seeds at all ("give at least one train size and one seed")."""
    from nasloop.engine.predictor_evaluation import evaluate_predictors

    with pytest.raises(NasloopError, match=message):
        evaluate_predictors(*args, data_dir=data_dir)


def test_evaluate_predictors_takes_numpy_arrays_of_sizes_and_seeds(data_dir):
    """np.arange(2) as seeds failed in numpy's words ('truth value of an array ... is ambiguous')."""
    from nasloop.engine.predictor_evaluation import evaluate_predictors

    records = evaluate_predictors(("random",), np.array([8]), np.arange(2), data_dir=data_dir)
    assert [(r["predictor"], r["train_size"], r["seed"]) for r in records] == [("random", 8, 0), ("random", 8, 1)]


def test_a_predictor_names_one_string_given_where_a_list_belongs():
    """predict(text) read the string letter by letter and refused "architecture 1 of 87, '|'"."""
    from nasloop.predictors.baselines import RandomPredictor
    from nasloop.search_spaces.nb201 import NB201Space

    space = NB201Space()
    text = "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|avg_pool_3x3~1|nor_conv_1x1~2|"
    predictor = RandomPredictor(space).fit([space.parse(text), (1, 1, 1, 1, 1, 1)], [1.0, 2.0])
    for call in (predictor.predict, lambda archs: predictor.fit(archs, [1.0]), lambda a: predictor.update(a, [1.0])):
        with pytest.raises(NasloopError, match=r"takes a list of architectures, got the string '\|nor.*"
                                               r"pass \[space.parse\(text\)\]"):
            call(text)
    assert predictor.predict([space.parse(text)])[0].shape == (1,)


@pytest.mark.parametrize("space_name", ["nb201", "nb101", "darts"])
def test_a_benchmark_query_names_a_value_that_is_no_architecture(data_dir, space_name):
    """benchmark.query(None, ...) raised TypeError (NB201, NB301) or AttributeError (NB101), and a string form raised
    AttributeError (NB101), ValueError (NB301) or named a tuple of its letters (NB201)."""
    from nasloop.engine.assemble import build_context, build_space
    from nasloop.engine.registry import SEARCH_SPACES

    context = build_context(SEARCH_SPACES.get(space_name), "cifar10", str(data_dir), lookup=True)
    space, benchmark = build_space(space_name, context), context.benchmark
    cell = benchmark.cells()[0]
    for value in (None, space.format(cell), 7):
        with pytest.raises(NasloopError, match="architecture|cell of this space"):
            benchmark.query(value, "cifar10")
    assert benchmark.query(space.parse(space.format(cell)), "cifar10").ok


@pytest.mark.parametrize("space_name", ["nb201", "nb101", "darts", "nago", "tnb101-micro", "tnb101-macro"])
def test_to_module_names_a_class_count_that_is_not_a_positive_integer(space_name):
    """num_classes=0 built a network with no outputs without a word (NB201, DARTS, NAGO), and -1, 1.5 or '10' failed
    inside torch ('Trying to create tensor with negative dimension') or as NB101's ValueError. TNB101 checked in its
    own words: True failed inside torch (a TypeError) and numpy's int64(3) was refused."""
    from nasloop.engine.assemble import build_space
    from nasloop.engine.context import RunContext

    small = {"nb201": {"channels": 8}, "tnb101-micro": {"base_channels": 8}, "tnb101-macro": {"base_channels": 8}}
    space = build_space(space_name, RunContext(), **small.get(space_name, {}))
    arch = space.sample(np.random.default_rng(0))
    for bad in (0, -1, 1.5, "10", True):
        with pytest.raises(NasloopError, match=f"num_classes must be a positive integer .*got {bad!r}"):
            space.to_module(arch, num_classes=bad)
    network = space.to_module(arch, num_classes=np.int64(3))
    assert list(network.parameters())[-1].shape[0] == 3  # the classifier's bias: one per class


def test_resume_names_one_string_given_where_a_list_of_plugins_or_files_belongs(data_dir, tmp_path):
    """resume(run, plugins='my_space.py') was read letter by letter ("plugin module 'm' cannot be imported"), and
    pretrained_files='flan.pt' as a file named 'f'."""
    from nasloop import resume, search

    run = tmp_path / "run"
    search(SearchConfig(budget=3, data_dir=str(data_dir), run_dir=str(run)))
    with pytest.raises(NasloopError, match=r"plugins takes a list .*got the string 'my_space.py'; pass \['my_space"):
        resume(run, budget=4, plugins="my_space.py")
    with pytest.raises(NasloopError, match=r"pretrained_files takes a list of files, got the string 'flan.pt'"):
        resume(run, budget=4, pretrained_files="flan.pt")
    assert resume(run, budget=4)["evaluations"] == 4  # refused before anything changed


@pytest.mark.parametrize("space_name", ["nb201", "tnb101-micro", "nb101", "tnb101-macro"])
def test_space_methods_name_a_value_that_is_no_architecture(space_name):
    """mutate, neighbours, canonical, functional_hash and encode read a string or None in Python's words (NB201's
    mutate('|nor_conv...') raised IndexError: string index out of range, NB101's hash AttributeError), and NB201's
    mutate of a 5-tuple gave a 5-tuple back."""
    from nasloop.engine.assemble import build_space
    from nasloop.engine.context import RunContext

    space = build_space(space_name, RunContext())
    rng = np.random.default_rng(0)
    arch = space.sample(rng)
    calls = {"mutate": lambda a: space.mutate(a, rng), "neighbours": space.neighbours, "hash": space.hash,
             "canonical": space.canonical, "functional_hash": space.functional_hash,
             **{f"encode {kind}": (lambda a, kind=kind: space.encode(a, kind)) for kind in space.encodings}}
    if space_name == "tnb101-macro":  # its canonical form is the architecture itself, whatever it is given
        del calls["canonical"], calls["functional_hash"]
    for name, call in calls.items():
        for value in (None, space.format(arch), *(((3, 3, 1, 3, 1),) if space_name == "nb201" else ())):
            with pytest.raises(NasloopError):
                call(value)
        call(arch)  # the space's own architecture passes as before


def test_a_zero_cost_predictors_config_lists_its_options_as_given(nb201_context):
    """config() read back the scorer the run context had built for it (a private lambda) as though it had been given,
    so it could not be written as JSON and recreated the predictor bound to the old context's scorer."""
    import json

    from nasloop.predictors.baselines import ZeroCostPredictor
    from nasloop.search_spaces.nb201 import NB201Space

    space = NB201Space()
    predictor = ZeroCostPredictor(space, context=nb201_context)
    assert predictor.config() == {"proxy": "zen", "scorer": None}
    assert json.loads(json.dumps(predictor.config())) == {"proxy": "zen", "scorer": None}
    again = ZeroCostPredictor(space, context=nb201_context, **predictor.config())
    cells = list(space.enumerate())[3000:3010]
    assert (again.predict(cells)[0] == predictor.predict(cells)[0]).all()
    given = ZeroCostPredictor(space, scorer=lambda archs: [float(sum(a)) for a in archs])
    assert given.config()["scorer"] is given.scorer and given.predict([(1, 1, 1, 1, 1, 1)])[0][0] == 6.0


def test_a_run_context_refuses_a_space_its_benchmark_does_not_tabulate(data_dir):
    """A forest for NB201 handed the context built for NB101 was built without a word, then looked NB201 cells up in
    the NB101 table as it fitted, failing with AttributeError ('tuple' object has no attribute 'num_nodes')."""
    from nasloop.engine.assemble import build_context
    from nasloop.predictors.baselines import ZeroCostPredictor
    from nasloop.predictors.forest import ForestPredictor
    from nasloop.search_spaces.nb101.space import NB101Space
    from nasloop.search_spaces.nb201 import NB201Space

    nb101 = build_context(NB101Space, "cifar10", str(data_dir), lookup=True)
    for build in (lambda: ForestPredictor(NB201Space(), context=nb101, trees=5),
                  lambda: ZeroCostPredictor(NB201Space(), context=nb101, proxy="params")):
        with pytest.raises(NasloopError, match=r"this run context holds the nb101 benchmark, and search space 'nb201' "
                                               r"is tabulated by nb201; build the space's own context: "
                                               r"build_context\(NB201Space, dataset, data_dir\)"):
            build()
    assert ForestPredictor(NB101Space(context=nb101), context=nb101, trees=5)._features.names[:2] == ["flops", "params"]


def test_build_context_takes_a_space_by_its_registered_name(data_dir):
    """build_context('nb101', ...) failed with AttributeError ('str' object has no attribute 'benchmark'), where
    build_space takes the name."""
    from nasloop.engine.assemble import build_context

    context = build_context("nb101", "cifar10", str(data_dir), lookup=True)
    assert context.benchmark.name == "nb101" and context.lookup
    with pytest.raises(NasloopError, match="unknown search space 'nb1O1'"):
        build_context("nb1O1", "cifar10", str(data_dir))


@pytest.mark.parametrize("value", [None, 123])
def test_summarize_and_resume_name_a_run_folder_that_is_not_a_path(value):
    """summarize(None) and resume(None) raised pathlib's TypeError ('expected str, bytes or os.PathLike object')."""
    from nasloop import resume, summarize

    for call in (lambda: summarize(value), lambda: resume(value, budget=5)):
        with pytest.raises(NasloopError, match=rf"a run folder is a path \(text or pathlib.Path\), got {value!r}; "):
            call()


@pytest.mark.parametrize("option", ["run_dir", "data_dir"])
def test_train_architecture_names_a_folder_that_is_not_a_path(option, tmp_path, monkeypatch):
    """run_dir=3 was taken as the folder '3': a one-epoch training wrote its checkpoints into ./3."""
    from nasloop.engine.train_one import train_architecture

    monkeypatch.chdir(tmp_path)
    text = "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|avg_pool_3x3~1|nor_conv_1x1~2|"
    with pytest.raises(NasloopError, match=rf"^{option} is a folder, as text or a pathlib.Path, got 3; give a"):
        train_architecture("nb201", text, epochs=1, channels=8, **{option: 3})
    assert list(tmp_path.iterdir()) == []  # refused before anything was trained or written


def test_a_forest_guided_search_takes_every_seed_a_search_accepts(data_dir, tmp_path):
    """SearchConfig takes seeds up to 2**63 - 1, and the forest handed its seed to scikit-learn, which takes them
    below 2**32 only: seed 2**40 stopped the search at the forest's first fit with InvalidParameterError."""
    from nasloop import search
    from nasloop.predictors.forest import ForestPredictor
    from nasloop.search_spaces.nb201 import NB201Space

    summary = search(SearchConfig(strategy="predictor-topk", predictor="forest", predictor_options={"trees": 5},
                                  seed=2**40, budget=14, data_dir=str(data_dir), run_dir=str(tmp_path / "run")))
    assert summary["status"] == "finished" and summary["evaluations"] == 14
    space, cells = NB201Space(), list(NB201Space().enumerate())[5000:5008]
    small, big = (ForestPredictor(space, seed=seed, trees=5, features=["onehot"]).fit(cells, range(8))
                  for seed in (3, 3 + 2**32))
    assert (small.predict(cells)[0] == big.predict(cells)[0]).all()  # seeds below 2**32 draw as they did


def test_evaluate_predictors_bounds_seeds_as_a_search_does(data_dir):
    """A seed of 2**64 passed the check (>= 0 only), then failed in torch's words at the first fit ('Overflow when
    unpacking long long'); a search refuses it in one line."""
    from nasloop.engine.predictor_evaluation import evaluate_predictors

    with pytest.raises(NasloopError, match=r"seed 18446744073709551616 must be an integer from 0 to 922337203685477"):
        evaluate_predictors(["gp"], [8], [2**64], data_dir=data_dir)
    assert evaluate_predictors(["random"], [8], [2**63 - 1], data_dir=data_dir)[0]["seed"] == 2**63 - 1


def test_a_predictor_refuses_a_set_of_architectures_whose_order_is_not_its_targets():
    """fit(set(cells), y) paired each target with whichever cell the set listed at its place: silently wrong."""
    from nasloop.predictors.baselines import RandomPredictor
    from nasloop.search_spaces.nb201 import NB201Space

    space = NB201Space()
    cells = list(space.enumerate())[5000:5006]
    predictor = RandomPredictor(space).fit(cells, range(6))
    for call in (lambda a: RandomPredictor(space).fit(a, range(6)), predictor.predict,
                 lambda a: predictor.update(a, range(6))):
        with pytest.raises(NasloopError, match="got a set, whose order is arbitrary, .* pass a list"):
            call(set(cells))


@pytest.mark.parametrize("fidelity", [12.5, 12.9, True, "twelve"])
def test_a_benchmark_query_refuses_a_fidelity_that_is_not_whole_epochs(nb201_context, fidelity):
    """query(arch, task, 12.5) answered with the 12-epoch results without a word (int() truncated it), True was read
    as 1 epoch, and 'twelve' raised ValueError."""
    benchmark, cell = nb201_context.benchmark, (1, 2, 3, 4, 0, 1)
    with pytest.raises(NasloopError, match=rf"a fidelity is a whole number of training epochs, got {fidelity!r}; "):
        benchmark.query(cell, "cifar10", fidelity)
    assert benchmark.query(cell, "cifar10", 12.0).metrics == benchmark.query(cell, "cifar10", 12).metrics


@pytest.mark.parametrize("space_name", ["nb101", "darts", "nago", "tnb101-macro", "nb201"])
def test_encoding_no_architectures_gives_an_array_of_the_encodings_width(space_name):
    """encode_many([], kind) gave a (0, 0) array where its docstring promises (n, d), so stacking it with the
    encodings of a later batch (np.vstack) failed; NB201's one-hot raised ValueError (cannot reshape)."""
    from nasloop.engine.assemble import build_space
    from nasloop.engine.context import RunContext

    space = build_space(space_name, RunContext())
    for kind in space.vector_encodings:
        some = space.encode_many([space.sample(np.random.default_rng(1))], kind)
        none = space.encode_many([], kind)
        assert none.shape == (0, some.shape[1]) and none.dtype == np.float32
        assert np.vstack([none, some]).shape == some.shape
