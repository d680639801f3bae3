"""Two user plugins named alike but for case are refused, naming both, as a user's named like a built-in but for case
is ('myx' beside 'MyX' was accepted: a listing, a report or a '--strategy myx' typed for the other read them alike);
and every ``--plugin`` typed after the command is advised before it, where the last alone was."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main
from nasloop.engine.errors import RegistryError
from nasloop.engine.registry import STRATEGIES
from nasloop.strategies.random_search import RandomSearch


def test_a_plugin_name_differing_from_another_plugins_only_in_case_is_refused_naming_both():
    STRATEGIES.register("n3-myx")(type("Lower", (RandomSearch,), {}))
    with pytest.raises(RegistryError, match=r"strategy 'N3-MyX' \(Upper\) differs only in case from 'n3-myx' "
                                            r"\(Lower\), registered before it; register one of them under another "
                                            "name"):
        STRATEGIES.register("N3-MyX")(type("Upper", (RandomSearch,), {}))
    assert "N3-MyX" not in STRATEGIES.names() and "n3-myx" in STRATEGIES.names()


@pytest.mark.parametrize("words, advised", [
    (["show", "r", "--plugin", "a.py", "--plugin", "b.py"], "a.py --plugin b.py"),
    (["show", "r", "--plugin", "a.py", "--plugin=b.py"], "a.py --plugin b.py"),
    (["--plugin", "a.py", "show", "r", "--plugin", "b.py", "--plugin", "a.py"], "a.py --plugin b.py")])
def test_every_plugin_typed_after_the_command_is_advised_before_it(words, advised, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(words)
    assert stopped.value.code == 2
    assert f"; --plugin goes before the command: nasloop --plugin {advised} show ... " in capsys.readouterr().err
