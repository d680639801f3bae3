"""benchmarks/nago_search.py writes the README's figure names only for the README's own commands: trying a subset
(``--methods random``) overwrote the published figure of bo against random in benchmarks/figures."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from .benchmark_scripts import ROOT, load_benchmark_script


@pytest.fixture(scope="module")
def nago_search():
    with pytest.MonkeyPatch.context() as patch:
        yield load_benchmark_script("nago_search", patch)


def readme_commands() -> list[tuple[list[str], str]]:
    """Each nago_search.py command of the README's NAGO section and the figure it shows below it."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("### NAGO: BO against random search")[1]
    found, command = [], None
    for chunk in re.split(r"(`(?:\.venv/bin/python )?benchmarks/nago_search\.py[^`]*`|benchmarks/figures/\w+\.png)",
                          section.replace("\n", " ")):
        if chunk.startswith("`"):
            command = chunk.strip("`").split("nago_search.py", 1)[1].split()
        elif chunk.startswith("benchmarks/figures/") and command is not None:
            found.append((command, Path(chunk).stem))
            command = None
    return found


def test_the_readme_commands_write_the_figures_the_readme_shows(nago_search, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # --out studies/nago makes its folder as it is read: here, not in the checkout
    commands = readme_commands()
    assert len(commands) >= 3, commands
    for argv, figure in commands:
        assert nago_search.figure_name(nago_search.parse_args(argv)) == figure, (argv, figure)


def test_a_subset_writes_a_figure_of_its_own_and_keeps_the_settings_runs(nago_search):
    args = nago_search.parse_args(["--evaluator", "proxy", "--methods", "random"])
    assert nago_search.figure_name(args) == "nago_proxy_synflow_random"
    assert nago_search.setting_name(args) == "nago_proxy_synflow"  # its runs are the full study's, reused
    evolution = nago_search.parse_args(["--evaluator", "train", "--methods", "evolution", "--seeds", "10"])
    assert nago_search.figure_name(evolution) == "nago_train_evolution"  # the README's, named by hand before
    fewer = nago_search.parse_args(["--objectives", "--seeds", "1", "--budget", "4"])
    assert nago_search.figure_name(fewer) == "nago_front-s1-b4-p20000"
