"""Generated malformed inputs through the real CLI, in-process: every one is refused cleanly.

For each case of :mod:`malformed_inputs` (seed 0: a round of every kind) the command must exit
non-zero with one or two lines on stderr, no traceback, within the time limit, touching no file
outside the case's run directory, and leaving a damaged or foreign store byte for byte as it was.
``benchmarks/fuzz_cli.py`` runs many more seeds in subprocesses and prints the tally.
"""
from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from malformed_inputs import Case, allowed_paths, generate, judge, snapshot  # noqa: E402

from nasloop.engine.cli import main  # noqa: E402

LIMIT_S = 60
DATA_DIR = os.environ.get("NASLOOP_DATA") or str(Path(__file__).resolve().parents[1].parent / "shared" / "data")
CASES = generate(0, DATA_DIR)


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory, data_dir) -> Path:
    """A real, finished search whose store the store cases copy and damage."""
    run = tmp_path_factory.mktemp("template") / "run"
    assert main(["search", "--data-dir", str(data_dir), "--budget", "5", "--quiet", "--run-dir", str(run)]) == 0
    return run


class _Hang(Exception):
    pass


def _run_in(work: Path, argv: list[str]) -> tuple[int | None, str]:
    """Run ``nasloop ARGV`` in ``work``; (exit code or None on a hang, stderr)."""
    err = io.StringIO()

    def hang(*_):
        raise _Hang

    previous_dir, previous_handler = os.getcwd(), signal.signal(signal.SIGALRM, hang)
    os.chdir(work)
    signal.alarm(LIMIT_S)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else 2
    except _Hang:
        code = None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous_handler)
        os.chdir(previous_dir)
    return code, err.getvalue()


def lay_out(case: Case, work: Path, template: Path) -> bytes | None:
    for name, content in case.files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(content)
    if case.prepare is not None:
        case.prepare(work, template)
    return (work / case.store).read_bytes() if case.store else None


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_malformed_input_is_refused_in_one_line(case: Case, tmp_path: Path, finished_run: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    store_bytes = lay_out(case, work, finished_run)
    before = snapshot(work, allowed_paths(case))
    code, stderr = _run_in(work, case.argv)
    verdict = judge(case, work, before, store_bytes, code, stderr)
    assert verdict == "clean", f"{verdict}: exit {code}, stderr: {stderr[-2000:]}"


def test_the_cases_cover_every_kind_of_input() -> None:
    commands = {c.argv[0] for c in CASES}
    assert {"search", "show", "export", "data", "proxies", "train"} <= commands
    assert len(CASES) >= 40 and len({c.name for c in CASES}) == len(CASES)


def test_an_infinite_share_of_gpus_is_named_as_not_finite(capsys) -> None:
    """It read 'must be a number >= 0, got inf', which inf is."""
    with pytest.raises(SystemExit):
        main(["search", "--executor", "ray", "--gpus-per-trial", "inf"])
    assert "argument --gpus-per-trial: must be a finite number >= 0, got inf" in capsys.readouterr().err


def test_two_settings_in_one_option_flag_are_told_to_repeat_it(capsys) -> None:
    """'--space-opt channels=16 layers=8' (as the README once wrote) read only 'unrecognized arguments: layers=8'."""
    with pytest.raises(SystemExit):
        main(["search", "--space", "darts", "--space-opt", "channels=16", "layers=8"])
    assert "unrecognized arguments: layers=8; each --...-opt flag takes one KEY=VALUE: repeat the flag for each" \
        in capsys.readouterr().err
