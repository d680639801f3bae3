"""``nasloop spaces NAME`` lists the strategies that work on a space by building them, as a search does: a strategy
whose constructor refuses the space (a user's, or nasloop's own ``bo`` on a space whose encoding is broken) was
listed as working by its declared ``requires`` alone, and then refused by ``nasloop search``."""
from __future__ import annotations

import re

from nasloop.engine import cli
from nasloop.engine.errors import UnsupportedError
from nasloop.engine.evaluators.base import Evaluator
from nasloop.engine.registry import (PREDICTORS, STRATEGIES, defined_by_nasloop, register_benchmark, register_evaluator,
                                     register_search_space, register_strategy)
from nasloop.engine.types import Result
from nasloop.search_spaces.base import SearchSpace
from nasloop.strategies.random_search import RandomSearch

from .digit_space import DigitSpace


class Digits(DigitSpace):
    name = "h-digits"


class RaggedDigits(Digits):
    """Its one-hot vector's length depends on the architecture: every run with a predictor, and bo, refuse it."""

    name = "h-ragged"

    def _encode(self, arch, kind):
        return super()._encode(arch, kind)[: 17 + arch[0]]


class Flat(SearchSpace):
    """The digits without neighbours: no local search."""

    name, vector_encodings = "h-flat", ("onehot",)
    parse, format, sample, mutate, _encode = (Digits.parse, Digits.format, Digits.sample, Digits.mutate,
                                              Digits._encode)


class Picky(RandomSearch):
    """Random search that refuses the digit spaces in its constructor, which ``requires`` cannot say."""

    def __init__(self, space, seed: int = 0) -> None:
        if space.name in ("h-digits", "h-flat"):
            raise UnsupportedError("h-picky does not search h-digits; use it on h-ragged")
        super().__init__(space, seed)


class Sum(Evaluator):
    def evaluate(self, arch, fidelity=None):
        return Result(metrics={"val_accuracy": float(sum(arch))}, cost=1.0)


def _register() -> None:
    register_search_space("h-digits")(Digits)
    register_search_space("h-ragged")(RaggedDigits)
    register_search_space("h-flat")(Flat)
    register_strategy("h-picky")(Picky)
    register_evaluator("h-sum")(Sum)


def _listed(space: str, capsys) -> dict[str, str]:
    assert cli.main(["spaces", space]) == 0
    shown = capsys.readouterr().out.split("works with (each with its default options")[1].splitlines()[1:]
    return {line.split(":")[0].strip(): line.split(":", 1)[1].strip() for line in shown}


def test_the_strategies_listed_on_a_space_are_those_its_search_runs(tmp_path, capsys):
    _register()
    for space in ("h-digits", "h-ragged"):
        listing = _listed(space, capsys)
        listed = {text.split(" ")[0] for text in listing["strategies"].split(", ")}
        for strategy in [name for name in STRATEGIES.names() if _ours_or_this_files(name)]:
            run = ["search", "--space", space, "--evaluator", "h-sum", "--strategy", strategy, "--budget", "2",
                   "--run-dir", str(tmp_path / f"{space}-{strategy}"), "--quiet"]
            if strategy == "predictor-topk" and "predictor-topk (with --predictor" in listing["strategies"]:
                run += ["--predictor", "gp"]  # its default (flan) reads graphs; the listing names the readers
            status = cli.main(run)
            error = capsys.readouterr().err
            assert (status == 0) == (strategy in listed), (space, strategy, listing["strategies"], error)
    assert "h-picky" not in _listed("h-digits", capsys)["strategies"]
    ragged = _listed("h-ragged", capsys)
    assert _ours_and_this_files(ragged["strategies"]) == "evolution, h-picky, local, random"  # bo and the guided
    # ones check the encoding
    assert ragged["predictors"].startswith("none (search space 'h-ragged' encodes ")
    assert ragged["predictors"].endswith("fix its _encode)")


def test_a_strategy_refused_for_a_capability_names_only_strategies_that_build(tmp_path, capsys):
    """The refusal of a strategy whose capability the space lacks lists the others that work on it: built, not read
    off their ``requires``."""
    _register()
    assert cli.main(["search", "--space", "h-flat", "--evaluator", "h-sum", "--strategy", "local", "--budget", "2",
                     "--run-dir", str(tmp_path / "r")]) == 2
    error = capsys.readouterr().err.strip()
    assert "strategy 'local' needs a search space that has neighbours" in error
    assert _ours_and_this_files(error.split("Strategies that work on it: ")[1]) == (
        "bananas, bo, evolution, predictor-topk (with --predictor forest or gp or mlp or random), random")


def _ours_or_this_files(strategy: str) -> bool:
    """Whether ``strategy`` is nasloop's or this file's, not one other files' tests leave registered (plugin files
    stay imported: a strategy proposing strings is listed, as it builds, and its search fails, as it should)."""
    return strategy.startswith("h-") or defined_by_nasloop(STRATEGIES.get(strategy))


def _ours_and_this_files(listed: str) -> str:
    """A listing without the plugins other files' tests leave registered: strategies, and the predictors a guided
    one is listed with (README's own k-NN, loaded from a plugin file, stays registered)."""
    kept = ", ".join(text for text in listed.split(", ") if _ours_or_this_files(text.split(" ")[0]))
    return re.sub(r"(?<=--predictor )[^)]*", lambda named: " or ".join(
        name for name in named.group(0).split(" or ") if defined_by_nasloop(PREDICTORS.get(name))), kept)


def test_a_space_built_only_on_its_table_lists_what_a_tabular_run_takes(tmp_path, capsys, monkeypatch):
    """With its table at hand, 'nasloop spaces nds-darts-fix-w-d' said "not known without building it ... without the
    table give them: --space-opt widths=[...]", though its default search (tabular) runs: the space takes the
    table's width and depth when a run looks its table up, and only proxy and training runs need them given."""
    from .nds_fixture import nds_records, write_nds_file

    source = write_nds_file(tmp_path / "DARTS_fix-w-d.json", nds_records("nds-darts-fix-w-d", 6, widths=(16,),
                                                                          depths=(5,)))
    assert cli.main(["data", "import", "--space", "nds", str(source), "--out", str(tmp_path / "data")]) == 0
    monkeypatch.setenv("NASLOOP_DATA", str(tmp_path / "data"))
    capsys.readouterr()
    listing = _listed("nds-darts-fix-w-d", capsys)
    ours = {"tabular", "proxy", "train"}  # other files' tests leave plugin evaluators and strategies registered
    assert set(listing["evaluators"].split(", ")) & ours == {"tabular"}
    assert {"bananas", "bo", "evolution", "local", "predictor-topk", "random"} <= set(listing["strategies"].split(", "))
    run = ["search", "--space", "nds-darts-fix-w-d", "--strategy", "local", "--budget", "2", "--quiet"]
    assert cli.main([*run, "--run-dir", str(tmp_path / "tabular")]) == 0
    assert cli.main([*run, "--evaluator", "proxy", "--run-dir", str(tmp_path / "proxy")]) == 2
    assert "fixes width and depth to its table's, which only a run that looks the table up reads (--evaluator " \
        "tabular); for proxies or training give them: --space-opt widths=[...] --space-opt depths=[...]" in \
        capsys.readouterr().err  # it said "without the table", which was there


def test_a_strategy_is_built_for_the_default_run_which_looks_the_table_up(tmp_path, capsys):
    """predictor-topk starts a run answered from a benchmark with the benchmark's warm-up proxies; a user's benchmark
    naming proxies it does not store, on a space that builds no networks, refuses it there, and the listing (built
    for no lookup) had named it as working."""
    from .test_ray_shipping_h import CachedFormula

    warm = type("WarmFormula", (CachedFormula,), {"name": "h-warm", "warmup_proxies": ("synflow",),
                                                  "__module__": __name__})
    register_benchmark("h-warm")(warm)
    space = type("WarmDigits", (Digits,), {"name": "h-warm-digits", "benchmark": "h-warm", "__module__": __name__})
    register_search_space("h-warm-digits")(space)
    listing = _listed("h-warm-digits", capsys)
    # the default warm-up (auto) keeps to stored proxies where nothing computes others: listed, and the run starts
    assert "predictor-topk" in listing["strategies"] and "bananas" in listing["strategies"]
    assert cli.main(["search", "--space", "h-warm-digits", "--strategy", "predictor-topk", "--predictor", "gp",
                     "--budget", "2", "--run-dir", str(tmp_path / "r")]) == 0
    assert cli.main(["search", "--space", "h-warm-digits", "--strategy", "predictor-topk", "--predictor", "gp",
                     "--strategy-opt", "warmup=[synflow]", "--budget", "2", "--run-dir", str(tmp_path / "n")]) == 2
    assert "option warmup: proxy 'synflow' is not stored" in capsys.readouterr().err
