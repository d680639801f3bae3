"""A fix whose value holds commas is advised in a methods file, also for a study that recorded no sources; and a
blend member's refusal as it predicts is named as the member's, its advice in the members option.

A study.json from before sources were recorded advised both forms, ``'+key=value'`` first: for a value with commas
(a blend's members, a list) that --methods option is cut at its commas (``--methods`` splits there), so following
the advice was refused. Such a value is advised as a methods file's option alone, as for a --methods method.
"""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.errors import DataError
from nasloop.engine.registry import PREDICTORS
from nasloop.engine.study_methods import MethodSource, as_method_advice
from nasloop.search_spaces.nb201 import NB201Space

IN_A_FILE = ("'members: {forest: {missing: impute}, ...}' (in the method's predictor_options, in a --methods-file: "
             "--methods splits at commas)")


@pytest.fixture(scope="module")
def refusal(nb201_context) -> str:
    """The real refusal of a blend whose forest member reads Zen, undefined for a cell with no input-output path,
    with missing=error: its advice, '--predictor-opt 'members={forest: {missing: impute}, ...}'', has commas."""
    space = NB201Space()
    rng = np.random.default_rng(0)
    archs = [space.parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"), *(space.sample(rng) for _ in range(9))]
    blend = PREDICTORS.get("blend")(space, context=nb201_context,
                                    members={"forest": {"features": ["zen"], "missing": "error"}, "gp": {}})
    with pytest.raises(DataError) as caught:
        blend.fit(archs, np.arange(len(archs), dtype=np.float64))
    assert "--predictor-opt 'members={forest: {missing: impute}, ...}'" in str(caught.value)
    return str(caught.value)


def test_a_value_with_commas_is_advised_in_a_methods_file_where_no_source_is_recorded(refusal):
    advised = as_method_advice(refusal, None)
    assert IN_A_FILE in advised and "+members" not in advised and "--predictor-opt" not in advised, advised


def test_a_value_with_commas_is_advised_alike_for_a_methods_method_and_in_its_entry_for_a_files(refusal, tmp_path):
    assert IN_A_FILE in as_method_advice(refusal, MethodSource())
    path = tmp_path / "methods.yaml"
    in_entry = f"'members: {{forest: {{missing: impute}}, ...}}' (in the predictor_options of method 2 of {path})"
    assert in_entry in as_method_advice(refusal, MethodSource(str(path), 2))


def test_a_members_refusal_as_the_blend_predicts_is_named_as_the_members(nb201_context):
    """Only a refusal while a member was built or fitted was the member's: one as it predicted (a forest reading
    Zen with missing=error, given a cell with no input-output path) came out as the member's own advice,
    '--predictor-opt missing=impute', which the blend refuses ('predictor blend has no option missing')."""
    space = NB201Space()
    rng = np.random.default_rng(0)
    blend = PREDICTORS.get("blend")(space, context=nb201_context,
                                    members={"forest": {"features": ["zen"], "missing": "error"}, "gp": {}})
    blend.fit([space.sample(rng) for _ in range(9)], np.arange(9, dtype=np.float64))
    with pytest.raises(DataError, match=r"^blend member 'forest': .*--predictor-opt 'members=\{forest: "
                                        r"\{missing: impute\}, \.\.\.\}'"):
        blend.predict([space.parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")])
