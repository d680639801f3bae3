"""An edited run's kept held-out record whose value no float holds (a JSON integer of 400 digits) is no record a
run keeps: show looks the value up in the table, as for any record it cannot read, where it stopped in an
unexpected OverflowError."""
from __future__ import annotations

import json

from .kept_held_out_meta import keep_text, kept_text

KEPT = 89.8033  # seed 2's chosen cell at 200 epochs, as NB201's table gives it


def test_a_kept_value_no_float_holds_is_looked_up_again(tmp_path, data_dir, nasloop_in_process):
    run = tmp_path / "run"
    assert nasloop_in_process(["search", "--space", "nb201", "--strategy", "random", "--budget", "8", "--fidelity",
                               "12", "--seed", "2", "--data-dir", str(data_dir), "--run-dir", str(run),
                               "--quiet"]).returncode == 0
    value = kept_text(run)
    assert str(KEPT) in value
    keep_text(run, value.replace(str(KEPT), "9" * 400))
    shown = nasloop_in_process(["show", "--json", str(run)])
    assert shown.returncode == 0, shown.stderr
    values = json.loads(shown.stdout)["held_out"]["values"]
    assert values["held-out of chosen at fidelity 200"] == KEPT
