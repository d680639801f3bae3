"""A tiny pickle asking numpy for a large array or scalar from a shape or dtype alone: the plain-data unpickler
bounded the counts of ranges and bytes, not numpy's makers, so a 108-byte pickle calling
``numpy.ndarray((10**8,), object)`` took 763 MB before any reader looked at it. Arrays whose data the pickle holds
(as numpy writes them, however large) load as before."""
from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nasloop.engine.data.safe_pickle import MAX_BUILT, load_pickle
from nasloop.engine.errors import DataError

from .messages import one_line

_CORE = np.empty(0).__reduce__()[0]
_SCALAR = np.float64(0).__reduce__()[0]


class _Made:
    """Pickles as a call of ``maker`` with ``args``, as a hand-made pickle may write one."""

    def __init__(self, maker: Any, *args: Any) -> None:
        self.maker, self.args = maker, args

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return self.maker, self.args


@pytest.mark.parametrize("made", [_Made(np.ndarray, (MAX_BUILT // 8 + 1,), np.dtype(object)),
                                  _Made(np.ndarray, (10**4, 10**4), np.dtype("f8")),
                                  _Made(_CORE, np.ndarray, (MAX_BUILT + 1,), b"b"),
                                  _Made(_SCALAR, np.dtype(f"V{MAX_BUILT + 1}"))],
                         ids=["ndarray", "2d", "reconstruct", "scalar"])
@pytest.mark.parametrize("protocol", [2, 5])
def test_a_large_array_from_a_shape_alone_is_refused_before_it_is_made(tmp_path: Path, made: _Made,
                                                                      protocol: int) -> None:
    path = tmp_path / "tiny.pkl"
    path.write_bytes(pickle.dumps({"x": made}, protocol=protocol))
    assert path.stat().st_size < 200
    with pytest.raises(DataError) as refused:
        load_pickle(path)
    one_line(str(refused.value), path, "refused to load the pickle", "bytes from a shape")


@pytest.mark.parametrize("protocol", [0, 2, 4, 5])
def test_arrays_whose_data_the_pickle_holds_load_whatever_their_size(tmp_path: Path, protocol: int) -> None:
    rng = np.random.default_rng(0)
    data = {"big": rng.normal(size=(MAX_BUILT // 8 + 1000,)), "ints": np.arange(12, dtype=np.int16).reshape(3, 4),
            "objects": np.array(["a", 1, None], dtype=object), "scalar": np.float32(1.5),
            "record": np.zeros(2, dtype=[("a", "i4"), ("b", "f8")]), "empty": np.ndarray((0, 3)),
            "small": _Made(np.ndarray, (2, 2), np.dtype("f8"))}
    path = tmp_path / "plain.pkl"
    path.write_bytes(pickle.dumps(data, protocol=protocol))
    loaded = load_pickle(path)
    assert loaded["big"].nbytes > MAX_BUILT and np.array_equal(loaded["big"], data["big"])
    for name in ("ints", "objects", "record", "empty"):
        assert type(loaded[name]) is np.ndarray and loaded[name].dtype == data[name].dtype
        assert loaded[name].tolist() == data[name].tolist()
    assert loaded["scalar"] == np.float32(1.5) and type(loaded["scalar"]) is np.float32
    assert type(loaded["small"]) is np.ndarray and loaded["small"].shape == (2, 2)
