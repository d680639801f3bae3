"""examples/cifar10_nas.py's Ray flags without '--executor ray': the script names its own flag and the fix."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("flag, value", [("--workers", "2"), ("--gpus-per-trial", "0.25"),
                                         ("--ray-address", "localhost:6379")])
def test_a_ray_flag_without_the_ray_executor_names_the_flag_and_the_fix(tmp_path, monkeypatch, capsys, flag,
                                                                        value) -> None:
    """'--workers 2' alone said "executor 'inprocess' has no option 'workers'; it takes: none": a parameter name the
    script has no flag for, and no word of --executor ray, which 'nasloop search --workers 2' names."""
    path = Path(__file__).resolve().parents[1] / "examples" / "cifar10_nas.py"
    spec = importlib.util.spec_from_file_location("cifar10_nas_e", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    monkeypatch.setattr(sys, "argv", ["cifar10_nas.py", flag, value, "--run-dir", str(tmp_path / "run")])
    with pytest.raises(SystemExit) as exc:
        example.main()
    assert exc.value.code == 2
    message = capsys.readouterr().err
    assert flag in message and "--executor ray" in message and "\n" not in message.strip(), message
    assert not (tmp_path / "run").exists()
