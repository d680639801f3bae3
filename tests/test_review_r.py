"""Review of the day's change: messages that named the wrong node or gave a fix that did not work."""
from __future__ import annotations

import pytest

from nasloop.engine import cli

from .test_user_space_c import SPACE, edges_error, names, plugin_file

pytestmark = pytest.mark.usefixtures("own_plugin_files")  # a plugin file's space leaves with its test


def test_a_graph_edge_from_a_negative_node_names_that_node(tmp_path, capsys) -> None:
    """An edge from node -1 of a 5-node graph was said to be 'an edge to or from node 4', a node that exists."""
    error = edges_error(tmp_path, capsys, "np.array([[-1, 1, 2, 3], [1, 2, 3, 4]])")
    assert "an edge to or from node -1 of its 5 nodes; give node indices 0 to 4" in error, error


def test_the_image_folder_given_as_the_current_folder_names_a_data_folder_that_works(tmp_path, monkeypatch,
                                                                                      isolated_cache) -> None:
    """'nasloop train --dataset imagenet --data-dir .' run inside the image folder was told '--data-dir .' (the
    parent of '.' is '.') with the folder named 'imagenet': the same folder again, refused the same way."""
    from nasloop.engine.context import RunContext
    from nasloop.engine.errors import DataError
    from nasloop.engine.evaluators.train import TrainingEvaluator
    from nasloop.search_spaces.nb201 import NB201Space

    from .test_training_walk_g import write_image_folder

    write_image_folder(tmp_path / "photos")
    monkeypatch.chdir(tmp_path / "photos")
    evaluator = TrainingEvaluator(NB201Space(channels=4, cells=1), RunContext(dataset="imagenet", data_dir="."))
    with pytest.raises(DataError) as exc:
        evaluator.check(1)
    assert f"image_dir={tmp_path / 'photos'} " in str(exc.value), exc.value
    assert f"--data-dir {tmp_path} with the folder named 'imagenet'" in str(exc.value), exc.value


def test_a_tournament_larger_than_the_population_of_a_compared_method_names_no_flag_compare_lacks(tmp_path,
                                                                                                  capsys) -> None:
    """'nasloop compare --methods evolution+population_size=5' was told to 'give --strategy-opt sample_size=5',
    a flag compare does not take (its methods carry their options as +KEY=VALUE)."""
    plugin = plugin_file(tmp_path, SPACE)
    assert cli.main(["--plugin", str(plugin), "compare", *names(plugin), "--methods", "evolution+population_size=5",
                     "--budget", "4", "--seeds", "1", "--out", str(tmp_path / "study"), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "got 10 and 5; give sample_size=5 or less" in error, error
    assert "--strategy-opt" not in error and not (tmp_path / "study").exists()


def test_the_import_that_keeps_both_tables_runs_as_given_from_a_folder_with_a_space(tmp_path, isolated_cache,
                                                                                     capsys) -> None:
    """The refused import's command that keeps both tables was joined with spaces: a path 'my data/...' became two
    arguments, and the command as given failed ('my' is no file)."""
    import shlex

    from nasloop.engine.data.table import Table

    from .test_data_leftovers_b import naslib_pickle

    folder = tmp_path / "my data"
    folder.mkdir()
    out = folder / "out"
    assert cli.main(["data", "import", str(naslib_pickle(folder / "full.pickle", 5)), "--out", str(out)]) == 0
    few = naslib_pickle(folder / "few.pickle", 2)
    capsys.readouterr()
    assert cli.main(["data", "import", str(few), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    command = error.split("importing it first ('")[1].split("': later files")[0]
    assert shlex.split(command)[0] == "nasloop" and cli.main(shlex.split(command)[1:]) == 0, error
    assert Table.load(out / "nb201.npz").held() == 5


def test_a_space_whose_parse_writes_a_canonical_form_still_searches(tmp_path, capsys) -> None:
    """A space whose parse sorts the widths a mutate left unsorted ('32-16-16' read as '16-16-32') ran before the
    new pre-run trial of a user's space, which then refused it as format and parse disagreeing. A canonical form
    that reads back unchanged is accepted; a parse that drifts on every reading is still refused."""
    canonical = SPACE.replace("return tuple(WIDTHS.index(int(p)) for p in parts)",
                              "return tuple(sorted(WIDTHS.index(int(p)) for p in parts))")
    plugin = plugin_file(tmp_path, canonical)
    assert cli.main(["--plugin", str(plugin), "search", *names(plugin), "--strategy", "evolution", "--budget", "20",
                     "--run-dir", str(tmp_path / "run"), "--quiet"]) == 0, capsys.readouterr().err
    drifting = SPACE.replace("return tuple(WIDTHS.index(int(p)) for p in parts)",
                             "return tuple((WIDTHS.index(int(p)) + 1) % 3 for p in parts)")
    (tmp_path / "drift").mkdir()
    plugin = plugin_file(tmp_path / "drift", drifting)
    assert cli.main(["--plugin", str(plugin), "search", *names(plugin), "--strategy", "random", "--budget", "4",
                     "--run-dir", str(tmp_path / "drift" / "run"), "--quiet"]) == 2
    assert "make format and parse agree" in capsys.readouterr().err
