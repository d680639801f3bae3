"""A study continued with other plugin files given, one of its recorded files gone since, goes on without that file,
as its design says (the ones given take the place of those it cannot load), and now says so in one line: it was
dropped from the study's record without a word, and a method of its plugin then failed as unknown."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.plugins import load_plugins
from nasloop.engine.study import open_study
from nasloop.engine.study_methods import parse_method
from nasloop.engine.study_plugins import continued_plugins

from .digit_space import DigitSpace

pytestmark = pytest.mark.usefixtures("own_plugin_files")  # a plugin file's plugins leave with its test

SPACE = f'''
from {DigitSpace.__module__} import DigitSpace, DigitSum
from nasloop.engine.registry import register_evaluator, register_search_space

@register_search_space("d5-digits-TAG")
class Digits(DigitSpace):
    name = "d5-digits-TAG"

register_evaluator("d5-sum-TAG")(DigitSum)
'''

STRATEGY = '''
from nasloop.engine.registry import register_strategy
from nasloop.strategies.random_search import RandomSearch

@register_strategy("d5-NAME-TAG")
class Mine(RandomSearch):
    """Random search under a name of this file's own."""
'''


def _files(tmp_path: Path) -> tuple[str, dict[str, Path]]:
    """This test's plugin files, under names of its own (a file's module loads once per process): the space and
    evaluator, an extra strategy, and another file given later."""
    tag = "".join(c for c in tmp_path.name if c.isalnum())
    files = {"space": SPACE, "extra": STRATEGY.replace("NAME", "extra"), "other": STRATEGY.replace("NAME", "other")}
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / f"{name}_{tag}.py"
        paths[name].write_text(text.replace("TAG", tag))
    return tag, paths


def test_a_recorded_plugin_file_gone_while_others_are_given_is_said(tmp_path, monkeypatch):
    """The study is recorded as ``compare`` records it, and continued as ``compare`` continues it (its report, seconds
    of figures, is no part of this)."""
    monkeypatch.chdir(tmp_path)
    tag, files = _files(tmp_path)
    load_plugins([str(files["space"]), str(files["extra"])], None)
    base = SearchConfig(space=f"d5-digits-{tag}", evaluator=f"d5-sum-{tag}", budget=4,
                        plugins=[str(files["space"]), str(files["extra"])])
    study = tmp_path / "study"
    open_study(study, base, [parse_method("random")], [0])
    files["extra"].unlink()
    notes: list[str] = []
    plugins = continued_plugins(study, [str(files["other"])], None, notes.append)
    assert notes == [f"{study} was started with the plugin file(s) {files['extra']}, gone since; the study goes on "
                     "without them, with the plugins given (put a file back where it was to keep it)"]
    assert [Path(p).name for p in plugins] == [files["space"].name, files["other"].name]
