"""``nasloop data import``'s hint for a file of another benchmark names a benchmark class registered under two names
once, by every name it answers to, and lists the spaces naming it by either: it was said to be data of two
benchmarks ('the nb-twice and nb-twice-alias benchmarks'), and a file given for a space naming it by its second name
was said not to be of that space only, though the spaces naming it by its first are tabulated by it as well."""
from __future__ import annotations

from pathlib import Path

import pytest

from nasloop.engine.data.importing import import_benchmark_files, not_this_benchmark
from nasloop.engine.errors import DataError
from nasloop.engine.registry import register_benchmark, register_search_space

from .digit_space import DigitSpace
from .test_plugin_names_b import Formula


def _recognising(suffix: str) -> type[Formula]:
    """A benchmark that imports the files whose names end in ``suffix``."""

    def recognise_source(cls: type, path: Path) -> str | None:
        return f"a {suffix} file" if Path(path).suffix == suffix else None

    return type("Recognising", (Formula,), {"formats": f"{suffix} files",
                                            "recognise_source": classmethod(recognise_source)})


@pytest.fixture()
def twice() -> None:
    """nb-twice, registered under two names, and a space naming it by each; nb-once, another benchmark."""
    benchmark = _recognising(".twice")
    register_benchmark("nb-twice")(benchmark)
    register_benchmark("nb-twice-alias")(benchmark)
    for space, name in (("sp-twice-first", "nb-twice"), ("sp-twice-second", "nb-twice-alias")):
        register_search_space(space)(type(space, (DigitSpace,), {"name": space, "benchmark": name}))
    register_benchmark("nb-once")(_recognising(".once"))
    register_search_space("sp-once")(type("Once", (DigitSpace,), {"name": "sp-once", "benchmark": "nb-once"}))


@pytest.mark.usefixtures("twice")
def test_a_file_of_a_benchmark_registered_twice_is_named_as_one_benchmark_by_both_names(tmp_path):
    data = tmp_path / "table.twice"
    data.write_text("cells")
    with pytest.raises(DataError) as refused:
        import_benchmark_files("nb-once", [data])
    assert str(refused.value) == (f"{data} is a .twice file, data of the nb-twice (also nb-twice-alias) benchmark, "
                                  "not of --space sp-once; import it with --space sp-twice-first or "
                                  "--space sp-twice-second")
    assert "(it is a .twice file, data of the nb-twice (also nb-twice-alias) benchmark)" in str(
        not_this_benchmark(data, "nb-once", ".once files"))


@pytest.mark.usefixtures("twice")
def test_a_file_given_for_a_space_naming_a_benchmark_by_its_second_name_is_not_of_any_space_of_it(tmp_path):
    data = tmp_path / "table.once"
    data.write_text("cells")
    with pytest.raises(DataError, match=r"data of the nb-once benchmark, not of --space sp-twice-first or "
                                        r"--space sp-twice-second; import it with --space sp-once$"):
        import_benchmark_files("nb-twice-alias", [data])
