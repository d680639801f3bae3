"""The note a run prints before it computes proxies on its networks, and ``nasloop proxies``'s refusal on a
TransNAS-Bench-101 task whose images nasloop does not read: each names which proxies are computed, which a
precomputed file holds and for how many architectures, and which cannot be had at all."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nasloop.engine import cli
from nasloop.engine.assemble import build_context
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import NasloopError
from nasloop.engine.predictor_evaluation import evaluate_predictors
from nasloop.engine.search import build_plugins
from nasloop.search_spaces.tnb101.space import TNB101MicroSpace

from .messages import one_line

CELLS = ("64-41414-3_13_221", "64-41414-0_00_323", "64-41414-2_23_222")


@pytest.mark.usefixtures("isolated_cache")  # the one-cell table only, never NASLOOP_DATA's
def test_a_resized_runs_note_keeps_the_tables_proxies_apart_from_the_files(tmp_path: Path, capsys) -> None:
    """A search on a resized TNB101 space with a 2-cell file of params listed every proxy the table stores (epe_nas,
    synflow, zen) as held 'only for the architectures a precomputed proxy file holds, the others computed': the
    file holds params alone, and epe_nas, which reads the task's images, cannot be computed there at all."""
    table = {"micro": {"class_scene": {CELLS[0]: {"val": 0.5, "zen": 1.0, "synflow": 2.0, "epe_nas": 3.0}}}}
    (tmp_path / "transnas101_val.json.gz").write_text(json.dumps(table))
    (tmp_path / "archs.txt").write_text("\n".join(CELLS[:2]) + "\n")
    out = tmp_path / "tnb101-micro-class_scene-proxies.csv"
    sized = ["--space", "tnb101-micro", "--space-opt", "base_channels=8", "--dataset", "class_scene", "--data-dir",
             str(tmp_path)]
    assert cli.main(["proxies", *sized, "--archs-file", str(tmp_path / "archs.txt"), "--proxies", "params", "--out",
                     str(out)]) == 0
    capsys.readouterr()
    # the budget outlasts the random start, so the predictor ranks and notes; the proxy evaluator, built next,
    # refuses a proxy reading the task's images, so nothing is evaluated. A search holds its notes until its checks
    # pass (a refusal comes alone); the plugins, as built, say it at once
    notes: list[str] = []
    config = SearchConfig(space="tnb101-micro", space_options={"base_channels": 8}, dataset="class_scene",
                          data_dir=str(tmp_path), strategy="predictor-topk", predictor="forest",
                          predictor_options={"features": ["params", "flops"]}, evaluator="proxy",
                          evaluator_options={"proxies": ["jacov"]}, budget=40, run_dir=str(tmp_path / "run"))
    with pytest.raises(NasloopError):
        build_plugins(config, on_note=notes.append)
    (note,) = [line for line in notes if "computes" in line]
    one_line(note, "predictor 'forest' computes params and flops for tnb101-micro class_scene "
             "on each of the candidates it ranks each step", "(stored: none; params from the precomputed proxy file "
             f"{out} for the 2 architectures it holds, computed for the others; unavailable: epe_nas (the table's "
             "scores do not serve this run's networks, and nasloop cannot compute these here); 'nasloop proxies "
             "--space tnb101-micro --space-opt base_channels=8 --dataset class_scene --data-dir "
             f"{tmp_path} --proxies params,flops --all --out {out}' precomputes them once (on the networks as built "
             "for CIFAR-10")
    assert "synflow" not in note and "zen" not in note  # the table's data-free ones: computable, and not asked for
    # a predictor that does not say which proxies it computes: epe_nas is still named only as unavailable
    note = build_context(TNB101MicroSpace, "class_scene", str(tmp_path)).computing_note(
        TNB101MicroSpace(base_channels=8), "mine", "the cells it ranks")
    assert note.startswith("mine computes a proxy nothing stores for tnb101-micro class_scene")
    assert note.count("epe_nas") == 1 and "unavailable: epe_nas (" in note
    assert f"params from the precomputed proxy file {out} for the 2 architectures" in note


@pytest.mark.usefixtures("isolated_cache")
def test_proxies_refusal_names_the_ones_reading_images_and_the_data_free_ones(tmp_path: Path, capsys) -> None:
    """'proxies cannot be computed for it' read as if none could, where data-free ones are computed on such a task."""
    table = {"micro": {"autoencoder": {CELLS[0]: {"val": 0.5, "zen": 1.0}}}}
    (tmp_path / "transnas101_val.json.gz").write_text(json.dumps(table))
    argv = ["proxies", "--space", "tnb101-micro", "--space-opt", "base_channels=8", "--dataset", "autoencoder",
            "--data-dir", str(tmp_path), "--sample", "1"]
    assert cli.main([*argv, "--proxies", "params,jacov,nwot"]) == 2
    error = one_line(capsys.readouterr().err.strip(), "so proxies reading images cannot be computed for it (jacov, "
                     "nwot read images; the data-free proxies can be, on the networks as built for CIFAR-10: ",
                     "); name only data-free ones, or let predictors read what its table stores")
    free = error.partition("CIFAR-10: ")[2].partition(")")[0].split(", ")  # with any a plugin registered
    assert {"flops", "l2_norm", "params", "synflow", "zen"} <= set(free) and not {"jacov", "nwot"} & set(free)
    assert cli.main([*argv, "--proxies", "params,flops"]) == 0


@pytest.mark.usefixtures("isolated_cache")
def test_flans_note_names_the_proxies_and_the_networks_it_computes(tmp_path: Path, data_dir: Path) -> None:
    """FLAN's supplementary=[params, flops] on TNB101's autoencoder task computes both on all 4,096 networks (53
    CPU-minutes), and the note said only that 'a proxy nothing stores' is computed and that it 'can take hours'."""
    (tmp_path / "transnas101_val.json.gz").symlink_to(data_dir / "transnas101_val.json.gz")
    notes: list[str] = []
    evaluate_predictors(["flan"], [8], [0], space="tnb101-micro", dataset="autoencoder", data_dir=tmp_path,
                        predictor_options={"flan": {"supplementary": ["params", "flops"]}}, on_note=notes.append,
                        skip={("flan", 8, 0)})
    (note,) = notes
    one_line(note, "flan computes params and flops for tnb101-micro autoencoder on each of the 4,096 networks it "
             "reads, building each network at the space's size: up to seconds a network on a CPU",
             f"'nasloop proxies --space tnb101-micro --dataset autoencoder --data-dir {tmp_path} --proxies "
             f"params,flops --all --out {tmp_path / 'tnb101-micro-autoencoder-proxies.csv'}' precomputes them once "
             "(on the networks as built for CIFAR-10, as runs compute them)")
