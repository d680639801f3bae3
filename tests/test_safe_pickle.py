"""The restricted unpickler: plain data loads, anything that would run code is refused unrun."""
from __future__ import annotations

import collections
import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.data.safe_pickle import _ADMITTED, load_pickle
from nasloop.engine.errors import DataError


class _RunsACommand:
    """Unpickling this runs a shell command that creates ``marker`` (the classic pickle attack)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch '{self.marker}'",)


class _UserClass:
    def __init__(self) -> None:
        self.value = 1


def _write(tmp_path: Path, obj, protocol: int = pickle.HIGHEST_PROTOCOL, name: str = "data.pkl") -> Path:
    path = tmp_path / name
    path.write_bytes(pickle.dumps(obj, protocol=protocol))
    return path


def _refusal(path: Path) -> str:
    with pytest.raises(DataError) as err:
        load_pickle(path)
    message = str(err.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_numpy_bearing_benchmark_dict_loads_at_every_protocol(tmp_path, protocol):
    record = {
        "module_adjacency": np.triu(np.ones((5, 5), dtype=np.int8), k=1),
        "curve": np.linspace(0.1, 0.9, 7, dtype=np.float32),
        "strided": np.arange(12).reshape(3, 4)[:, ::2],
        "records": np.zeros(2, dtype=[("acc", "f8"), ("epoch", "i4")]),
        "objects": np.array([1, "a"], dtype=object),
        "scalars": (np.float64(93.5), np.int64(7), np.bool_(True)),
        "plain": [1, 2.5, "conv3x3-bn-relu", b"\x00\xff", True, None, 1 + 2j, {3, 4}, frozenset({5}),
                  bytearray(b"z"), slice(1, 9, 2), range(3)],
        "ordered": collections.OrderedDict(b=1, a=2),
        "grouped": collections.defaultdict(list, {"x": [1]}),
    }
    data = {"ff92c322c5d9d3d587d9c146a63d0807": (record, {108: [{"final_test_accuracy": 0.92}]})}
    loaded = load_pickle(_write(tmp_path, data, protocol))
    got = loaded["ff92c322c5d9d3d587d9c146a63d0807"][0]
    for key in ("module_adjacency", "curve", "strided", "records", "objects"):
        np.testing.assert_array_equal(got[key], record[key])
        assert got[key].dtype == record[key].dtype
    assert got["scalars"] == record["scalars"] and type(got["scalars"][0]) is np.float64
    assert got["plain"] == record["plain"]
    assert list(got["ordered"]) == ["b", "a"] and got["grouped"]["new"] == []
    assert loaded["ff92c322c5d9d3d587d9c146a63d0807"][1] == {108: [{"final_test_accuracy": 0.92}]}


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_code_running_payload_is_refused_before_it_runs(tmp_path, protocol):
    marker = tmp_path / "pwned"
    path = _write(tmp_path, {"hash": _RunsACommand(marker)}, protocol)
    message = _refusal(path)
    assert not marker.exists()
    assert f"{os.system.__module__}.system" in message  # 'posix.system' on Linux
    assert str(path) in message and "nasloop reads only plain data pickles" in message


def test_arbitrary_user_class_is_refused(tmp_path):
    path = _write(tmp_path, [{"ok": 1}, _UserClass()])
    message = _refusal(path)
    assert f"{__name__}._UserClass" in message


def test_refused_global_with_a_newline_in_its_name_still_gives_one_line(tmp_path):
    # Hand-written protocol-0 GLOBAL opcode cannot hold a newline; STACK_GLOBAL (protocol 4) can.
    payload = (b"\x80\x04\x8c\x08evil\nmod\x8c\x03run\x93)R.")
    path = tmp_path / "odd.pkl"
    path.write_bytes(payload)
    assert "evil mod.run" in _refusal(path)


@pytest.mark.parametrize("keep", [0.0, 0.5, 0.97])
def test_truncated_pickle_gives_one_line_data_error(tmp_path, keep):
    whole = pickle.dumps({"a": np.arange(100), "b": list(range(50))}, protocol=4)
    path = tmp_path / "cut.pkl"
    path.write_bytes(whole[:int(len(whole) * keep)])
    message = _refusal(path)
    assert "truncated or corrupt" in message and str(path) in message


def test_garbage_file_and_missing_file_give_one_line_data_errors(tmp_path):
    path = tmp_path / "garbage.pkl"
    path.write_bytes(b"this is not a pickle at all\n\x00\x01")
    assert "cannot read" in _refusal(path)
    assert "cannot open" in _refusal(tmp_path / "absent.pkl")


def test_persistent_ids_are_refused(tmp_path):
    path = tmp_path / "pid.pkl"
    path.write_bytes(b"\x80\x04\x8c\x03key\x94Q.")  # BINPERSID: a reference the loader would have to resolve
    assert "persistent ids" in _refusal(path)


def test_admitted_globals_are_exactly_the_plain_data_rebuilders():
    """Widening this list lets pickles call more code: it must be a deliberate, reviewed change."""
    builtins = {f"builtins.{name}" for name in ("dict", "list", "tuple", "set", "frozenset", "int", "float", "complex",
                                                 "str", "bytes", "bytearray", "bool", "slice", "range")}
    numpy = {f"{core}.{name}" for core in ("numpy.core", "numpy._core")
             for name in ("multiarray._reconstruct", "multiarray.scalar", "numeric._frombuffer")}
    assert {f"{module}.{name}" for module, name in _ADMITTED} == builtins | numpy | {
        "collections.OrderedDict", "collections.defaultdict", "_codecs.encode", "numpy.ndarray", "numpy.dtype"}
