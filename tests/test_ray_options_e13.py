"""The Ray executor's options are refused in one line before Ray is imported or started, where a value past Ray's
limits failed inside it: ``--workers`` or ``cpus_per_trial`` of 10**12 started a local Ray of that many CPUs, which
'timed out during startup' after 40 s (an unexpected Exception); a share below 0.0001 of a CPU or GPU stopped at the
first actor in Ray's unexpected ValueError; ``max_retries`` of 10**12 retried a failing trial for good; and port
99999 of ``--ray-address`` was probed as another port and called refused. None of these starts a Ray cluster."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("isolated_cache")

BIG = "1000000000000"
REFUSED = [
    (["--ray-address", "127.0.0.1:99999"], "--ray-address '127.0.0.1:99999': port 99999 is out of range; a port is "
                                           "1 to 65535"),
    (["--ray-address", "ray://127.0.0.1:0"], "--ray-address 'ray://127.0.0.1:0': port 0 is out of range"),
    (["--workers", BIG], f"argument --workers: must be <= 10000 (each a Ray actor, a process), got {BIG}"),
    (["--executor-opt", f"workers={BIG}"], f"option workers must be an integer >= 1 and <= 10000 or null, got {BIG}"),
    (["--workers", "1", "--executor-opt", f"cpus_per_trial={BIG}"],
     f"option cpus_per_trial must be a number >= 0 and <= 10000, got {BIG}"),
    (["--gpus-per-trial", "1e300"], "option gpus_per_trial must be a number >= 0 and <= 10000, got 1e+300"),
    (["--executor-opt", "cpus_per_trial=0.00001"],
     "option cpus_per_trial must be 0 or at least 0.0001 (the smallest share of a CPU or GPU Ray takes), got 1e-05"),
    (["--gpus-per-trial", "0.00001"], "--gpus-per-trial must be 0 or at least 0.0001"),
    (["--max-retries", "101"], "argument --max-retries: must be <= 100"),
    (["--executor-opt", f"max_retries={BIG}"], f"option max_retries must be an integer >= 0 and <= 100, got {BIG}"),
]


@pytest.mark.parametrize("flags, said", REFUSED, ids=["port-high", "port-zero", "workers", "workers-opt",
                                                      "cpus-per-trial", "gpus-per-trial", "cpu-share", "gpu-share",
                                                      "max-retries", "max-retries-opt"])
def test_a_ray_option_past_rays_limits_is_refused_before_ray_starts(flags, said, nasloop_in_process, data_dir,
                                                                    tmp_path):
    run = tmp_path / "run"
    done = nasloop_in_process(["search", "--budget", "2", "--executor", "ray", *flags, "--data-dir", str(data_dir),
                               "--run-dir", str(run), "--quiet"])
    line = done.stderr.strip()
    assert done.returncode == 2 and done.stdout == "" and "\n" not in line, (done.returncode, line)
    assert said in line and "unexpected" not in line, line
    assert not run.exists()


def test_a_studys_ray_address_port_is_checked_alike(nasloop_in_process, tmp_path):
    """``compare --executor ray --ray-address`` reads the address with the same check, before any run."""
    done = nasloop_in_process(["compare", "--space", "nb201", "--methods", "random", "--budget", "2", "--seeds", "1",
                               "--executor", "ray", "--ray-address", "localhost:65536", "--out", str(tmp_path / "s")])
    line = done.stderr.strip()
    assert done.returncode == 2 and "port 65536 is out of range" in line, (done.returncode, line)
    assert not (tmp_path / "s").exists()
