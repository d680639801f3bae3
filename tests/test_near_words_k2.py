"""Two adjacent letters swapped, or one letter wrong in a four-letter name, is answered with the name meant.

difflib scored 'flna' and 'flam' against 'flan' 0.75, under its 0.8 cutoff, so these commonest slips got no
"did you mean" while 'fla' and 'forrest' did; short unrelated words must still suggest nothing.
"""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main
from nasloop.engine.errors import RegistryError
from nasloop.engine.registry import PREDICTORS, STRATEGIES

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")


@pytest.mark.parametrize(("registry", "typed", "meant"), [
    (PREDICTORS, "flna", "flan"), (PREDICTORS, "flam", "flan"), (PREDICTORS, "mpl", "mlp"),
    (PREDICTORS, "froest", "forest"), (STRATEGIES, "lcoal", "local"), (STRATEGIES, "ob", "bo")])
def test_a_slip_suggests_the_name(registry, typed, meant):
    with pytest.raises(RegistryError) as refused:
        registry.get(typed)
    one_line(str(refused.value), f"'{typed}' (did you mean '{meant}'?)")


@pytest.mark.parametrize("typed", ["rnd", "tree", "xyz", "abcd", "fl", "flanflan"])
def test_an_unrelated_word_suggests_nothing(typed):
    with pytest.raises(RegistryError) as refused:
        PREDICTORS.get(typed)
    assert "did you mean" not in one_line(str(refused.value), typed)


def test_a_methods_predictor_slip_suggests_the_name(tmp_path, capsys, data_dir):
    assert main(["compare", "--space", "nb201", "--methods", "predictor-topk:flna", "--budget", "3",
                 "--data-dir", str(data_dir), "--out", str(tmp_path / "study")]) == 2
    one_line(capsys.readouterr().err.strip(), "'flna' (did you mean 'flan'?)")
