"""Reading what a user hands over as text: config files, architecture lists, ``KEY=VALUE`` values.

Such input may be anything: UTF-16, a binary file renamed ``.yaml``, YAML nested ten thousand
levels deep, or a "billion laughs" of aliases that expands to more objects than memory holds
(PyYAML builds the aliases as shared references quickly; whatever walks the result then never
finishes). Each is refused here in one line before anything else looks at the data.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from pathlib import Path
from typing import Any, Sequence

import yaml

from .errors import ConfigError, refuse_single
from .user_dirs import expand_user

MAX_TEXT_BYTES = 16 << 20
"""No config or architecture list is this large; a bigger file is a mistake (a dataset, a log)."""
MAX_DEPTH = 64
"""Nesting deeper than any configuration needs."""
MAX_EXPANDED_NODES = 100_000
"""Values a document may expand to once its aliases are followed."""


def not_a_file(path: Path) -> bool:
    """Whether ``path`` exists as a pipe, device or socket. nasloop writes a file beside its name and renames it
    onto it, which replaced a FIFO (or, run as root, /dev/null) with a regular file, and appending to a FIFO no one
    reads waited forever; a folder is not counted, as its callers each name it more precisely."""
    return path.exists() and not path.is_file() and not path.is_dir()


def special_file(path: Path) -> str | None:
    """What ``path`` is where it names neither a regular file nor a folder: "a named pipe", "a device" or "a
    socket". Opened to be read, a named pipe waits for a writer, as ``cat`` would, and a command given one as its
    ``--config`` hung without a word. None for anything else, a missing path included, and for a pipe this process
    already holds (``/dev/stdin`` fed by a pipe, a shell's ``<(...)``): it names no file in any folder (its link
    leads to ``pipe:[N]``) and opening it does not wait, so it reads as it did. ``/dev/null`` reads as the empty
    file it stands for (``--config /dev/null``: no settings, as an empty config file), where another device may wait
    for a terminal or never end."""
    try:
        found = path.stat()
    except OSError:  # missing, or not to be looked at: opening it says which
        return None
    mode = found.st_mode
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe" if os.path.exists(os.path.realpath(path)) else None
    if stat.S_ISSOCK(mode):
        return "a socket"
    return None if os.path.samestat(found, os.stat(os.devnull)) else "a device"


def why_not_a_file(path: Path) -> str:
    """Why ``path``, which exists as a name but not as a regular file or folder, cannot be read as a file, in the
    words :func:`read_user_text` refuses a named pipe in: "is a named pipe, not a file" (a device, a socket), "is a
    link to nothing or to itself", else "is not a regular file" (a pipe this process holds)."""
    kind = special_file(path)
    if kind is not None:
        return f"is {kind}, not a file"
    return "is a link to nothing or to itself" if path.is_symlink() and not path.exists() else "is not a regular file"


def folder_file_text(path: Path) -> str:
    """The text of a file nasloop wrote into one of its folders (a study's records): a named pipe or a device in its
    place, as a folder unpacked from an archive can hold, raises ValueError, which each reader words as its damaged
    file, where reading it waited for a writer forever."""
    kind = special_file(path)
    if kind is not None:
        raise ValueError(f"it is {kind}, not a file")
    return path.read_text()


def path_from(folder: str | None, value: str | os.PathLike) -> Path:
    """A path a user named, read from ``folder`` when relative (``folder`` None: the current one).

    A run records the folder it was started in, so that relative names in its configuration keep
    meaning the same files when it is resumed from elsewhere.
    """
    found = expand_user(value)
    return found if found.is_absolute() or folder is None else Path(folder) / found


def read_user_text(path: str | Path, what: str) -> str:
    """The UTF-8 text of ``path`` (``what`` names it in messages: "config file", "--archs-file")."""
    path = Path(path)
    kind = special_file(path)
    if kind is not None:  # not opened: a named pipe no one writes to would wait forever
        raise ConfigError(f"{what} {path} is {kind}, not a file: give a regular file")
    try:
        if path.is_dir():
            raise ConfigError(f"{what} {path} is a directory; give a file")
        with open(path, "rb") as fh:
            data = fh.read(MAX_TEXT_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_TEXT_BYTES:
        raise ConfigError(f"{what} {path} is over {MAX_TEXT_BYTES >> 20} MB; is it the right file?")
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark (Windows editors write one) is not part of the text
    except UnicodeDecodeError as exc:
        at = exc.start + (len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0)  # in the file's bytes
        raise ConfigError(f"{what} {path} is not UTF-8 text (byte 0x{data[at]:02x} at offset {at}); "
                          "save it as UTF-8") from None
    if "\x00" in text:
        raise ConfigError(f"{what} {path} holds NUL bytes, so it is not a text file; save it as UTF-8 text")
    return text


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with a bound on nesting depth."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise ConfigError(f"nesting deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_mapping_node(self, anchor: Any) -> yaml.MappingNode:
        """A mapping that writes one key twice is refused: YAML would keep the last one silently.

        Checked on the keys' values (``1`` and ``0x1``, ``yes`` and ``true`` are one key; ``1`` and
        ``'1'`` are two) before merge keys (``<<``) are expanded, since a mapping's own key may
        override a merged one.
        """
        node = super().compose_mapping_node(anchor)
        seen: set[tuple[type, Any]] = set()
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                value = self.construct_object(key)
                if (type(value), value) in seen:
                    raise yaml.composer.ComposerError(None, None, f"key '{key.value}' is given twice",
                                                      key.start_mark)
                seen.add((type(value), value))
        return node


# YAML 1.1 reads 4e6 and 1e-3 as strings (it wants a dot: 4.0e+6); every other tool reads them as
# numbers, and so do we (--space-opt param_limit=4e6).
_BoundedLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"))


def load_yaml_text(text: str, source: str) -> Any:
    """Parse YAML safely and within bounds; every problem is one ``ConfigError`` naming ``source``."""
    try:
        loader = _BoundedLoader(text)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}; flatten it") from None
    except RecursionError:
        raise ConfigError(f"{source}: nested too deeply to read; flatten it") from None
    except ValueError as exc:  # a scalar its tag cannot build: an int of over 4,300 digits, a date of month 13
        reason = str(exc).split(";")[0]  # not Python's advice to raise its digit limit
        raise ConfigError(f"{source} holds a value that cannot be read ({reason}); correct it, or quote it to keep "
                          "it as text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{source} is not valid YAML{where}: {problem}") from None
    _check_expansion(data, source)
    return data


def _check_expansion(data: Any, source: str) -> None:
    """Walk the loaded value as a consumer would, counting values; stop and refuse past the bound."""
    pending, seen = [data], 0
    while pending:
        value = pending.pop()
        seen += 1
        if seen > MAX_EXPANDED_NODES:
            raise ConfigError(f"{source} expands to over {MAX_EXPANDED_NODES:,} values (YAML aliases repeated "
                              "inside each other); write the values out instead of aliasing them")
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, (list, tuple, set)):
            pending.extend(value)


def read_yaml(path: str | Path, what: str = "config file") -> Any:
    """A YAML config file's content (an empty file is an empty mapping); ``what`` names it in messages."""
    data = load_yaml_text(read_user_text(path, what), str(path))
    return {} if data is None else data


def names_pretrained_file(key: Any) -> bool:
    """Whether an option key is a ``pretrained`` file option, a blend member's (``flan.pretrained``) too."""
    return str(key).rpartition(".")[2] == "pretrained"


def pretrained_names(options: Any) -> list[str]:
    """Every file name a ``pretrained`` option gives, at any depth, whether or not the file exists."""
    if not isinstance(options, dict):
        return []
    return [name for key, value in options.items() for name in
            ([value] if names_pretrained_file(key) and isinstance(value, str) else pretrained_names(value))]


def pretrained_digests(options: Any, folder: str | None = None) -> dict[str, str]:
    """The sha256 of every existing file a ``pretrained`` option names, at any depth (a blend member's too),
    keyed by the name as written; a relative name is read from ``folder`` (None: the current one).

    A study or a search records them, so that continuing it after a file changed is refused instead of
    averaging fits from two starting points (the path alone stays the same). A missing file is left to the
    predictor, which names it in its own words.
    """
    return {name: hashlib.sha256(path_from(folder, name).read_bytes()).hexdigest()
            for name in pretrained_names(options) if path_from(folder, name).is_file()}


def same_but_moved_files(stored: Any, given: Any, stored_files: dict[str, str], given_files: dict[str, str]) -> bool:
    """Whether two predictor option trees are equal but for ``pretrained`` paths naming files whose recorded
    contents (``stored_files``, ``given_files``: path -> sha256) are the same: a study continued from another
    folder, or a run resumed after its file moved, names the file by another path."""
    if isinstance(stored, dict) and isinstance(given, dict):
        return stored.keys() == given.keys() and all(
            _same_file(value, given[key], stored_files, given_files) if names_pretrained_file(key)
            else same_but_moved_files(value, given[key], stored_files, given_files) for key, value in stored.items())
    return stored == given


def _same_file(stored: Any, given: Any, stored_files: dict[str, str], given_files: dict[str, str]) -> bool:
    """The recorded sha256 of the stored path against the given file's, or the paths as written where none was
    recorded (a study or run from before files were)."""
    recorded = stored_files.get(str(stored))
    return recorded == given_files.get(str(given)) if recorded is not None else stored == given


STUDY_FIX = "use another --out (or --force-new to set the old study aside)"
"""How a study started from a file that changed goes on: elsewhere, or anew."""


MOVED_FIX = "give where it is now with --predictor-opt pretrained=FILE, or start a new run"  # its pretrained file moved


def check_pretrained_files(folder: str | os.PathLike, recorded: dict[str, str], found: dict[str, str],
                           fix: str = STUDY_FIX, base: str | None = None) -> None:
    """One line when a file a study or run recorded (``recorded``: path -> sha256) now differs from ``found`` or is
    gone: its next fits would start from other weights under the same name. Checked before the predictor reads
    the file, so the message names the replacement, not whichever of its options differs. A missing file is
    named where it was looked for (a relative name read from ``base``, None: the current folder), since a
    study continued from another folder reads its relative names from there."""
    changed = next((p for p in recorded if found.get(p) != recorded[p]), None)
    if changed is not None:
        how = f"is not at {path_from(base, changed).absolute()}" if changed not in found else "changed"
        raise ConfigError(f"the pretrained file {changed} is not the one {folder} started from (it {how}); put the "
                          f"original back, or {fix}")


def repoint_pretrained(options: Any, recorded: dict[str, str], files: Sequence[str],
                       run_dir: str | os.PathLike, base: str | os.PathLike) -> tuple[Any, dict[str, str]]:
    """``options`` and ``recorded`` (path -> sha256) with each pretrained file the run started from that one of
    ``files`` holds byte for byte read from there instead: a run resumed after its file moved (another machine,
    a tidied folder) names where the same file now is. A file inside ``base`` (the folder the run reads relative
    paths from) is kept relative to it, so the run still finds it after its whole project moves again; one
    outside, as an absolute path. A file whose contents match none of the recorded ones is refused, so this
    never starts later fits from other weights."""
    refuse_single("pretrained_files", files, f"[{files!r}]", "files")
    renames: dict[str, str] = {}
    for given in files:
        path = expand_user(given).absolute()
        if not recorded:
            raise ConfigError(f"{run_dir} was started without a pretrained file; drop --predictor-opt "
                              f"pretrained={given}")
        if not path.is_file():
            raise ConfigError(f"--predictor-opt pretrained={given}: {path} is not a file; give where the file "
                              f"{run_dir} started from is now")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        matches = [name for name, recorded_digest in recorded.items() if recorded_digest == digest]
        if not matches:
            raise ConfigError(f"{given} is not the pretrained file {run_dir} started from ({', '.join(recorded)}): "
                              "its contents differ; give that file wherever it is now, or start a new run")
        inside = path.is_relative_to(Path(base).absolute())
        renames.update(dict.fromkeys(matches, os.path.relpath(path, base) if inside else str(path)))

    def rewritten(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        return {key: renames.get(item, item) if names_pretrained_file(key) and isinstance(item, str)
                else rewritten(item) for key, item in value.items()}

    return rewritten(options), {renames.get(name, name): digest for name, digest in recorded.items()}
