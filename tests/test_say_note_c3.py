"""A note goes to the run's ``on_note``, else to Python's logging, through one helper: the proxy scorer and the
warm-up each wrote the same choice out, and one changed alone would have put its notes elsewhere."""
from __future__ import annotations

import logging

from nasloop.engine.context import RunContext
from nasloop.engine.hooks import say_note
from nasloop.engine.objectives import Objective
from nasloop.strategies.warmup import note_objective

NOTE = ("the warm-up proxies (params, zen) rank architectures for accuracy, not for params_m:min: its first picks "
        "may be far from this objective's best (warmup: null starts at random)")


def test_a_note_goes_to_on_note_else_to_the_log(caplog):
    heard: list[str] = []
    log = logging.getLogger("nasloop.test_say_note_c3")
    say_note(heard.append, "said", log)
    assert heard == ["said"] and not caplog.records
    with caplog.at_level(logging.WARNING, logger=log.name):
        say_note(None, "logged", log)
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [(log.name, logging.WARNING,
                                                                              "note: logged")]


def test_the_warmups_note_goes_where_it_went(caplog):
    objectives = (Objective("params_m", minimize=True),)
    heard: list[str] = []
    note_objective(["params", "zen"], RunContext(dataset=None, objectives=objectives, on_note=heard.append))
    assert heard == [NOTE] and not caplog.records
    with caplog.at_level(logging.WARNING, logger="nasloop.strategies.warmup"):
        note_objective(["params", "zen"], RunContext(dataset=None, objectives=objectives))
    assert [(r.name, r.getMessage()) for r in caplog.records] == [("nasloop.strategies.warmup", f"note: {NOTE}")]
