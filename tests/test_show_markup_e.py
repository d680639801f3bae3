"""``nasloop show`` prints what users wrote as they wrote it, brackets included.

rich read the brackets of a run's text as style tags: ``proxies=[synflow]`` and ``warmup=[zen]`` showed as
``proxies=`` and ``warmup=``, a run folder named ``runs/[exp]`` lost its name, and one named ``a[/x]`` failed
``show`` (and the end of ``search``) with rich's MarkupError.
"""
from __future__ import annotations

from nasloop.engine.cli import main
from tests.nb101_small_e import small_nb101


def test_bracketed_options_and_run_folders_are_shown_verbatim(data_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)  # a short folder name: the table's title is cut to its width
    small_nb101(data_dir, tmp_path)  # three cells: the whole table takes seconds to load
    run = "[exp]a[/x]"
    assert main(["search", "--space", "nb101", "--strategy", "predictor-topk", "--predictor", "random",
                 "--strategy-opt", "warmup=[params]", "--budget", "2", "--data-dir", str(tmp_path), "--quiet",
                 "--run-dir", run]) == 0
    capsys.readouterr()
    assert main(["show", run]) == 0
    out = capsys.readouterr().out
    assert f"nasloop run {run}" in out and "warmup=[params]" in out
