"""'nasloop proxies --all' on a space that cannot list its architectures: the first refusal named the fix."""
from __future__ import annotations

from nasloop.engine.cli import main

from .messages import one_line


def test_all_on_a_space_without_a_list_names_that_before_asking_for_out(tmp_path, capsys) -> None:
    """On NAGO (a continuous box) '--all' without '--out' said "give --out FILE to write the rows as they come";
    given --out, it then said NAGO lists no architectures: the advice followed led to a second refusal. The one
    that holds whatever else is given comes first."""
    data = tmp_path / "data"
    data.mkdir()
    assert main(["proxies", "--space", "nago", "--all", "--proxies", "params", "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err.strip()
    one_line(err, "--all needs a space that lists its architectures", "'nago'", "--sample N or --archs-file")
    assert "--out" not in err
