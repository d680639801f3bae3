"""nasloop search refuses, before its run folder exists, a reference point the table says no run can use."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.cli import main


@pytest.mark.parametrize("point, fragment", [("-1e308,1e308", "overflows a float"),
                                             ("200,-5", "every hypervolume would be 0")])
def test_search_refuses_a_reference_point_no_run_can_use(tmp_path: Path, data_dir, capsys, point, fragment):
    """bo ran its whole budget with an acquisition flat at 0 (or infinite); compare refused the same point."""
    run = tmp_path / "run"
    assert main(["search", "--strategy", "bo", "--budget", "3", "--run-dir", str(run), "--data-dir", str(data_dir),
                 "--quiet", "--objectives", "val_accuracy:max,edgegpu_latency:min", "--reference-point", point]) == 2
    error = capsys.readouterr().err
    assert fragment in error and "--reference-point 10," in error and error.count("\n") == 1, error
    assert not run.exists()
