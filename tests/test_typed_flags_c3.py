"""A flag given under its alias is named as typed in a table's advice and in the run's notes, not only where an
error names it with the value typed: ``search --epochs 5`` on a table holding 5-epoch results for a few cells was
told to "choose a --fidelity every architecture has", and a note naming the flag said --fidelity too."""
from __future__ import annotations

import pytest

from nasloop.engine.cli import main
from nasloop.engine.cli_parser import as_typed, build_parser
from nasloop.engine.evaluators.tabular import TabularEvaluator
from nasloop.engine.registry import register_evaluator

from .messages import one_line
from .test_data_leftovers_b import naslib_pickle

pytestmark = pytest.mark.usefixtures("isolated_cache")


@pytest.fixture(scope="module")
def curves_data(nb201_csv_path, tmp_path_factory):
    """The whole NB201 CSV (12 and 200 epochs of every cell) with 20 cells' 12-epoch curves: only those 20 have a
    5-epoch result."""
    folder = tmp_path_factory.mktemp("curves")
    pickle = naslib_pickle(folder / "curves.pickle", 20)
    assert main(["data", "import", "--space", "nb201", str(nb201_csv_path), str(pickle), "--out",
                 str(folder / "data")]) == 0
    return folder / "data"


@pytest.mark.parametrize("flag", ["--epochs", "--fidelity"])
def test_a_tables_advice_names_the_fidelity_flag_as_typed(flag, curves_data, tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["search", "--space", "nb201", "--data-dir", str(curves_data), "--strategy", "random", "--budget",
                 "3", flag, "5", "--run-dir", str(run), "--quiet"]) == 2
    line = one_line(capsys.readouterr().err.strip(), "holds cifar10 5-epoch results for 20 of the space's 15,625",
                    f"or choose a fidelity every architecture has, with {flag}: 12, 200")
    assert ("--fidelity" in line) == (flag == "--fidelity")
    assert not run.exists()


def test_the_runs_notes_name_the_fidelity_flag_as_typed(data_dir, tmp_path, capsys):
    """A plugin evaluator's start note naming the flag with its value and alone: both read as typed."""

    @register_evaluator("noting-c3")
    class Noting(TabularEvaluator):
        """A table's lookups that say which fidelity they read (dropped after the test: see conftest)."""

        def start_note(self) -> str:
            return f"lookups read --fidelity {self.context.fidelity}; change it with --fidelity."

    common = ["search", "--evaluator", "noting-c3", "--data-dir", str(data_dir), "--strategy", "random", "--budget",
              "2", "--quiet"]
    assert main([*common, "--epochs", "12", "--run-dir", str(tmp_path / "epochs")]) == 0
    assert "nasloop search: note: lookups read --epochs 12; change it with --epochs.\n" in capsys.readouterr().err
    assert main([*common, "--fidelity", "12", "--run-dir", str(tmp_path / "fidelity")]) == 0
    assert "nasloop search: note: lookups read --fidelity 12; change it with --fidelity.\n" in capsys.readouterr().err


def test_a_flag_named_alone_is_rewritten_and_one_with_another_value_is_not():
    args = build_parser().parse_args(["search", "--epochs", "12"])
    assert as_typed("choose one with --fidelity: 12, 200; or drop --fidelity", args) == \
        "choose one with --epochs: 12, 200; or drop --epochs"
    assert as_typed("the file's --fidelity 120, --fidelity (--epochs) 12, --fidelity=3, --fidelity-opt x", args) == \
        "the file's --fidelity 120, --fidelity (--epochs) 12, --fidelity=3, --fidelity-opt x"
