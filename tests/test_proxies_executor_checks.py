"""'nasloop proxies --executor NAME' checks a user's executor as a search does: its wait handing on a metrics dict
failed inside the command's row writer (AttributeError: 'dict' object has no attribute 'metrics'), and one whose
wait never blocks spun for ever; each is now named in one line, the rows scored before it kept in the file."""
from __future__ import annotations

import pytest

from nasloop.engine import cli
from nasloop.engine.executors.base import EMPTY_WAITS, Completed
from nasloop.engine.registry import register_executor

from .test_plugin_faults_d5 import Queued
from .test_proxy_precompute import CELLS, proxies_argv

pytestmark = pytest.mark.usefixtures("isolated_cache")


class HandsOnMetrics(Queued):
    """Hands on its third result's metrics dict instead of the Result."""

    def wait(self):
        type(self).waits += 1
        done = super().wait()
        return [Completed(d.trial_id, d.result.metrics) for d in done] if self.waits == 3 else done


class NeverBlocks(Queued):
    """Submits as asked but answers every wait with nothing."""

    def wait(self):
        return []


@pytest.mark.parametrize("executor, name, said", [
    (HandsOnMetrics, "proxies-hands-on", "executor proxies-hands-on: wait returned dict, not a Result; return Result("),
    (NeverBlocks, "proxies-never-blocks", f"executor proxies-never-blocks: wait returned no trial {EMPTY_WAITS:,} "
                                          "times in a row with 1 pending; it must block until one finishes")])
def test_a_users_executor_breaking_the_contract_is_named_and_the_rows_before_it_kept(executor, name, said,
                                                                                    image_table_folder, capsys):
    register_executor(name)(executor)
    executor.waits = 0
    archs = image_table_folder / "archs.txt"
    archs.write_text("\n".join(CELLS) + "\n")
    out = image_table_folder / "nb201-cifar10-proxies.csv"
    assert cli.main(proxies_argv(image_table_folder, archs, out) + ["--executor", name]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and said in error, error
    rows = out.read_text().splitlines()[2:]  # after the settings line and the header
    assert len(rows) == (2 if executor is HandsOnMetrics else 0)
