"""`nasloop show` lists a run's options as the command line reads them, so they can be typed back."""
from __future__ import annotations

from nasloop import SearchConfig, search
from nasloop.engine.cli import main


def test_show_writes_null_and_false_as_the_command_line_does_not_as_python(tmp_path, data_dir, capsys, monkeypatch):
    # A run given --strategy-opt warmup=null showed "warmup=None", and "--strategy-opt warmup=None" is the string
    # 'None' (refused: no such proxy); false showed as "False".
    monkeypatch.setenv("COLUMNS", "200")
    run_dir = tmp_path / "run"
    search(SearchConfig(space="nb201", strategy="predictor-topk", predictor="random", budget=1, data_dir=str(data_dir),
                        run_dir=str(run_dir), strategy_options={"warmup": None, "explore_near": False}))
    capsys.readouterr()
    main(["show", str(run_dir)])
    lines = capsys.readouterr().out.splitlines()
    assert any("strategy options" in x and "warmup=null, explore_near=false" in x for x in lines)


def test_option_text_writes_lists_and_mappings_in_yaml_flow_form():
    from nasloop.engine.value_texts import option_text

    assert option_text(["params", "zen"]) == "[params, zen]"  # not "['params', 'zen']"
    assert option_text({"flan": {"ensemble": 2}, "forest": None}) == "{flan: {ensemble: 2}, forest: null}"
