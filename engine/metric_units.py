"""The units of the metrics nasloop's benchmarks and evaluators report, which a report's figures put on their axes.

A figure labelled 'best val_accuracy so far' left its reader to guess whether 91.6 was a percentage or a fraction,
and an Edge TPU latency of 1.3 whether it was milliseconds or seconds. Each benchmark lists its own metrics'
units (``Benchmark.metric_units``); a user's benchmark lists none unless it says so, since a metric named like
nasloop's (the README's formula reports a count as ``val_accuracy``) need not be measured in nasloop's units.
"""
from __future__ import annotations

ACCURACY = {"val_accuracy": "%", "test_accuracy": "%"}
"""nasloop's accuracies, in percent in every table it reads (refused outside [0, 100] as loaded)."""
SIZE = {"params_m": "millions", "flops_m": "millions"}
"""Parameter and FLOP counts, in millions (NASLib's units, and NB101's parameter count divided by 1e6)."""
