"""examples/cifar10_nas.py refused missing CIFAR-10 with the engine's advice, '--evaluator-opt download=true in a
search, --train-opt download=true in nasloop train', flags of the nasloop command this script does not take, with
'(here: --download)' appended: every flag its refusal names is now one of its own."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("isolated_cache")  # CIFAR-10 is found only where a test puts it

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "cifar10_nas.py"


def test_the_examples_missing_data_advice_names_only_its_own_flags(tmp_path, script_in_process):
    (tmp_path / "empty").mkdir()
    refused = script_in_process(EXAMPLE, ["--data-dir", str(tmp_path / "empty"), "--run-dir", str(tmp_path / "run")],
                                env={"NASLOOP_DATA": None})
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert refused.stderr.startswith("cifar10_nas.py: error: CIFAR-10 not found: ")
    assert refused.stderr.rstrip().endswith("; or give --download to fetch it")
    named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", refused.stderr))
    with open(EXAMPLE) as source:
        takes = set(re.findall(r"add_argument\(\"(--[a-z-]+)\"", source.read()))
    assert named == {"--data-dir", "--download"} and named <= takes
    assert not (tmp_path / "run").exists()
