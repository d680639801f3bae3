"""Shared fixtures: where the real benchmark data lives, and the ``nasloop`` command run in this process.

The data folder is ``$NASLOOP_DATA`` if set, else ``<repo root>/../shared/data``. It is read-only
for the tests: nothing may be written into it (write tables under ``tmp_path`` instead).
"""
from __future__ import annotations

import csv
import gzip
import io
import logging
import os
import runpy
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

if os.environ.get("PYTEST_XDIST_WORKER"):
    # Two workers share the two cores: a second OpenMP thread in each would mostly spin-wait. Set before
    # torch loads, and inherited by the commands tests start.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
from . import bytecode_cache  # noqa: E402

bytecode_cache.keep_bytecode_while_collecting()  # before the imports below: their bytecode is kept
pytest_collection_finish = bytecode_cache.pytest_collection_finish  # the hook: compiled afresh once collected

import numpy as np
import pytest

from nasloop.engine import registry
from nasloop.search_spaces.nb201 import importers
from .benchmark_scripts import parsed_tables_only
from .cli_processes import command_settings, process_env
from .plugin_forgetting import PLUGIN_KINDS, a_builtin, a_test_module, forget_plugins_under, forget_registered_by

REPO_ROOT = Path(__file__).resolve().parents[1]
NB201_CSV = "nasbench201_all.csv.gz"


def _data_dir() -> Path:
    env = os.environ.get("NASLOOP_DATA")
    return Path(env).expanduser() if env else REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The real benchmark data folder; a missing folder is a test failure, never a skip."""
    path = _data_dir()
    if not path.is_dir():
        pytest.fail(f"benchmark data folder {path} does not exist: set NASLOOP_DATA to the folder holding "
                    f"{NB201_CSV} (and the other benchmark files), or place it at <repo root>/../shared/data",
                    pytrace=False)
    return path


@pytest.fixture(scope="session")
def nb201_csv_path(data_dir: Path) -> Path:
    """The compact NB201 CSV (all 15,625 cells)."""
    path = data_dir / NB201_CSV
    if not path.is_file():
        pytest.fail(f"{path} is missing from the data folder {data_dir}", pytrace=False)
    return path


@pytest.fixture(scope="session", autouse=True)
def _tests_sign_plugins_with_a_secret_of_their_own(tmp_path_factory):
    """A run that records plugins signs them with the user's secret (nasloop.engine.plugin_trust), made in
    ``$XDG_CONFIG_HOME/nasloop``: the tests' own folder, not the home folder, for the whole session and the commands
    the tests start, so a run one test makes resumes in another as the same user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
        yield


@pytest.fixture(scope="session", autouse=True)
def _temp_files_in_the_tests_own_folder(tmp_path_factory) -> Iterator[Path]:
    """The temp folder of this process and of the commands the tests start is the tests' own, which pytest keeps
    for the last three runs: the traceback files of the tests' unexpected errors ('nasloop-search-*.traceback',
    written by engine/cli_stops.py for the user to read) and what a killed command leaves were left in /tmp for
    good. Ray's own folder stays where it was (``RAY_TMPDIR``, read before ``TMPDIR``): its socket paths must stay
    within 107 bytes, which a session folder under pytest's would not."""
    folder = tmp_path_factory.mktemp("tmp")  # pytest's folder is made (in the old temp folder) before the change
    ray_temp = os.environ.get("RAY_TMPDIR", os.environ.get("TMPDIR", "/tmp"))  # Ray's own choice on Linux
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RAY_TMPDIR", ray_temp)
        patch.setenv("TMPDIR", str(folder))
        patch.setattr(tempfile, "tempdir", str(folder))  # gettempdir() read TMPDIR once, before this fixture
        yield folder


@pytest.fixture(scope="session", autouse=True)
def _botorch_hypervolume_kernel_left_uncompiled() -> Iterator[None]:
    """botorch compiles a fused C++ kernel for qLogNEHVI on its first use in a fresh environment: 32 s of a core
    (90 s beside other jobs) inside whichever multi-objective test came first, the other worker waiting on its lock.
    The tests run botorch's Python version of it, the one a machine without a compiler runs (the same values);
    test_bo's test of such a machine still tries the compile (with a compiler that fails)."""
    from botorch.acquisition.multi_objective import logei

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(logei, "_load_attempted", True)  # raises if botorch renames it: then this goes
        yield


@pytest.fixture(scope="module")
def settings(data_dir, tmp_path_factory) -> dict[str, str | None]:
    """What a command of the CLI's tests changes in its environment (tests/cli_processes.py), one for each module."""
    return command_settings(data_dir, tmp_path_factory)


@pytest.fixture(scope="module")
def env(settings) -> dict[str, str]:
    """The environment of a command the CLI's tests start as a process of its own, one for each module."""
    return process_env(settings)


@pytest.fixture
def isolated_cache(tmp_path_factory, monkeypatch):
    """The user's real cache and an inherited NASLOOP_DATA stay out of a test's reach."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg")))
    monkeypatch.delenv("NASLOOP_DATA", raising=False)


@pytest.fixture()
def image_table_folder(tmp_path, data_dir):
    """A data folder holding only the NB201 table and the CIFAR-10 images (not Suite-Zero's proxy file): where a
    proxy file's tests put theirs, as the only one a run can find (with ``isolated_cache``)."""
    for name in ("nasbench201_all.csv.gz", "cifar10_subset.npz"):
        (tmp_path / name).symlink_to(data_dir / name)
    return tmp_path


@pytest.fixture(scope="session")
def csv_text(nb201_csv_path) -> str:
    return gzip.decompress(nb201_csv_path.read_bytes()).decode()


@pytest.fixture(scope="session")
def csv_rows(csv_text) -> list[dict[str, str]]:
    """The NB201 CSV read independently of nasloop (plain csv module)."""
    return list(csv.DictReader(io.StringIO(csv_text)))


@pytest.fixture(scope="session")
def csv_table(nb201_csv_path):
    """The NB201 CSV through nasloop's importer."""
    return importers.import_csv(nb201_csv_path)


@pytest.fixture(scope="session")
def nb201_split(data_dir: Path) -> Callable[..., tuple]:
    """``split(200, 10, 2000)`` → (space, (cells, y), (cells, y), ...): consecutive chunks of a seeded
    shuffle of all NB201 cells, with their CIFAR-10 validation accuracy (the predictors' tests)."""
    from nasloop.search_spaces.nb201 import NB201Benchmark
    from nasloop.search_spaces.nb201 import NB201Space

    space, bench = NB201Space(), NB201Benchmark(data_dir)
    cells = list(space.enumerate())
    order = np.random.default_rng(0).permutation(len(cells))

    def split(*sizes: int) -> tuple:
        ends = np.cumsum(sizes)
        chunks = [order[end - size:end] for size, end in zip(sizes, ends)]
        return (space, *[([cells[i] for i in idx], np.array([bench.query(cells[i], "cifar10").metrics["val_accuracy"]
                                                              for i in idx])) for idx in chunks])

    return split


@pytest.fixture(scope="session")
def nb201_context(data_dir):
    """The run context of an NB201 CIFAR-10 search on the real table (what ``nasloop search`` builds)."""
    from nasloop.engine.assemble import build_context
    from nasloop.search_spaces.nb201 import NB201Space

    return build_context(NB201Space, "cifar10", str(data_dir), lookup=True)


@pytest.fixture(scope="module")
def one_torch_thread():
    """Small models and per-layer proxy work: on a busy 2-core machine a second intra-op thread
    mostly waits (5-10x slower), so modules that train or score networks run on one."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


SMALL_FLAN = ["--predictor-opt", "ensemble=2", "--predictor-opt", "steps=20"]
"""A FLAN small enough to pretrain in seconds (the pretrained-file tests need a real file, not good weights)."""


@pytest.fixture(scope="session")
def pretrained(tmp_path_factory, data_dir):
    """A real pretrained FLAN file: 64 NB101 cells."""
    from nasloop.engine import cli

    path = tmp_path_factory.mktemp("flan") / "flan-nb101.pt"
    assert cli.main(["predictors", "pretrain", "--space", "nb101", "--train-size", "64", *SMALL_FLAN,
                     "--data-dir", str(data_dir), "--out", str(path)]) == 0
    return path


@pytest.fixture(scope="session")
def other_pretrained(pretrained, tmp_path_factory, data_dir):
    """Other weights (seed 1) that the refusal tests put in place of a run's pretrained file, written over a
    copy of the first file as a user pretraining again to the same path would."""
    from nasloop.engine import cli
    from nasloop.predictors.flan_transfer import load_pretrained

    path = tmp_path_factory.mktemp("flan") / "flan-nb101.pt"
    path.write_bytes(pretrained.read_bytes())
    argv = ["predictors", "pretrain", "--space", "nb101", "--train-size", "64", "--seed", "1", *SMALL_FLAN,
            "--data-dir", str(data_dir), "--out", str(path)]
    assert cli.main(argv) == 2  # an existing file is kept unless the user says to replace it
    assert path.read_bytes() == pretrained.read_bytes()
    assert cli.main([*argv, "--overwrite"]) == 0
    assert load_pretrained(path)["digest"] != load_pretrained(pretrained)["digest"]
    return path


@pytest.fixture(autouse=True)
def _plugins_registered_in_a_test_stay_in_it():
    """A plugin class a test defines and registers (a strategy that exits, an evaluator returning words) is dropped
    after it: left in the registry, it joined the lists other tests of the same worker check ('use one of bo,
    evolution, failing-exits, random'), so a test's outcome depended on which files its worker ran first. Only
    what test modules define or register goes: a built-in or a plugin file first imported by a test stays, since its
    module is not imported twice. A class made by ``type(name, (DigitSpace,), {...})`` is in module 'abc' (its
    metaclass's ``__new__`` made it), so who registered it tells it: 'adv-digits' stayed, first of the known spaces."""
    before, taken = [set(kind._items) for kind in PLUGIN_KINDS], len(registry.Registry.taken)
    yield
    by_tests = {id(obj) for obj, module in registry.Registry.taken[taken:] if a_test_module(module)}
    for kind, names in zip(PLUGIN_KINDS, before):
        for name in set(kind._items) - names:
            item = kind._items[name]
            if (a_test_module(getattr(item, "__module__", "")) or id(item) in by_tests) and \
                    not a_builtin(kind, name, item):  # loaded during the test, which aliased it: it stays
                del kind._items[name]



@pytest.fixture
def own_plugin_files(tmp_path: Path) -> Iterator[None]:
    """What the plugin files a test writes in its own folder registered, as it loaded them, is dropped after it (see
    :func:`forget_plugins_under`): the conftest keeps a plugin file's classes (its module is imported once), so
    'c-widths-NAME' led the list of known spaces for every later test of the worker. No other test loads these
    files again: each test's folder is its own."""
    yield
    forget_plugins_under(tmp_path)


def _exit_status(code: object) -> int:
    """The status ``sys.exit(code)`` ends a process with (the console script's ``sys.exit(main())`` too); an object
    that is not a number is printed to stderr first, as Python does."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


NasloopRun = Callable[..., subprocess.CompletedProcess]
"""``run(args, cwd=None, env=None)``: the ``nasloop`` command's exit status, stdout and stderr."""


def _in_process(monkeypatch, capfd, call: Callable[[], object], label: list[str], cwd: Path | None,
                env: Mapping[str, str | None] | None) -> subprocess.CompletedProcess:
    """``call()`` run as a process would run it: its exit status (``SystemExit`` or its return value), what it
    printed, the warnings Python's default filters show (pytest's turn every warning into an error) and the log
    records no handler takes (pytest's handlers would hold them), on stderr. An exception it lets through is
    raised into the test, where the process printed its traceback. ``env`` sets variables (None removes one) and
    ``cwd`` is the working folder, both for the rest of the test."""
    if cwd is not None:
        monkeypatch.chdir(cwd)
    for name, value in (env or {}).items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    capfd.readouterr()  # what the test printed before is not the command's
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers.clear()  # logging's last resort then writes a record to stderr, as in a process
    root.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings(record=True) as shown:
            warnings.resetwarnings()
            for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
                warnings.simplefilter("ignore", category)  # Python's default filters
            try:
                status = _exit_status(call())
            except SystemExit as stop:  # argparse's errors, a script's sys.exit
                status = _exit_status(stop.code)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    out, err = capfd.readouterr()
    err += "".join(warnings.formatwarning(w.message, w.category, w.filename, w.lineno, w.line) for w in shown)
    return subprocess.CompletedProcess(label, status, out, err)


@pytest.fixture
def nasloop_in_process(monkeypatch, capfd) -> NasloopRun:
    """``nasloop ARGS`` run in this process as the console script runs it (``sys.exit(main())``): a test of what a
    command says, not of the process, spares a fresh Python's seconds of imports (see :func:`_in_process`)."""

    def run(args: Sequence[str], cwd: Path | None = None,
            env: Mapping[str, str | None] | None = None) -> subprocess.CompletedProcess:
        from nasloop.engine.cli import main

        return _in_process(monkeypatch, capfd, lambda: main(list(args)), ["nasloop", *args], cwd, env)

    return run


@pytest.fixture
def fresh_nasloop(monkeypatch, capfd, tmp_path) -> NasloopRun:
    """``nasloop ARGS`` run in this process (see :func:`nasloop_in_process`), each command loading the plugin files
    of the test's folder as a process of its own would (see :func:`forget_plugins_under`): for tests of what a
    second command does with a plugin the first one loaded and recorded, which started a fresh Python for each."""

    def run(args: Sequence[str], cwd: Path | None = None,
            env: Mapping[str, str | None] | None = None) -> subprocess.CompletedProcess:
        from nasloop.engine.cli import main

        try:
            return _in_process(monkeypatch, capfd, lambda: main(list(args)), ["nasloop", *args], cwd, env)
        finally:
            forget_plugins_under(tmp_path)

    return run


ScriptRun = Callable[..., subprocess.CompletedProcess]
"""``run(path, args, cwd=None, env=None)``: a Python script's exit status, stdout and stderr."""


@pytest.fixture
def script_in_process(monkeypatch, capfd) -> ScriptRun:
    """``python PATH ARGS`` run in this process as Python runs a script: as ``__main__``, its folder first on the
    import path and ``sys.argv`` its own. For what a script refuses before any work, where a fresh Python spent
    seconds importing torch to print one line; a script that starts workers or Ray runs in a process of its own."""

    def run(path: Path, args: Sequence[str], cwd: Path | None = None,
            env: Mapping[str, str | None] | None = None) -> subprocess.CompletedProcess:
        monkeypatch.setattr(sys, "argv", [str(path), *args])
        monkeypatch.syspath_prepend(str(path.parent))
        def as_main() -> None:
            runpy.run_path(str(path), run_name="__main__")

        try:
            return _in_process(monkeypatch, capfd, as_main, [sys.executable, str(path), *args], cwd, env)
        finally:
            forget_registered_by("__main__")

    return run


@pytest.fixture
def benchmark_script(script_in_process, tmp_path_factory) -> Callable[..., subprocess.CompletedProcess]:
    """``python benchmarks/SCRIPT ARGS`` in this process (see :func:`script_in_process`): no data but ``data_dir``'s,
    in a cache of the tests' parsed tables alone (:func:`benchmark_scripts.parsed_tables_only`)."""

    def run(script: str, *args: str, data_dir: Path | str | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess:
        env = {"NASLOOP_DATA": None if data_dir is None else str(data_dir),
               "XDG_CACHE_HOME": str(parsed_tables_only(tmp_path_factory.mktemp("script-cache")))}
        return script_in_process(REPO_ROOT / "benchmarks" / script, args, cwd=cwd, env=env)

    return run
