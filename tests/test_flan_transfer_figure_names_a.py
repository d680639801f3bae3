"""benchmarks/flan_transfer.py writes the README's figure names only for the README's own commands: any run of a
target (two seeds, one pretrained start) wrote ``flan_transfer_<target>``, overwriting the published figure."""
from __future__ import annotations

import re

import pytest

from .benchmark_scripts import ROOT, load_benchmark_script


@pytest.fixture(scope="module")
def flan_transfer():
    with pytest.MonkeyPatch.context() as patch:
        yield load_benchmark_script("flan_transfer", patch)


def readme_commands() -> list[list[str]]:
    """The arguments of each flan_transfer.py command in the README's section on it."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("### FLAN transfer across spaces")[1]
    section = section.split("\n### ")[0].replace("\\\n", " ").replace("\n", " ")
    return [found.split() for found in re.findall(r"benchmarks/flan_transfer\.py((?:\s+--[\w-]+\s+[^\s`]+)+)", section)]


def test_the_readme_commands_write_the_figures_the_readme_publishes(flan_transfer):
    commands = readme_commands()
    assert len(commands) == 2, commands
    for argv in commands:
        args = flan_transfer.parse_args(argv)
        name = flan_transfer.figure_name(args)
        assert name == f"flan_transfer_{args.target}", argv
        assert (ROOT / "benchmarks" / "figures" / f"{name}.png").is_file(), name
    assert "benchmarks/figures/flan_transfer_nb201.png" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_smaller_run_writes_a_figure_of_its_own(flan_transfer):
    (nb201, nb101) = sorted(readme_commands(), key=lambda argv: argv[argv.index("--target") + 1], reverse=True)
    fewer = flan_transfer.parse_args([*nb201, "--seeds", "2"])
    assert flan_transfer.figure_name(fewer) == "flan_transfer_nb201-s2-n8_16_32_40_128"
    one_start = flan_transfer.parse_args(["--target", "nb201", "--seeds", "10", "--sizes", "8,16,32,40,128",
                                          "--pretrained", "my start=flan.pt"])
    assert flan_transfer.figure_name(one_start) == "flan_transfer_nb201_my-start"
    other_sizes = flan_transfer.parse_args([*nb101, "--sizes", "8,16"])
    assert flan_transfer.figure_name(other_sizes) == "flan_transfer_nb101-s10-n8_16"
    unpublished = flan_transfer.parse_args(["--target", "tnb101-micro", "--pretrained", "a=a.pt"])
    assert flan_transfer.figure_name(unpublished) == "flan_transfer_tnb101-micro"
