"""A script's mistakes through the Python API meet the command line's refusals: one nasloop line naming the problem
and the fix, never a silent default, a traceback from deep inside, nor a value recorded twice."""
from __future__ import annotations


import pytest

from nasloop import NasloopError, SearchConfig, resume, search
from nasloop.engine.store import RunStore


@pytest.mark.parametrize("field", ["run_dir", "tensorboard", "data_dir"])
def test_an_empty_path_field_is_refused_as_its_flag_is(field):
    """SearchConfig(run_dir='') searched in a default folder, tensorboard='' logged nothing and data_dir='' read the
    default data folder, without a word, where --run-dir '' and a config file's run_dir: '' are refused."""
    for empty in ("", "  "):
        with pytest.raises(NasloopError, match=f"^{field} is an empty path; give a folder name, or leave it out"):
            SearchConfig(**{field: empty})


def test_a_stored_empty_path_still_resumes(tmp_path, data_dir):
    """A run a script started with tensorboard='' before that was refused keeps resuming, as it logged nothing."""
    run = tmp_path / "run"
    search(SearchConfig(strategy="random", budget=2, data_dir=str(data_dir), run_dir=str(run)))
    with RunStore.in_run_dir(run) as store:
        store.set_meta("config", {**store.get_meta("config"), "tensorboard": ""})
    assert resume(run, budget=3)["evaluations"] == 3


def test_a_methods_file_takes_dashed_keys_as_a_search_config_file_does(tmp_path):
    """`strategy-options:` in a --methods-file was 'an unknown key', where a search config file takes it; the two
    spellings of one key are still refused, as either would silently win."""
    from nasloop.engine.study_methods import read_methods

    path = tmp_path / "methods.yaml"
    path.write_text("- {name: evo, strategy: evolution, strategy-options: {population_size: 8}}\n"
                    "- {strategy: bananas, predictor: gp, predictor-options: {}}\n")
    first, second = read_methods(path)
    assert (first.label, first.strategy_options) == ("evo", {"population_size": 8})
    assert (second.label, second.predictor) == ("bananas:gp", "gp")
    path.write_text("- {strategy: evolution, strategy-options: {}, strategy_options: {}}\n")
    with pytest.raises(NasloopError, match="method 1 gives strategy_options twice"):
        read_methods(path)


def test_a_plugin_in_the_config_file_and_on_the_command_line_is_recorded_once(tmp_path, monkeypatch):
    """`plugins: [my_space.py]` in --config with `--plugin my_space.py` stored ['my_space.py', 'my_space.py']."""
    from nasloop.engine.cli_config import search_config
    from nasloop.engine.cli_parser import build_parser

    monkeypatch.chdir(tmp_path)
    (tmp_path / "my_space.py").write_text("")
    (tmp_path / "search.yaml").write_text("plugins: [my_space.py, other_module]\n")
    for flag in ("my_space.py", str(tmp_path / "my_space.py"), "./my_space.py"):
        args = build_parser().parse_args(["--plugin", flag, "--plugin", "other_module", "search",
                                          "--config", "search.yaml"])
        assert search_config(args).plugins == ["my_space.py", "other_module"]
