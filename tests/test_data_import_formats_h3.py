"""``nasloop data import`` for a plugin benchmark that declares no ``formats``: its refusal ended 'the e3-bench
benchmark reads ' with nothing after it; it now says the benchmark reads no files and how one declares them."""
from __future__ import annotations

from nasloop.engine.cli import main
from nasloop.engine.registry import register_benchmark, register_search_space

from .digit_space import DigitSpace
from .test_plugin_names_b import Formula


def test_a_benchmark_without_formats_says_it_reads_no_files(tmp_path, capsys):
    register_benchmark("e-formula-h3")(type("NoFormats", (Formula,), {"name": "e-formula-h3"}))
    register_search_space("sp-formula-h3")(type("Spf", (DigitSpace,), {"name": "sp-formula-h3",
                                                                        "benchmark": "e-formula-h3"}))
    data = tmp_path / "some.csv"
    data.write_text("a,b\n")
    assert main(["data", "import", "--space", "sp-formula-h3", str(data)]) == 2
    assert capsys.readouterr().err == (
        f"nasloop data import: error: {data} is not an e-formula-h3 data file; the e-formula-h3 benchmark reads no "
        "files: it declares no formats (a benchmark that imports files names them in words in its formats "
        "attribute, and reads them in recognise_source and import_files)\n")
    assert main(["data", "import", "--space", "sp-formula-h3", str(tmp_path / "gone.csv")]) == 2
    assert capsys.readouterr().err.endswith("; give the path of an e-formula-h3 data file\n")
