"""Names the package kept that nothing of it read: each was read by a test alone (or by nothing), which now
reaches what it checks another way (see each test's own module). Kept, such a name reads as an API to rely on."""
from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("module, owner, name", [
    ("nasloop.search_spaces.nds.space", None, "SPACE_CLASSES"),  # the NDS spaces are found through the registry
    ("nasloop.predictors.forest", "ForestPredictor", "feature_names"),
    ("nasloop.search_spaces.nb101.cost", None, "nb101_params"),  # the table has params; the test counts them
    ("nasloop.engine.data.safe_pickle", None, "ADMITTED_GLOBALS"),
])
def test_a_name_nothing_in_the_package_reads_is_not_defined(module, owner, name):
    namespace = importlib.import_module(module)
    assert name not in vars(getattr(namespace, owner) if owner else namespace)
