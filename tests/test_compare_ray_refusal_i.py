"""``compare --executor ray --ray-address`` refused for an address where no cluster answers leaves --out alone."""
from __future__ import annotations

from nasloop.engine.cli import main


def test_an_unreachable_ray_address_writes_no_study(tmp_path, data_dir, capsys):
    # The refusal came after study.json and study.lock were written: a later compare of another grid (--budget 5)
    # into that --out was refused as "holds a study with budget = 3".
    out = tmp_path / "study"
    assert main(["compare", "--space", "nb201", "--methods", "random", "--seeds", "1", "--budget", "3",
                 "--executor", "ray", "--ray-address", "127.0.0.1:1", "--data-dir", str(data_dir), "--out",
                 str(out), "--quiet"]) == 2
    assert "cannot reach the Ray cluster at '127.0.0.1:1'" in capsys.readouterr().err
    assert not out.exists()
