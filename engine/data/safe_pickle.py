"""Reading benchmark pickles without running code from them.

A pickle names the callables that rebuild its objects, and ``pickle.load`` imports and calls
whatever it names: a downloaded "benchmark file" can run ``os.system``. NAS benchmark pickles
(NASLib's NB101/NB201 files) hold only dicts, lists, numbers, strings and numpy arrays, so
:func:`load_pickle` admits exactly the callables those need and refuses any other global when
the pickle first names it, before anything is called with it.

Every admitted callable is a builtin type or C function that a pickle cannot alter; numpy's
``_frombuffer`` (a Python function) is handed out as a fresh wrapper per request, so a pickle's
BUILD instruction cannot change numpy's own function object.
"""
from __future__ import annotations

import _compat_pickle
import collections
import io
import pickle
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..errors import DataError, one_line
from .sniff import TORCH_SAVE, is_gzip

# numpy's own reduce tells us its array/scalar rebuilders, whatever its version calls their module.
_RECONSTRUCT = np.empty(0).__reduce__()[0]
_SCALAR = np.float64(0).__reduce__()[0]
_FROMBUFFER = np.empty(1).__reduce_ex__(5)[0]

_BUILTINS = (dict, list, tuple, set, frozenset, int, float, complex, str, bytes, bytearray, bool, slice, range)
_NUMPY_CORE = ("numpy.core", "numpy._core")
_ADMITTED: dict[tuple[str, str], Any] = {
    **{("builtins", t.__name__): t for t in _BUILTINS},
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("collections", "defaultdict"): collections.defaultdict,
    ("_codecs", "encode"): str.encode,  # bytes at protocols 0-2: _codecs.encode(text, "latin1")
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    **{(f"{core}.multiarray", "_reconstruct"): _RECONSTRUCT for core in _NUMPY_CORE},
    **{(f"{core}.multiarray", "scalar"): _SCALAR for core in _NUMPY_CORE},
    **{(f"{core}.numeric", "_frombuffer"): _FROMBUFFER for core in _NUMPY_CORE},
}

# What a malformed pickle raises while it is read (a refused global raises DataError instead).
_CORRUPT = (pickle.UnpicklingError, EOFError, ValueError, TypeError, LookupError, AttributeError,
            OverflowError, MemoryError, RecursionError)


MAX_BUILT = 10_000_000
"""Items of a range, or bytes of a bytes or bytearray, a pickle may make from a count, and bytes of a numpy array or
scalar it may make from a shape or dtype alone. A benchmark pickle writes its lists, bytes and arrays' data out item
by item; a 51-byte one calling ``list(range(30_000_000))`` took 1.2 GB before any reader looked at it, and one of
10**9 some 40 GB: a machine's memory, with no code of the pickle's run. A 108-byte one calling
``numpy.ndarray((10**8,), object)`` took 763 MB (numpy fills it with None), and ``scalar`` of a 300 MB void dtype
300 MB; an uninitialised array of floats costs nothing until a reader converts it."""
_COUNTED = (range, bytes, bytearray)


def _fresh(function: Callable[..., Any]) -> Callable[..., Any]:
    return lambda *args: function(*args)


def _bounded(kind: type, path: Path | str) -> Callable[..., Any]:
    """``kind`` (one of :data:`_COUNTED`) refusing, before it is built, a count over :data:`MAX_BUILT`."""
    def build(*args: Any) -> Any:
        count = len(range(*args)) if kind is range else args[0] if args and isinstance(args[0], int) else 0
        if count > MAX_BUILT:
            raise DataError(one_line(
                f"{path}: refused to load the pickle: it builds a {kind.__name__} of {count:,} items, more than any "
                "benchmark holds (a pickle that fills the memory); use the published benchmark file"))
        return kind(*args)
    return build


def _refuse_large(size: int, path: Path | str) -> None:
    """Refuse, before it is made, an array or scalar of ``size`` bytes made from a shape or dtype alone."""
    if size > MAX_BUILT:
        raise DataError(one_line(
            f"{path}: refused to load the pickle: it makes a numpy array or scalar of {size:,} bytes from a shape "
            "alone, where a benchmark pickle holds its arrays' data (a pickle that fills the memory); use the "
            "published benchmark file"))


def _shaped_bytes(shape: Any, dtype: Any) -> int:
    """The bytes an array of ``shape`` (an int or a sequence of them) and ``dtype`` holds."""
    count = 1
    for length in (shape,) if isinstance(shape, int) else shape:
        count *= int(length)  # a negative one: numpy refuses it
    return count * np.dtype(dtype).itemsize


def _bounded_arrays(path: Path | str) -> dict[Any, Callable[..., Any]]:
    """numpy's array and scalar makers, each refusing (:func:`_refuse_large`) what would exceed :data:`MAX_BUILT`
    bytes; ``_reconstruct`` is handed ``numpy.ndarray`` as the bounded maker and is given back the type."""
    def ndarray(shape: Any, dtype: Any = float, *args: Any) -> np.ndarray:
        _refuse_large(_shaped_bytes(shape, dtype), path)
        return np.ndarray(shape, dtype, *args)

    def reconstruct(kind: Any, shape: Any, dtype: Any) -> np.ndarray:
        _refuse_large(_shaped_bytes(shape, dtype), path)
        return _RECONSTRUCT(np.ndarray if kind is ndarray else kind, shape, dtype)

    def scalar(dtype: Any, *data: Any) -> Any:
        _refuse_large(np.dtype(dtype).itemsize, path)
        return _SCALAR(dtype, *data)
    return {np.ndarray: ndarray, _RECONSTRUCT: reconstruct, _SCALAR: scalar}


class _PlainDataUnpickler(pickle.Unpickler):
    """An unpickler that resolves only the globals in ``_ADMITTED``, from its own table."""

    def __init__(self, file: Any, path: Path | str, encoding: str = "ASCII") -> None:
        super().__init__(file, encoding=encoding)
        self._path = path
        self._arrays = _bounded_arrays(path)

    def find_class(self, module: str, name: str) -> Any:
        # Python 3 writes builtins as Python 2's __builtin__ names at protocols 0-2.
        key = _compat_pickle.NAME_MAPPING.get((module, name), (module, name))
        key = (_compat_pickle.IMPORT_MAPPING.get(key[0], key[0]), key[1])
        if key not in _ADMITTED:
            refused = one_line(f"{module}.{name}", 120)
            if module.split(".")[0] == "torch":  # the data.pkl of an extracted torch save: not data to re-save
                raise DataError(one_line(f"{self._path}: a pickle of PyTorch objects (it calls {refused}), "
                                         f"part of {TORCH_SAVE}"))
            raise DataError(one_line(
                f"{self._path}: refused to load the pickle: it calls {refused}, which is not plain data; "
                "nasloop reads only plain data pickles (dicts, lists, numbers, strings, numpy arrays), so "
                "re-save the file with only those types, or use the published benchmark file"))
        found = _ADMITTED[key]
        if found in _COUNTED:
            return _bounded(found, self._path)
        if found in self._arrays:
            return self._arrays[found]
        return _fresh(found) if found is _FROMBUFFER else found

    def persistent_load(self, pid: Any) -> Any:
        raise pickle.UnpicklingError("it refers to external objects (persistent ids)")


def load_pickle(path: str | Path) -> Any:
    """Load a pickle of plain data (dicts, lists, numbers, strings, numpy arrays), running no code.

    Raises a one-line DataError for a file that cannot be opened, a truncated or corrupt pickle,
    and a pickle that names any other callable (before calling it).
    """
    path = Path(path)
    try:
        if is_gzip(path):  # recognised as a pickle once gunzipped, it was then called truncated or corrupt
            raise DataError(one_line(f"{path} is a gzip-compressed pickle; decompress it first ('gunzip -k "
                                     f"{path}') and give the file it writes"))
        with open(path, "rb") as fh:
            return _PlainDataUnpickler(fh, path).load()
    except OSError as exc:
        raise DataError(one_line(f"cannot open {path} ({exc.strerror or exc}); check the path")) from None
    except _CORRUPT as exc:
        reason = one_line(exc, 200) or "no detail"
        raise DataError(one_line(f"cannot read {path} as a pickle ({type(exc).__name__}: {reason}); "
                                 "the file is truncated or corrupt, download it again")) from None


def loads_pickle(raw: bytes, where: str, encoding: str = "ASCII") -> Any:
    """:func:`load_pickle` for bytes already read (a member of an archive); ``where`` names them.

    ``encoding="bytes"`` reads Python 2 pickles (the CIFAR-10 batches) with their strings as bytes.
    """
    try:
        return _PlainDataUnpickler(io.BytesIO(raw), where, encoding).load()
    except _CORRUPT as exc:
        reason = one_line(exc, 200) or "no detail"
        raise DataError(one_line(f"cannot read {where} as a pickle ({type(exc).__name__}: {reason}); "
                                 "the file is truncated or corrupt, download it again")) from None
