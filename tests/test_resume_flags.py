"""Flags given with ``nasloop search --resume``: a resumed run keeps its configuration, so one that would change
it is refused in one line rather than ignored."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search


def test_minimize_on_resume_is_refused_not_ignored(tmp_path: Path, data_dir: Path, capsys) -> None:
    """--minimize was the one configuration flag --resume did not check: the run went on maximising, silently."""
    run_dir = tmp_path / "run"
    search(SearchConfig(space="nb201", strategy="random", budget=3, data_dir=str(data_dir), run_dir=str(run_dir)))
    capsys.readouterr()
    assert main(["search", "--resume", str(run_dir), "--budget", "4", "--minimize", "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--resume continues a stored configuration" in err[0] and "(drop --minimize)" in err[0]
    assert main(["search", "--resume", str(run_dir), "--budget", "4", "--quiet", "--json"]) == 0
