"""What a study is: the grid every run of a study folder shares, its methods and seeds, and where each run lives.

The folder's record of it is read by :mod:`.study_file`, opened and continued by :mod:`.study`, and its runs done by
:mod:`.study_run`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

from .assemble import reads_dataset
from .config import SearchConfig
from .objectives import directed
from .option_bounds import METHOD_KINDS
from .plugin_trust import signature_meta
from .study_methods import Method, MethodSource, run_folder

STUDY_VERSION = 1
GRID_FIELDS = ("space", "dataset", "evaluator", "budget", "max_seconds", "fidelity", "objective", "minimize",
               "objectives", "reference_point", "dedup", "space_options", "evaluator_options")
"""What every run of a study shares; a study folder made with other values is another study."""


@dataclass
class Study:
    """The grid of a study folder: what every run shares, the methods and the seeds."""

    folder: Path
    base: SearchConfig
    methods: list[Method]
    seeds: list[int]
    pretrained_files: dict[str, str] = field(default_factory=dict)
    """The sha256 of every file a method's ``pretrained`` option names (see :func:`pretrained_digests`)."""
    folders: dict[str, str] = field(default_factory=dict)
    """Each method's run folder under ``runs/`` by label, as recorded: one made by an older rule stays where it is."""
    report: dict[str, Any] = field(default_factory=dict)
    """How the last ``compare`` reported the study (``target``: None for the table's best; ``interval``), so a
    later ``nasloop report`` writes the same report; not part of the grid, since no run computes it."""
    plugins_signature: str | None = None
    """The signature of its plugin list as recorded: a report imports them unasked only where this user's secret
    verifies it (see .plugin_trust)."""
    sources: dict[str, MethodSource] = field(default_factory=dict)
    """Where the user last wrote each method, by label, which its runs' fixes name; none for an older study's."""
    continued: set[str] = field(default_factory=set)
    """The methods the folder stored with the options they still have, by label: their new seeds read those options
    as a stored run's (:func:`.option_bounds.stored_options`), so a study begun past a bound added since goes on."""
    grid_stored: bool = False
    """Whether the folder stored this grid (a study continued): a new method's runs read its evaluator and space
    options as stored ones, which ran in the study's other runs, and only the method's own as a new run's."""

    def new_kinds(self, method: Method) -> tuple[str, ...] | None:
        """The kinds of plugin whose options a run of ``method`` reads as a new run's, within options read as a
        stored run's (:func:`.option_bounds.stored_options`): none for a method the folder stored, the method's own
        in a stored grid; None where every option is a new run's (a new study)."""
        if method.label in self.continued:
            return ()
        return METHOD_KINDS if self.grid_stored else None

    def config(self, method: Method, seed: int, workdir: str | None = None) -> SearchConfig:
        """The run of ``method`` and ``seed``, on the study's dataset where the method reads it: a study of random
        search and a proxy-guided method on a user's network space reads CIFAR-10 for the guided runs only, since a
        random run that named it would be refused as naming a dataset nothing reads. ``workdir``, where given, is
        set in the same step: set after, it checked every field of every run a second time (planning 10,000 seeds
        took 2.7 s)."""
        reads = reads_dataset(self.base.space, self.base.evaluator, [method.guide])
        return self.base.replace(strategy=method.strategy, predictor=method.predictor,
                                 dataset=self.base.dataset if reads else None,
                                 objectives=directed(self.base.objectives),  # an older study's bare names: :max
                                 strategy_options=dict(method.strategy_options),
                                 predictor_options=dict(method.predictor_options), seed=seed,
                                 run_dir=str(self.run_dir(method, seed)),
                                 **({} if workdir is None else {"workdir": workdir}))

    def run_dir(self, method: Method, seed: int) -> Path:
        return self.folder / "runs" / run_folder(method, self.folders) / f"seed-{seed}"

    def runs(self) -> Iterator[tuple[Method, int]]:
        for method in self.methods:
            for seed in self.seeds:
                yield method, seed

    def grid(self) -> dict[str, Any]:
        return {name: getattr(self.base, name) for name in GRID_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        return {"version": STUDY_VERSION, "grid": self.grid(), "data_dir": self.base.data_dir,
                "executor": self.base.executor, "executor_options": self.base.executor_options,
                "plugins": self.base.plugins, "methods": [asdict(m) for m in self.methods], "seeds": self.seeds,
                "pretrained_files": self.pretrained_files, "report": self.report,
                "folders": {m.label: run_folder(m, self.folders) for m in self.methods},
                "sources": {label: asdict(source) for label, source in self.sources.items()},
                **signature_meta({"plugins": self.base.plugins})}
