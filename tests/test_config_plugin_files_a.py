"""A ``--config`` file and ``--plugin`` files as a user gives them: the file is checked whole whatever flags override
its keys, and a plugin file loaded again in the same process is the one loaded before."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.cli_config import search_config
from nasloop.engine.cli_parser import build_parser
from nasloop.engine.errors import ConfigError


def _config(tmp_path: Path, text: str, *flags: str):
    path = tmp_path / "search.yaml"
    path.write_text(text)
    return search_config(build_parser().parse_args(["search", "--config", str(path), *flags]))


@pytest.mark.parametrize("text,flags,key", [
    ("seed: x\n", ["--seed", "2"], "seed"),
    ("budget: many\n", ["--budget", "5"], "budget"),
    ("data_dir: 5\n", ["--data-dir", "d"], "data_dir"),
    ("dedup: sometimes\n", ["--dedup", "exact"], "dedup"),
    ("strategy_options: 5\n", ["--strategy", "random"], "strategy_options"),  # the file's options are dropped
    ("objectives: val_accuracy:up\n", ["--objective", "val_accuracy"], "val_accuracy:up"),  # replaced whole by the flag
])
def test_a_bad_key_overridden_by_a_flag_is_still_refused_naming_the_file(tmp_path, text, flags, key):
    """``seed: x`` with ``--seed 2`` ran without a word: the file was checked only as merged with the flags."""
    with pytest.raises(ConfigError) as refused:
        _config(tmp_path, text, *flags)
    message = str(refused.value)
    assert str(tmp_path / "search.yaml") in message and key in message and "\n" not in message
    with pytest.raises(ConfigError) as alone:  # the same refusal as without the flag
        _config(tmp_path, text)
    assert str(alone.value) == message


def test_a_bad_key_names_the_file_on_the_command_line(tmp_path, capsys):
    (tmp_path / "c.yaml").write_text("seed: x\n")
    assert main(["search", "--config", str(tmp_path / "c.yaml"), "--seed", "2", "--run-dir",
                 str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{tmp_path / 'c.yaml'}: seed must be an integer" in err
    assert not (tmp_path / "r").exists()
