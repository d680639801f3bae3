"""The parser's store action builds on argparse's public ``Action`` alone, and stores and refuses as argparse's did."""
from __future__ import annotations

import argparse

import pytest

from nasloop.engine.cli_parser import build_parser


def search_parser() -> argparse.ArgumentParser:
    """The parser of ``nasloop search``, which takes no required argument."""
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return commands.choices["search"]


def store_action(parser: argparse.ArgumentParser, *args, **kwargs) -> argparse.Action:
    """What ``add_argument`` makes of a plain flag of a nasloop parser (every plain flag is this action)."""
    return parser.add_argument(*args, **kwargs)


def test_the_store_action_subclasses_no_private_argparse_class():
    action = store_action(search_parser(), "--j13-flag")
    mro = type(action).__mro__
    below_action = mro[:mro.index(argparse.Action)]  # argparse's own bases of Action are its business
    # argparse._StoreAction is no API: a Python release may rename or reshape it
    assert [cls.__qualname__ for cls in below_action if cls.__module__ == "argparse"] == []


def test_it_stores_the_typed_value_and_refuses_two_values_in_one_line(capsys):
    parser = search_parser()
    store_action(parser, "--j13-count", "--j13-alias", type=int, default=7)
    assert parser.parse_known_args(["--j13-alias", "3"])[0].j13_count == 3
    assert parser.parse_known_args([])[0].j13_count == 7
    assert parser.parse_known_args(["--j13-count", "4", "--j13-alias", "4"])[0].j13_count == 4  # same value twice
    with pytest.raises(SystemExit):
        parser.parse_known_args(["--j13-count", "4", "--j13-alias", "5"])
    error = capsys.readouterr().err.strip()
    assert "--j13-count 4 and --j13-alias 5 give one option (--j13-count/--j13-alias) two values" in error
    assert "\n" not in error


@pytest.mark.parametrize("kwargs,problem", [
    ({"nargs": 0}, "nargs for store actions must be != 0"),
    ({"const": 1}, "nargs must be '[?]' to supply const"),
])
def test_a_store_that_stores_nothing_is_refused_as_argparse_refuses_it(kwargs, problem):
    with pytest.raises(ValueError, match=problem):
        store_action(search_parser(), "--j13-flag", **kwargs)
    assert store_action(search_parser(), "--j13-flag", nargs="?", const=1).const == 1
