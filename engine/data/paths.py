"""Where benchmark and dataset files are found.

Order: an explicit ``--data-dir`` (or ``data_dir`` in a config), then the ``NASLOOP_DATA``
environment variable, then (in a worker of a joined Ray cluster) the ``NASLOOP_DATA`` of the command that sent the
work, then the per-user cache folder (``$XDG_CACHE_HOME/nasloop`` or ``~/.cache/nasloop``), where ``nasloop data
import`` writes by default.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..errors import ConfigError, DataError, MissingDataError, checked_folder
from ..user_dirs import expand_user, no_home, user_folder
from .sniff import decompresses_to_nothing

ENV_VAR = "NASLOOP_DATA"
SENDER_ENV_VAR = "NASLOOP_SENDER_DATA"
"""The ``NASLOOP_DATA`` of the command whose Ray workers these are (:func:`..executors.ray_setup.worker_options`):
looked in after the node's own, which it does not replace."""


def user_cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/nasloop`` or ``~/.cache/nasloop``, absolute; None where this process has no home
    (:func:`..user_dirs.user_folder`)."""
    return user_folder("XDG_CACHE_HOME", ".cache")


FileVersion = tuple[int, int, int, int, int]


def file_version(path: str | os.PathLike) -> FileVersion:
    """What tells one version of a file from another in this process's memos of what it read: size, modification
    and change times (ns), device and inode. The modification time alone was the key, so a file replaced by another
    with its time kept (``rsync -a``, ``cp -p``, an archive's normalised times) was served from memory as the file it
    replaced, to every later run of a study or a notebook's session."""
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_dev, info.st_ino


def import_folder() -> Path:
    """Where ``nasloop data import`` writes without ``--out``: ``$NASLOOP_DATA``, ``~`` expanded as a search reads
    it (``NASLOOP_DATA='~/data'`` wrote ./~/data, where no search looked), else the user cache folder."""
    if os.environ.get(ENV_VAR):
        return expand_user(os.environ[ENV_VAR])
    cache = user_cache_dir()
    if cache is None:
        raise ConfigError(f"nowhere to import into: $NASLOOP_DATA is unset, and {no_home()}; pass --out DIR, or set "
                          "NASLOOP_DATA or HOME")
    return cache


def search_dirs(data_dir: str | os.PathLike | None = None) -> list[Path]:
    """The folders searched for data files, most specific first, each once (``--data-dir $NASLOOP_DATA`` names the
    folder the variable names: a missing file's message listed it twice)."""
    dirs = [expand_user(data_dir)] if data_dir else []
    dirs += [expand_user(os.environ[name]) for name in (ENV_VAR, SENDER_ENV_VAR) if os.environ.get(name)]
    cache = user_cache_dir()
    return list(dict.fromkeys(dirs if cache is None else [*dirs, cache]))


def check_data_dir(data_dir: str | os.PathLike | None) -> None:
    """A given ``--data-dir`` is an existing folder: one line saying what it is otherwise. From Python, '' and what
    is no path are refused in :func:`checked_folder`'s words, as SearchConfig and resume() refuse them."""
    checked_folder("data_dir", data_dir)
    if data_dir is None or expand_user(data_dir).is_dir():
        return
    what = "is not a folder" if os.path.exists(expand_user(data_dir)) else "does not exist"
    raise DataError(f"data directory '{data_dir}' {what}; pass an existing folder to --data-dir")


def _described(folder: Path) -> str:
    """A searched folder as the missing-file line lists it: $NASLOOP_DATA naming no folder is said to, since a
    mistyped variable was listed as if it had been looked through (the cache may not exist yet on a new machine,
    and --data-dir is checked before)."""
    env = os.environ.get(ENV_VAR)
    if folder.is_dir() or not env or expand_user(env) != folder:
        return str(folder)
    return f"{folder} (${ENV_VAR}, {'not a folder' if folder.exists() else 'which does not exist'})"


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def data_file(folder: Path, name: str) -> Path | None:
    """``folder/name`` where it is a regular file, None where nothing is there; one line for anything else there.
    Every data file is looked for here: a FIFO, or a link to /dev/zero, was skipped as if absent, so a table was
    said to be "not found" beside it and stored proxies were computed instead, unsaid (reading one would hang, or
    never end)."""
    path = folder / name
    mode = readable_mode(path)
    if mode is None:  # nothing there (or a link to nothing)
        return None
    if stat.S_ISREG(mode):
        return path
    kind = next((said for test, said in _KINDS if test(mode)), "not a file")
    what = f"a link to {os.path.realpath(path)}, {kind}" if path.is_symlink() else kind
    raise DataError(f"{path} is {what}, not a regular file nasloop can read; replace it with the {name} file itself, "
                    "or remove it")


def readable_mode(path: Path) -> int | None:
    """The mode of ``path``, checked readable where it is a regular file: None where nothing is there; one line
    where a symbolic link loop is, where permissions keep nasloop from the file or its folder, or where the file
    is empty (each benchmark called it none of its formats). Every data file
    (found in the data folders, or given to ``nasloop data import``) is checked here, before any reader opens it:
    a file without read permission was called not a format of its benchmark, an archive that is no .npz, corrupt or
    truncated, or a file to get again, each reader saying what its own open raised, and an unreadable folder's
    files were "not found"."""
    try:
        mode = path.stat().st_mode  # stat opens nothing: a FIFO is not waited on
    except PermissionError:
        raise DataError(f"the folder {path.parent} cannot be read: permission denied, so {path.name} in it cannot be "
                        f"looked at; give your user read and search permission on it (chmod u+rx {path.parent}, where "
                        "it is yours)") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # "not found" sent the user looking for a file that is there
            raise DataError(f"{path} is a symbolic link that leads round in a loop (through links to itself); "
                            "replace it with the file itself, or remove it") from None
        return None
    except ValueError:  # a NUL in the name: no file
        return None
    if stat.S_ISREG(mode):
        try:
            os.close(os.open(path, os.O_RDONLY))  # a regular file: opening it waits on nothing
        except PermissionError:
            raise DataError(f"{path} cannot be read: permission denied; give your user read permission on it "
                            f"(chmod u+r {path}, where it is yours)") from None
        if path.stat().st_size == 0:  # was 'not a nb201 data file', or 'not a format of the nb201 benchmark'
            raise DataError(f"{path} is empty (0 bytes): a download or copy cut short? get the file again")
        if decompresses_to_nothing(path):  # as empty, and said otherwise as a 0-byte file was
            raise DataError(f"{path} is empty: gzip that decompresses to nothing (a download or copy cut short?); get "
                            "the file again")
    return mode


def find_file(names: tuple[str, ...], data_dir: str | os.PathLike | None, how_to_get: str) -> Path:
    """The first existing file among ``names`` in the search folders, or one clear DataError."""
    check_data_dir(data_dir)
    found = first_data_file(names, data_dir)
    if found is not None:
        return found
    raise MissingDataError(f"{' or '.join(reversed(names))} not found (looked in {looked_in(data_dir)}); {how_to_get}")


def first_data_file(names: tuple[str, ...], data_dir: str | os.PathLike | None) -> Path | None:
    """The first of ``names`` in the search folders (each folder's in order, the most specific folder first), or
    None: for an optional file too (stored proxies, hardware costs), so each is checked as :func:`data_file` says."""
    for folder in search_dirs(data_dir):
        for name in names:
            path = data_file(folder, name)
            if path is not None:
                return path
    return None


def looked_in(data_dir: str | os.PathLike | None) -> str:
    """The folders searched, as a missing file's line lists them (also for an optional file, whose absence only
    takes its metrics away until they are asked for)."""
    return ", ".join(_described(d) for d in search_dirs(data_dir)) or none_searched()


def none_searched() -> str:
    """The folders searched where there are none: no data folder given, and no cache folder (no home)."""
    return f"no folder: no --data-dir, $NASLOOP_DATA unset, and no cache folder, as {no_home()}"
