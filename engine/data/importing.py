"""``nasloop data import``: hand each file to the benchmark it belongs to, judged by its content.

A file given for the wrong space is named with the benchmark it does belong to, so importing
``transnas101_val.json.gz`` with ``--space nb101`` says which ``--space`` to use instead of
failing half-way with a parser error.
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any, Callable, Sequence

from ..errors import DataError, NasloopError
from ..registry import BENCHMARKS, SEARCH_SPACES
from ..user_files import why_not_a_file
from .paths import readable_mode
from .rewrites import rewrite_of
from .sniff import TORCH_SAVE, is_torch_save
from .table import Table


def _spaces_of(benchmark: str) -> list[str]:
    """The search spaces tabulated by ``benchmark``, naming it by any name its class is registered under."""
    names = _names_of(benchmark)
    found = []
    for name in SEARCH_SPACES.names():
        try:
            if SEARCH_SPACES.get(name).benchmark in names:
                found.append(name)
        except NasloopError:  # a broken plugin tabulates nothing
            continue
    return found


def _names_of(benchmark: str) -> list[str]:
    """Every name the benchmark registered as ``benchmark`` answers to: a class registered under two names is one
    benchmark, and a space may name it by either (``benchmark`` itself where it names none, 'any nds space')."""
    try:
        return BENCHMARKS.names_of(BENCHMARKS.get(benchmark)) or [benchmark]
    except NasloopError:
        return [benchmark]


def _owners(path: Path, besides: Sequence[str]) -> list[tuple[list[str], str]]:
    """(the benchmark's names, what the file is) for every registered benchmark but ``besides`` that recognises
    ``path``: one entry per benchmark class, which was named as two benchmarks when registered under two names."""
    found: list[tuple[list[str], str]] = []
    for name in BENCHMARKS.names():
        if name in besides or any(name in names for names, _ in found):
            continue
        try:
            what = BENCHMARKS.get(name).recognise(path)
        except NasloopError:
            continue
        if what:
            found.append((_names_of(name), what))
    return found


def _read_as(path: Path) -> tuple[str, str | None, str] | None:
    """(the benchmark, the file name it reads, what the file is) for a file some registered benchmark reads as it
    is from the data folders (a proxy or hardware file) whatever ``path`` is named; the name is None for a public
    file of a benchmark's space that nasloop does not read at all (TA-GATES's NB201 split); None for any other.
    Any benchmark reading it wins over one that knows it as read nowhere: taken in name order, the first of either
    answered, and a file a later benchmark (a plugin) reads was said to be read nowhere."""
    read = _first_finding(lambda factory: factory.recognise_read_directly(path))
    if read is not None:
        return (read[0], *read[1])
    unread = _first_finding(lambda factory: factory.recognise_unread(path))
    return None if unread is None else (unread[0], None, unread[1])


def _first_finding(judge: Callable[[Any], Any]) -> tuple[str, Any] | None:
    """The first registered benchmark (by name) for whose class ``judge`` finds anything, and what it finds."""
    for name in BENCHMARKS.names():
        try:
            found = judge(BENCHMARKS.get(name))
        except NasloopError:  # a broken plugin recognises nothing
            continue
        if found:
            return name, found
    return None


def _read_under(path: Path, owners: list[tuple[list[str], str]]) -> str:
    """', which nasloop reads as <name>: give it that name' for a file the benchmarks of ``owners`` read as it is
    from a data folder under that name (NB301's Suite-Zero JSON); "" where they import it first (a pickle)."""
    names = []
    for benchmark, _ in owners:
        try:
            names.append(BENCHMARKS.get(benchmark[0]).read_under(path))
        except NasloopError:  # a broken plugin names nothing
            continue
    found = " or ".join(dict.fromkeys(name for name in names if name))
    return f", which nasloop reads as {found}: give it that name" if found else ""


def _data_of(owners: list[tuple[list[str], str]]) -> str:
    """'data of the nb101 benchmark' for what ``_owners`` found, each benchmark by every name it answers to."""
    names = " and ".join(names[0] + (f" (also {', '.join(names[1:])})" if names[1:] else "") for names, _ in owners)
    return f"data of the {names} benchmark{'s' * (len(owners) > 1)}"


def import_benchmark_files(benchmark: str, files: Sequence[Path]) -> tuple[Table, list[tuple[Path, str]]]:
    """The table ``benchmark`` builds from ``files``, and what each file was recognised as."""
    factory = BENCHMARKS.get(benchmark)
    found: list[tuple[Path, str]] = []
    reads = factory.formats or ("no files: it declares no formats (a benchmark that imports files names them in "
                                "words in its formats attribute, and reads them in recognise_source and "
                                "import_files)")  # a plugin's without them: the sentence ended at 'reads'
    for path in map(Path, files):
        readable_mode(path)
        if not path.is_file():
            raise DataError(f"{path} {_not_a_file(path)}; give the path of {_a(benchmark)} {benchmark} data file"
                            + (f" ({factory.formats})" if factory.formats else ""))
        _refuse_read_directly(path, benchmark)
        what = factory.recognise(path)
        if what is None:
            _refuse_if_elsewhere(path, [benchmark], benchmark, factory.formats)
            raise DataError(f"{path} is not {_a(benchmark)} {benchmark} data file; the {benchmark} benchmark reads "
                            f"{reads}{_archive_hint(path)}")
        found.append((path, what))
    return factory.import_files([p for p, _ in found]), found


def _a(name: str) -> str:
    """The article before ``name`` as written: 'an e3-bench', 'a nb201'."""
    return "an" if name[:1].lower() in "aeiou" else "a"


def _refuse_read_directly(path: Path, benchmark: str) -> None:
    """One line for a file a benchmark (``benchmark`` first) reads from the data folders as it is: another's (NB201's
    proxy file given for tnb101-micro) was said to be no data of the one asked, not that it needs no import."""
    for other in sorted(BENCHMARKS.names(), key=lambda name: name != benchmark):
        try:
            reads = path.name in BENCHMARKS.get(other).read_directly
        except NasloopError:  # a broken plugin reads nothing
            continue
        if reads:
            raise DataError(f"{path.name} needs no import: {other} reads it as it is from the data folder "
                            "(--data-dir or $NASLOOP_DATA); put it there")


def _refuse_if_elsewhere(path: Path, besides: Sequence[str], wanted: str, formats: str) -> None:
    """One line naming the benchmark and ``--space`` a file given for ``wanted`` (which reads ``formats``) does
    belong to, if any, or what it is where nasloop does not read it."""
    others = _owners(path, besides)
    rewritten = None if others else _first_finding(lambda factory: rewrite_of(factory, path))
    if rewritten is not None:  # NASLib's NB201 proxy JSON given for nb301 was 'not a nb301 data file'
        other, rewrite = rewritten
        spaces = " or ".join(f"--space {s}" for s in _spaces_of(other)) or f"the {other} benchmark's space"
        asked = " or ".join(f"--space {s}" for s in _spaces_of(wanted)) or wanted
        raise DataError(f"{path} is {rewrite.what}, not data of {asked}: the {other} benchmark imports it (as its "
                        f"{rewrite.name}); import it with {spaces}")
    if not others and (read_as := _read_as(path)):
        other, name, what = read_as
        if name is None:
            raise DataError(f"{path} is {what}, which nasloop neither imports nor reads; import one of {formats} "
                            "instead")
        raise DataError(f"{path} is {what}: it needs no import: the {other} benchmark reads it as it is from the data "
                        f"folder (--data-dir or $NASLOOP_DATA) as {name}; put it there under that name")
    if others:
        spaces = " or ".join(dict.fromkeys(f"--space {s}" for names, _ in others for s in _spaces_of(names[0])))
        asked = " or ".join(f"--space {s}" for s in _spaces_of(wanted)) or wanted  # 'nb301' is no --space
        raise DataError(f"{path} is {others[0][1]}, {_data_of(others)}, not of {asked}; import it with "
                        f"{spaces or 'the space it belongs to'}")


def benchmark_of_group(group: str, files: Sequence[Path]) -> str:
    """The one benchmark named ``<group>-...`` that recognises every file (``--space nds`` finds ``nds-darts-in``).

    Families of spaces published as several files (NDS' ``DARTS.json``, ``ENAS_in.json``...) are
    imported by the family's name; which member a file belongs to is read from the file.
    """
    members = [name for name in BENCHMARKS.names() if name.startswith(f"{group}-")]
    if not members:
        SEARCH_SPACES.get(group)  # the registry's one line: unknown search space, and the known ones
    chosen: set[str] = set()
    for path in map(Path, files):
        readable_mode(path)
        if not path.is_file():
            raise DataError(f"{path} {_not_a_file(path)}; give the path of a {group} data file")
        _refuse_read_directly(path, group)
        claims = []
        for name in members:
            try:
                if BENCHMARKS.get(name).recognise(path):
                    claims.append(name)
            except NasloopError:
                continue
        if not claims:
            formats = "; ".join(dict.fromkeys(BENCHMARKS.get(name).formats for name in members))
            _refuse_if_elsewhere(path, members, f"any {group} space", formats)
            raise DataError(f"{path} is not a data file of any {group} space ({', '.join(members)}); they read "
                            f"{formats}{_archive_hint(path)}")
        if len(claims) > 1:
            raise DataError(f"{path} could be data of {' or '.join(claims)}; say which with --space")
        chosen.add(claims[0])
    if len(chosen) > 1:
        raise DataError(f"the files belong to different spaces ({', '.join(sorted(chosen))}); import each with "
                        "its own command")
    return chosen.pop()


def not_this_benchmark(path: Path, benchmark: str, formats: str) -> DataError:
    """The one line for a file found in a data folder under one of ``benchmark``'s names but holding none of its
    formats: its whole path (several folders are searched), what it is when another benchmark recognises it (a
    file renamed or mixed up), and the fix."""
    return _not_this(path, benchmark, formats, *_what_else(path, benchmark))


def refuse_another_benchmarks_file(path: Path, benchmark: str, recognised: bool | None = None) -> None:
    """:func:`not_this_benchmark`'s line for a public file read directly under one of ``benchmark``'s names that
    ``benchmark`` does not recognise and another does (renamed or mixed up): the TransNAS and NB301 readers called
    the NB201 CSV there 'corrupt or truncated, fetch it again', and NB101's JSON 'not the TransNAS-Bench-101
    JSON' with no word of what it is. A file no benchmark recognises is left to the reader, which names damage.

    ``recognised`` is whether ``benchmark`` takes the file's content for its own, given where its ``recognise``
    cannot tell: NDS claims its published file names by name alone (so that reading a damaged one names the
    damage). By default ``recognise`` decides."""
    factory = BENCHMARKS.get(benchmark)
    if recognised is None:
        recognised = factory.recognise(path) is not None
    if not recognised:
        others, read_as = _what_else(path, benchmark)
        if others or read_as:
            raise _not_this(path, benchmark, factory.formats, others, read_as)


def _what_else(path: Path, benchmark: str) -> tuple[list[tuple[list[str], str]], tuple[str, str, str] | None]:
    """What ``path`` is to the benchmarks but ``benchmark``: those importing it (``_owners``, reading every
    benchmark's head once), else the one reading it as it is (``_read_as``), each file's head read once."""
    others = _owners(path, [benchmark])
    return others, None if others else _read_as(path)


def _not_this(path: Path, benchmark: str, formats: str, others: list[tuple[list[str], str]],
              read_as: tuple[str, str | None, str] | None) -> DataError:
    """The refusal of both callers, given what :func:`_what_else` found. A file read as it is (NB201's proxy or
    hardware file copied as the NB201 table, NB301's JSON as NB101's) is named with the name it is read under, where
    it belongs; one nasloop does not read (TA-GATES's split) is said to be that."""
    if read_as and read_as[1] is None:
        return DataError(f"{path}: not a format of the {benchmark} benchmark: it is {read_as[2]}, which nasloop does "
                         f"not read: put the {benchmark} table here instead ({formats})")
    if read_as:
        other, name, what = read_as
        return DataError(f"{path}: not a format of the {benchmark} benchmark: it is {what}, which nasloop reads as "
                         f"{name} for the {other} benchmark: give it that name, and put the {benchmark} table here "
                         f"instead ({formats})")
    what = f" (it is {others[0][1]}, {_data_of(others)}{_read_under(path, others)})" if others else ""
    if not others and is_torch_save(path):
        what = f" (it is {TORCH_SAVE})"
    return DataError(f"{path}: not a format of the {benchmark} benchmark{what}; nasloop reads {formats}: "
                     "replace it with one of those")


def _archive_hint(path: Path) -> str:
    """'; it is a zip archive: extract it ...' for a zip that is no nasloop table: the NDS data is downloaded as
    nds_data.zip, which the README names, and given as it is the import said only which formats it reads. A torch
    save file is a zip too, but extracting it helps nothing: it is named as what it is."""
    if is_torch_save(path):
        return f"; {path.name} is {TORCH_SAVE}"
    if path.name.endswith(".npz") or not zipfile.is_zipfile(path):
        return ""
    return f"; {path.name} is a zip archive: extract it ('unzip {path}') and import the files inside"


def _not_a_file(path: Path) -> str:
    if path.is_dir():
        return "is a folder"
    return why_not_a_file(path) if os.path.lexists(path) else "does not exist"
