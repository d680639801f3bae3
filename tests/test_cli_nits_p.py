"""Small user-facing defects: a run's wall time stored only when its session ended ('show' said 0.00 s while it
ran, a kill -9 lost the session's) and changed by a resume with nothing to do; 'nasloop predictors flan' refused as
argparse's "invalid choice" where 'nasloop strategies evolution' describes the plugin; --max-seconds' overshoot
unsaid in its --help."""
from __future__ import annotations

import sqlite3

import pytest

import nasloop
from nasloop.engine.cli import main
from nasloop.engine.cli_parser import build_parser
from nasloop.engine.config import SearchConfig
from nasloop.engine.loop import Budget, SearchLoop
from nasloop.engine.search import build_plugins
from nasloop.engine.store import DB_NAME, RunStore
from nasloop.engine.wall_clock import wall_clock


def _wall(run_dir) -> float | None:
    """The wall time a reader ('nasloop show') sees now: committed writes only."""
    with RunStore.in_run_dir(run_dir, readonly=True) as store:
        return store.get_meta("wall_seconds")


@pytest.mark.usefixtures("one_torch_thread")
def test_a_running_search_stores_its_wall_time_as_it_goes(tmp_path, data_dir):
    run = tmp_path / "run"
    seen: list[float | None] = []
    nasloop.search(SearchConfig(space="nb201", strategy="random", evaluator="proxy", budget=3, seed=0,
                                          evaluator_options={"proxies": ["params"], "batch_size": 4},
                                          data_dir=str(data_dir), run_dir=str(run)),
                             on_progress=lambda *_: seen.append(_wall(run)))
    assert len(seen) == 3 and all(isinstance(w, float) and w > 0 for w in seen), seen  # was None until the end
    assert seen == sorted(seen) and seen[-1] <= _wall(run)


def test_grouped_lookups_store_the_wall_time_with_their_commit(tmp_path, data_dir):
    config = SearchConfig(strategy="evolution", budget=20, seed=1, data_dir=str(data_dir), run_dir=str(tmp_path))
    space, strategy, evaluator, executor = build_plugins(config)
    with RunStore.in_run_dir(tmp_path, create=True, meta={"wall_seconds": 5.0}) as store:
        with wall_clock(store):
            SearchLoop(space, strategy, evaluator, executor, store, Budget(queries=20)).run()
            with sqlite3.connect(tmp_path / DB_NAME) as reader:  # the loop's last commit, before the session ends
                during = float(reader.execute("SELECT value FROM meta WHERE key = 'wall_seconds'").fetchone()[0])
        assert 5.0 < during <= store.get_meta("wall_seconds")  # added to the earlier sessions' time, then exact


def test_a_resume_with_nothing_to_do_leaves_the_wall_time_as_it_was(tmp_path, data_dir):
    run = tmp_path / "run"
    nasloop.search(SearchConfig(strategy="random", budget=3, data_dir=str(data_dir), run_dir=str(run)))
    before = _wall(run)
    assert nasloop.resume(run, max_seconds=1e9)["evaluations"] == 3  # --max-seconds for a run its --budget ended
    assert _wall(run) == before


def test_predictors_name_describes_the_predictor_as_strategies_name_does(capsys):
    assert main(["predictors", "gp"]) == 0
    shown = capsys.readouterr().out
    assert main(["predictors", "show", "gp"]) == 0
    assert shown.startswith("gp: ") and "options:" in shown and shown == capsys.readouterr().out
    assert main(["predictors", "nope"]) == 2
    assert "unknown predictor 'nope'; known: blend," in capsys.readouterr().err
    # a misspelt subcommand is still named as one (once the plugins, which may name a predictor so, are loaded)
    assert main(["predictors", "evalute"]) == 2
    assert "unknown subcommand 'evalute' (did you mean 'evaluate'?); known: show, evaluate, pretrain" in \
        capsys.readouterr().err  # argparse's "invalid choice" until helper h7 named the nearest subcommand
    for words in (["predictors", "evaluate", "--seeds", "2"], ["predictors", "pretrain", "--space", "nb101",
                                                               "--out", "x.pt"], ["predictors"]):
        assert build_parser().parse_args(words).predictors_command == (words[1] if len(words) > 1 else None)


def test_max_seconds_help_says_the_crossing_evaluation_finishes(capsys):
    with pytest.raises(SystemExit):
        main(["search", "--help"])
    assert "still finishes, so the cost can pass it by that evaluation's" in " ".join(capsys.readouterr().out.split())


def test_a_damaged_wall_time_is_named_before_the_search_goes_on(tmp_path, data_dir):
    run = tmp_path / "run"
    nasloop.search(SearchConfig(strategy="random", budget=2, data_dir=str(data_dir), run_dir=str(run)))
    with sqlite3.connect(run / DB_NAME) as db:
        db.execute("""UPDATE meta SET value = '"x"' WHERE key = 'wall_seconds'""")
    with pytest.raises(nasloop.NasloopError, match=r"is damaged: meta 'wall_seconds' is 'x', not a number; restore"):
        nasloop.resume(run, budget=4)
