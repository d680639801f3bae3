"""search --help's --predictor-opt names the NAME.KEY=VALUE form search reads, as compare's and 'predictors
evaluate''s do: it said only "an option of the predictor", where the README gives search both forms."""
from __future__ import annotations

import argparse

from nasloop.engine.cli_parser import build_parser


def test_search_predictor_opt_help_names_the_per_predictor_form():
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    action = next(a for a in sub.choices["search"]._actions if "--predictor-opt" in a.option_strings)
    assert "NAME.KEY=VALUE" in str(action.help) and "members" in str(action.help)
