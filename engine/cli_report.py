"""``nasloop report``: a run's, a search study's or a predictor study's report, written from what they stored."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import ConfigError, DataError, printable
from .run_folders import PREDICTOR_STUDY_FILE, STUDY_FILE
from .run_lock import is_being_searched
from .run_missing import file_given
from .store import DB_NAME
from .study_file import load_study
from .study_plugins import load_study_plugins
from .study_target import study_target


def _refuse_foreign_folder(out: Path, reported: Path) -> None:
    """A report's --out that is another run's or study's folder: the report went in beside that one's files (over
    its own report.md), and read as that folder's report."""
    if out.resolve() == reported.resolve():
        return
    marks = ((DB_NAME, "a search run"), (STUDY_FILE, "a 'nasloop compare' study"),
             (PREDICTOR_STUDY_FILE, "a predictor study"))
    what = next((what for name, what in marks if (out / name).is_file()), None)
    if what is not None:
        raise ConfigError(f"--out {out} is the folder of {what}, not of {reported}; choose another folder for the "
                          "report, or leave --out out to write it inside PATH")


def cmd_report(args: argparse.Namespace) -> None:
    from .report import write_study_report
    from .run_report import write_run_report
    from .study_results import collect

    from .predictor_study import read_grid, read_records, unmeasured
    from .predictor_grid import ranked_fidelity, refuse_unchecked

    if args.path.is_file():
        raise file_given(args.path, "a run or study folder (a search's --run-dir, or 'nasloop compare --out')")
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        raise ConfigError(f"--out {args.out} is a file; choose a folder for the report")
    if args.out is not None:
        _refuse_foreign_folder(args.out, args.path)
    given = next((flag for flag, value in (("--target", args.target), ("--interval", args.interval))
                  if value is not None), None)
    if given is not None and args.path.is_dir() and not (args.path / STUDY_FILE).exists():  # read, then dropped
        what = "a predictor study" if (args.path / PREDICTOR_STUDY_FILE).exists() else "not a search study"
        raise ConfigError(f"{given} is read for a search study (from 'nasloop compare --methods'), and {args.path} "
                          f"is {what}; drop {given}")
    if args.data_dir is not None and args.path.is_dir() and not (args.path / PREDICTOR_STUDY_FILE).exists():
        raise ConfigError(f"--data-dir is read for a predictor study (from 'nasloop compare --predictors'), and "
                          f"{args.path} is not one (a search study or run reads the folder its runs recorded); drop "
                          "--data-dir")
    if (args.path / PREDICTOR_STUDY_FILE).exists():
        from .predictor_report import write_predictor_report

        grid = read_grid(args.path, args.data_dir)
        ranked = ranked_fidelity(grid, grid, args.data_dir)  # of a study from before it recorded it: the table's
        refuse_unchecked(args.path, grid, ranked)
        records = read_records(args.path, {**grid, **ranked})
        missing = unmeasured(grid, records, running=is_being_searched(args.path))
        written = write_predictor_report(args.out or args.path, records, grid, args.command_line,
                                         [missing] if missing else [])
        if missing:  # in the report; said here too, as a search study's runs left out are
            print(f"nasloop report: note: {printable(missing)}", file=sys.stderr)
    elif (args.path / STUDY_FILE).exists():
        study = load_study(args.path)
        load_study_plugins(study)
        recorded = study.report  # as the last compare reported it, unless a flag says otherwise for this report
        target = args.target if args.target is not None else recorded.get("target")
        results = collect(study, study_target(target, study.base), args.interval or recorded.get("interval", "t"))
        written = write_study_report(results, args.out or args.path, args.command_line)
        if results.problems:  # listed in the report; said here too, or an exit 0 hides them
            count = len(results.problems)
            print(f"nasloop report: note: {count} run{'s' * (count != 1)} left out of the report (missing, "
                  "unfinished, failed, damaged, another method's or of another grid): see its 'Runs left out'",
                  file=sys.stderr)
    elif not args.path.exists():  # 'no nasloop run ... start a new search' for a mistyped study folder
        raise DataError(f"no study or run at {args.path} (no such folder); give the folder of a 'nasloop compare' "
                        "study or of a run")
    else:
        written = write_run_report(args.path, args.out or args.path / "report", args.command_line)
    print(written[1])
