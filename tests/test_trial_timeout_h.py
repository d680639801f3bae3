"""The in-process executor has no timeout and no workers: --trial-timeout and --workers (the Ray executor's options)
are refused with it in one line naming the flag and the executor that takes them, on a new run, on --resume and in
proxy scoring alike."""
from __future__ import annotations

from nasloop.engine import cli


def test_a_trial_timeout_given_to_an_in_process_resume_names_the_flag_and_the_ray_executor(tmp_path, capsys,
                                                                                           monkeypatch, data_dir):
    monkeypatch.setenv("NASLOOP_DATA", str(data_dir))
    run_dir = str(tmp_path / "run")
    assert cli.main(["search", "--space", "nb201", "--strategy", "random", "--budget", "1", "--run-dir", run_dir,
                     "--quiet"]) == 0
    capsys.readouterr()
    refusal = ("nasloop search: error: --trial-timeout is an option of --executor ray, not of 'inprocess'; add "
               "--executor ray (an executor of your own takes it as its parameter timeout_s)")
    assert cli.main(["search", "--space", "nb201", "--strategy", "random", "--budget", "1", "--trial-timeout", "5",
                     "--run-dir", str(tmp_path / "new")]) == 2
    assert capsys.readouterr().err.strip() == refusal
    assert cli.main(["search", "--resume", run_dir, "--budget", "2", "--trial-timeout", "5"]) == 2
    assert capsys.readouterr().err.strip() == refusal  # it said "executor 'inprocess' has no option 'timeout_s'"


def test_workers_given_to_in_process_proxy_scoring_names_the_flag_and_the_ray_executor(tmp_path, capsys, monkeypatch,
                                                                                       data_dir):
    """'nasloop proxies --workers 2 --out F' said "executor 'inprocess' has no option 'workers'", naming no executor
    that has it, where search names --executor ray."""
    monkeypatch.setenv("NASLOOP_DATA", str(data_dir))
    out = tmp_path / "proxies.csv"
    assert cli.main(["proxies", "--space", "nb201", "--sample", "2", "--proxies", "params", "--workers", "2",
                     "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip() == (
        "nasloop proxies: error: --workers is an option of --executor ray, not of 'inprocess'; add --executor ray "
        "(an executor of your own takes it as its parameter workers)")
    assert not out.exists()
