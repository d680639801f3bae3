"""The trajectory figure of one run's report (``nasloop report RUN_DIR``)."""
from __future__ import annotations

from pathlib import Path

from nasloop.engine import plots
from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search
from nasloop.engine.store import RunStore


def test_a_run_without_a_success_draws_no_objective_scale(tmp_path: Path, data_dir: Path, monkeypatch) -> None:
    """Every evaluation failed (NB101 cells outside its table): the failures were drawn as crosses at 0.00 on a
    val_accuracy axis, beside legend entries for evaluations and a best-so-far line that were not there, which
    read as evaluations that scored 0."""
    save = plots.save_figure
    drawn = []
    monkeypatch.setattr(plots, "save_figure", lambda figure, folder, name: drawn.append(figure) or save(
        figure, folder, name))  # the real figure is saved; the test keeps a handle on it to read its axes
    summary = search(SearchConfig(space="nb101", space_options={"table_only": False}, strategy="random",
                                  budget=3, seed=0, data_dir=str(data_dir), run_dir=str(tmp_path / "run")))
    assert summary["failed"] == 3
    with RunStore.in_run_dir(summary["run_dir"], readonly=True) as store:
        path = plots.run_figure(store.evaluations(), summary, tmp_path / "figures")
    assert path.is_file()
    axes = drawn[-1].axes[0]
    assert [text.get_text() for text in axes.get_legend().get_texts()] == ["failed"]
    assert list(axes.get_yticks()) == []
    assert "no evaluation has a val_accuracy" in axes.get_title()


def test_a_run_reports_tables_align_their_words_left(tmp_path: Path, data_dir: Path) -> None:
    """Architectures and failure reasons were right-aligned in report.md, as if numbers."""
    from nasloop.engine.run_report import write_run_report

    summary = search(SearchConfig(space="nb101", space_options={"table_only": False}, strategy="random",
                                  budget=20, seed=0, data_dir=str(data_dir), run_dir=str(tmp_path / "run")))
    assert 0 < summary["failed"] < summary["evaluations"]
    write_run_report(tmp_path / "run", tmp_path / "report", command=("nasloop", "report"))
    lines = (tmp_path / "report" / "report.md").read_text().splitlines()
    rules = {lines[i - 1]: lines[i] for i, line in enumerate(lines) if line.startswith("|---")}
    head = "| trial | architecture | val_accuracy (%) | params_m (millions) | flops_m (millions) |"  # units: %, M
    assert rules[head] == "|---|---|---:|---:|---:|"
    assert rules["| trial | architecture | reason |"] == "|---|---|---|"
