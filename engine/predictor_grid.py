"""What a predictor study's grid file (``predictor_study.json``) holds beside the command's grid, and its checks.

A grid of ``fidelity: null`` ranks the table's highest fidelity for the task. Its records were checked against the
fidelity of the first record naming one, so a records file made of another fidelity's rows (merged in from a
``--fidelity 12`` study) was counted as the study's fits. The study now records what it ranks, as
``ranked_fidelity``, beside the grid (not in it: the next command's grid, fidelity null, is the same study), and a
report reads it there, needing no table. A study from before it was recorded is checked against the table, which a
report is then given (``--data-dir``) or refuses: it took the first record's fidelity, silently.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Sequence

from .config import construct
from .errors import ConfigError, DataError, NasloopError, first_few
from .options import check_value
from .predictor_evaluation import ranked_metric
from .registry import BENCHMARKS, SEARCH_SPACES
from .run_missing import PREDICTOR_STUDY_FILE
from .store_rows import RESOLVED_KEY, resolved_record

RANKED = "ranked_fidelity"
DATA_DIR_KEY, DIGEST_KEY = "data_dir", "table_digest"
"""The data a study ranks, kept beside the grid (see :mod:`.predictor_data`)."""


def benchmark_task(grid: dict[str, Any]) -> tuple[str | None, Any, Any]:
    """(benchmark name, class, task) of the grid's space and dataset; None for what is not registered now."""
    space = grid["space"]
    name = SEARCH_SPACES.get(space).benchmark if space in SEARCH_SPACES.names_at_hand() else None
    benchmark = BENCHMARKS.get(name) if name is not None else None
    return name, benchmark, benchmark.find_task(grid["dataset"]) if benchmark is not None else None


def _held(grid: dict[str, Any], data_dir: str | None) -> list[int] | None:
    """The fidelities the table holds for the grid's task, ascending (none for a table of final results), as
    :meth:`.Benchmark.check` finds them; None where the table (or the space) is not at hand."""
    name, benchmark, task = benchmark_task(grid)
    if task is None:
        return None
    try:
        table = construct("benchmark", name, benchmark, data_dir=data_dir)
        table.check(task.name)
        return [] if benchmark.final_only else list(table.fidelities(task.name))
    except NasloopError:
        return None


def ranked_fidelity(grid: dict[str, Any], stored: dict[str, Any] | None, data_dir: str | None) -> dict[str, Any]:
    """``{RANKED: F}``: the fidelity a study of ``grid`` naming none ranks; ``stored``'s (the study's grid file,
    when it continues one) where it recorded it, else the table's highest for the task, as
    :meth:`.Benchmark.check` resolves a fidelity of None (None for a table of final results). Empty where the grid
    names its fidelity, or the table is not at hand: the fits, which need it, then say why in their own words, and
    a report refuses (:func:`refuse_unchecked`)."""
    if grid.get("fidelity") is not None:
        return {}
    if stored is not None and RANKED in stored:
        return {RANKED: stored[RANKED]}
    held = _held(grid, data_dir)
    return {} if held is None else {RANKED: max(held) if held else None}


def refuse_unchecked(folder: Path, grid: dict[str, Any], ranked: dict[str, Any]) -> None:
    """One line for a study from before it recorded its ranked fidelity, reported where the table that says it is
    not at hand: the first record naming a fidelity was taken as the study's, so a records file wholly of a
    ``--fidelity 12`` study's rows was reported as this one's."""
    if grid.get("fidelity") is not None or RANKED in grid or ranked:
        return
    name, benchmark, _ = benchmark_task(grid)
    if benchmark is not None and benchmark.final_only:  # its records name no fidelity to check
        return
    study = (f"{folder / PREDICTOR_STUDY_FILE} is from before predictor studies recorded the fidelity they rank "
             f"({RANKED}), so its records' fidelity is checked against")
    if benchmark is None:
        raise ConfigError(f"{study} its space's table, and space {grid['space']!r} is not registered now; give the "
                          "plugin registering it (nasloop --plugin FILE report ...)")
    raise DataError(f"{study} the {name} table, which is not found; give --data-dir, the folder holding it (or set "
                    "NASLOOP_DATA), so its fidelity can be checked")


def check_recorded(grid: dict[str, Any]) -> None:
    """A ValueError naming the first value of the grid file that no study records, in the words ``load_study``
    refuses ``study.json``'s: options of NaN were read as a grid of other options than the next command's (or
    reached a report unseen), pretrained files of NaN failed in Python's words, and a ranked fidelity of NaN refused
    every record as not of it."""
    _check_requests(grid.get("requests") or [])
    _check_ranking(grid.get("metric"), grid.get("fidelity"))
    for key in ("space_options", "predictor_options"):
        try:
            check_value(key, grid.get(key, {}), dict[str, Any])
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
    plugins = grid.get("plugins", [])  # a hand-edited list, which a continuation would otherwise import
    if not isinstance(plugins, list) or not all(isinstance(plugin, str) for plugin in plugins):
        raise ValueError(f"its plugins are {plugins!r:.80}, not a list of plugin files or modules")
    files = grid.get("pretrained_files")
    if files is not None and not isinstance(files, dict):
        raise ValueError(f"its pretrained files are {files!r}, not a mapping")
    if not resolved_record(grid.get(RESOLVED_KEY, {})):  # given back to the predictors: the fits failed on it
        raise ValueError(f"its {RESOLVED_KEY} are {grid[RESOLVED_KEY]!r:.80}, not plugin kind -> name -> options")
    for key in (DATA_DIR_KEY, DIGEST_KEY):  # the folder the advice names; what the data found now is checked against
        if grid.get(key) is not None and not isinstance(grid[key], str):
            raise ValueError(f"its {key} is {grid[key]!r:.80}, not a text or null")
    value = grid.get(RANKED)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(f"its {RANKED} is {value!r}, not a whole number of epochs or null")
    name, benchmark, _ = benchmark_task(grid)
    if RANKED in grid and grid.get("fidelity") is None and benchmark is not None and (
            value is None) != benchmark.final_only:  # a null refused every record as 'at no fidelity'
        raise ValueError(f"its {RANKED} is {value}, not null (the {name} table holds final results only)"
                         if value is not None else f"its {RANKED} is null, not a whole number of epochs (null ranks "
                         f"a table of final results, and the {name} table holds results by epochs)")


def _check_requests(requests: Any) -> None:
    """Each recorded request lists predictor names, train sizes and seeds (:func:`.predictor_study.unmeasured` reads
    them, and a continuing command measures their seeds: :func:`asked_seeds`), each a whole number as a command
    writes it (a train size from 1, a seed from 0 to 2**63 - 1, each once), in the words ``load_study`` refuses a
    search study's: a seed of true or -1 was read as one to measure, and one listed twice counted twice."""
    if not isinstance(requests, list):
        raise ValueError(f"its requests are {requests!r}, not a list")
    for request in requests:
        if not (isinstance(request, dict) and all(isinstance(request.get(key), list) for key in (
                "predictors", "train_sizes", "seeds")) and all(isinstance(v, str) for v in request["predictors"])
                and all(isinstance(v, int) for key in ("train_sizes", "seeds") for v in request[key])):
            raise ValueError(f"a request {request!r:.200} does not list predictors, train sizes and seeds")
        odd = next((s for s in request["seeds"] if isinstance(s, bool) or not 0 <= s < 2**63), None)
        if odd is not None:
            raise ValueError(f"a request's seeds include {odd!r}, not a whole number from 0 to 2**63 - 1")
        odd = next((n for n in request["train_sizes"] if isinstance(n, bool) or n < 1), None)
        if odd is not None:
            raise ValueError(f"a request's train sizes include {odd!r}, not a whole number from 1")
        repeated = sorted(seed for seed, count in Counter(request["seeds"]).items() if count > 1)
        if repeated:  # counted once each: a list of 20,000 seeds
            raise ValueError(f"a request lists the seed {repeated[0]} more than once")


def asked_seeds(requests: list[dict[str, Any]], predictors: Sequence[str], train_sizes: Sequence[int],
                seeds: Sequence[int]) -> list[int]:
    """The seeds a command measures: its own, and every seed a stored request of the same predictors and train sizes
    asked for, so that a study keeps every stored seed under a smaller ``--seeds``, as a search study does. A study
    an older nasloop began with more seeds than ``--seeds`` now takes (10,000) was told that 'the same command'
    measured the rest, which is refused."""
    same = [request for request in requests
            if set(request["predictors"]) == set(predictors) and set(request["train_sizes"]) == set(train_sizes)]
    return sorted({*(int(s) for s in seeds), *(s for r in same for s in r["seeds"])})


def _check_ranking(metric: Any, fidelity: Any) -> None:
    """The grid's metric and fidelity are what ``--metric`` and ``--fidelity`` record: a NaN fidelity or a metric of
    5 was read as the study's, and every record refused as not of it."""
    if metric is not None:
        try:
            valid = isinstance(metric, str) and bool(ranked_metric(metric, "", False))
        except ConfigError:
            valid = False
        if not valid:
            raise ValueError(f"its metric is {metric!r}, not one metric's name or null")
    if fidelity is not None and (isinstance(fidelity, bool) or not isinstance(fidelity, int) or fidelity < 1):
        raise ValueError(f"its fidelity is {fidelity!r}, not a whole number of epochs or null")


def check_held(grid: dict[str, Any], data_dir: str | None) -> None:
    """A ValueError naming a recorded ranked fidelity the table at hand does not hold for the task (13 on NB201,
    which has 12 and 200): every record was refused as not of it. Unchecked where the table is not at hand."""
    value = grid.get(RANKED)
    if grid.get("fidelity") is not None or value is None:
        return
    held = _held(grid, data_dir)
    if held is not None and value not in held:
        name, _, task = benchmark_task(grid)
        raise ValueError(f"its {RANKED} is {value}, a fidelity the {name} table does not hold for {task.name} (it "
                         f"holds {first_few([str(f) for f in held], 6) or 'final results only'})")
