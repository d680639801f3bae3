"""A ``--config`` file and ``--plugin`` files as a user gives them: the file is checked whole whatever flags override
its keys, and a plugin file loaded again in the same process is the one loaded before."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from nasloop.engine.cli import main
from nasloop.engine.cli_config import search_config
from nasloop.engine.cli_parser import build_parser
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError
from nasloop.engine.registry import EVALUATORS, SEARCH_SPACES
from nasloop.engine.search import search

PLUGIN = textwrap.dedent("""
    from digit_space import DigitSpace, DigitSum
    from nasloop.engine.registry import register_evaluator, register_search_space


    @register_search_space("{space}")
    class TwiceDigits(DigitSpace):
        name = "{space}"


    @register_evaluator("{space}-sum")
    class TwiceSum(DigitSum):
        pass
""")


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


@pytest.fixture
def plugin_file(tmp_path, request):
    """A user's plugin file registering a space and an evaluator under names of the test's own, dropped after it (a
    plugin file's classes outlive a test otherwise: see conftest)."""
    space = f"twice-{request.node.name.split('_')[-1]}"
    shutil.copy(Path(__file__).parent / "digit_space.py", tmp_path / "digit_space.py")  # imported beside it
    path = tmp_path / "my_space.py"
    path.write_text(PLUGIN.format(space=space))
    yield path, space
    SEARCH_SPACES._items.pop(space, None)
    EVALUATORS._items.pop(f"{space}-sum", None)


def _search(path: Path, space: str, run_dir: Path) -> list[str]:
    return ["--plugin", str(path), "search", "--space", space, "--evaluator", f"{space}-sum", "--strategy", "random",
            "--budget", "3", "--run-dir", str(run_dir), "--quiet", "--json"]


def test_the_same_plugin_file_loaded_again_in_one_process_is_the_one_loaded(plugin_file, tmp_path, capsys):
    path, space = plugin_file
    assert main(_search(path, space, tmp_path / "r1")) == 0, capsys.readouterr().err
    first = SEARCH_SPACES.get(space)
    assert main(_search(path, space, tmp_path / "r2")) == 0, capsys.readouterr().err
    summary = search(SearchConfig(space=space, evaluator=f"{space}-sum", strategy="random", budget=3,
                                  plugins=[str(path)], run_dir=str(tmp_path / "r3")))
    assert summary["evaluations"] == 3 and SEARCH_SPACES.get(space) is first


def test_a_plugin_file_edited_since_this_process_loaded_it_is_refused(plugin_file, tmp_path, capsys):
    """Named again after an edit, the old classes ran silently: a second search scored as the file no longer
    says."""
    path, space = plugin_file
    assert main(_search(path, space, tmp_path / "r1")) == 0, capsys.readouterr().err
    path.write_text(path.read_text().replace("    pass\n", "    def evaluate(self, arch, fidelity=None):\n"
                                             "        raise RuntimeError('the new version')\n"))
    assert main(_search(path, space, tmp_path / "r2")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"plugin {path} changed since this process loaded it" in err
    assert "start a new Python process" in err and not (tmp_path / "r2").exists()
    with pytest.raises(ConfigError, match="changed since this process loaded it"):
        search(SearchConfig(space=space, evaluator=f"{space}-sum", plugins=[str(path)], run_dir=str(tmp_path / "r3")))


@pytest.mark.parametrize("name", ["spaces.py", "./spaces", "spaces/"])
def test_a_plugin_path_that_is_a_folder_is_named_as_a_folder(tmp_path, monkeypatch, capsys, name):
    """'plugin file spaces.py does not exist' for a folder that does, or 'neither a .py file nor a module name'."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / name.strip("./")).mkdir()
    assert main(["--plugin", name, "spaces"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"plugin {name} is a folder" in err and "give the .py file" in err


def test_a_plugin_file_not_ending_in_py_says_what_to_do(tmp_path, monkeypatch, capsys):
    """Named from its folder, it was 'not a Python file nasloop can import', with no fix; by its absolute path,
    'neither a .py file nor a module name', though it is a file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spaces.txt").write_text("x = 1\n")
    for name in ("spaces.txt", str(tmp_path / "spaces.txt")):
        assert main(["--plugin", name, "spaces"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "is not a Python file nasloop can import; rename it to end in .py" in err


@pytest.mark.parametrize("text,flags,refusal", [
    ("strategy: evolutionn\n", ["--strategy", "random"], "unknown strategy 'evolutionn'"),
    ("space: nb2011\n", ["--space", "nb201"], "unknown search space 'nb2011'"),
    ("strategy: evolution\nstrategy_options: {popsize: 3}\n", ["--strategy", "random"],
     "strategy 'evolution' has no option 'popsize'"),
    ("strategy: bananas\npredictor: flann\n", ["--strategy", "random"], "unknown predictor 'flann'"),  # dropped
    ("strategy: bananas\npredictor: gp\npredictor_options: {trees: 3}\n", ["--predictor", "forest"],
     "predictor 'gp' has no option 'trees'"),
    ("strategy_options: {population_size: x}\n", ["--strategy-opt", "population_size=5"],  # the flag's value wins
     "strategy 'evolution' option population_size must be"),
])
def test_a_plugin_the_command_line_replaces_is_still_checked_in_the_file(tmp_path, text, flags, refusal):
    """``strategy: evolutionn`` with ``--strategy random`` ran without a word, and failed on the next run without
    the flag; so did a misspelt option of the file's strategy."""
    with pytest.raises(ConfigError) as refused:
        _config(tmp_path, text, *flags)
    assert str(refused.value).startswith(f"{tmp_path / 'search.yaml'}: {refusal}")


def test_a_replaced_plugin_with_good_options_still_gives_way_to_the_flag(tmp_path):
    config = _config(tmp_path, "strategy: evolution\nstrategy_options: {population_size: 20}\n", "--strategy", "random")
    assert (config.strategy, config.strategy_options) == ("random", {})


def test_an_unknown_key_lists_only_keys_a_file_may_set(tmp_path):
    """The list offered workdir, which the same file is refused for setting."""
    with pytest.raises(ConfigError) as refused:
        _config(tmp_path, "seeds: 3\n")
    message = str(refused.value)
    assert "unknown key 'seeds'" in message and "seed," in message and "workdir" not in message


@pytest.mark.parametrize("code,reason", [
    ("x = 1\nassert x == 2\n", "AssertionError (no message, raised at broken.py line 2)"),
    ("raise ValueError()\n", "ValueError (no message, raised at broken.py line 1)"),
    ("raise ValueError('\\nthe second line says why')\n", "ValueError: the second line says why"),
])
def test_a_plugin_failing_without_a_message_says_where(tmp_path, capsys, code, reason):
    """'failed to load: AssertionError: ; fix the file' said neither what nor where."""
    (tmp_path / "broken.py").write_text(code)
    assert main(["--plugin", str(tmp_path / "broken.py"), "spaces"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"failed to load: {reason}; fix the file" in err


@pytest.mark.parametrize("key,fix", [("device: cpu", "evaluator_options: {device: VALUE}"),
                                     ("trial-timeout: 60", "executor_options: {timeout_s: VALUE}"),
                                     ("epochs: 12", "fidelity: VALUE")])
def test_a_key_that_is_only_a_flag_says_which_key_holds_it(tmp_path, key, fix):
    """'unknown key device' listed the keys without saying that the flag --device sets an evaluator option."""
    with pytest.raises(ConfigError) as refused:
        _config(tmp_path, key + "\n")
    assert str(refused.value).endswith(f"in a config file, write {fix}")
    assert str(tmp_path / "search.yaml") in str(refused.value)


@pytest.mark.parametrize("entry,refusal", [("{strategy: evolutionn}", "unknown strategy 'evolutionn'"),
                                           ("{strategy: predictor-topk, predictor: 5}", "unknown predictor '5'")])
def test_an_unknown_name_in_a_methods_file_names_the_file_and_method(tmp_path, capsys, entry, refusal):
    """It said only "unknown strategy 'evolutionn'", not in which file or method."""
    (tmp_path / "m.yaml").write_text(f"- {{strategy: random}}\n- {entry}\n")
    assert main(["compare", "--methods-file", str(tmp_path / "m.yaml"), "--seeds", "1", "--budget", "3", "--out",
                 str(tmp_path / "study"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"error: {tmp_path / 'm.yaml'}: method 2: {refusal}" in err


def test_options_for_a_plugin_the_file_does_not_name_are_not_dropped_unseen(tmp_path):
    """``strategy_options: {num_init: 5}`` with ``--strategy bananas`` ran bananas without them (the file's options
    went with its strategy, the default evolution, which the flag replaced), and evolution refuses them without it."""
    with pytest.raises(ConfigError) as refused:
        _config(tmp_path, "strategy_options: {num_init: 5}\n", "--strategy", "bananas", "--predictor", "gp")
    assert str(refused.value).startswith(f"{tmp_path / 'search.yaml'} names no strategy, so its strategy_options "
                                         "are for the default, evolution, and strategy 'evolution' has no option "
                                         "'num_init'")
    assert str(refused.value).endswith("name the strategy they are for in the file (strategy: NAME)")


def test_evaluator_options_of_a_file_naming_no_evaluator_are_not_dropped_unseen(tmp_path):
    """``evaluator_options: {proxies: [params]}`` with ``--evaluator proxy`` scored synflow, the proxy evaluator's
    default, without a word."""
    with pytest.raises(ConfigError, match=r"names no evaluator, so its evaluator_options are for the default, "
                                          r"tabular, and evaluator 'tabular' has no option 'proxies'"):
        _config(tmp_path, "evaluator_options: {proxies: [params]}\n", "--evaluator", "proxy")


def test_a_replaced_evaluators_options_of_the_space_are_checked_as_the_spaces(plugin_file, tmp_path):
    """The file's own plugins register its evaluator; an option it does not take but nb201 does goes to nb201."""
    path, space = plugin_file
    text = f"plugins: [{path}]\nevaluator: {space}-sum\nevaluator_options: {{channels: x}}\n"
    with pytest.raises(ConfigError, match="search space 'nb201' option channels must be"):
        _config(tmp_path, text, "--evaluator", "tabular")


@pytest.mark.parametrize("key", ["run_dir", "data_dir", "tensorboard"])
def test_an_empty_path_in_a_config_file_is_refused_as_the_flag_is(tmp_path, key):
    """``tensorboard: ''`` (a template's unset variable) logged nothing and ``run_dir: ''`` ran in the default folder,
    without a word, where ``--tensorboard ''`` and ``--run-dir ''`` are refused as empty paths."""
    with pytest.raises(ConfigError, match=f"^{tmp_path / 'search.yaml'}: {key} is an empty path; give a folder name"):
        _config(tmp_path, f"{key}: ' '\n")
