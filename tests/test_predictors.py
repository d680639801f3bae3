"""The predictor interface and its baselines on the real NB201 table."""
from __future__ import annotations

import re

import numpy as np
import pytest
from scipy import stats

from nasloop.engine.assemble import build_context
from nasloop.engine.cli import main
from nasloop.engine.config import construct
from nasloop.engine.errors import ConfigError, RegistryError
from nasloop.engine.evaluators.proxies import score_architectures
from nasloop.engine.registry import PREDICTORS
from nasloop.predictors.baselines import RandomPredictor, ZeroCostPredictor
from nasloop.search_spaces.nb201 import NB201Space


@pytest.fixture(scope="module")
def split(nb201_split):
    """200 training cells and 2,000 test cells with their CIFAR-10 validation accuracy."""
    return nb201_split(200, 2000)


def test_zero_cost_predictor_ranks_with_the_stored_zen_score(split, nb201_context):
    space, (train_x, train_y), (test_x, test_y) = split
    predictor = ZeroCostPredictor(space, context=nb201_context)
    before, _ = predictor.predict(test_x)  # training-free: ranks before any fit
    mean, std = predictor.fit(train_x, train_y).predict(test_x)
    tau = stats.kendalltau(mean, test_y).statistic
    assert tau > 0.2  # Zen is a real signal on NB201 (NAS-Bench-Suite-Zero reports about 0.3)
    assert stats.kendalltau(before, mean).statistic == pytest.approx(1.0)  # fit rescales, keeps the order
    assert abs(np.mean(mean) - np.mean(test_y)) < 10 and (std == 0).all()


def test_zero_cost_fit_reverses_the_proxy_only_on_significant_evidence(split, nb201_context):
    """Eight cells that happen to disagree with the proxy keep its ranking (a least-squares slope reversed it on
    one NB201 draw in five); cells that clearly do (a minimised latency against a size proxy) reverse it."""
    space, _, (test_x, test_y) = split
    predictor = ZeroCostPredictor(space, proxy="params", context=nb201_context)
    before, _ = predictor.predict(test_x)
    order = np.argsort(before)
    cells = [test_x[i] for i in order[::250]]  # params rising
    noisy = np.array([84.0, 86.0, 83.0, 85.0, 82.0, 81.0, 87.0, 80.0])  # tau -0.36, p 0.28
    mean, _ = predictor.fit(cells, noisy).predict(test_x)
    assert stats.kendalltau(before, mean).statistic == pytest.approx(1.0)
    assert abs(np.mean(mean[order[::250]]) - noisy.mean()) < 5
    clear = -np.linspace(1.0, 8.0, len(cells))  # -latency, falling as size rises: tau -1, p < 0.001
    mean, _ = predictor.fit(cells, clear).predict(test_x)
    assert stats.kendalltau(before, mean).statistic == pytest.approx(-1.0)
    # a cell whose score is undefined ranks last however the proxy is read
    position = ZeroCostPredictor(space, scorer=lambda archs: np.array([np.nan if a == cells[0] else
                                                                      float(cells.index(a)) for a in archs]))
    for target, sign in ((clear, -1.0), (-clear, 1.0)):  # read reversed, then as it is
        mean, _ = position.fit(cells[1:], target[1:]).predict(cells)
        assert np.sign(position._slope) == sign and np.argmin(mean) == 0


def test_params_and_flops_are_proxies_of_every_cell(split, nb201_context):
    """The table's own counts serve as the cheapest zero-cost proxies, defined on every cell."""
    space, _, (test_x, test_y) = split
    for proxy, metric in (("params", "params_m"), ("flops", "flops_m")):
        predictor = ZeroCostPredictor(space, proxy=proxy, context=nb201_context)
        scores, _ = predictor.predict(test_x)
        table = nb201_context.benchmark
        assert scores[:50] == pytest.approx([table.query(a, "cifar10").metrics[metric] for a in test_x[:50]])
        assert stats.spearmanr(scores, test_y).statistic > 0.5  # bigger cells train better on NB201


def test_random_predictor_is_chance_level_and_repeatable(split):
    space, (train_x, train_y), (test_x, test_y) = split
    a = RandomPredictor(space, seed=1).fit(train_x, train_y)
    mean, std = a.predict(test_x)
    assert abs(stats.kendalltau(mean, test_y).statistic) < 0.05
    assert np.array_equal(mean, RandomPredictor(space, seed=1).fit(train_x, train_y).predict(test_x)[0])
    assert np.array_equal(a.predict(test_x[::-1])[0], mean[::-1])  # depends on the cell, not the call order
    assert (std > 0).all()


@pytest.mark.parametrize("name", ["forest", "flan", "gp", "mlp", "zero-cost", "random"])
def test_an_empty_pool_gets_empty_predictions(split, nb201_context, name):
    """The forest, GP and MLP failed on an empty matrix (each in its own words); the others returned empty arrays."""
    space, (train_x, train_y), _ = split
    options = {"steps": 20, "ensemble": 1} if name == "flan" else {}
    predictor = construct("predictor", name, PREDICTORS.get(name), space,
                          wiring={"context": nb201_context, "seed": 0}, **options).fit(train_x[:20], train_y[:20])
    mean, std = predictor.predict([])
    assert mean.shape == (0,) and std.shape == (0,)


@pytest.mark.parametrize("name", ["forest", "flan", "gp", "mlp", "zero-cost"])
def test_fit_starts_from_scratch(split, nb201_context, name):
    """fit promises a fit from scratch: the GP kept an earlier fit's hyperparameters and input scale, so the same
    data gave other predictions (a one-cell fit first cost it 0.07 Kendall tau on 30 cells)."""
    space, (train_x, train_y), (test_x, _) = split
    options = {"steps": 20, "ensemble": 1} if name == "flan" else {}

    def built():
        return construct("predictor", name, PREDICTORS.get(name), space, wiring={"context": nb201_context, "seed": 0},
                         **options)

    fresh = built().fit(train_x[:30], train_y[:30]).predict(test_x[:300])
    refit = built().fit(train_x[:1], train_y[:1]).fit(train_x[:30], train_y[:30]).predict(test_x[:300])
    assert np.allclose(fresh[0], refit[0]) and np.allclose(fresh[1], refit[1])


def test_update_adds_results_and_refits(split, nb201_context):
    space, (train_x, train_y), (test_x, _) = split
    predictor = ZeroCostPredictor(space, context=nb201_context).fit(train_x[:10], train_y[:10])
    first = predictor.predict(test_x)[0]
    predictor.update(train_x[10:], train_y[10:])
    assert len(predictor._archs) == 200
    assert not np.allclose(first, predictor.predict(test_x)[0])  # the score → accuracy map was refit


@pytest.mark.parametrize("archs,y,problem", [
    ([], [], "at least one evaluated architecture"),
    ([(3,) * 6, (2,) * 6], [90.0], "2 architectures but 1 targets"),
    ([(3,) * 6, (2,) * 6], [90.0, float("nan")], "1 target is NaN"),
])
def test_bad_training_data_is_refused_in_one_line(archs, y, problem):
    with pytest.raises(ConfigError, match=problem):
        RandomPredictor(NB201Space()).fit(archs, y)


@pytest.mark.parametrize("name", ["forest", "flan", "zero-cost", "blend"])
def test_string_forms_and_foreign_values_are_named_not_failed_on_inside_the_model(split, nb201_context, name):
    """The Python API's most common slip, cells in their string form, failed in each model's own words
    ("tuple indices must be integers or slices, not str", an error quoting the string as a tuple of characters)."""
    space, (train_x, train_y), (test_x, _) = split
    small = {"steps": 20, "ensemble": 1}  # the blend's default members, its FLAN as small as the FLAN's own here
    options = {"flan": small, "blend": {"members": {"flan": small, "forest": {}}}}.get(name, {})
    predictor = construct("predictor", name, PREDICTORS.get(name), space, wiring={"context": nb201_context, "seed": 0},
                          **options)
    text = space.format(train_x[1])
    as_text = (f"predictor {name}: architecture 2 of 20, '{text}', is not one of search space "
               "'nb201', but its string form: pass space.parse(text)")
    with pytest.raises(ConfigError, match=re.escape(as_text)):
        predictor.fit([train_x[0], text, *train_x[2:20]], train_y[:20])
    predictor.fit(train_x[:20], train_y[:20])
    with pytest.raises(ConfigError, match=re.escape(as_text.replace(" 2 of 20", " 2 of 3"))):
        predictor.predict([test_x[0], text, test_x[1]])
    with pytest.raises(ConfigError, match=re.escape("architecture 1 of 1, 7, is not one of search space 'nb201', "
                                                    "but a nb201 architecture is a tuple of 6 op indices")):
        predictor.update([7], [90.0])
    assert predictor.predict(test_x[:3])[0].shape == (3,)  # a refusal changes nothing
    # lists of op indices: the forest and the blend failed with "unhashable type: 'list'"
    predictor.fit((list(cell) for cell in train_x[:20]), train_y[:20])  # a generator, of lists: taken as tuples
    reference = predictor.predict(test_x[:2])
    assert np.allclose(predictor.predict([list(cell) for cell in test_x[:2]])[0], reference[0])  # as fit takes them


def test_a_proxy_the_table_lacks_is_computed_on_the_network(tmp_path, data_dir, isolated_cache):
    """Stored scores where the table has them; otherwise the proxy is computed on each cell's network."""
    # a data folder with the NB201 table and the CIFAR-10 images but not Suite-Zero's proxy file,
    # which stores synflow for every cell
    for name in ("nasbench201_all.csv.gz", "cifar10_subset.npz"):
        (tmp_path / name).symlink_to(data_dir / name)
    nb201_context = build_context(NB201Space, "cifar10", str(tmp_path), lookup=True)
    space = NB201Space(channels=4, cells=1)
    cells = [space.parse(c) for c in ("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|"
                                      "nor_conv_3x3~1|nor_conv_3x3~2|",
                                      "|nor_conv_1x1~0|+|none~0|nor_conv_1x1~1|+|none~0|none~1|nor_conv_1x1~2|")]
    computed, _ = ZeroCostPredictor(space, proxy="synflow", context=nb201_context).predict(cells)
    direct = [r["scores"]["synflow"] for r in score_architectures(space, cells, ["synflow"], data_dir=data_dir)]
    assert computed.tolist() == direct and computed[0] > computed[1]  # convolutions carry more synaptic flow
    with pytest.raises(RegistryError, match="unknown zero-cost proxy 'synflw'"):
        ZeroCostPredictor(space, proxy="synflw", context=nb201_context)
    assert nb201_context.stored_proxies() == ["flops", "params", "zen"]
    full = build_context(NB201Space, "cifar10", str(data_dir)).stored_proxies()
    assert "synflow" in full and len(full) == 13


def test_cli_lists_registered_plugins(capsys):
    for command, names in (("predictors", PREDICTORS.names()), ("spaces", ["nb201"]),
                           ("strategies", ["evolution", "local", "random"]), ("evaluators", ["tabular"]),
                           ("executors", ["inprocess"])):
        assert main([command]) == 0
        listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
        assert set(names) <= set(listed)
    assert main(["spaces", "darts"]) == 0  # a space's encodings: what features= and views= can name
    assert "encodings:\n  vector: onehot\n  graph: graph\n\nbenchmark: nb301\n" in capsys.readouterr().out


def test_a_space_lists_the_plugins_that_work_on_it(capsys, monkeypatch, data_dir):
    """No listing said which strategies, predictors and evaluators work on a space: a plugin space's user found
    out by refusals."""
    monkeypatch.setenv("NASLOOP_DATA", str(data_dir))
    assert main(["spaces", "tnb101-macro"]) == 0
    shown = capsys.readouterr().out.split("works with (each with its default options):\n")[1].splitlines()
    listed = {line.split(":")[0].strip(): set(line.split(":")[1].strip().split(", ")) for line in shown}
    assert listed["strategies"] >= {"bananas", "bo", "evolution", "local", "predictor-topk", "random"}
    assert listed["predictors"] >= {"blend", "emprox", "flan", "forest", "gp", "mlp", "random", "zero-cost"}
    assert listed["evaluators"] >= {"proxy", "tabular", "train"}  # (and any a test registered before)
    assert main(["spaces", "nds-darts-fix-w-d"]) == 0  # needs its table (absent) or explicit widths and depths
    out = capsys.readouterr().out  # the missing table named, and what any other run needs instead
    assert "works with: not known without building it; a run that looks its table up builds it from the table, " \
        "which is missing (DARTS_fix-w-d.json" in out and "any other needs options: nds-darts-fix-w-d fixes" in out


def test_a_string_that_is_no_architecture_is_not_called_the_spaces_string_form(split, nb201_context):
    """'garbage' was "not one of search space 'nb201', but its string form: pass space.parse(text)": told to parse
    it, a user met a second error; the parse error is given at once."""
    space, (train_x, train_y), _ = split
    predictor = construct("predictor", "random", PREDICTORS.get("random"), space, wiring={"seed": 0})
    with pytest.raises(ConfigError) as raised:
        predictor.fit([train_x[0], "garbage"], train_y[:2])
    with pytest.raises(Exception) as parsed:
        space.parse("garbage")
    assert str(raised.value) == ("predictor random: architecture 2 of 2, 'garbage', is not one of search "
                                 f"space 'nb201', but a string, and not one of its string forms either: {parsed.value}")
