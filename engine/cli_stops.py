"""What the ``nasloop`` command says when a command stops early: how to pick up where it stopped.

An interrupt (Ctrl-C) or a failure of the machine's side (disk full, a file it cannot reach)
ends a command in one line; where what the command finished is stored, the line says how the
same work continues (``--resume``, or the same command again).
"""
from __future__ import annotations

import argparse
import errno
import os
import re
import sqlite3
import sysconfig
import tempfile
import traceback
from pathlib import Path

from .errors import ExecutorLost, NasloopError, PluginFault
from .file_limits import largest_file_text, past_largest_file
from .memory_limit import memory_text, out_of_memory
from .stop_reasons import continue_hint
from .store import DB_NAME, RunStore


FINISHED = "the run had already finished"
"""How :func:`how_to_continue` begins for a search whose run was whole before the command stopped."""


def how_to_continue(args: argparse.Namespace, interrupted: bool = False) -> str:
    """How a stopped command picks up where it stopped (what it finished is stored), or '' if nothing was; a search
    ``interrupted`` before its store was made is simply run again (an error says what to fix first).

    The paths are tested with ``os.path``, which reads any error as "no": a name too long for the file system
    raised again from pathlib while the first error was being reported."""
    if args.command == "search":
        where = args.resume or args.run_dir
        stored = where is not None and os.path.isfile(Path(where) / DB_NAME)  # not before the run was created
        if stored and _status(Path(where)) == "finished":  # Ctrl-C while Ray shut down, after the last write
            return f"{FINISHED}; 'nasloop show {where}' summarises it"
        if stored:
            return continue_hint(where)
        return "" if args.resume or not interrupted else "nothing was evaluated yet: run the same command again"
    if args.command == "test" and os.path.isfile(Path(args.run_dir) / "tested.json"):
        return (f"the architectures measured so far are in {Path(args.run_dir) / 'tested.json'}: run the same command "
                "to continue")
    if args.command == "proxies" and args.out and os.path.isfile(args.out):
        return f"the scores so far are in {args.out}: run the same command to continue"
    if args.command == "predictors" and args.predictors_command == "pretrain":  # it said "interrupted" alone
        return (f"nothing was written to {args.out}, which is written once the last --space is fitted: run the same "
                "command again to pretrain")
    if args.command == "predictors" and args.fits_done:
        done, total = args.fits_done
        return (f"{done} of {total} fits had finished{' (shown above)' * bool(done)}; 'nasloop compare --predictors "
                "... --out DIR' keeps every fit and continues where it stopped")
    if args.command == "compare" and os.path.isdir(args.out):
        if args.force_new and args.predictors:  # the old study may still be there, the new one not begun
            return ""
        again = "the same command without --force-new" if args.force_new else "the same command"
        return f"what finished is kept in {args.out}: run {again} to continue"
    return ""


def once_fixed(exc: NasloopError, args: argparse.Namespace) -> str:
    """'; once fixed, continue with ...' after a user plugin's output refused (or its method raising) once the run
    was stored, interrupted where it held evaluations, else failed (see :func:`.stop_record.search_and_record`): a
    resume of either continues once the plugin is fixed; '; once it runs again, continue with ...' after the cluster
    the run's trials (or the study's runs) ran on was lost (interrupted); after a plugin's fault in another command
    (a predictor's fit in ``predictors evaluate``), what it finished and how to keep it, as an unexpected error says
    (see :func:`how_to_continue`); after a search's plugin failing once its run had finished (a user's executor's
    ``close``), that the run is whole, as its unexpected error said; else ''."""
    if isinstance(exc, ExecutorLost) and args.command == "compare":  # the study's Ray cluster
        again = how_to_continue(args)
        return f"; once it runs again, {again}" if again else ""
    if isinstance(exc, PluginFault) and args.command != "search":
        again = how_to_continue(args)
        return f"; once fixed, {again}" if again else ""
    if not isinstance(exc, (PluginFault, ExecutorLost)) or args.command != "search":
        return ""
    where = args.resume or args.run_dir
    status = _status(Path(where)) if where is not None and os.path.isfile(Path(where) / DB_NAME) else None
    if status == "finished" and args.resume and not _limits_stored(Path(where), args):
        return (f"; the resume stopped before it ran, the run as it was ('nasloop show {where}' summarises it): once "
                "fixed, run the same command again")  # 'already finished' read as the new budget spent
    if status == "finished":  # a user's executor failing to close once the run was done: no resume is owed
        return f"; {how_to_continue(args)}"
    if status not in ("interrupted", "failed"):
        return ""
    return f"; once {'it runs again' if isinstance(exc, ExecutorLost) else 'fixed'}, {how_to_continue(args)}"


def _limits_stored(run_dir: Path, args: argparse.Namespace) -> bool:
    """Whether the stored configuration of ``run_dir`` holds the budget and time budget a resume (``args``) gives:
    a resume that stops as its plugins are built (a user's constructor raising) stores none of them, so a finished
    run it was to extend still holds its old ones, and 'the run had already finished' said its new budget was spent.
    """
    try:
        with RunStore.in_run_dir(run_dir, readonly=True) as store:
            config = store.get_meta("config") or {}
    except (NasloopError, sqlite3.Error, OSError):
        return True  # unread: said as a finished run is
    return all(given is None or config.get(key) == given
               for key, given in (("budget", args.budget), ("max_seconds", args.max_seconds)))


def _status(run_dir: Path) -> str | None:
    """The stored status of a run, or None where the store cannot be read (the interrupt may have cut it short)."""
    try:
        with RunStore.in_run_dir(run_dir, readonly=True) as store:
            return store.get_meta("status")
    except (NasloopError, sqlite3.Error, OSError):
        return None


def environment_error(exc: OSError | sqlite3.DatabaseError, args: argparse.Namespace) -> str:
    """One line for a failure of the disk or the file system, with how to continue."""
    again = how_to_continue(args)
    # a run that had finished before the failure is not continued 'then': 'then the run had already finished'
    again = f"; {again}" if again.startswith(FINISHED) else f"; then {again}" if again else ""
    name = f" {exc.filename}" if isinstance(exc, OSError) and exc.filename else ""
    if past_largest_file(exc):  # 'disk I/O error' to SQLite: 'free space' on a disk that had plenty
        return f"{largest_file_text(f'a file{name}' if name else 'a file nasloop writes')} ({exc}){again}"
    full = isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT) or "full" in str(exc)
    if full:
        return f"the disk is full ({exc}); free some space{again}"
    if isinstance(exc, sqlite3.DatabaseError):  # a full disk is sqlite's 'disk I/O error' too: 'then' followed nothing
        return (f"the run store could not be read or written ({exc}): free space on its disk if it is full, or mend "
                f"the disk or file system it is on{again}")
    if exc.errno == errno.EROFS:  # "then continue with --resume X" sent the user back to the read-only place
        return f"cannot write{name}: {exc.strerror or exc}; {_writable_place(args)}"
    frame = _raised_at(exc, users_only=True)  # a plugin file's own OSError (a lost worker): where it was raised
    where = f" (raised in {frame[0]}:{frame[1]} ({frame[2]}))" if frame else ""
    return f"cannot access{name}: {exc.strerror or exc}{where}: mend that first{again}"


def _writable_place(args: argparse.Namespace) -> str:
    """Where a command whose folder is on a read-only file system can write instead: a run or study to continue is
    copied first (the read-only one stays as it is), a new one or a file is written elsewhere."""
    if args.command == "search":
        if args.resume:
            return f"copy {args.resume} to a writable folder and give the copy to --resume"
        return "choose a writable --run-dir"
    if args.command == "compare" and os.path.isdir(args.out):
        return f"copy {args.out} to a writable folder and give the copy to --out"
    if args.command == "report" and args.out is None:
        return "give --out a writable folder to write the report in"
    if args.command in ("report", "compare", "proxies", "data") or (args.command == "predictors"
                                                                      and args.predictors_command == "pretrain"):
        return "choose a writable --out"
    return "run it where the files it writes can be written"


def unexpected_error(exc: BaseException, args: argparse.Namespace) -> str:
    """One line for an exception nobody anticipated (most often in a user's plugin): where it was raised, and
    the file that keeps the whole traceback; ``--verbose`` prints it instead."""
    again = how_to_continue(args)
    if out_of_memory(exc):  # 'ulimit -v': 'unexpected ImportError ... libtorch_cpu.so: failed to map segment'
        return memory_text(f"for {args.command} ({type(exc).__name__}: {exc})") + (f"; then {again}" if again else "")
    frame = _raised_at(exc)
    where = f" in {frame[0]}:{frame[1]} ({frame[2]})" if frame else ""
    text = "".join(traceback.format_exception(exc))
    try:
        handle, name = tempfile.mkstemp(prefix=f"nasloop-{args.command}-", suffix=".traceback", text=True)
        with os.fdopen(handle, "w") as kept:
            kept.write(text)
        saved = f"the traceback is in {name}"
    except OSError:
        saved = "run again with --verbose for the traceback"
    message = (f"exit({exc.code!r}) was called, which ends nasloop with it" if isinstance(exc, SystemExit)
               else str(exc).splitlines()[0] if str(exc) else "(no message)")
    return (f"unexpected {type(exc).__name__}{where}: {message}; {saved}"
            + (f"; once fixed, {again}" if again else ""))


_FRAME = re.compile(r'File "([^"]+)", line (\d+), in (\S+)')


def _raised_at(exc: BaseException, users_only: bool = False) -> tuple[str, int, str] | None:
    """Where to look first: the innermost frame in a user's own file (a ``--plugin`` script), else in an
    installed package other than nasloop (a plugin package, or a library it called), else nasloop's own line;
    Python's standard library only when nothing else is on the stack. The traceback of an exception that
    crossed a process pool arrives as text in the chain of causes, and is read from there. ``users_only``: a
    frame in a user's own file (neither nasloop, an installed package, the standard library nor code without a
    file), or None."""
    frames: list[tuple[str, int, str]] = []
    seen: BaseException | None = exc
    while seen is not None:
        frames = [(f.filename, f.lineno or 0, f.name) for f in traceback.extract_tb(seen.__traceback__)] + frames
        if type(seen).__name__ == "_RemoteTraceback":
            frames += [(f, int(n), name) for f, n, name in _FRAME.findall(str(seen))]
        seen = seen.__cause__ or seen.__context__
    paths = sysconfig.get_paths()
    stdlib = {os.path.realpath(paths[k]) for k in ("stdlib", "platstdlib") if paths.get(k)}
    packages = {os.path.realpath(paths[k]) for k in ("purelib", "platlib") if paths.get(k)}
    nasloop = os.path.realpath(Path(__file__).resolve().parents[1])

    def under(filename: str, folders: set[str]) -> bool:
        real = os.path.realpath(filename)
        return any(real == f or real.startswith(f + os.sep) for f in folders)

    def installed(filename: str) -> bool:
        return under(filename, packages) or f"{os.sep}site-packages{os.sep}" in filename or \
            f"{os.sep}dist-packages{os.sep}" in filename

    outside = [f for f in frames if (installed(f[0]) or not under(f[0], stdlib)) and not under(f[0], {nasloop})]
    users = [f for f in outside if not installed(f[0])]
    ours = [f for f in frames if under(f[0], {nasloop})]
    if users_only:
        return ([f for f in users if not f[0].startswith("<")] or [None])[-1]
    return (users or outside or ours or frames or [None])[-1]
