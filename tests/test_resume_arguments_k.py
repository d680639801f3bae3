"""resume() given what it does not take says so in one line: Python's TypeError named neither what it takes nor,
for a configuration field, that a resumed run keeps its own configuration (as ``search --resume`` says of flags)."""
from __future__ import annotations

import pytest

import nasloop
from nasloop.engine.config import SearchConfig


def test_resume_names_a_configuration_field_and_an_unknown_argument_in_one_line(tmp_path, data_dir):
    run = tmp_path / "run"
    nasloop.search(SearchConfig(strategy="evolution", budget=3, data_dir=str(data_dir), run_dir=str(run)))
    takes = "; it takes budget, max_seconds, executor_options, on_progress, on_note, pretrained_files, data_dir, "
    with pytest.raises(nasloop.NasloopError, match=r"^resume\(\) got strategy='random', a field of the run's "
                                                   r"configuration, which a resumed run keeps \(start a new run with "
                                                   rf"search\(\) to change it\){takes}executor, plugins, tensorboard$"):
        nasloop.resume(run, strategy="random")
    with pytest.raises(nasloop.NasloopError, match=rf"^resume\(\) got nope=1, which it does not take{takes}"):
        nasloop.resume(run, nope=1)
    assert nasloop.resume(run, budget=4)["evaluations"] == 4  # the run is as it was
