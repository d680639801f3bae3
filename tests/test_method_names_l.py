"""A methods file's name that cannot name a run folder is refused with the reason that holds."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.cli import main

from .messages import one_line


def test_a_name_without_a_letter_of_any_script_is_refused(tmp_path: Path, data_dir: Path, capsys) -> None:
    """A name must have a letter or digit to name its run folder; one of any script does ('é' does now)."""
    methods = tmp_path / "methods.yaml"
    methods.write_text('- {name: "☃", strategy: random}\n', encoding="utf-8")
    assert main(["compare", "--methods-file", str(methods), "--seeds", "1", "--budget", "2", "--out",
                 str(tmp_path / "study"), "--data-dir", str(data_dir), "--quiet"]) == 2
    one_line(capsys.readouterr().err.strip(), "'☃'", "no letter or digit", "of any script")
    assert not (tmp_path / "study").exists()
