"""Walking the README's NAGO and several-objectives section as a user: what a careful run found."""
from __future__ import annotations

import pytest

from nasloop.engine.errors import ArchitectureError
from nasloop.search_spaces.nago.space import NAGOSpace

CORNER = "g1=10,4,0.1;g2=10,1;g3=10,4,0.1"
"""A corner of the box as large as the space's LARGEST: its draw 0 has 13,318 parameters at width 1, more than
LARGEST's 13,218 that the space names as the smallest param_limit it takes."""
SMALL = "g1=3,2,0.5;g2=3,0.5;g3=3,2,0.5"


def _corner_first_strategy() -> str:
    """A strategy proposing CORNER, then SMALL, as bo does when its acquisition heads for the box's corner."""
    from nasloop.engine.registry import STRATEGIES, register_strategy
    from nasloop.strategies.random_search import RandomSearch

    name = "walk-e-corner-first"
    if name not in STRATEGIES:
        @register_strategy(name)
        class CornerFirst(RandomSearch):
            asked = 0

            def ask(self, n: int) -> list:
                points = [self.space.parse(CORNER if self.asked + i == 0 else SMALL) for i in range(n)]
                self.asked += n
                return points
    return name


def test_a_draw_over_the_limit_fails_its_trial_and_the_search_goes_on(tmp_path, data_dir) -> None:
    """At the space's own minimum, param_limit=13218, that corner's network raised a ConfigError, which stops a
    search (as for a wrong setting every trial would hit), so a bo run ended the first time it went there; it is
    this architecture's own failure: its trial fails, naming the generator and the limit, and the search goes on."""
    from nasloop.engine.config import SearchConfig
    from nasloop.engine.search import search
    from nasloop.engine.store import RunStore

    space = NAGOSpace(param_limit=13218)  # accepted: the space's own minimum
    with pytest.raises(ArchitectureError, match=r"^the smallest network of NAGO generator g1=10,4,0\.1;.*13,318"):
        space.network_facts(space.parse(CORNER))
    summary = search(SearchConfig(space="nago", space_options={"param_limit": 13218}, evaluator="proxy",
                                  evaluator_options={"proxies": ["params"]}, strategy=_corner_first_strategy(),
                                  budget=2, data_dir=str(data_dir), run_dir=str(tmp_path / "run")))
    assert summary["best"]["arch"] == SMALL
    with RunStore.in_run_dir(tmp_path / "run") as store:
        trials = store.evaluations()
    assert [t.result.status for t in trials] == ["failed", "ok"]
    assert "param_limit" in trials[0].result.reason and CORNER in trials[0].result.reason


def test_an_acquisition_restart_prints_nothing() -> None:
    """botorch tells of an acquisition optimiser restart with a RuntimeWarning, not an OptimizationWarning: the
    README's first NAGO command (param_limit=1e5, synflow, bo, seed 0) printed a four-line 'Optimization failed in
    `gen_candidates_scipy` ... Trying again with a new set of initial conditions.' at its 37th evaluation,
    which nasloop means to keep out of a search's output, and under warnings-as-errors the ask crashed. The
    state is that run's after 36 evaluations."""
    import json
    from pathlib import Path

    from nasloop.strategies.bo import BayesianOptimisation

    space = NAGOSpace(param_limit=1e5)
    bo = BayesianOptimisation(space, seed=0)
    bo.load_state_dict(json.loads((Path(__file__).parent / "data" / "nago_bo_restart_state.json").read_text()))
    [point] = bo.ask(1)  # the test run turns warnings into errors: a leaked notice fails here
    assert space.format(point) not in {text for text, *_ in bo.state_dict()["observed"]}
