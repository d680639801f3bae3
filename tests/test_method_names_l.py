"""A methods file's name that cannot name a run folder is refused with the reason that holds."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine.cli import main

from .messages import one_line


def test_a_name_of_non_ascii_letters_is_told_which_letters_a_folder_keeps(tmp_path: Path, data_dir: Path,
                                                                          capsys) -> None:
    """'é' was refused as having 'no letter or digit', which is false: a run folder keeps ASCII ones only."""
    methods = tmp_path / "methods.yaml"
    methods.write_text('- {name: "é", strategy: random}\n', encoding="utf-8")
    assert main(["compare", "--methods-file", str(methods), "--seeds", "1", "--budget", "2", "--out",
                 str(tmp_path / "study"), "--data-dir", str(data_dir), "--quiet"]) == 2
    one_line(capsys.readouterr().err.strip(), "'é'", "no ASCII letter or digit", "A-Z, a-z, 0-9")
    assert not (tmp_path / "study").exists()
