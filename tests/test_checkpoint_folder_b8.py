"""A run folder whose ``checkpoints`` cannot be written is refused before the first trial
(engine/evaluators/checkpoint_write.py, check_checkpoint_folder): it was found only once the first trial had trained
its first epoch, a new search having made its store, and a resume having started a trial."""
from __future__ import annotations

import json

from nasloop.engine.store import RunStore

from .messages import one_line
from .test_checkpoint_write_f7 import TINY


def test_a_new_search_is_refused_before_its_run_begins(tmp_path, data_dir, nasloop_in_process):
    run = tmp_path / "run"
    run.mkdir()
    (run / "checkpoints").write_text("not a folder\n")
    refused = nasloop_in_process(["search", *TINY, "--data-dir", str(data_dir), "--run-dir", str(run)])
    assert refused.returncode == 2, refused.stderr
    one_line(refused.stderr.strip(), f"cannot write checkpoints in {run / 'checkpoints'}: Not a directory; "
             f"make {run / 'checkpoints'} a folder you can write")
    assert sorted(p.name for p in run.iterdir()) == ["checkpoints"]  # no store, no trial begun


def test_a_resume_is_refused_before_its_next_trial(tmp_path, data_dir, nasloop_in_process):
    run = tmp_path / "run"
    one = [*TINY[:TINY.index("--budget")], "--budget", "1", *TINY[TINY.index("--budget") + 2:]]
    made = nasloop_in_process(["search", *one, "--data-dir", str(data_dir), "--run-dir", str(run), "--json"])
    assert made.returncode == 0 and json.loads(made.stdout)["evaluations"] == 1, made.stderr
    for trial in (run / "checkpoints").iterdir():
        (trial / "last.pt").unlink()
        trial.rmdir()
    (run / "checkpoints").rmdir()
    (run / "checkpoints").write_text("not a folder\n")
    refused = nasloop_in_process(["search", "--resume", str(run), "--budget", "2"])
    assert refused.returncode == 2, refused.stderr
    assert f"cannot write checkpoints in {run / 'checkpoints'}: Not a directory" in refused.stderr, refused.stderr
    with RunStore.in_run_dir(run, readonly=True) as store:
        assert store.counts().get("failed", 0) == 0 and len(store.trials()) == 1  # no trial begun
