"""NDS leftovers: ImageNet networks of width 1, networks whose runs stopped early, file names in messages."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from nasloop.engine import cli
from nasloop.engine.config import SearchConfig
from nasloop.engine.errors import ArchitectureError, ConfigError
from nasloop.engine.registry import SEARCH_SPACES
from nasloop.engine.search import search
from nasloop.engine.store import RunStore

from .nds_fixture import nds_records, write_nds_file


def test_an_imagenet_width_that_builds_no_stem_is_refused_where_widths_are_checked(tmp_path, capsys):
    """pycls' ImageNet stem opens with width // 2 channels: width 1 built a 0-channel conv, and the forward pass
    failed with a RuntimeError. The option, the architecture and an imported record now say so in one line."""
    with pytest.raises(ConfigError, match="nds-darts-in builds NDS's ImageNet stem.* none at width 1; give widths "
                                          "of 2 or more"):
        SEARCH_SPACES.get("nds-darts-in")(table_only=False, widths=[1], depths=[3])
    space = SEARCH_SPACES.get("nds-darts-in")(table_only=False, widths=[2], depths=[3])
    arch = space.sample(np.random.default_rng(0))
    assert space.to_module(arch).eval()(torch.zeros(1, 3, 224, 224)).shape == (1, 1000)  # the smallest that builds
    for attempt in (lambda: space.to_module(arch._replace(width=1)),
                    lambda: space.parse(space.format(arch).replace("width=2", "width=1"))):
        with pytest.raises(ArchitectureError, match="ImageNet network's width must be 2 or more"):
            attempt()
    records = nds_records("nds-darts-in", 3, seed=2, widths=(2,), depths=(3,))
    records[1]["net"]["width"] = 1
    path = write_nds_file(tmp_path / "DARTS_in.json", records)
    assert cli.main(["data", "import", "--space", "nds", str(path), "--out", str(tmp_path / "out")]) == 2
    assert f"{path} record 1: an NDS ImageNet network's width must be 2 or more" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["nds-darts", "nds-nasnet"])
def test_a_cifar_network_of_width_1_builds_and_runs(name):
    """The CIFAR stem has 3 x width channels, so width 1 is a real (tiny) network there and stays allowed."""
    space = SEARCH_SPACES.get(name)(table_only=False, widths=[1], depths=[3])
    network = space.to_module(space.sample(np.random.default_rng(3))).eval()
    assert network(torch.zeros(1, 3, 32, 32)).shape == (1, 10)


def test_a_damaged_record_read_from_the_data_folder_is_named_by_its_whole_path(tmp_path, capsys):
    """A search reading DARTS.json straight from --data-dir said 'DARTS.json record 2: ...', not which file."""
    records = nds_records("nds-darts", 4, seed=1)
    records[2]["params"] = -1
    data = tmp_path / "data"
    data.mkdir()
    path = write_nds_file(data / "DARTS.json", records)
    assert cli.main(["search", "--space", "nds-darts", "--budget", "2", "--data-dir", str(data), "--run-dir",
                     str(tmp_path / "run")]) == 2
    error = capsys.readouterr().err
    assert f"{path} record 2: params must be a finite non-negative number, got -1" in error
    assert error.count("\n") == 1


@pytest.fixture(scope="module")
def short_runs(tmp_path_factory):
    """An imported DARTS.json of 30 networks, 10 of whose runs stopped after 6 of 10 epochs."""
    folder = tmp_path_factory.mktemp("short")
    records = nds_records("nds-darts", 30, seed=1)
    for record in records[:10]:
        record["test_ep_top1"] = record["test_ep_top1"][:6]
    path = write_nds_file(folder / "DARTS.json", records)
    assert cli.main(["data", "import", "--space", "nds", str(path), "--out", str(folder / "data")]) == 0
    return folder / "data"


@pytest.mark.parametrize("strategy", ["random", "evolution"])
def test_a_table_bound_search_keeps_to_the_networks_with_a_result_at_its_fidelity(short_runs, tmp_path, strategy):
    """A network whose run stopped early was still sampled (and mutated to) at the last epoch, and each such
    evaluation failed (19 of 59 with random search on 60 networks, 20 short); the search now keeps to the 20
    networks trained to the end, and at epoch 6, which all 30 reached, to all of them."""
    base = SearchConfig(space="nds-darts", strategy=strategy, budget=20, seed=0, data_dir=str(short_runs),
                        run_dir=str(tmp_path / "last"))
    summary = search(base)
    assert summary["evaluations"] == 20 and summary["failed"] == 0
    summary = search(base.replace(budget=30, fidelity=6, run_dir=str(tmp_path / "six")))
    assert summary["evaluations"] == 30 and summary["failed"] == 0
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        assert all("test_accuracy" in t.result.metrics for t in store.evaluations())
    with pytest.raises(ConfigError, match="exceeds the 20 architectures of nds-darts"):
        search(base.replace(budget=21, run_dir=str(tmp_path / "more")))
