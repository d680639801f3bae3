"""The long malformed-input sweep: hundreds of generated bad inputs through the real ``nasloop``.

Every case of ``tests/malformed_inputs.py`` and ``tests/malformed_inputs_more.py`` for seeds
0..N-1 runs as its own ``nasloop`` process in a fresh folder, with a time limit. Each outcome is
one of: clean (non-zero exit, one or two lines on stderr, nothing touched outside the run
directory), traceback, silent (exit 0), unclear (no message, or a long one), touched (a file
outside the run directory, or a foreign store, was changed; or a hostile pickle's payload ran),
hang. The table at the end is the tally; cases that were not clean are listed with their stderr.

How to run
----------
    .venv/bin/python benchmarks/fuzz_cli.py --seeds 10          # about 1,090 cases, 20-30 minutes on 2 cores
    .venv/bin/python benchmarks/fuzz_cli.py --seeds 2 --jobs 2
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from malformed_inputs import Case, allowed_paths, generate, judge, snapshot  # noqa: E402
from malformed_inputs_more import generate_more  # noqa: E402
from nasloop.engine.cli_types import positive_float, positive_int
from nasloop.engine.config import SearchConfig
from script_args import ScriptParser, add_data_dir, check_search, run_main  # noqa: E402

KINDS = ("clean", "traceback", "silent", "unclear", "touched", "hang")


def nasloop(argv: list[str], cwd: Path, limit_s: float) -> tuple[int | None, str]:
    try:
        done = subprocess.run([sys.executable, "-m", "nasloop.engine.cli", *argv], cwd=cwd, capture_output=True,
                              text=True, timeout=limit_s)
    except subprocess.TimeoutExpired:
        return None, ""
    return done.returncode, done.stderr


def run_case(case: Case, root: Path, template: Path, limit_s: float) -> tuple[str, Case, str]:
    work = Path(tempfile.mkdtemp(dir=root))
    for name, content in case.files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(content)
    if case.prepare is not None:
        case.prepare(work, template)
    store_bytes = (work / case.store).read_bytes() if case.store else None
    before = snapshot(work, allowed_paths(case))
    code, stderr = nasloop(case.argv, work, limit_s)
    return judge(case, work, before, store_bytes, code, stderr), case, stderr


def main() -> None:
    parser = ScriptParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seeds", type=positive_int, default=10, help="rounds of every kind of case, seeds 0..N-1")
    parser.add_argument("--jobs", type=positive_int, default=2, help="cases run at once")
    parser.add_argument("--limit", type=positive_float, default=120.0, help="seconds before a case counts as a hang")
    add_data_dir(parser)
    args = parser.parse_args()
    if args.data_dir is None:
        parser.error("give --data-dir: the folder holding the NB201 table that the cases search")
    # every case runs in a fresh temporary folder: a relative --data-dir (or $NASLOOP_DATA) is read from here
    data_dir = str(Path(args.data_dir).expanduser().resolve())
    # a missing table is the CLI's own one line, naming the file and how to get it: the template run's failure
    # said it only inside 'could not make the template run', with exit status 1 (a crash's)
    check_search(SearchConfig(data_dir=data_dir, budget=5))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        template = root / "template"
        code, stderr = nasloop(["search", "--data-dir", data_dir, "--budget", "5", "--quiet", "--run-dir",
                                str(template)], root, args.limit)
        if code != 0:
            why = stderr.strip() or (f"no answer within --limit {args.limit:g} s" if code is None else f"exit {code}")
            sys.exit(f"fuzz_cli.py: could not make the template run: {why}")
        cases = [case for seed in range(args.seeds) for case in generate(seed, data_dir)
                 + generate_more(seed, data_dir)]
        with ThreadPoolExecutor(args.jobs) as pool:
            outcomes = list(pool.map(lambda c: run_case(c, root, template, args.limit), cases))
    tally = Counter(kind for kind, _, _ in outcomes)
    print(f"{len(cases)} malformed inputs ({args.seeds} seeds), {time.perf_counter() - started:.0f} s\n")
    print("| " + " | ".join(("cases",) + KINDS) + " |")
    print("|" + "---:|" * (len(KINDS) + 1))
    print("| " + " | ".join([str(len(cases))] + [str(tally[k]) for k in KINDS]) + " |")
    for kind, case, stderr in outcomes:
        if kind != "clean":
            print(f"\n{kind}: {case.name}: nasloop {' '.join(case.argv)}\n  {stderr.strip()[-600:]}")


if __name__ == "__main__":
    run_main(main)
