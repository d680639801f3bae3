"""FLAN's pretrained option given an empty name: refused as an option, not read as the current folder."""
from __future__ import annotations

import pytest

from nasloop import NasloopError


def test_an_empty_pretrained_name_is_refused_as_an_option(nb201_context):
    """pretrained='' (--predictor-opt "pretrained=''") was read as the folder the command ran in: "pretrained file .
    is a folder", naming neither the empty value nor what to write."""
    from nasloop.predictors.flan import FlanPredictor
    from nasloop.search_spaces.nb201 import NB201Space

    with pytest.raises(NasloopError, match=r"option pretrained must be a non-empty string or a path or null, got ''$"):
        FlanPredictor(NB201Space(), context=nb201_context, pretrained="")
