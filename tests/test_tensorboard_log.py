"""--tensorboard with several objectives: each objective's best, the Pareto front's size and its hypervolume."""
from __future__ import annotations

import math

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.objectives import parse_objectives
from nasloop.engine.search import resume, search
from nasloop.engine.tensorboard_log import TensorBoardLog
from nasloop.engine.types import Result
from nasloop.search_spaces.nb201.space import NB201Space
from nasloop.strategies.random_search import RandomSearch

OBJECTIVES = ["val_accuracy:max", "params_m:min"]
EventAccumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator",
                                       reason="pip install 'nasloop[tensorboard]'").EventAccumulator


def run(tmp_path, name, data_dir, **config):
    return search(SearchConfig(data_dir=str(data_dir), run_dir=str(tmp_path / name), **config))


def test_tensorboard_logs_the_fronts_hypervolume_and_each_objectives_best_across_a_resume(tmp_path, data_dir):
    """With several objectives the log held only the first objective's best: no hypervolume, no front."""
    logs = tmp_path / "tb"
    run(tmp_path, "run", data_dir, strategy="random", budget=15, seed=3, objectives=OBJECTIVES,
        reference_point=[60.0, 1.6], tensorboard=str(logs))
    summary = resume(tmp_path / "run", budget=30)
    scalars: dict[str, list[tuple[int, float]]] = {}
    for events_file in sorted(logs.iterdir()):  # one file per session: the resume appends its own
        events = EventAccumulator(str(events_file))
        events.Reload()
        for tag in events.Tags()["scalars"]:
            scalars.setdefault(tag, []).extend((e.step, e.value) for e in events.Scalars(tag))
    volume = [v for _, v in sorted(scalars["search/hypervolume"])]
    assert len(volume) == 30 and volume == sorted(volume) and volume[-1] > 0
    assert volume[-1] == pytest.approx(summary["hypervolume"], rel=1e-5)
    assert sorted(scalars["search/pareto_front_size"])[-1][1] == len(summary["pareto_front"])
    accuracy = [v for _, v in sorted(scalars["search/best_val_accuracy"])]
    params = [v for _, v in sorted(scalars["search/best_params_m"])]
    assert accuracy == sorted(accuracy) and params == sorted(params, reverse=True)
    assert "search/best_so_far" not in scalars


def test_tensorboard_counts_the_front_as_show_does_when_members_tie(tmp_path, data_dir):
    """Cells without a convolution have equal parameters and FLOPs: 'show' listed both such members of the front,
    and the log counted one, dropping a result that equalled a member."""
    logs = tmp_path / "tb"
    summary = run(tmp_path, "run", data_dir, strategy="random", budget=40, seed=0,
                  objectives=["params_m:min", "flops_m:min"], tensorboard=str(logs))
    front = [tuple(m["metrics"].values()) for m in summary["pareto_front"]]
    assert len(front) == 2 and front[0] == front[1]  # the tie this test is about
    (events_file,) = logs.iterdir()
    events = EventAccumulator(str(events_file))
    events.Reload()
    assert events.Scalars("search/pareto_front_size")[-1].value == len(front)


def test_a_hypervolume_that_overflows_is_not_logged_as_infinite(tmp_path):
    """``show`` says a volume against --reference-point -1e300,1e300 overflows a float; the log wrote inf."""
    space = NB201Space()
    log = TensorBoardLog(tmp_path, RandomSearch(space), parse_objectives(OBJECTIVES), [-1e300, 1e300])
    log(1, Result({"val_accuracy": 90.0, "params_m": 1.0}), None)
    assert math.isinf(log.front.hypervolume)
    log.close()
    (events_file,) = tmp_path.iterdir()
    events = EventAccumulator(str(events_file))
    events.Reload()
    assert "search/hypervolume" not in events.Tags()["scalars"]
    assert [e.value for e in events.Scalars("search/pareto_front_size")] == [1]
