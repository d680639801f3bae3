"""The scripts of benchmarks/ and examples/ as their README reader runs them: a refusal comes first and alone (no
table header, command line or progress line above it), a helper module run directly says what it is, a negative
list value is refused as a value, and a refusal names only flags the script has. None of these runs a search but
the one test that reads the line a NAGO run starts with."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from nasloop.engine.registry import Registry

from .test_benchmark_scripts import refusal

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "cifar10_nas.py"


@pytest.mark.parametrize("script", ["loop_speed.py", "stored_costs.py", "multi_objective_nb201.py", "nago_search.py",
                                    "nago_speed.py", "compare_nb201.py", "feature_predictors.py", "ray_scaling.py"])
def test_a_missing_data_folder_is_refused_before_any_output(benchmark_script, tmp_path: Path, script: str):
    """$NASLOOP_DATA naming no folder: the table header, the 'command:' line, the two studies' command lines or
    'running in-process ...' came first, and the refusal after them read as a run that had started."""
    out = ["--out", str(tmp_path / "studies")] if script == "compare_nb201.py" else []  # not the repository's
    done = benchmark_script(script, *out, data_dir=tmp_path / "missing")
    line = refusal(done, script)
    assert done.stdout == "" and done.stderr.strip() == line, (done.stdout, done.stderr)
    assert "does not exist" in line and str(tmp_path / "missing") in line, line


@pytest.mark.parametrize("script, args, words", [
    ("loop_speed.py", ["--strategies", "random,no-such-strategy", "--budget", "5"], ["'no-such-strategy'"]),
    ("multi_objective_nb201.py", ["--methods", "no-such-strategy", "--seeds", "1"], ["'no-such-strategy'"]),
    ("nago_speed.py", ["--point", "g1=x"], ["'g1=x'"]),  # after the command line, device line and header
    ("nago_speed.py", ["--param-limits", "1e5,10"], ["--param-limits 10", "--param-limits 13218"]),
    ("ray_scaling.py", ["--proxies", "no-such-proxy"], ["'no-such-proxy'"]),  # after 'running in-process ...'
])
def test_a_bad_name_is_refused_before_any_output(benchmark_script, data_dir: Path, script: str, args: list[str],
                                                words: list[str]):
    """With the data in place, a bad name was refused only when the search or training that used it began."""
    done = benchmark_script(script, *args, data_dir=data_dir)
    line = refusal(done, script)
    assert done.stdout == "" and done.stderr.strip().splitlines()[-1] == line, (done.stdout, done.stderr)
    assert all(word in line for word in words), line
    assert "--space-opt" not in line, line


@pytest.mark.parametrize("path, instead", [("benchmarks/nago_tables.py", "nago_search.py"),
                                           ("benchmarks/stats_util.py", "Benchmarks"),
                                           ("benchmarks/script_args.py", "Benchmarks"),
                                           ("examples/custom_space.py", "--plugin examples/custom_space.py")])
def test_a_helper_module_run_directly_says_what_it_is_and_what_to_run(script_in_process, path: str, instead: str):
    """'python benchmarks/nago_tables.py --help' printed nothing and exited 0, as if it had done what was asked."""
    done = script_in_process(Path(path), ["--help"], cwd=ROOT)  # relative, as typed in the repository
    assert not [obj for obj, by in Registry.taken if by == "__main__"]  # the example's space is not left registered
    assert done.returncode == 2 and done.stdout == "", (done.returncode, done.stdout, done.stderr)
    line = done.stderr.strip()
    assert "\n" not in line and line.startswith(f"{Path(path).name}: error: ") and "not a command" in line, line
    assert instead in line, line


@pytest.mark.parametrize("script, args, value", [
    ("search_nb201.py", ["--budgets", "-5,10"], "-5,10"),  # argparse: "expected one argument"
    ("search_nb201.py", ["--budgets=-5,10"], "-5,10"),
    ("search_nb201.py", ["--budgets", "0,10"], "0,10"),
    ("feature_predictors.py", ["--sizes", "-8,40"], "-8,40"),
    ("predictors.py", ["--sizes", "-8,40"], "-8,40"),
    ("guided_search.py", ["--checkpoints", "-5,10"], "-5,10"),
    ("ray_scaling.py", ["--workers", "-2,1"], "-2,1"),
    ("flan_transfer.py", ["--reference-sizes", "-40", "--pretrained", "a=b"], "-40"),
    ("nago_speed.py", ["--param-limits", "-1e5,4e6"], "-1e5"),
    ("ray_scaling.py", ["--gpus-per-trial", "-1"], "-1"),  # a plain float: Ray was asked for -1 GPU
])
def test_a_negative_list_value_is_refused_naming_its_flag_and_value(benchmark_script, script: str, args: list[str],
                                                                    value: str):
    line = refusal(benchmark_script(script, *args), script)
    flag = args[0].split("=")[0]
    assert f"argument {flag}: " in line and value in line and "expected one argument" not in line, line
    assert any(bound in line for bound in (">= 1", "> 0", ">= 0")), line  # the values it takes


@pytest.mark.usefixtures("one_torch_thread")  # the script's own --torch-threads 1, undone after the module
def test_the_nago_command_line_names_the_interpreter_and_script_by_absolute_paths(benchmark_script, tmp_path: Path,
                                                                                   data_dir: Path):
    """Started in another folder, the line read '../../../usr/bin/python ../nasloop/benchmarks/nago_search.py':
    pasted anywhere but that folder, it ran nothing. One search of one proxy evaluation is the smallest run, in this
    process (benchmark_script: with --jobs 1 the script starts no worker), as Python runs the script."""
    done = benchmark_script("nago_search.py", "--methods", "random", "--seeds", "1", "--budget", "1",
                            "--param-limit", "2e4", "--proxy-batch-size", "8", "--figures", str(tmp_path / "figures"),
                            data_dir=data_dir, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("Command: `") and first.endswith("`"), first
    words = shlex.split(first.removeprefix("Command: `").removesuffix("`"))
    assert words[0] == sys.executable and os.path.isabs(words[0]), words
    assert Path(words[1]) == ROOT / "benchmarks" / "nago_search.py", words


def _flags(script_in_process) -> set[str]:
    """The flags examples/cifar10_nas.py takes, read from its own parser (its --help, in this process)."""
    done = script_in_process(EXAMPLE, ["--help"])
    assert done.returncode == 0, done.stderr
    return set(re.findall(r"--[a-z][a-z-]*", done.stdout))


@pytest.mark.parametrize("args", [["--gpus-per-trial", "0", "--cpus-per-trial", "0"],  # refused before Ray starts
                                  ["--gpus-per-trial", "1000"]])  # Ray's own cluster holds no 1000 GPUs
def test_a_ray_share_refusal_of_the_example_names_only_its_own_flags(script_in_process, tmp_path: Path, data_dir: Path,
                                                                    args: list[str]):
    """The GPU-share refusal said 'lower --gpus-per-trial (or the executor's cpus_per_trial)', an option of
    nasloop's --executor-opt, a flag this script did not have. A refusal before Ray starts runs in this process; one
    that Ray's own cluster gives, in a process of its own (the cluster it starts is that process's)."""
    argv = ["--executor", "ray", *args, "--budget", "1", "--data-dir", str(data_dir), "--run-dir",
            str(tmp_path / "run")]
    done = (script_in_process(EXAMPLE, argv) if "--cpus-per-trial" in args else
            subprocess.run([sys.executable, str(EXAMPLE), *argv], capture_output=True, text=True, timeout=300))
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    line = done.stderr.strip().splitlines()[-1]
    assert line.startswith("cifar10_nas.py: error: ") and "cpus_per_trial" not in line, line
    named = set(re.findall(r"--[a-z][a-z-]*", line))
    flags = _flags(script_in_process)
    assert "--cpus-per-trial" in named and named <= flags, (named - flags, line)


@pytest.mark.parametrize("script, flag", [("guided_search.py", "--space"), ("ranking_round.py", "--space"),
                                          ("predictors.py", "--space"), ("loop_speed.py", "--space"),
                                          ("flan_transfer.py", "--target")])
def test_a_space_without_a_table_is_refused_naming_the_scripts_flag(benchmark_script, script: str, flag: str):
    """'--space nago' read "build_context: lookup=True ...; pass lookup=False", a Python argument, or named
    '--evaluator tabular' (loop_speed.py) and '--space' (flan_transfer.py's is --target), flags the scripts lack."""
    line = refusal(benchmark_script(script, flag, "nago", "--pretrained", "a=b") if script == "flan_transfer.py" else
                   benchmark_script(script, flag, "nago"), script)
    assert f"argument {flag}: search space 'nago' has no benchmark table" in line and "nb201" in line, line
    assert "lookup" not in line and "--evaluator" not in line, line


def test_ray_scalings_device_refusal_names_its_own_option_flag(benchmark_script, data_dir: Path):
    """The device is '--option device=...' here; nasloop's refusal said 'use --device cpu', a flag the script lacks
    (on a machine without a GPU; with one, device cuda:99 is refused naming no flag)."""
    line = refusal(benchmark_script("ray_scaling.py", "--evaluator", "train", "--option", "device=cuda:99",
                                    data_dir=data_dir), "ray_scaling.py")
    help_text = benchmark_script("ray_scaling.py", "--help").stdout
    named = set(re.findall(r"--[a-z][a-z-]*", line))
    assert "cuda:99" in line and named <= set(re.findall(r"--[a-z][a-z-]*", help_text)), line
