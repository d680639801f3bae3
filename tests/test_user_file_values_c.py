"""A YAML value its tag cannot build (an integer of over 4,300 digits, a date of month 13), in a config file or an
option, and a plugin file that is a link to itself, are one line naming the file or option and the fix: they ended
in 'unexpected ValueError' (advising sys.set_int_max_str_digits) and 'unexpected RuntimeError'."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main

from .messages import one_line


@pytest.mark.parametrize("value, reason", [("9" * 5000, "value has 5000 digits"), ("2020-13-45", "month must be")])
def test_a_config_value_yaml_cannot_build_is_one_line(tmp_path, capsys, data_dir, value, reason):
    config = tmp_path / "c.yaml"
    config.write_text(f"budget: 3\nseed: {value}\n")
    assert main(["search", "--config", str(config), "--data-dir", str(data_dir), "--run-dir",
                 str(tmp_path / "run"), "--quiet"]) == 2
    err = one_line(capsys.readouterr().err.strip(), config, reason, "quote it")
    assert "set_int_max_str_digits" not in err
    assert not (tmp_path / "run").exists()


def test_an_option_value_of_too_many_digits_is_one_line(tmp_path, capsys, data_dir):
    with pytest.raises(SystemExit) as stop:  # argparse's own exit, as for any refused flag value
        main(["search", "--strategy", "evolution", "--strategy-opt", f"population_size={'9' * 5000}", "--budget", "3",
              "--data-dir", str(data_dir), "--run-dir", str(tmp_path / "run"), "--quiet"])
    assert stop.value.code == 2
    one_line(capsys.readouterr().err.strip(), "--strategy-opt", "population_size", "value has 5000 digits")


def test_a_plugin_file_linked_to_itself_is_one_line(tmp_path, capsys, data_dir):
    plugin = tmp_path / "loop.py"
    plugin.symlink_to(plugin)
    assert main(["--plugin", str(plugin), "search", "--budget", "2", "--data-dir", str(data_dir), "--run-dir",
                 str(tmp_path / "run"), "--quiet"]) == 2
    one_line(capsys.readouterr().err.strip(), f"plugin file {plugin} is a link to nothing or to itself", "a .py file")
