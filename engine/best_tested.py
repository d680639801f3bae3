"""``nasloop test RUN --top K``: the test accuracy of a training search's best architectures alone.

``--evaluator-opt test=false`` keeps the test split out of a search (no trial measures it, so nothing the search
chose could have read it), which left no way to then measure the chosen architectures' test accuracy but training
each again by hand (``nasloop train --arch ...`` with every option of the run). This measures it for the K best by
the run's objective only, on the very networks the search measured: each trial's last checkpoint in the run's
folder holds its trained weights, so the network is loaded and evaluated, not trained again (one whose checkpoint
is gone is trained again with the run's options and seed, which trains the same network on the same device and
thread count). Its validation accuracy is measured again beside the test one: equal to the stored value, it shows
the same network was tested. Each result is written to ``tested.json`` in the run's folder as it completes, so an
interrupted command continues where it stopped and a later one reads what is there.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Callable

from .config import SearchConfig
from .errors import ConfigError, DataError
from .option_bounds import stored_options
from .pareto_summary import rank_key
from .replaced_files import write_text_replacing
from .run_lock import is_being_searched
from .store import RunStore
from .store_rows import Trial

TESTED_FILE = "tested.json"
TRAIN_EVALUATOR = "train"


def best_trials(trials: list[Trial], top: int) -> list[Trial]:
    """The ``top`` best successful trials by score (higher is better), one per architecture, the earliest of equals
    first: the architectures the run returns, in order (ranked as :func:`.search.summarize` picks its best, of one
    objective: a run of several is refused before this)."""
    ranked = sorted((t for t in trials if t.score is not None and math.isfinite(t.score)),
                    key=lambda t: rank_key(t, ()), reverse=True)
    chosen: dict[str, Trial] = {}
    for trial in ranked:
        chosen.setdefault(trial.arch, trial)
    return list(chosen.values())[:top]


def _refusal(config: SearchConfig, run_dir: Path) -> str | None:
    """Why the run's best cannot be tested here, with what to do instead; None where they can."""
    options = config.evaluator_options
    if config.evaluator != TRAIN_EVALUATOR:
        return (f"{run_dir} was searched with --evaluator {config.evaluator}, not train: its results hold what that "
                f"evaluator measures ('nasloop show {run_dir}'); nasloop test measures a training search's best "
                "networks on the test split")
    if config.num_objectives > 1:
        return (f"{run_dir} searched several objectives ({', '.join(config.objectives or [])}): it returns a front, "
                "not a ranking; test a front member with 'nasloop train --arch ...' and the run's options")
    if options.get("test", True):
        return (f"{run_dir}'s trials measured test_accuracy already (it was searched without --evaluator-opt "
                f"test=false): read it with 'nasloop show {run_dir}' or 'nasloop export {run_dir} FILE'")
    if options.get("replicates", 1) != 1:
        return (f"{run_dir} averaged replicates={options['replicates']} networks per architecture; nasloop test "
                "measures one network: train each draw with 'nasloop train --arch ...'")
    return None


def _read_tested(path: Path) -> dict[str, dict[str, Any]]:
    """The results a former ``nasloop test`` of the run wrote, by architecture and epochs."""
    if not path.is_file():
        return {}
    try:
        return {_key(r["arch"], r["epochs"]): r for r in json.loads(path.read_text(encoding="utf-8"))["tested"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{path} is damaged ({type(exc).__name__}: {exc}); delete it to measure its architectures "
                        "again") from None


def _key(arch: str, epochs: int) -> str:
    return f"{arch} e{epochs}"


def measure_best(run_dir: str | Path, top: int = 1, data_dir: str | None = None, device: str | None = None,
              on_tested: Callable[[dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    """Measure the test accuracy of the ``top`` best architectures of the training search in ``run_dir`` (searched
    with ``test=false``), best first, each written to its ``tested.json`` as it completes and passed to
    ``on_tested``; ``data_dir`` and ``device`` where not the run's own. One already there is read, not measured."""
    run = Path(run_dir)
    if is_being_searched(run):
        raise ConfigError(f"{run} is being searched now; test its best once the search ends")
    with RunStore.in_run_dir(run, readonly=True) as store:
        config = SearchConfig.from_stored(store.get_meta("config") or {}, source="the run's stored configuration")
        trials = store.evaluations()
    if why := _refusal(config, run):
        raise ConfigError(why)
    chosen = best_trials(trials, top)
    if not chosen:
        raise ConfigError(f"no evaluation of {run} succeeded: it has no best architecture to test")
    path = run / TESTED_FILE
    tested = _read_tested(path)
    objective = config.objective or "val_accuracy"
    records = []
    for rank, trial in enumerate(chosen, 1):
        epochs = trial.fidelity or int(config.evaluator_options.get("epochs", 12))
        record = tested.get(_key(trial.arch, epochs))
        if record is None:
            record = {"trial": trial.id, "arch": trial.arch, "epochs": epochs, "objective": objective,
                      "searched": (trial.result.metrics if trial.result else {}).get(objective),
                      **_measure(config, trial.arch, epochs, run, data_dir, device)}
            tested[_key(trial.arch, epochs)] = record
            write_text_replacing(path, json.dumps({"tested": list(tested.values())}, indent=1) + "\n")
        records.append({"rank": rank, **record})
        if on_tested is not None:
            on_tested(records[-1])
    return records


def _measure(config: SearchConfig, arch: str, epochs: int, run: Path, data_dir: str | None,
             device: str | None) -> dict[str, Any]:
    """The network the run trained for ``arch``, loaded from its checkpoint in ``run`` (or trained again where it
    is gone), measured on the validation and the test split."""
    from .train_one import train_architecture

    options = {**config.space_options, **config.evaluator_options, "test": True}
    options.pop("epochs", None)
    chosen_device = device or options.pop("device", "auto")
    options.pop("device", None)
    given = data_dir or (config.data_dir and config.path(config.data_dir))  # read from where the search started
    with stored_options():  # the run's options, read as its resume reads them: past a bound added since, said so
        measured = train_architecture(config.space, arch, dataset=config.dataset or "cifar10", epochs=epochs,
                                      data_dir=given, device=chosen_device, run_dir=run,
                                      workdir=config.workdir, **options)  # image_dir=DIR read as the search read it
    return {"val_accuracy": measured["val_accuracy"], "test_accuracy": measured["test_accuracy"],
            "from_checkpoint": measured["start_epoch"] == epochs, "device": measured["device"]}
