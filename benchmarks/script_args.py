"""The data folder, output paths and exit path every benchmark script shares (imported as a sibling module).

A benchmark may run for an hour: an output file in a folder that does not exist is refused the way argparse
refuses a misspelt flag, naming the flag, before any work is done (as counts and lists are, by the ``nasloop``
command's own argument types in :mod:`nasloop.engine.cli_types`), and nasloop's own refusals (a missing data
file, an unknown task) end a script in the one line the ``nasloop`` command prints, not under a traceback. A
refusal comes first and alone: a script checks its data and names (:func:`check_search`) before its first line of
output, where a table header printed above the refusal read as a run that had started. Ctrl-C or SIGTERM end a
script as they end the ``nasloop`` command: one line, exit status 130, and no worker process left behind.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterator, NoReturn

from nasloop.engine.assemble import tabulated_spaces
from nasloop.engine.cli_parser import negative_values_attached
from nasloop.engine.cli_types import path_text
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import NasloopError
from nasloop.engine.executors.base import interrupts_held, later_interrupts_end_the_process, sigterm_interrupts
from nasloop.engine.registry import SEARCH_SPACES
from nasloop.engine.search import build_plugins
from nasloop.engine.study_pool import Job, Result, run_in_pool

REPO = Path(__file__).resolve().parents[1]


class ScriptParser(argparse.ArgumentParser):
    """argparse reading a value as the ``nasloop`` command does: a word starting with ``-`` and a digit after a long
    flag is that flag's value. argparse takes only ``-5`` as a negative number, so ``--budgets -5,10`` was refused
    as "expected one argument", a value said to be missing where the value given is what is wrong; the flag's own
    type now refuses it, naming it and the values it takes."""

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        words = sys.argv[1:] if args is None else list(args)
        return super().parse_known_args(negative_values_attached(words), namespace)


def default_data_dir() -> str | None:
    """Where the benchmark tables are without ``--data-dir``: $NASLOOP_DATA, else ``shared/data`` beside the
    repository (the development machine's layout) where that folder exists, else None: nasloop then looks
    where the ``nasloop`` command looks (its user cache folder, where ``nasloop data import`` writes)."""
    shared = REPO.parent / "shared" / "data"
    return os.environ.get("NASLOOP_DATA") or (str(shared) if shared.is_dir() else None)


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    """The ``--data-dir`` flag, read as the ``nasloop`` command reads it."""
    parser.add_argument("--data-dir", type=path_text, default=default_data_dir(),
                        help="folder with the benchmark data (default: $NASLOOP_DATA, else ../shared/data)")


def table_space(text: str) -> str:
    """An argparse type: a search space with a benchmark table, which these scripts look every evaluation up in. One
    without was refused in words the user could not act on: build_context's 'pass lookup=False' (a Python argument)
    or flags the script lacks (--evaluator; --space for flan_transfer.py's --target). An unknown name is refused by
    nasloop's registry, in its own one line."""
    if SEARCH_SPACES.get(text).benchmark is None:
        raise argparse.ArgumentTypeError(f"search space '{text}' has no benchmark table; choose one that has: "
                                         f"{', '.join(tabulated_spaces())}")
    return text


def output_file(text: str) -> Path:
    """An argparse type: a file the script can write once it is done, checked before it starts."""
    path = Path(path_text(text))
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder; give a file name")
    folder = path.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"cannot write {text}: {folder} is not a folder this user can write in")
    return path


def output_folder(text: str) -> Path:
    """An argparse type: a folder the script writes into, made now if missing ('' is refused: an unset shell
    variable would have written into the current folder)."""
    path = Path(path_text(text))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot make the folder {text}: {exc.strerror}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"cannot write in the folder {text}")
    return path


def check_search(config: SearchConfig) -> None:
    """Build ``config``'s plugins and close them again: a missing table, an unknown name or a bad option is refused
    now, before the script prints anything, as ``nasloop search`` refuses it before making a run (the table stays
    loaded for the process, so the search that follows does not read it again)."""
    build_plugins(config)[3].close()


def not_a_script(what: str, instead: str) -> NoReturn:
    """The one line a helper module run as a script answers with (exit 2): run directly, it printed nothing and
    exited 0, as if it had done what was asked."""
    print(f"{Path(sys.argv[0]).name}: error: this file is {what}, not a command; run {instead} instead",
          file=sys.stderr)
    sys.exit(2)


@contextlib.contextmanager
def results_of(run_one: Callable[[Job], Result], jobs: list[Job], workers: int) -> Iterator[Iterator[Result]]:
    """``run_one(job)`` of each job, in order: in this process for one worker, else in ``workers`` processes of
    nasloop's own pool (:func:`nasloop.engine.study_pool.run_in_pool`, which ``nasloop compare --jobs`` runs on).
    The scripts with ``--jobs`` had a pool each, and SIGTERM or ``kill -9`` of a script left its workers searching
    on, reparented to PID 1; this pool stops them with the script. ``run_one`` is a module-level function (the
    workers are spawned, not forked: torch is not fork-safe once used). Leaving the block closes the results, so
    an interrupt in the caller's loop stops the workers at once, not when the results are collected."""
    results = (run_one(job) for job in jobs) if workers <= 1 else run_in_pool(run_one, jobs, workers)
    with contextlib.closing(results):
        yield results


def run_main(main: Callable[[], int | None]) -> NoReturn:
    """Run a script's ``main`` and exit with its code; a refusal by nasloop is one line and exit status 2. SIGTERM
    (``timeout``, a scheduler) stops a script as Ctrl-C does, as it stops the ``nasloop`` command: it used to kill
    the script outright, which left its workers running and printed nothing."""
    with sigterm_interrupts():
        code = _exit_status(main)
    if code == 130:  # stopped, and said so: another Ctrl-C now would land in an exit handler, under a traceback
        later_interrupts_end_the_process()
    sys.exit(code)


def _exit_status(main: Callable[[], int | None]) -> int:
    """``main``'s exit status; a refusal by nasloop or an interrupt is said in one line on stderr (a bug in the
    script keeps its traceback)."""
    try:
        return main() or 0
    except NasloopError as exc:
        print(f"{Path(sys.argv[0]).name}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # a traceback from inside the wait named nothing the user could do
        with interrupts_held():  # a second Ctrl-C as the line is printed
            print(f"{Path(sys.argv[0]).name}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    not_a_script("the shared code of the benchmark scripts", "one of the scripts beside it (see the README's "
                 "'Benchmarks' section)")
