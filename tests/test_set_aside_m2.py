"""Studies and runs set aside within one second keep a folder each."""
from __future__ import annotations

import time

from nasloop.engine import study_renew
from nasloop.engine.study_renew import set_aside


def test_folders_set_aside_in_the_same_second_each_keep_their_files(tmp_path, monkeypatch):
    """The name is the second it happens: a second study set aside under it made the rename fail (or replaced the
    first, had that been empty)."""
    moment = time.strftime("%Y%m%d-%H%M%S")
    monkeypatch.setattr(study_renew.time, "strftime", lambda fmt: moment)  # the clock does not tick in between
    folder, moved = tmp_path / "study", []
    for n in range(3):
        folder.mkdir()
        (folder / "study.json").write_text(str(n))
        moved.append(set_aside(folder))
    assert [m.name for m in moved] == [f"study.replaced-{moment}", f"study.replaced-{moment}-2",
                                       f"study.replaced-{moment}-3"]
    assert [(m / "study.json").read_text() for m in moved] == ["0", "1", "2"] and not folder.exists()
