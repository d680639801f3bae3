"""A user's own plugins drop in by name: by decorator in their code, or by an installed entry point."""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ConfigError, RegistryError
from nasloop.engine.registry import SEARCH_SPACES, STRATEGIES, register_search_space
from nasloop.engine.search import search
from nasloop.engine.store import RunStore
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.strategies.random_search import RandomSearch

CONV_OPS = (2, 3)  # nor_conv_1x1, nor_conv_3x3


class ConvOnlyNB201(NB201Space):
    """A user's restriction of NB201 to convolution edges (64 cells), still answered by the NB201 table."""

    name = "nb201"  # same benchmark table

    def sample(self, rng):
        return tuple(int(o) for o in rng.choice(CONV_OPS, size=6))

    def mutate(self, arch, rng):
        edge = int(rng.integers(6))
        return arch[:edge] + (5 - arch[edge],) + arch[edge + 1:]  # swap 1x1 <-> 3x3

    def neighbours(self, arch):
        return [arch[:e] + (5 - arch[e],) + arch[e + 1:] for e in range(6)]

    @property
    def size(self):
        return 64

    def enumerate(self):
        return (tuple(c) for c in np.array(np.meshgrid(*[CONV_OPS] * 6)).T.reshape(-1, 6))


def test_a_registered_user_space_runs_through_the_whole_loop(tmp_path, data_dir):
    register_search_space("nb201-convs")(ConvOnlyNB201)  # for this test: the conftest drops it after it
    assert "nb201-convs" in SEARCH_SPACES.names()
    summary = search(SearchConfig(space="nb201-convs", strategy="local", budget=64, seed=0,
                                  data_dir=str(data_dir), run_dir=str(tmp_path / "r")))
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        cells = [NB201Space().parse(t.arch) for t in store.evaluations()]
    assert all(set(c) <= set(CONV_OPS) for c in cells)
    assert summary["evaluations"] == 64 and "every architecture" in summary["stop_reason"]


def test_an_installed_plugin_package_is_found_by_entry_point(tmp_path, data_dir):
    """A real distribution on sys.path declaring `nasloop.strategies`: no edit of nasloop needed."""
    (tmp_path / "greedy_plugin.py").write_text(textwrap.dedent('''
        from nasloop.strategies.random_search import RandomSearch

        class ConvFirst(RandomSearch):
            """Random search that never proposes a 'none' edge."""

            def ask(self, n):
                return [tuple(int(o) for o in self.rng.integers(1, 5, size=6)) for _ in range(n)]

        class Loose:
            """Not a Strategy: refused when its entry point is loaded, not deep inside the search."""
    '''))
    dist = tmp_path / "greedy_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: greedy-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[nasloop.strategies]\nconv-first = greedy_plugin:ConvFirst\n"
                                           "loose = greedy_plugin:Loose\nevolution = greedy_plugin:ConvFirst\n")
    script = textwrap.dedent(f'''
        import sys, json
        sys.path.insert(0, {str(tmp_path)!r})
        from nasloop.engine.cli import main
        sys.exit(main(["search", "--strategy", "conv-first", "--budget", "12", "--data-dir", {str(data_dir)!r},
                       "--run-dir", {str(tmp_path / "run")!r}, "--json", "--quiet"]))
    ''')
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert '"strategy": "conv-first"' in out.stdout and '"evaluations": 12' in out.stdout
    loose_script = script.replace('"conv-first"', '"loose"').replace("/run'", "/run2'")
    loose = subprocess.run([sys.executable, "-c", loose_script], capture_output=True, text=True)
    assert loose.returncode == 2 and "strategy 'loose': Loose does not derive from Strategy" in loose.stderr
    # a package's plugin under a built-in name ran as the built-in, without a word
    shadowed = script.replace('"conv-first"', '"evolution"').replace("/run'", "/run3'")
    shadow = subprocess.run([sys.executable, "-c", shadowed], capture_output=True, text=True)
    assert shadow.returncode == 2 and ("strategy 'evolution' is built into nasloop, and the installed plugin "
                                       "greedy_plugin:ConvFirst registers the same name") in shadow.stderr
    assert "conv-first" not in STRATEGIES.names()  # only that process had the package installed


def test_a_plugin_cannot_take_a_built_in_name_or_skip_the_base_class():
    """A user's class under 'nb201' would be stored and reported as NB201; a class outside the interface
    would fail deep inside a search."""
    with pytest.raises(RegistryError, match="search space 'nb201' is built into nasloop; register Mine under "
                                            "another name"):
        register_search_space("nb201")(type("Mine", (NB201Space,), {}))
    with pytest.raises(RegistryError, match="strategy 'not-a-strategy': Loose does not derive from Strategy; "
                                            "subclass nasloop.strategies.base.Strategy"):
        STRATEGIES.register("not-a-strategy")(type("Loose", (), {}))
    assert "not-a-strategy" not in STRATEGIES.names() and SEARCH_SPACES.get("nb201") is NB201Space
    # a factory passed registration, then the search failed reading the strategy's class attributes
    with pytest.raises(RegistryError, match="strategy 'evolution-4': register a class deriving from Strategy, not "
                                            "a function; to preset options, subclass a plugin"):
        STRATEGIES.register("evolution-4")(lambda space, seed=0: None)


@pytest.mark.parametrize("name", ["rand:y", "rand+x", "a,b", "k=v", "", " ", "my strategy", "-x", None])
def test_a_name_the_command_line_cannot_give_is_refused_at_registration(name):
    """``compare --methods rand:y`` looked up 'rand' (':' joins a strategy to its predictor); '' was a blank
    row of ``nasloop strategies``."""
    with pytest.raises(RegistryError, match=re.escape(f"strategy name {name!r} cannot be given on the command line")):
        STRATEGIES.register(name)(type("Odd", (RandomSearch,), {}))
    assert name not in STRATEGIES.names()


def test_a_plugin_that_exits_while_loading_is_one_line(tmp_path):
    from nasloop.engine.errors import ConfigError
    from nasloop.engine.plugins import load_plugin

    script = tmp_path / "script_like.py"
    script.write_text("import sys\nsys.exit(3)\n")
    with pytest.raises(ConfigError, match=r"called exit\(3\) while loading; a plugin only defines and registers"):
        load_plugin(str(script))


@pytest.mark.parametrize("code, message", [
    ("def broken(:\n", "failed to load: SyntaxError: "),
    ("raise RuntimeError('no GPU here')\n", "failed to load: RuntimeError: no GPU here; fix the "),
    ("import exit_sys_like_no_such_pkg_xyz\n", "imports 'exit_sys_like_no_such_pkg_xyz', which is not installed "
                                               "here; install the package that provides it"),
])
@pytest.mark.parametrize("as_module", [False, True])
def test_a_plugin_whose_code_fails_to_import_is_one_line_as_a_file_or_a_module(tmp_path, monkeypatch, code, message,
                                                                               as_module):
    """Given as a module name, a syntax error or a crash was an 'unexpected' error with nasloop's traceback file,
    and a missing dependency read 'plugin module ... cannot be imported' as if the plugin itself were missing."""
    from nasloop.engine.plugins import load_plugin

    package = tmp_path / f"my_failing_plugins_{len(code)}_{as_module}"  # a package imported once stays imported
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "mod.py").write_text(code)
    monkeypatch.syspath_prepend(str(tmp_path))
    spec = f"{package.name}.mod" if as_module else str(package / "mod.py")
    with pytest.raises(ConfigError) as error:
        load_plugin(spec)
    assert message in str(error.value) and "\n" not in str(error.value), error.value
    assert str(error.value).startswith(f"plugin {spec} ")


def test_a_plugin_module_that_is_not_there_is_named_as_missing(tmp_path):
    from nasloop.engine.plugins import load_plugin

    with pytest.raises(ConfigError, match="plugin module 'no_such_plugin_pkg.mod' cannot be imported"):
        load_plugin("no_such_plugin_pkg.mod")


def test_a_plugin_file_imports_a_module_beside_it(tmp_path):
    from nasloop.engine.plugins import load_plugin

    (tmp_path / "plugin_helpers_beside.py").write_text("WIDTH = 7\n")
    plugin = tmp_path / "uses_helpers.py"
    plugin.write_text("from plugin_helpers_beside import WIDTH\n"
                      "from nasloop.engine.registry import register_strategy\n"
                      "from nasloop.strategies.random_search import RandomSearch\n"
                      "register_strategy('beside-width')(type('BesideWidth', (RandomSearch,), {}))\n")
    assert load_plugin(str(plugin)).WIDTH == 7
    STRATEGIES._items.pop("beside-width")  # a plugin file's class outlives the test otherwise (see conftest)


def test_the_same_class_defined_again_replaces_itself(tmp_path, data_dir):
    """A notebook cell re-run, or a script that registers its strategy and names itself as a plugin (so that a
    resumed run loads it), was refused as 'registered twice', with advice to rename that could not help."""
    from nasloop.strategies.random_search import RandomSearch

    for _ in range(2):  # the cell, run twice
        class Again(RandomSearch):
            pass

        STRATEGIES.register("again")(Again)
    assert STRATEGIES.get("again") is Again
    with pytest.raises(RegistryError, match="strategy 'again' is registered twice"):  # another class: refused
        STRATEGIES.register("again")(type("Other", (RandomSearch,), {}))

    script = tmp_path / "mine.py"
    script.write_text(textwrap.dedent(f'''
        from nasloop import SearchConfig, search
        from nasloop.engine.registry import register_strategy
        from nasloop.strategies.random_search import RandomSearch

        @register_strategy("mine")
        class Mine(RandomSearch):
            pass

        if __name__ == "__main__":
            summary = search(SearchConfig(strategy="mine", plugins=[{str(script)!r}], budget=5,
                                          data_dir={str(data_dir)!r}, run_dir={str(tmp_path / "run")!r}))
            print(summary["evaluations"])
    '''))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)  # the script run as __main__
    assert out.returncode == 0 and out.stdout.strip() == "5", out.stderr

    from nasloop.engine.plugins import load_plugin

    for folder in ("a", "b"):  # two plugin files of one name (one module name) are two definitions
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same_name.py").write_text(
            "from nasloop.engine.registry import register_strategy\n"
            "from nasloop.strategies.random_search import RandomSearch\n\n\n"
            "@register_strategy('same-name')\nclass SameName(RandomSearch):\n    pass\n")
    load_plugin(str(tmp_path / "a" / "same_name.py"))
    with pytest.raises(ConfigError, match="same_name.py failed to load: RegistryError: strategy 'same-name' is "
                                          "registered twice"):
        load_plugin(str(tmp_path / "b" / "same_name.py"))
    # the failed file took the first one's module out of sys.modules: a Ray search then could not ship it
    assert sys.modules["nasloop_plugin_same_name"].__file__ == str((tmp_path / "a" / "same_name.py").resolve())
    STRATEGIES._items.pop("same-name")  # a plugin file's class outlives the test otherwise (see conftest)


def test_the_default_dataset_is_the_first_task_of_the_space_benchmark(tmp_path, data_dir, fresh_nasloop):
    """A space registered by a config file's plugins searched CIFAR-10 (its benchmark was not known yet when the
    default was read), so did SearchConfig(space='tnb101-micro'); a benchmark without tasks was an IndexError."""
    (tmp_path / "my_micro.py").write_text(textwrap.dedent("""
        from nasloop.engine.registry import register_benchmark, register_search_space
        from nasloop.search_spaces.tnb101.space import TNB101MicroSpace
        from nasloop.search_spaces.tnb101.benchmark import TNB101MicroBenchmark

        @register_search_space("my-micro")
        class MyMicro(TNB101MicroSpace):
            name = "my-micro"

        @register_benchmark("no-task-bench")
        class NoTasks(TNB101MicroBenchmark):
            tasks = ()

        @register_search_space("no-task")
        class NoTaskSpace(TNB101MicroSpace):
            name, benchmark = "no-task", "no-task-bench"
    """))
    (tmp_path / "s.yaml").write_text("plugins: [my_micro.py]\nspace: my-micro\nbudget: 3\nrun_dir: r\n")
    env = {"NASLOOP_DATA": str(data_dir)}  # commands that have not yet loaded the plugin file (fresh_nasloop), whose
    # classes stayed registered in the process loading it
    out = fresh_nasloop(["search", "--config", "s.yaml", "--quiet", "--json"], cwd=tmp_path, env=env)
    assert out.returncode == 0 and '"dataset": "class_scene"' in out.stdout, out.stderr
    out = fresh_nasloop(["--plugin", "my_micro.py", "search", "--space", "no-task", "--budget", "3"], env=env)
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
    assert "benchmark 'no-task-bench' declares no tasks; give its class tasks = (Task(name, metric), ...)" in out.stderr
    summary = search(SearchConfig(space="tnb101-micro", budget=3, data_dir=str(data_dir), run_dir=str(tmp_path / "p")))
    assert summary["dataset"] == "class_scene"


def test_a_study_of_a_plugin_space_is_reported_without_naming_the_plugin_again(tmp_path, data_dir,
                                                                               fresh_nasloop):
    """'nasloop report STUDY' said 'unknown search space' (show and report of one run load its plugins)."""
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "micro_again.py").write_text(textwrap.dedent("""
        from nasloop.engine.registry import register_search_space
        from nasloop.search_spaces.tnb101.space import TNB101MicroSpace

        @register_search_space("micro-again")
        class MicroAgain(TNB101MicroSpace):
            name = "micro-again"
    """))
    env = {"NASLOOP_DATA": str(data_dir)}  # commands that have not yet loaded the plugin file (fresh_nasloop): the
    # report must load it, and the moved file again
    out = fresh_nasloop(["--plugin", "plugins/micro_again.py", "compare", "--space", "micro-again", "--methods",
                         "random", "--seeds", "1", "--budget", "4", "--out", "study", "--quiet"], cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    (tmp_path / "elsewhere").mkdir()
    out = fresh_nasloop(["report", "../study"], cwd=tmp_path / "elsewhere")
    assert out.returncode == 0 and "report.html" in out.stdout, out.stderr
    (tmp_path / "plugins" / "micro_again.py").rename(tmp_path / "plugins" / "moved.py")  # named anew, as resume is
    out = fresh_nasloop(["--plugin", "plugins/moved.py", "report", "study"], cwd=tmp_path)
    assert out.returncode == 0 and "report.html" in out.stdout, out.stderr


def test_a_misspelt_plugin_flag_is_named_with_the_one_meant(capsys):
    """'nasloop --plugins x.py spaces' read "invalid choice: 'x.py'", naming neither the flag nor --plugin."""
    from nasloop.engine.cli import main

    with pytest.raises(SystemExit):
        main(["--plugins", "x.py", "spaces"])
    error = capsys.readouterr().err
    assert "unrecognized arguments: --plugins (did you mean --plugin?): nasloop [--plugin FILE] COMMAND" in error


def test_an_os_error_raised_by_a_plugin_names_where_it_was_raised(tmp_path, data_dir, capsys):
    """It read 'cannot access: worker lost', naming no plugin (an executor's lost connection, an evaluator's
    missing file raised without a file name)."""
    from nasloop.engine.cli import main

    plugin = tmp_path / "lossy_evaluator.py"
    plugin.write_text(textwrap.dedent('''
        from nasloop.engine.evaluators.tabular import TabularEvaluator
        from nasloop.engine.registry import register_evaluator

        @register_evaluator("lossy-table")
        class LossyTable(TabularEvaluator):
            def check(self, fidelity=None):
                raise ConnectionError("the table server went away")
    '''))
    assert main(["--plugin", str(plugin), "search", "--evaluator", "lossy-table", "--budget", "3", "--data-dir",
                 str(data_dir), "--run-dir", str(tmp_path / "run"), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert f"cannot access: the table server went away (raised in {plugin}:8 (check))" in error, error
    assert error.count("\n") == 1, error


def test_a_plugin_given_when_resuming_is_recorded_for_later_resumes(tmp_path, data_dir):
    """A run started from a script that imported its plugin itself records none; '--plugin FILE search --resume'
    worked once, and the next resume failed again with 'unknown strategy'."""
    from nasloop.engine.cli import main
    from nasloop.engine.plugins import load_plugin

    plugin = tmp_path / "rr_plugin.py"
    plugin.write_text("from nasloop.engine.registry import register_strategy\n"
                      "from nasloop.strategies.random_search import RandomSearch\n\n\n"
                      "@register_strategy('rr-random')\nclass RRRandom(RandomSearch):\n    pass\n")
    load_plugin(str(plugin))  # as the user's script imported it
    try:
        run = search(SearchConfig(strategy="rr-random", budget=3, data_dir=str(data_dir),
                                  run_dir=str(tmp_path / "run")))["run_dir"]
        with RunStore.in_run_dir(run) as store:
            assert store.get_meta("config")["plugins"] == []
        for _ in range(2):  # given again: recorded once
            assert main(["--plugin", str(plugin), "search", "--resume", run, "--budget", "5", "--quiet"]) == 0
        with RunStore.in_run_dir(run) as store:
            assert store.get_meta("config")["plugins"] == [str(plugin.resolve())]
            assert len(store.evaluations()) == 5
    finally:
        STRATEGIES._items.pop("rr-random", None)  # a plugin file's class outlives the test otherwise


def test_a_plugin_package_whose_init_registers_nothing_is_refused_as_it_loads(tmp_path, monkeypatch):
    """'--plugin my_package' whose __init__ imports none of its plugin modules was taken without a word; the run
    then failed on an unknown name, or searched without the plugin the user meant."""
    from nasloop.engine.plugins import load_plugin

    package = tmp_path / "quiet_plugin_package"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "strategies.py").write_text("from nasloop.engine.registry import register_strategy\n"
                                           "from nasloop.strategies.random_search import RandomSearch\n"
                                           "@register_strategy('quiet-random')\n"
                                           "class Quiet(RandomSearch):\n"
                                           "    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ConfigError, match=re.escape("plugin quiet_plugin_package registers nothing: no register "
                                                    "decorator ran while it was imported; name the module that")):
        load_plugin("quiet_plugin_package")
    try:
        load_plugin("quiet_plugin_package.strategies")  # the module that registers: taken
        assert "quiet-random" in STRATEGIES.names()
        load_plugin("quiet_plugin_package")  # imported by then: what it registered came with the first import
    finally:
        STRATEGIES._items.pop("quiet-random", None)


def test_a_module_imported_before_is_a_plugin_only_if_its_code_registered_something(tmp_path, monkeypatch):
    """A module nasloop (or the user's script) had imported already was taken unchecked: '--plugin numpy' passed."""
    import importlib

    from nasloop.engine.proxy_registry import PROXIES
    from nasloop.engine.plugins import load_plugin

    with pytest.raises(ConfigError, match=re.escape("plugin numpy registers nothing: nothing registered in this "
                                                    "process comes from it; name the module that registers")):
        load_plugin("numpy")
    package = tmp_path / "imported_plugin_package"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "aliases.py").write_text("from nasloop.engine.registry import register_strategy\n"
                                        "from nasloop.strategies.random_search import RandomSearch\n"
                                        "register_strategy('alias-random')(RandomSearch)  # defined elsewhere\n")
    (package / "counts.py").write_text("from nasloop.engine.evaluators.proxies import register_proxy\n"
                                       "@register_proxy('alias-count', needs_data=False)  # through a wrapper\n"
                                       "def count(net, inputs, targets):\n"
                                       "    return 1.0\n")
    (package / "reexports.py").write_text("from .aliases import RandomSearch\nfrom .counts import count\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        importlib.import_module("imported_plugin_package.reexports")  # as a script importing its plugins itself
        load_plugin("imported_plugin_package.aliases")  # its code registered a class defined elsewhere
        load_plugin("imported_plugin_package.counts")
        load_plugin("imported_plugin_package")  # its submodule's code did
        with pytest.raises(ConfigError, match="plugin imported_plugin_package.reexports registers nothing"):
            load_plugin("imported_plugin_package.reexports")  # it holds what another module registered
    finally:
        STRATEGIES._items.pop("alias-random", None)
        PROXIES._items.pop("alias-count", None)
