"""An accepted ``nasloop data import`` of a NASLib pickle loads it once: recognised from its first opcodes."""
from __future__ import annotations

import pickle
import sys

import pytest

from nasloop.engine.cli import main
from nasloop.engine.data import safe_pickle
from nasloop.search_spaces.nb201.importers import naslib_nb201_head

from .test_import_loss_q import naslib_pickle

pytestmark = pytest.mark.usefixtures("isolated_cache")


def test_an_accepted_naslib_pickle_is_loaded_once(tmp_path):
    """It was loaded whole to recognise it, then again to read it (0.8 s each for NASLib's 58 MB file)."""
    path = naslib_pickle(tmp_path / "naslib.pickle", 0, 3)
    loads = []

    def count(frame, event, arg):
        if event == "call" and frame.f_code is safe_pickle.load_pickle.__code__:
            loads.append(frame.f_locals.get("path"))
        return None

    sys.settrace(count)
    try:
        code = main(["data", "import", "--space", "nb201", str(path), "--out", str(tmp_path / "out")])
    finally:
        sys.settrace(None)
    assert code == 0 and len(loads) == 1, loads


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_the_head_says_yes_only_for_the_layout(tmp_path, protocol):
    """Anything else is left to the full load, which decided before."""
    path = tmp_path / "p.pickle"
    for data, expected in [({"|nor_conv_3x3~0|+|none~0|none~1|": {"cifar10-valid": {}}}, True),
                           ({"cifar10": {}}, None), ({"|a": 1.0}, None), ([1], None)]:
        path.write_bytes(pickle.dumps(data, protocol=protocol))
        assert naslib_nb201_head(path) is expected, data
