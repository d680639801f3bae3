"""The source of a plugin file that registers a digit space and its evaluator and leaves a marker file as it is
imported: the plugin-trust tests tell from the marker whether a run or study folder imported a plugin it names."""
from __future__ import annotations

import textwrap

SOURCE = textwrap.dedent("""
    from pathlib import Path

    from digit_space import DigitSpace, DigitSum
    from nasloop.engine.registry import register_evaluator, register_search_space

    Path({marker}).write_text("imported")


    @register_search_space("{space}")
    class Digits(DigitSpace):
        name = "{space}"


    @register_evaluator("{space}-sum")
    class Sum(DigitSum):
        pass
""")


def marked_plugin(space: str, marker: str) -> str:
    """A plugin registering ``space`` (and ``space-sum``) that writes the file the Python expression ``marker``
    names when imported."""
    return SOURCE.format(space=space, marker=marker)
