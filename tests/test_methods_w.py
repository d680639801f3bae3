"""A method's ``NAME.KEY`` predictor option means what ``--predictor-opt`` makes it mean, however the method is written.

A methods file applied ``flan.ensemble: 2`` to a method ranking with FLAN, where ``--methods
'bananas:flan+flan.ensemble=2'`` was refused; and a methods file's dotted key for another predictor, or for a blend's
member, was refused with advice naming ``--predictor-opt``, a flag a search study refuses. Now NAME.KEY is KEY for
the method's own predictor (its strategy's default where it names none) both ways, and any other NAME is refused
with the fix written as the method was: a key of the file's predictor_options, or --methods text.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.registry import register_strategy
from nasloop.engine.search import build_plugins
from nasloop.engine.study_grid import Study
from nasloop.engine.study_methods import parse_method, read_methods
from nasloop.strategies.random_search import RandomSearch

from .messages import one_line


def _methods_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "methods.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("spec,entry", [
    ("bananas:flan+flan.ensemble=2", "{strategy: bananas, predictor: flan, predictor_options: {flan.ensemble: 2}}"),
    ("bananas+mlp.epochs=3", "{strategy: bananas, predictor_options: {mlp.epochs: 3}}"),  # its default predictor
    ("bananas+epochs=3", "{strategy: bananas, predictor_options: {epochs: 3}}"),  # was 'bananas takes no option'
], ids=["named", "default", "default-undotted"])
def test_the_methods_own_predictor_dotted_is_taken_both_ways_alike(tmp_path, spec, entry):
    written = parse_method(spec)
    filed = read_methods(_methods_file(tmp_path, f"- {entry}\n"))[0]
    assert (written.strategy, written.predictor, written.predictor_options) == (
        filed.strategy, filed.predictor, filed.predictor_options)


def test_the_dotted_option_reaches_the_predictor_the_runs_rank_with(tmp_path, data_dir):
    base = SearchConfig(space="nb201", evaluator="tabular", budget=4, data_dir=str(data_dir))
    method = parse_method("bananas:flan+ensemble=1+flan.ensemble=2+flan.warm_start")
    plugins = build_plugins(Study(tmp_path / "study", base, [method], [0]).config(method, 0))
    try:
        assert (plugins[1].predictor.ensemble, plugins[1].predictor.warm_start) == (2, True)  # NAME.KEY beats KEY
    finally:
        plugins[3].close()


BLEND_FIX = "names predictor 'flan', and blend passes its members only the options inside its members option; "
OTHER = "is for predictor 'gp', which the method does not use (it ranks with flan); drop it, or "


@pytest.mark.parametrize("spec,message", [
    ("bananas:blend+flan.ensemble=2", f"option 'flan.ensemble' {BLEND_FIX}give the method in a --methods-file with "
     "'members: {flan: {ensemble: 2}, ...}' in its predictor_options (--methods splits at commas), listing every "
     "member"),
    ("bananas:flan+gp.lr=0.5", f"option 'gp.lr' {OTHER}write bananas:gp+lr=0.5"),
    ("bananas:flan+bogus.lr=0.5", "option 'bogus.lr' names no option of its predictor 'flan'; write +lr=0.5 (or "
     "flan.lr)"),
], ids=["blend-member", "another", "no-predictor"])
def test_another_predictors_option_in_methods_text_is_told_the_fix_as_methods_text(spec, message):
    with pytest.raises(ConfigError) as caught:
        parse_method(spec)
    assert str(caught.value) == f"method '{spec}': {message}"


@pytest.mark.parametrize("entry,message", [
    ("{strategy: bananas, predictor: blend, predictor_options: {flan.ensemble: 2}}",
     f"predictor_options key 'flan.ensemble' {BLEND_FIX}write 'members: {{flan: {{ensemble: 2}}, ...}}' in its "
     "predictor_options, listing every member"),
    ("{strategy: bananas, predictor: flan, predictor_options: {gp.lr: 0.5}}",
     f"predictor_options key 'gp.lr' {OTHER}write predictor: gp and 'lr: 0.5' in its predictor_options"),
    ("{strategy: bananas, predictor: flan, predictor_options: {bogus.lr: 0.5}}",
     "predictor_options key 'bogus.lr' names no option of its predictor 'flan'; write 'lr: 0.5' in its "
     "predictor_options (or flan.lr)"),
], ids=["blend-member", "another", "no-predictor"])
def test_another_predictors_option_in_a_methods_file_is_told_the_fix_as_a_file_key(tmp_path, entry, message):
    path = _methods_file(tmp_path, f"- {{strategy: random}}\n- {entry}\n")
    with pytest.raises(ConfigError) as caught:
        read_methods(path)
    assert str(caught.value) == f"{path}: method 2: {message}"


def test_the_command_refuses_it_in_one_line_without_the_flag_it_refuses(tmp_path, data_dir, capsys):
    path = _methods_file(tmp_path, "- {strategy: bananas, predictor: blend, predictor_options: {flan.ensemble: 2}}\n")
    assert main(["compare", "--methods-file", str(path), "--seeds", "1", "--budget", "2", "--out",
                 str(tmp_path / "study"), "--data-dir", str(data_dir), "--quiet"]) == 2
    err = one_line(capsys.readouterr().err.strip(), "methods.yaml: method 1", "'members: {flan: {ensemble: 2}, ...}'")
    assert "--predictor-opt" not in err and not (tmp_path / "study").exists()


class Needs(RandomSearch):
    """A user's strategy with an option that has no default."""

    def __init__(self, space, width: int, seed: int = 0) -> None:
        super().__init__(space, seed)
        self.width = width


@pytest.mark.parametrize("form,fix", [
    ("--methods", "give it ('+width=VALUE' (the method's option))"),
    ("--methods-file", "give it ('width: VALUE' (in the strategy_options of method 1 of {file}))"),
], ids=["methods", "methods-file"])
def test_a_strategys_required_option_is_told_as_the_method_takes_it(tmp_path, data_dir, capsys, form, fix):
    """It said 'give it (--strategy-opt width=VALUE)', a flag compare does not have."""
    register_strategy("w-needs")(Needs)
    given = "w-needs" if form == "--methods" else str(_methods_file(tmp_path, "- {strategy: w-needs}\n"))
    assert main(["compare", form, given, "--seeds", "1", "--budget", "2", "--out", str(tmp_path / "study"),
                 "--data-dir", str(data_dir), "--quiet"]) == 2
    err = one_line(capsys.readouterr().err.strip(), "strategy 'w-needs' needs the option width", fix.format(file=given))
    assert "--strategy-opt" not in err and not (tmp_path / "study").exists()
