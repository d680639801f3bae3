"""A compare on a joined cluster refuses a bad ``$NASLOOP_RAY_LOST_AFTER_S`` before its study folder exists, as a
search refuses it before its run folder does. Only the study's Ray tasks (study_ray.run_on_ray) read it, after the
study was opened: the one-line refusal came once study.json was written, and a later compare of another grid into
that --out was refused for the study it found; with a --ray-address, the address was probed first.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.executors.ray_cluster_watch import LOST_AFTER_VARIABLE

from .cli_processes import nasloop, process_env

REFUSAL = (f"nasloop compare: error: ${LOST_AFTER_VARIABLE} is 'soon', not a number of seconds above 0; set it to one "
           "(the seconds a joined Ray cluster may go unanswered), or unset it for 5")


@pytest.mark.parametrize("address", ["auto", "127.0.0.1:1"], ids=["auto", "nothing-listens"])
def test_a_compare_refuses_a_bad_lost_after_setting_before_its_study_folder(address: str, tmp_path: Path,
                                                                           data_dir: Path) -> None:
    env = process_env({LOST_AFTER_VARIABLE: "soon", "NASLOOP_DATA": str(data_dir),
                       "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONWARNINGS": None})
    proc = nasloop(["compare", "--methods", "random", "--budget", "2", "--seeds", "1", "--executor", "ray",
                    "--ray-address", address, "--out", "study"], tmp_path, env)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [REFUSAL]  # before: the address's line (port 1), or this one after the folder
    assert not (tmp_path / "study").exists()
