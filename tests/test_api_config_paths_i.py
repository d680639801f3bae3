"""SearchConfig's folders take text or a pathlib.Path (README, Python API); a refusal says so."""
from __future__ import annotations

import pathlib

import pytest

from nasloop import NasloopError, SearchConfig


@pytest.mark.parametrize("field", ["run_dir", "data_dir", "tensorboard"])
def test_a_folder_of_another_type_is_refused_naming_what_a_folder_may_be(field):
    """run_dir=123 was refused with "run_dir must be a string or null", though a pathlib.Path is taken as well."""
    with pytest.raises(NasloopError, match=rf"^{field} is a folder, as text or a pathlib.Path, got 123; give a folder "
                                           r"name, or leave it out$"):
        SearchConfig(**{field: 123})
    assert getattr(SearchConfig(**{field: pathlib.Path("runs/x")}), field) == "runs/x"
