"""examples/cifar10_nas.py as a reader runs it: a refusal names the flags the script has, as the reader types them.
Each refusal comes before any work, so the script runs in this process (script_in_process), as Python runs it."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "cifar10_nas.py"


def test_an_unreachable_ray_cluster_is_refused_naming_the_scripts_own_address_flag(script_in_process, tmp_path: Path,
                                                                                    data_dir: Path):
    """The script's flag was --address while nasloop's Ray messages (and 'nasloop search') name --ray-address: the
    refusal told the reader to 'fix --ray-address', a flag the script answers with 'unrecognized arguments'."""
    spec = importlib.util.spec_from_file_location("cifar10_nas_u", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    actions = example.build_parser()._actions
    flags = {option for action in actions for option in action.option_strings}
    address_flag = next(action.option_strings[0] for action in actions if action.dest == "address")
    done = script_in_process(EXAMPLE, ["--executor", "ray", address_flag, "127.0.0.1:1", "--data-dir", str(data_dir),
                                       "--budget", "1", "--run-dir", str(tmp_path / "run")])
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    line = done.stderr.strip().splitlines()[-1]
    assert line.startswith("cifar10_nas.py: error: ") and "127.0.0.1:1" in line, line
    named = set(re.findall(r"--[a-z][a-z-]*", re.sub(r"'[^']*'", "", line)))  # a quoted command's are its own
    assert named and named <= flags, (named - flags, line)


@pytest.mark.parametrize("flag", ["--data-dir", "--run-dir"])
def test_an_empty_path_is_refused_naming_the_scripts_flag(script_in_process, tmp_path: Path, flag: str):
    """'--run-dir ""' (an unset shell variable) was refused as 'run_dir is an empty path', the Python option's name,
    not the flag the reader typed; the nasloop command and the benchmark scripts name the flag."""
    done = script_in_process(EXAMPLE, [flag, ""], cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    line = done.stderr.strip().splitlines()[-1]
    assert line.startswith("cifar10_nas.py: error: ") and flag in line and "empty path" in line, line
