"""Review of the day's change: messages that named the wrong node or gave a fix that did not work."""
from __future__ import annotations

from nasloop.engine import cli

from .test_user_space_c import SPACE, names, plugin_file


def test_a_graph_edge_from_a_negative_node_names_that_node(tmp_path, capsys) -> None:
    """An edge from node -1 of a 5-node graph was said to be 'an edge to or from node 4', a node that exists."""
    plugin = plugin_file(tmp_path, SPACE.replace("np.array([[0, 1, 2, 3], [1, 2, 3, 4]])",
                                                 "np.array([[-1, 1, 2, 3], [1, 2, 3, 4]])"))
    run = tmp_path / "run"
    assert cli.main(["--plugin", str(plugin), "search", *names(plugin), "--strategy", "bananas", "--predictor",
                     "random", "--budget", "12", "--run-dir", str(run), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and not run.exists()
    assert "an edge to or from node -1 of its 5 nodes; give node indices 0 to 4" in error, error
