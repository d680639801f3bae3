"""A benchmark class registered under two names is one benchmark: a space naming it by either is tabulated by it.
Its ``name`` is the first registration's, and a stored-proxy run of the space naming it by the second was refused
("this run context holds the nb-first benchmark, and search space ... is tabulated by nb-second")."""
from __future__ import annotations

import pytest

from nasloop.engine.assemble import build_context
from nasloop.engine.errors import ConfigError
from nasloop.engine.registry import register_benchmark, register_search_space

from .digit_space import DigitSpace
from .test_plugin_names_b import Formula


def test_a_space_naming_a_benchmark_by_its_second_registration_is_served_by_it():
    benchmark = type("Twice", (Formula,), {})
    register_benchmark("nb-first")(benchmark)
    register_benchmark("nb-second")(benchmark)
    space = register_search_space("nb-aliased")(type("Aliased", (DigitSpace,), {"name": "nb-aliased",
                                                                               "benchmark": "nb-second"}))
    context = build_context(space, "digits")
    assert context.stored_proxies(space()) == [] and context.benchmark.name == "nb-first"
    register_benchmark("nb-third")(type("Another", (Formula,), {}))  # another class: still refused
    other = type("Other", (DigitSpace,), {"name": "nb-other-space", "benchmark": "nb-third"})()
    with pytest.raises(ConfigError, match="holds the nb-first benchmark, and search space 'nb-other-space' is "
                                          "tabulated by nb-third"):
        context.stored_proxies(other)
