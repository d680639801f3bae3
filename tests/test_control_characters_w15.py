"""compare's notes keep to one line, as its errors do: a study folder given with a newline in its name (--out) split
the note on what a killed study had left there over two lines, a line that did not start 'nasloop compare:'. Every
note compare, report and proxies write now passes through errors.printable, as the CLI's errors and notes do."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main
from nasloop.engine.run_lock import MADE_FOLDER, StudyLock

pytestmark = pytest.mark.usefixtures("isolated_cache")


def test_a_compare_note_quoting_a_folder_with_a_newline_is_one_line(tmp_path, data_dir, capsys):
    out = tmp_path / "stu\ndy"
    out.mkdir()
    (out / StudyLock.file_name).write_text(f"999999999 {MADE_FOLDER}\n")  # a new study killed before its first record
    assert main(["compare", "--out", str(out), "--space", "nb201", "--budget", "3", "--seeds", "1", "--methods",
                 "random", "--data-dir", str(data_dir), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "held only study.lock" in err and repr(str(out))[1:-1] in err, repr(err)
    assert all(line.startswith("nasloop compare: ") for line in err.splitlines()), repr(err)
