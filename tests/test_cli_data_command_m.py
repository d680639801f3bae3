"""'nasloop data' without its command names what is missing as the help shows it, not argparse's dest."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main

from .messages import one_line


def test_data_without_a_command_names_command_not_data_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["data"])
    assert exit_.value.code == 2
    message = one_line(capsys.readouterr().err.strip(), "required: COMMAND", "nasloop data --help")
    assert "data_command" not in message
