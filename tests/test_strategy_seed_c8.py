"""A user's strategy whose constructor takes no seed is refused before any evaluation: its generator drew as seed 0's
whatever --seed said, so 'seed 1' and 'seed 2' proposed the same architectures, and a study's seeds were one run
repeated, its intervals and tests computed over copies."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import NasloopError
from nasloop.engine.registry import register_strategy
from nasloop.engine.run_parts import build_parts
from nasloop.engine.store import RunStore
from nasloop.strategies.base import Strategy


class Unseeded(Strategy):
    """Random draws from the base class's generator, its constructor taking no seed."""

    def __init__(self, space) -> None:
        super().__init__(space)

    def ask(self, n):
        return [self.space.sample(self.rng) for _ in range(n)]

    def tell(self, observations):
        pass


class Seeded(Unseeded):
    """The same, its seed passed on."""

    def __init__(self, space, seed: int = 0) -> None:
        Strategy.__init__(self, space, seed)


FIX = "add seed: int = 0 to its __init__ and pass it on: super().__init__(space, seed)"


def test_a_search_refuses_a_strategy_that_takes_no_seed(tmp_path, data_dir, capsys):
    register_strategy("c8-unseeded")(Unseeded)
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--strategy", "c8-unseeded", "--seed", "1", "--budget", "4",
                 "--data-dir", str(data_dir), "--run-dir", str(run)]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error == ("nasloop search: error: strategy 'c8-unseeded' takes no seed, so every --seed would draw as "
                     f"seed 0 does (a study's seeds the same run again); {FIX}")
    assert not run.exists()


def test_a_study_refuses_it_before_its_folder_is_made(tmp_path, data_dir, capsys):
    register_strategy("c8-unseeded")(Unseeded)
    study = tmp_path / "study"
    assert main(["compare", "--space", "nb201", "--methods", "c8-unseeded,random", "--seeds", "2", "--budget", "4",
                 "--data-dir", str(data_dir), "--out", str(study)]) == 2
    assert FIX in capsys.readouterr().err and not study.exists()


def test_a_strategy_taking_its_seed_draws_apart_by_seed(tmp_path, data_dir):
    register_strategy("c8-seeded")(Seeded)
    drawn = []
    for seed in (1, 2):
        run = tmp_path / f"seed-{seed}"
        assert main(["search", "--space", "nb201", "--strategy", "c8-seeded", "--seed", str(seed), "--budget", "4",
                     "--data-dir", str(data_dir), "--run-dir", str(run), "--quiet"]) == 0
        with RunStore.in_run_dir(run, readonly=True) as store:
            drawn.append([trial.arch for trial in store.evaluations()])
    assert len(drawn[0]) == len(drawn[1]) == 4 and drawn[0] != drawn[1]


def test_the_listing_of_what_works_leaves_it_out(capsys):
    register_strategy("c8-unseeded")(Unseeded)
    register_strategy("c8-seeded")(Seeded)
    assert main(["spaces", "nb201"]) == 0
    line = next(text for text in capsys.readouterr().out.splitlines() if text.strip().startswith("strategies:"))
    assert "c8-seeded" in line and "c8-unseeded" not in line


# A run begun with such a strategy before it was refused resumes as it began (the brief keeps every interrupted
# search resumable); only a new run, whose --seed it would ignore, is refused.
def test_a_resumed_run_builds_its_unseeded_strategy_and_a_new_one_is_refused(data_dir):
    register_strategy("unseeded-resume")(Unseeded)
    config = SearchConfig(space="nb201", strategy="unseeded-resume", budget=4, data_dir=str(data_dir))
    _, strategy, _ = build_parts(config, resumed=True)
    assert isinstance(strategy, Unseeded) and len(strategy.ask(2)) == 2
    with pytest.raises(NasloopError, match="takes no seed"):
        build_parts(config)
