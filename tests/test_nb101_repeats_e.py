"""What an NB101 accuracy is: one of the benchmark's three training runs, or their mean, depends on the table.

The 30k JSON holds one run per cell and NASLib's pickle the mean of three; the README said so, but the task's
description, which ``nasloop spaces nb101``, reports and predictor tables show, did not.
"""
from __future__ import annotations

from nasloop.engine.assemble import target_description


def test_the_nb101_task_says_which_training_runs_its_accuracy_is():
    described = target_description("nb101", "cifar10")
    assert "one training run of three in the 30k JSON, their mean from NASLib's pickle" in described
