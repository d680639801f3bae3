"""A script's mistakes through the Python API meet the command line's refusals: one nasloop line naming the problem
and the fix, never a silent default, a traceback from deep inside, nor a value recorded twice."""
from __future__ import annotations

import shutil
from pathlib import Path


import pytest

from nasloop import NasloopError, SearchConfig, resume, search, summarize
from nasloop.engine.store import RunStore


@pytest.mark.parametrize("field", ["run_dir", "tensorboard", "data_dir"])
def test_an_empty_path_field_is_refused_as_its_flag_is(field):
    """SearchConfig(run_dir='') searched in a default folder, tensorboard='' logged nothing and data_dir='' read the
    default data folder, without a word, where --run-dir '' and a config file's run_dir: '' are refused."""
    for empty in ("", "  "):
        with pytest.raises(NasloopError, match=f"^{field} is an empty path; give a folder name, or leave it out"):
            SearchConfig(**{field: empty})


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory, data_dir) -> Path:
    """A two-evaluation random search on NB201, for tests to read (or copy, to change)."""
    run = tmp_path_factory.mktemp("runs") / "run"
    search(SearchConfig(strategy="random", budget=2, data_dir=str(data_dir), run_dir=str(run)))
    return run


def test_a_stored_empty_path_still_resumes(tmp_path, finished_run):
    """A run a script started with tensorboard='' before that was refused keeps resuming, as it logged nothing."""
    run = shutil.copytree(finished_run, tmp_path / "run")
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


@pytest.mark.parametrize("call", [resume, summarize])
def test_an_empty_run_folder_is_refused_not_read_as_the_current_one(finished_run, monkeypatch, call):
    """resume('') and summarize('') read the current folder (a run there was resumed or summarised, unasked), where
    'nasloop search --resume ""' and 'nasloop show ""' are refused as empty paths."""
    monkeypatch.chdir(finished_run)
    with pytest.raises(NasloopError, match=r"a run folder is a path \(text or pathlib.Path\), got ''; pass the folder"):
        call("")
    assert summarize(".")["evaluations"] == 2  # the current folder, named, is read as before


@pytest.mark.parametrize("arguments, message", [
    ({"data_dir": ""}, "data_dir is an empty path; give a folder name"),  # was the current folder, unseen
    ({"data_dir": 5}, r"data_dir is a folder, as text or a pathlib.Path, got 5; give a folder"),  # os.path's TypeError
    ({"executor_options": ["workers=2"]}, r"executor_options must be a mapping with string keys or null, got \["),
])
def test_resume_refuses_a_bad_folder_or_options_as_search_does(tmp_path, finished_run, arguments, message):
    """What SearchConfig refuses for a new run, resume() took: data_dir='' resumed reading the current folder (as
    --data-dir '' is refused), data_dir=5 and a list of executor options stopped in Python's TypeError."""
    run = shutil.copytree(finished_run, tmp_path / "run")
    with pytest.raises(NasloopError, match=f"^{message}"):
        resume(run, budget=3, **arguments)
    assert summarize(run)["evaluations"] == 2  # refused before anything ran


@pytest.mark.parametrize("arguments, message", [
    ({"plugins": [5]}, r"plugins takes a list of plugin files or modules, got 5 in it; give each as text or a pathl"),
    ({"pretrained_files": [5]}, "pretrained_files takes a list of files, got 5 in it; give each as text or a pathlib"),
    ({"plugins": [Path("/no/such/plugin.py")]}, "plugin file /no/such/plugin.py does not exist"),  # read as its text
])
def test_resume_takes_files_as_text_or_paths_and_names_anything_else(tmp_path, finished_run, arguments, message):
    """resume(plugins=[5]) and pretrained_files=[5] stopped in Path's TypeError, plugins=[Path(...)] in
    AttributeError ('PosixPath' object has no attribute 'endswith'), though the README takes paths as either."""
    run = shutil.copytree(finished_run, tmp_path / "run")
    with pytest.raises(NasloopError, match=f"^{message}"):
        resume(run, budget=3, **arguments)


def test_search_config_takes_plugin_files_as_paths():
    """SearchConfig(plugins=[Path('my_space.py')]) was refused as 'a list of strings', where its folders take Paths."""
    assert SearchConfig(plugins=[Path("my_space.py"), "my_pkg.spaces"]).plugins == ["my_space.py", "my_pkg.spaces"]


def _train_one(data_dir):
    from nasloop.engine.train_one import train_architecture

    return train_architecture("nb201", ARCH, epochs=1, channels=8, data_dir=data_dir)


def _score(data_dir):
    from nasloop.engine.evaluators.proxies import score_architectures

    return score_architectures("nb201", [ARCH], ["params"], data_dir=data_dir)


def _rank(data_dir):
    from nasloop.engine.predictor_evaluation import evaluate_predictors

    return evaluate_predictors(["random"], [8], [0], space="nb201", data_dir=data_dir)


def _context(data_dir):
    from nasloop.engine.assemble import build_context

    return build_context("nb201", "cifar10", data_dir, lookup=True)


ARCH = "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|avg_pool_3x3~1|nor_conv_1x1~2|"


@pytest.mark.parametrize("call", [_train_one, _score, _rank, _context])
def test_the_documented_pieces_refuse_an_empty_data_folder(call):
    """data_dir='' read the default data folders without a word (build_context, evaluate_predictors, or trained and
    scored on them), where --data-dir '' is refused; build_context(data_dir=5) stopped in Path's TypeError."""
    with pytest.raises(NasloopError, match="^data_dir is an empty path; give a folder name, or leave it out"):
        call("")
    with pytest.raises(NasloopError, match=r"^data_dir is a folder, as text or a pathlib.Path, got 5; give a folder"):
        call(5)


def test_predictor_options_nested_under_the_predictor_name_the_form_a_search_takes():
    """predictor_options={'gp': {'max_iter': 5}}, the form evaluate_predictors takes, was refused as "predictor 'gp'
    has no option 'gp'", naming neither what was meant nor how a search spells it."""
    from nasloop.engine.predictor_options import options_per_predictor

    with pytest.raises(NasloopError, match=r"^--predictor-opt gp=\{...\} nests options under predictor 'gp', which a "
                                           r"search does not read; write each as gp.max_iter=VALUE"):
        options_per_predictor(["gp"], {"gp": {"max_iter": 5}})
    assert options_per_predictor(["gp"], {"gp.max_iter": 5}) == {"gp": {"max_iter": 5}}
    assert options_per_predictor(["blend"], {"members": {"gp": {}, "mlp": {}}})["blend"]  # a member's options, kept


def test_a_run_folder_under_home_written_with_a_tilde_is_read_back_as_search_wrote_it(tmp_path, monkeypatch,
                                                                                     finished_run):
    """search(SearchConfig(run_dir='~/runs/api')) wrote into the home folder, and summarize('~/runs/api') and
    resume('~/runs/api') then answered "no nasloop run at ~/runs/api"."""
    monkeypatch.setenv("HOME", str(tmp_path))
    shutil.copytree(finished_run, tmp_path / "runs" / "api")
    assert summarize("~/runs/api")["run_dir"] == str(tmp_path / "runs" / "api")
    assert resume(Path("~/runs/api"), budget=3)["evaluations"] == 3


def test_resume_reads_a_data_folder_and_tensorboard_folder_written_with_a_tilde(tmp_path, monkeypatch, data_dir,
                                                                                finished_run):
    """resume(data_dir='~/data') recorded '<current folder>/~/data', which does not exist, and resume(tensorboard=
    '~/tb') refused the folder the run logs to, which search(SearchConfig(tensorboard='~/tb')) had read as ~/tb."""
    from nasloop.engine.run_checks import check_same_tensorboard

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").symlink_to(data_dir)
    shutil.copytree(finished_run, tmp_path / "run")
    assert resume("~/run", budget=3, data_dir="~/data")["evaluations"] == 3
    check_same_tensorboard(tmp_path / "run", SearchConfig(tensorboard="~/tb", workdir="/elsewhere"), "~/tb",
                           "tensorboard")  # the run's own folder, taken


def test_an_unknown_space_in_a_script_says_how_a_script_registers_one(tmp_path, monkeypatch):
    """The refusal told a script only to give --plugin FILE before the command, a flag it has no way to give."""
    from nasloop.engine.registry import Registry

    monkeypatch.setattr(Registry, "loaded_plugins", [])  # as in a fresh process: no plugin file loaded by other tests
    with pytest.raises(NasloopError, match=r"unknown search space 'my-space'.* needs --plugin FILE before the "
                                           r"command, or in a script its module imported first"):
        search(SearchConfig(space="my-space", budget=2, run_dir=str(tmp_path / "run")))
