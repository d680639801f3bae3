"""The README's "What works now" table names every built-in plugin, as ``nasloop spaces | strategies | predictors |
evaluators | executors`` list them: a reader choosing from the table should not meet a plugin there that the table
never mentions (the proxies' row has this check in tests/test_proxies_zico_swap_p.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine import registry

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _row(part: str) -> str:
    return next(line for line in README.splitlines() if line.startswith(f"| {part} |"))


@pytest.mark.parametrize("part, kind", [("search spaces", registry.SEARCH_SPACES), ("strategies", registry.STRATEGIES),
                                        ("predictors", registry.PREDICTORS), ("evaluators", registry.EVALUATORS),
                                        ("executors", registry.EXECUTORS)])
def test_the_readme_table_names_every_built_in_plugin(part: str, kind: registry.Registry):
    row, built_in = _row(part), sorted(kind._builtins)
    assert len(built_in) >= 2
    # the NDS spaces' ImageNet variants are named once for all ('each also `-in` for ImageNet')
    unnamed = [name for name in built_in if f"`{name}`" not in row and f"`{name.removesuffix('-in')}`" not in row]
    assert not unnamed, (part, unnamed)
