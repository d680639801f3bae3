"""``--plugin`` typed after the command is advised before it with the file the user typed: ``show --plugin p.py r1``
read p.py as the run to show, so the refusal quoted '--plugin r1' and advised 'nasloop --plugin FILE COMMAND'."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main


@pytest.mark.parametrize("words, typed, advised", [
    (["show", "--plugin", "e3plug.py", "r1"], "--plugin r1", "e3plug.py"),
    (["show", "r1", "--plugin=e3plug.py"], "--plugin=e3plug.py", "e3plug.py"),
    (["--plugin", "other.py", "predictors", "show", "--plugin", "e3plug.py", "flan"], "--plugin flan",
     "other.py --plugin e3plug.py")])
def test_a_plugin_after_the_command_is_advised_as_typed(words, typed, advised, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(words)
    assert stopped.value.code == 2
    command = "predictors show" if "predictors" in words else "show"
    assert capsys.readouterr().err == (f"nasloop {command}: error: unrecognized arguments: {typed}; --plugin goes "
                                       f"before the command: nasloop --plugin {advised} {command} ... (see 'nasloop "
                                       f"{command} --help')\n")
