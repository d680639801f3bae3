"""``nasloop strategies`` (and the other lists) give each plugin's summary whole: a docstring whose first paragraph
wraps over two lines, as local search's does, was listed cut after its first ('... random restarts; `start_best_of`
random draws'), a sentence that stops mid-way."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.registry import STRATEGIES

PLUGIN = '''
from nasloop.engine.registry import register_strategy
from nasloop.strategies.random_search import RandomSearch


@register_strategy("wrapped-doc")
class WrappedDoc(RandomSearch):
    """Random draws, told here in a summary long enough that it wraps
    onto a second line before its full stop.

    The details, which the list leaves out.
    """
'''


def _listed(out: str, name: str) -> str:
    return next(line for line in out.splitlines() if line.split(" ", 1)[0] == name)


def test_local_search_is_listed_with_its_whole_summary(nasloop_in_process):
    out = nasloop_in_process(["strategies"])
    assert out.returncode == 0, out.stderr
    line = _listed(out.stdout, "local")
    assert line.endswith("start each climb from the best of them (1: from one, as the paper's Algorithm 1; 10: as "
                         "its code)."), line
    summary = " ".join(STRATEGIES.get("local").__doc__.split("\n\n")[0].split()).replace("``", "`")
    assert line.split(None, 1)[1] == summary


def test_a_plugin_summary_over_two_lines_is_listed_whole_and_alone(nasloop_in_process, tmp_path: Path,
                                                                   own_plugin_files):
    (tmp_path / "wrapped.py").write_text(PLUGIN)
    out = nasloop_in_process(["--plugin", str(tmp_path / "wrapped.py"), "strategies"])
    assert out.returncode == 0, out.stderr
    line = _listed(out.stdout, "wrapped-doc")
    assert line.split(None, 1)[1] == ("Random draws, told here in a summary long enough that it wraps onto a second "
                                      "line before its full stop.")
    assert "details" not in out.stdout
