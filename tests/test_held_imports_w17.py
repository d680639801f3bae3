"""imported(name) waits for another thread's import of ``name`` to end, as a plain ``import`` does.

Two searches overlapping in threads of one script (a notebook) import torch or botorch at their first fits, seconds
each. A module being imported is in sys.modules, half-initialised, from its import's start: imported() took any
module there for a finished one, so the second search got torch without the names its import had yet to define
(AttributeError: partially initialized module), where the plain local import it replaced waited for the first
thread's. Here a real package's import is held open by the test, in a thread, until the other thread's imported()
has passed sys.modules' look-up.
"""
from __future__ import annotations

import sys
import threading
import types
from pathlib import Path
from typing import Any

from nasloop.engine.held_imports import imported

WAIT_S = 120  # a thread that never gets there fails the test instead of hanging it
PACKAGE = "held_imports_w17_pkg"
GATES = "held_imports_w17_gates"


def _waiting_for_the_import_lock(thread: threading.Thread) -> bool:
    """Whether ``thread`` is inside Python's import machinery (past imported()'s look-up in sys.modules)."""
    frame = sys._current_frames().get(thread.ident)
    while frame is not None:
        if frame.f_code.co_name == "_find_and_load" and "importlib._bootstrap" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


def test_a_module_another_thread_is_importing_is_given_once_imported(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / PACKAGE).mkdir()
    (tmp_path / PACKAGE / "__init__.py").write_text(
        f"from {GATES} import started, release\n"
        "started.set()\n"
        f"assert release.wait({WAIT_S})\n"
        "VALUE = 42\n")
    gates = types.ModuleType(GATES)
    gates.started, gates.release = threading.Event(), threading.Event()
    monkeypatch.setitem(sys.modules, GATES, gates)
    monkeypatch.syspath_prepend(str(tmp_path))
    got: dict[str, Any] = {}

    def use(who: str) -> None:
        try:
            got[who] = imported(PACKAGE).VALUE
        except BaseException as exc:  # noqa: BLE001 - said by the test, not lost in the thread
            got[who] = exc

    first, second = threading.Thread(target=use, args=("first",)), threading.Thread(target=use, args=("second",))
    try:
        first.start()
        assert gates.started.wait(WAIT_S)
        second.start()
        while second.is_alive() and not _waiting_for_the_import_lock(second):
            second.join(0.01)  # before: it ended at once, with the half-imported package
        gates.release.set()
        for thread in (first, second):
            thread.join(WAIT_S)
    finally:
        gates.release.set()
        sys.modules.pop(PACKAGE, None)
    assert got == {"first": 42, "second": 42}, got
