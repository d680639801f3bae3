"""A refusal comes first and alone: a search's notes wait until its checks have passed.

``examples/cifar10_nas.py --compile`` (and ``nasloop search --evaluator-opt compile=true``) printed the compile
note above a refusal that came once the plugins were built (the run folder, a Ray setting, missing images), which
then read as a run that had started.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "cifar10_nas.py"
NOTE = "compile=true first compiles each network for training and again for evaluation"

pytestmark = pytest.mark.usefixtures("isolated_cache")


def _example(name: str) -> ModuleType:
    """examples/cifar10_nas.py as a module, its ``main`` called with the argv a test sets."""
    spec = importlib.util.spec_from_file_location(name, EXAMPLE)
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    return example


def test_the_cifar10_example_refuses_its_run_folder_before_the_compile_note(tmp_path, data_dir, monkeypatch,
                                                                             capsys):
    """A --run-dir under a file is refused once the plugins are built and the note said: it came below the note."""
    (tmp_path / "a-file").touch()
    monkeypatch.setattr(sys, "argv", ["cifar10_nas.py", "--compile", "--data-dir", str(data_dir), "--run-dir",
                                      str(tmp_path / "a-file" / "run")])
    with pytest.raises(SystemExit) as done:
        _example("cifar10_nas_b2").main()
    said = capsys.readouterr()
    assert done.value.code == 2 and said.out == "", (done.value.code, said)
    assert said.err.startswith("cifar10_nas.py: error: cannot create the run folder ") and said.err.count("\n") == 1


class Started(Exception):
    """Raised by ``on_run_dir``: the search passed its checks, and stops before it trains anything."""


@pytest.mark.parametrize("compiles", [True, False])
def test_a_search_that_compiles_says_so_once_its_checks_have_passed(tmp_path, data_dir, compiles):
    """Held until the checks pass, the note is still said before the run starts (before ``on_run_dir``), once."""
    heard: list[str] = []

    def started(run_dir: str) -> None:
        heard.append(f"run {run_dir}")
        raise Started

    config = SearchConfig(evaluator="train", budget=2, data_dir=str(data_dir), run_dir=str(tmp_path / "run"),
                          evaluator_options={"compile": compiles})
    with pytest.raises(Started):
        search(config, on_note=heard.append, on_run_dir=started)
    assert heard[-1] == f"run {tmp_path / 'run'}" and len(heard) == 1 + compiles, heard
    assert not compiles or heard[0].startswith(NOTE), heard
