"""An option naming a file takes a pathlib.Path, as a run's folders do, and a run stores it as text.

FLAN's ``pretrained=pathlib.Path("f.pt")`` was refused ("must be a non-empty string"), although ``SearchConfig``'s
run_dir and data_dir take a Path; and a run keeps its options as JSON, which holds no Path.
"""
from __future__ import annotations

import json
import re

import pytest

from nasloop import NasloopError
from nasloop.engine.config import SearchConfig


def test_a_pretrained_file_given_as_a_path_is_read_and_a_run_keeps_it_as_text(tmp_path):
    from nasloop.predictors.flan import FlanPredictor
    from nasloop.search_spaces.nb201 import NB201Space

    missing = tmp_path / "f.pt"  # taken as the file's name: what is said is that the file is not there
    with pytest.raises(NasloopError, match=f"^pretrained file {re.escape(str(missing))} does not exist; "):
        FlanPredictor(NB201Space(), pretrained=missing)
    with pytest.raises(NasloopError, match=r"option pretrained must be a non-empty string or a path or null, got 5$"):
        FlanPredictor(NB201Space(), pretrained=5)
    config = SearchConfig(strategy="bananas", predictor="flan", budget=5, predictor_options={"pretrained": missing})
    assert json.loads(json.dumps(config.predictor_options)) == {"pretrained": str(missing)}  # as the store keeps it
