"""A blend's members key that names no predictor: one line naming the key and the name#label form."""
from __future__ import annotations

import pytest

from nasloop import NasloopError


@pytest.mark.parametrize("key", ["#proxies", "forest#", "#"])
def test_a_members_key_without_a_name_or_a_label_is_named(key):
    """'#proxies' was refused as "unknown predictor ''", naming neither the key nor the form it should take; 'forest#'
    built a second default forest beside 'forest', the same member twice under another key."""
    from nasloop.predictors.blend import BlendPredictor
    from nasloop.search_spaces.nb201 import NB201Space

    space = NB201Space()
    with pytest.raises(NasloopError, match=rf"^blend option members key '{key}' is not a predictor's name or "
                                           r"name#label; write e.g. forest or forest#proxies$"):
        BlendPredictor(space, members={key: {}, "gp": {}, "forest": {}})
    blend = BlendPredictor(space, members={"gp": {}, "gp#path": {"encoding": "path"}})  # labelled keys as before
    assert len(blend._members) == 2
