"""A user's space whose ``parse`` raises in its own words (a ValueError, a KeyError) on a stored architecture.

Before: ``nasloop show RUN`` of a run at 12 epochs, and the closing summary of such a search, looked the chosen
architecture up at the table's final fidelity through the space's ``parse``, and a plugin's ValueError there ended
them as an 'unexpected' error with a traceback file (the search's after its run had finished). Now the final
fidelity's value is left out with a note naming the space, the string and the plugin's line; the stored one stays.
"""
from __future__ import annotations

import json

from nasloop.engine.cli import main
from nasloop.engine.registry import register_search_space
from nasloop.engine.run_held_out import HELD_OUT_KEY
from nasloop.engine.store import RunStore
from nasloop.search_spaces.nb201 import NB201Space


class Strict(NB201Space):
    """NB201, whose parse refuses strings once ``strict`` is set (its format changed since a run)."""

    name = "b12-strict"
    strict = False

    def parse(self, text):
        if type(self).strict and isinstance(text, str):
            raise ValueError(f"no such cell: {text[:12]}")
        return super().parse(text)


class Keyed(NB201Space):
    """NB201, whose parse of any string looks it up in a mapping that lacks it."""

    name = "b12-keyed"

    def parse(self, text):
        return {}[text] if isinstance(text, str) else super().parse(text)


def _search(space: str, run, data_dir) -> list[str]:
    return ["search", "--space", space, "--dataset", "cifar10", "--fidelity", "12", "--strategy", "random",
            "--budget", "5", "--seed", "0", "--data-dir", str(data_dir), "--run-dir", str(run)]


def _held_out(out: str) -> dict:
    return json.loads(out)["held_out"]


def test_show_gives_the_stored_held_out_value_and_names_the_unread_string(tmp_path, data_dir, capsys, monkeypatch):
    register_search_space(Strict.name)(Strict)
    run = tmp_path / "run"
    assert main(_search(Strict.name, run, data_dir) + ["--json"]) == 0
    before = _held_out(capsys.readouterr().out)
    assert len(before["values"]) == 2  # at the final fidelity 200, looked up, and at the searched 12
    monkeypatch.setattr(Strict, "strict", True)
    assert main(["show", str(run), "--json"]) == 0  # the values the run kept as it ended: no parse needed
    assert _held_out(capsys.readouterr().out)["values"] == before["values"]
    with RunStore.in_run_dir(run) as store:  # a run stored before runs kept them: its best is looked up
        store.set_meta(HELD_OUT_KEY, None)
    assert main(["show", str(run), "--json"]) == 0
    held = _held_out(capsys.readouterr().out)
    stored = before["values"]["held-out of chosen at searched fidelity 12"]
    assert held["values"] == {"held-out of chosen": stored}
    assert "search space 'b12-strict' cannot read the architecture the run stored, '|" in held["note"]
    assert "its parse raised ValueError: no such cell" in held["note"] and "test_plugin_parse_held_out_b12.py" in \
        held["note"]
    assert main(["show", str(run)]) == 0
    assert "held-out of chosen" in capsys.readouterr().out


def test_a_search_closes_with_its_summary_where_the_space_cannot_read_its_best(tmp_path, data_dir, capsys):
    register_search_space(Keyed.name)(Keyed)
    assert main(_search(Keyed.name, tmp_path / "run", data_dir) + ["--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert list(summary["held_out"]["values"]) == ["held-out of chosen"]
    assert f"cannot read the architecture the run stored, {summary['best']['arch']!r}: its parse raised KeyError" \
        in summary["held_out"]["note"]
