"""The NDS spaces: families, architecture forms, networks, reading the published files, and search."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest
import torch

from nasloop.engine import cli
from nasloop.engine.config import SearchConfig
from nasloop.engine.data.table import Table
from nasloop.engine.errors import ArchitectureError, ConfigError, DataError
from nasloop.engine.registry import BENCHMARKS, NDS_NAMES, SEARCH_SPACES
from nasloop.engine.search import search
from nasloop.engine.store import RunStore
from nasloop.search_spaces.darts.genotype import EXAMPLE, format_arch
from nasloop.search_spaces.darts.space import DartsSpace
from nasloop.search_spaces.nds.arch import NdsArch, output_nodes
from nasloop.search_spaces.nds.families import FAMILIES, VARIANTS

from .nds_fixture import EPOCHS, nds_records, write_nds_file

UNBOUND = {"widths": [8, 16], "depths": [4, 5]}


def test_every_published_variant_is_a_space_and_a_benchmark():
    names = set(VARIANTS)
    assert {"nds-darts", "nds-enas", "nds-pnas", "nds-nasnet", "nds-amoeba", "nds-amoeba-in",
            "nds-pnas-fix-w-d"} <= names and len(names) == 13
    assert names <= set(SEARCH_SPACES.names()) and names <= set(BENCHMARKS.names())
    assert set(NDS_NAMES) == names  # the registry lists them without importing the NDS package
    assert VARIANTS["nds-enas-fix-w-d"].file_name == "ENAS_fix-w-d.json"
    assert {f.name: (len(f.ops), f.nodes, f.output) for f in FAMILIES.values()} == {
        "darts": (7, 4, "all"), "enas": (5, 5, "loose_end"), "pnas": (8, 5, "all"),
        "nasnet": (13, 5, "loose_end"), "amoeba": (8, 5, "loose_end")}


@pytest.mark.parametrize("name", ["nds-darts", "nds-enas", "nds-pnas", "nds-nasnet", "nds-amoeba"])
def test_architectures_round_trip_and_build_networks_that_run(name):
    space = SEARCH_SPACES.get(name)(**UNBOUND)
    rng = np.random.default_rng(1)
    for _ in range(50):
        arch = space.sample(rng)
        assert space.parse(space.format(arch)) == arch
        assert space.mutate(arch, rng) != arch
    arch = space.sample(rng)
    out = space.to_module(arch)(torch.randn(2, 3, 32, 32))
    assert out.shape == (2, 10) and torch.isfinite(out).all()
    near = space.neighbours(arch)
    family = space.family
    assert len(near) == 2 * sum(len(family.ops) - 1 + i // 2 + 1 for i in range(2 * family.nodes)) + 1 + 1


def test_the_darts_family_is_the_darts_network_and_imagenet_variants_take_imagenet_images():
    darts = SEARCH_SPACES.get("nds-darts")(**UNBOUND)
    model = darts.to_module(NdsArch(EXAMPLE[0], EXAMPLE[1], 36, 20))
    assert sum(p.numel() for p in model.parameters()) == 3_349_342  # DARTS-V2, as the darts space builds it
    # One builder, not two copies that had to be kept alike: the same module, parameter names and outputs
    own, family = DartsSpace(channels=4, layers=3).to_module(EXAMPLE), darts.to_module(NdsArch(*EXAMPLE, 4, 3))
    assert type(own) is type(family)
    family.load_state_dict(own.state_dict(), strict=True)
    images = torch.randn(2, 3, 8, 8)
    assert torch.equal(own.eval()(images), family.eval()(images))
    nasnet = SEARCH_SPACES.get("nds-nasnet-in")(**UNBOUND)
    arch = nasnet.sample(np.random.default_rng(3))
    out = nasnet.to_module(arch, num_classes=1000)(torch.randn(1, 3, 64, 64))
    assert out.shape == (1, 1000)


def test_an_imagenet_variant_builds_1000_class_networks_unless_told_otherwise():
    """nds-darts-in built ten classes by default: DARTS-V2 at 48x14 had 3,957,442 parameters, not 4.7 M."""
    space = SEARCH_SPACES.get("nds-darts-in")(**UNBOUND)
    arch = NdsArch(EXAMPLE[0], EXAMPLE[1], 48, 14)
    assert sum(p.numel() for p in space.to_module(arch).parameters()) == 4_718_752  # DARTS's ImageNet model
    assert space.to_module(arch, num_classes=10).classifier.out_features == 10  # an explicit count still holds


def test_loose_end_cells_output_the_nodes_nothing_reads_and_the_graph_says_so():
    enas = SEARCH_SPACES.get("nds-enas")(**UNBOUND)
    cell = ((0, 1), (1, 1), (2, 0), (1, 2), (3, 3), (0, 0), (2, 4), (1, 1), (5, 0), (0, 2))
    assert output_nodes(cell, enas.family) == [4, 6]  # nodes 0 (state 2), 1 (3) and 3 (5) are read
    arch = NdsArch(cell, cell, 8, 4)
    graph = enas.encode(arch, "graph")
    concat = graph.ops.index("shared/concat")
    assert sorted(graph.edges[0][graph.edges[1] == concat].tolist()) == [5, 6, 9, 10]  # pairs 4, 5, 8, 9
    assert (graph.edges[0] < graph.edges[1]).all()
    # The DARTS family and the DARTS space read the same ops with the same tokens.
    darts_tokens = set(DartsSpace().encode(EXAMPLE, "graph").ops)
    nds_tokens = set(SEARCH_SPACES.get("nds-darts")(**UNBOUND).encode(NdsArch(EXAMPLE[0], EXAMPLE[1], 8, 4),
                                                                        "graph").ops)
    assert darts_tokens == nds_tokens


@pytest.mark.parametrize("text,message", [
    ("Genotype(normal=[('sep_conv_3x3', 0)], reduce=[]) width=16 depth=8",
     "lists 8 [op, input] entries, two per node; got 1: [['sep_conv_3x3', 0]]"),
    ("Genotype(normal=[], reduce=[])", "states its width and depth"),
    (json.dumps({"genotype": {"normal": [["conv_9x9", 0]] * 8, "reduce": []}, "width": 16, "depth": 8}),
     "names no op of the darts family"),
    ("__import__('os').system('true')", "is not an NDS architecture"),
    (f"{format_arch(EXAMPLE).replace('normal_concat=[2, 3, 4, 5]', 'normal_concat=[2, 3]')} width=16 depth=8",
     "normal_concat is [2, 3], but an NDS darts cell outputs [2, 3, 4, 5]"),  # the string form dropped it unread
    (f"{format_arch(EXAMPLE)} width=16 depth=100000", "depth one >= 3 and <= 64"),  # hung building the network
    (f"{format_arch(EXAMPLE)} width=1000000 depth=5", "width must be an integer >= 1 and <= 4096"),
])
def test_malformed_architectures_are_one_line_errors(text, message):
    with pytest.raises(ArchitectureError, match=re.escape(message)):
        SEARCH_SPACES.get("nds-darts")(**UNBOUND).parse(text)


def test_another_familys_genotype_is_named_as_typed():
    """Eight DARTS entries given to PNAS (five nodes) were reported as parsed (input, op index) pairs."""
    with pytest.raises(ArchitectureError, match=re.escape("NDS pnas architecture lists 10 [op, input] entries, two "
                                                          "per node; got 8: [['sep_conv_3x3', 0]")):
        SEARCH_SPACES.get("nds-pnas")(**UNBOUND).parse(f"{format_arch(EXAMPLE)} width=16 depth=8")


def test_the_published_net_object_parses_and_a_wrong_concat_is_named():
    record = nds_records("nds-amoeba", 1, seed=4)[0]
    space = SEARCH_SPACES.get("nds-amoeba")(**UNBOUND)
    arch = space.parse(json.dumps(record["net"]))
    assert arch.width == record["net"]["width"] and len(arch.normal) == 10
    record["net"]["genotype"]["normal_concat"] = [2, 3, 4, 5, 6]
    with pytest.raises(ArchitectureError, match="normal_concat is"):
        space.parse(json.dumps(record["net"]))


@pytest.fixture(scope="module")
def nds_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nds")
    records = nds_records("nds-darts", 60, seed=0)
    records.append(json.loads(json.dumps(records[0])))  # the same network trained twice
    records[-1]["test_ep_top1"] = [e + 2.0 for e in records[0]["test_ep_top1"]]
    write_nds_file(folder / "DARTS.json", records)
    write_nds_file(folder / "NASNet_in.json.gz", nds_records("nds-nasnet-in", 12, seed=1))
    return folder


def test_data_import_recognises_each_file_and_names_what_it_found(nds_dir, tmp_path, capsys):
    out = tmp_path / "tables"
    assert cli.main(["data", "import", "--space", "nds", str(nds_dir / "DARTS.json"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "NDS results of the nds-darts space (DARTS.json)" in printed
    assert f"61 trained networks, 60 distinct, {EPOCHS} epochs; widths 8, 16; depths 4, 5" in printed
    assert cli.main(["data", "import", "--space", "nds", str(nds_dir / "NASNet_in.json.gz"), "--out", str(out)]) == 0
    assert "nds-nasnet-in" in capsys.readouterr().out and (out / "nds-nasnet-in.npz").is_file()
    lowered = tmp_path / "nasnet_in.json.gz"  # was read as the CIFAR-10 variant of its cells
    lowered.write_bytes((nds_dir / "NASNet_in.json.gz").read_bytes())
    assert cli.main(["data", "import", "--space", "nds", str(lowered), "--out", str(tmp_path / "low")]) == 0
    assert [p.name for p in (tmp_path / "low").iterdir()] == ["nds-nasnet-in.npz"]
    table = Table.load(out / "nds-darts.npz")
    assert table.meta["accuracy"].startswith("test accuracy") and int(table.columns["runs"].max()) == 2
    # A renamed file does not say whether it is CIFAR-10, ImageNet or fixed width and depth: --space nds asks
    # (a renamed ImageNet file was written as the CIFAR-10 table), and --space with the variant takes it.
    renamed = tmp_path / "nasnet_imagenet.json.gz"
    renamed.write_bytes((nds_dir / "NASNet_in.json.gz").read_bytes())
    assert cli.main(["data", "import", "--space", "nds", str(renamed), "--out", str(tmp_path / "asked")]) == 2
    error = capsys.readouterr().err
    assert f"{renamed} could be data of nds-nasnet or nds-nasnet-in; say which with --space" in error
    assert not (tmp_path / "asked").exists()
    assert cli.main(["data", "import", "--space", "nds-nasnet-in", str(renamed), "--out", str(tmp_path / "in")]) == 0
    assert "cells are nasnet cells (the file's name is not a published one" in capsys.readouterr().out
    assert [p.name for p in (tmp_path / "in").iterdir()] == ["nds-nasnet-in.npz"]
    # A file of another family is named with the space it belongs to ...
    assert cli.main(["data", "import", "--space", "nds-enas", str(nds_dir / "DARTS.json"), "--out", str(out)]) == 2
    assert "not of --space nds-enas; import it with --space nds-darts" in capsys.readouterr().err
    # ... and records that do not fit the family their file name claims are one line naming the record.
    misnamed = tmp_path / "ENAS.json"
    misnamed.write_bytes((nds_dir / "DARTS.json").read_bytes())
    assert cli.main(["data", "import", "--space", "nds", str(misnamed), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "ENAS.json record 0" in error and "enas architecture lists 10 [op, input] entries" in error
    assert error.count("\n") == 1
    # A damaged or empty file under a published name is read, and what is wrong with it named.
    damaged, empty = tmp_path / "damaged" / "DARTS.json", tmp_path / "empty" / "PNAS.json"
    damaged.parent.mkdir(), empty.parent.mkdir()
    damaged.write_bytes((nds_dir / "DARTS.json").read_bytes()[:5000])
    empty.write_text("[]")
    unnamed = tmp_path / "random.json"
    unnamed.write_text("{}")
    for path, fragment in ((damaged, "is not readable NDS JSON (JSONDecodeError"), (empty, "holds no NDS records"),
                           (damaged.parent, "is a folder; give the path of a nds data file"),
                           (unnamed, "is not a data file of any nds space (nds-amoeba, ")):
        assert cli.main(["data", "import", "--space", "nds", str(path), "--out", str(out)]) == 2
        error = capsys.readouterr().err
        assert f"{path} {fragment}" in error and error.count("\n") == 1


def test_the_table_serves_test_accuracy_per_epoch_with_duplicates_averaged(nds_dir):
    bench = BENCHMARKS.get("nds-darts")(nds_dir)
    records = json.loads((nds_dir / "DARTS.json").read_text())
    space = SEARCH_SPACES.get("nds-darts")(**UNBOUND)
    twice = space.parse(json.dumps(records[0]["net"]))
    result = bench.query(twice, "cifar10")
    assert result.metrics["test_accuracy"] == pytest.approx(100 - records[0]["test_ep_top1"][-1] - 1.0)
    assert result.metrics["params_m"] == pytest.approx(records[0]["params"] / 1e6)
    once = space.parse(json.dumps(records[5]["net"]))
    assert bench.query(once, "cifar10", fidelity=3).metrics["test_accuracy"] == pytest.approx(
        100 - records[5]["test_ep_top1"][2])
    assert bench.fidelities("cifar10") == list(range(1, EPOCHS + 1)) and len(bench.cells()) == 60
    assert not bench.query(space.sample(np.random.default_rng(9)), "cifar10").ok


def test_a_tabular_search_keeps_to_the_table_and_finds_its_best_network(nds_dir, tmp_path):
    summary = search(SearchConfig(space="nds-darts", strategy="evolution", budget=60, seed=0,
                                  data_dir=str(nds_dir), run_dir=str(tmp_path / "run")))
    assert summary["evaluations"] == 60 and summary["failed"] == 0
    bench = BENCHMARKS.get("nds-darts")(nds_dir)
    assert summary["best"]["score"] == pytest.approx(bench.optimum("cifar10"))
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        assert all("test_accuracy" in t.result.metrics for t in store.evaluations())
    space = SEARCH_SPACES.get("nds-darts")(build_context_for(nds_dir))
    assert space.widths == (8, 16) and space.depths == (4, 5) and space.size == 60


def test_a_seconds_budget_over_lookups_that_cost_nothing_is_refused_alone_and_noted_beside_a_query_budget(
        nds_dir, tmp_path):
    config = SearchConfig(space="nds-darts", strategy="random", budget=None, max_seconds=60, seed=0,
                          data_dir=str(nds_dir), run_dir=str(tmp_path / "alone"))
    with pytest.raises(ConfigError, match=re.escape("--max-seconds cannot end this search: the nds-darts table "
                                                    "records no training times, so every lookup costs 0 s; give "
                                                    "--budget N (evaluations) instead")):
        search(config)  # ran through the whole table
    assert not (tmp_path / "alone").exists()
    notes: list[str] = []
    summary = search(config.replace(budget=5, run_dir=str(tmp_path / "both")), on_note=notes.append)
    assert summary["evaluations"] == 5  # a count of evaluations, not seconds, as its old name said
    assert summary["budget"]["evaluations_cost_estimated"] == 5 and "seconds_estimated" not in summary["budget"]
    assert notes == ["--max-seconds 60 will not end a search here (the nds-darts table records no training times, so "
                     "every lookup costs 0 s); --budget 5 will"]


def test_compare_notes_a_seconds_budget_lookups_cannot_spend_once(nds_dir, tmp_path, capsys):
    assert cli.main(["compare", "--space", "nds-darts", "--methods", "random,evolution", "--seeds", "1", "--budget",
                     "3", "--max-seconds", "60", "--data-dir", str(nds_dir), "--out", str(tmp_path / "study"),
                     "--quiet"]) == 0
    assert capsys.readouterr().err.count("nasloop compare: note: --max-seconds 60 will not end a search here") == 1


def test_proxies_on_imagenet_networks_are_refused_with_a_way_forward(nds_dir, tmp_path):
    config = SearchConfig(space="nds-nasnet-in", dataset="imagenet", strategy="predictor-topk", predictor="zero-cost",
                          budget=10, data_dir=str(nds_dir), run_dir=str(tmp_path / "run"))
    with pytest.raises(ConfigError, match=re.escape("so nasloop computes none for its networks here; rank by a proxy "
                                                    "the space's table stores (e.g. --predictor-opt proxy=params)")):
        search(config)  # advised --dataset cifar10, which the ImageNet space then refused
    summary = search(config.replace(predictor_options={"proxy": "params"}))
    assert summary["evaluations"] == 10 and summary["failed"] == 0


def test_the_proxy_evaluator_is_listed_as_working_only_where_a_run_takes_it(nds_dir, tmp_path):
    """'nasloop spaces nds-darts-in' listed proxy among the evaluators that work, and every such run was refused. The
    proxy evaluator now scores ImageNet networks on an image folder, found when a run starts, as training's is: it is
    listed on both, and a run without a folder is refused naming the option that gives one."""
    from nasloop.engine.assemble import build_context, build_space, fits_on

    for name, dataset in (("nds-nasnet-in", "imagenet"), ("nds-darts", "cifar10")):
        context = build_context(SEARCH_SPACES.get(name), dataset, str(nds_dir))
        assert "proxy" in fits_on(build_space(name, context), context)[0]["evaluators"]
    config = SearchConfig(space="nds-nasnet-in", dataset="imagenet", evaluator="proxy", budget=2,
                          data_dir=str(nds_dir), run_dir=str(tmp_path / "run"))
    with pytest.raises(DataError, match="no 'imagenet' image folder in .*; give --evaluator-opt image_dir=DIR"):
        search(config)


def test_a_predictor_that_computes_proxies_to_rank_is_noted_before_the_search_starts(nds_dir, data_dir, tmp_path,
                                                                                     capsys):
    from nasloop.engine.search import build_plugins

    notes: list[str] = []
    base = SearchConfig(space="nds-darts", strategy="predictor-topk", predictor="zero-cost", budget=10, seed=0,
                        data_dir=str(nds_dir), run_dir=str(tmp_path / "run"))
    build_plugins(base, on_note=notes.append)  # Zen on every candidate, for minutes on a CPU, without a word
    assert len(notes) == 1 and notes[0].startswith("predictor 'zero-cost' computes zen for nds-darts cifar10 on "
                                                   "each of the candidates it ranks each step")
    # the advice names table_only=true: --all alone was refused
    assert notes[0].endswith(f"(stored: flops, params; 'nasloop proxies --space nds-darts --space-opt "
                             f"table_only=true --data-dir {nds_dir} --proxies zen --all --out "
                             f"{nds_dir / 'nds-darts-cifar10-proxies.csv'}' precomputes them once)")
    assert cli.main(["proxies", "--space", "nds-darts", "--all", "--proxies", "params", "--data-dir", str(nds_dir),
                     "--out", str(tmp_path / "p.csv")]) == 2
    assert cli.main(["proxies", "--space", "nds-darts", "--space-opt", "table_only=true", "--all", "--proxies",
                     "params", "--data-dir", str(nds_dir), "--out", str(tmp_path / "p.csv")]) == 0
    assert "--space-opt table_only=true for its table's cells" in capsys.readouterr().err
    build_plugins(base.replace(predictor_options={"proxy": "params"}), on_note=notes.append)  # stored: silent
    build_plugins(base.replace(budget=8), on_note=notes.append)  # its 8 random draws use the whole budget
    assert len(notes) == 1


def test_a_table_bound_space_refuses_width_and_depth_choices_its_table_does_not_have(nds_dir):
    # The table's networks were sampled whatever the choices said: widths=[16] searched widths 8 and 16.
    factory = SEARCH_SPACES.get("nds-darts")
    with pytest.raises(ConfigError, match=re.escape("nds-darts is bound to its table, whose widths are [8, 16], so "
                                                    "widths=[16] would be ignored; drop the option")):
        factory(build_context_for(nds_dir), widths=[16])
    with pytest.raises(ConfigError, match=re.escape("whose depths are [4, 5], so depths=[7] would be ignored")):
        factory(build_context_for(nds_dir), depths=[7])
    assert factory(build_context_for(nds_dir), widths=[16, 8]).widths == (8, 16)  # the table's own: fine


def build_context_for(folder):
    from nasloop.engine.assemble import build_context

    return build_context(SEARCH_SPACES.get("nds-darts"), "cifar10", str(folder), lookup=True)


@pytest.mark.parametrize("options,message", [
    ({"widths": []}, r"option widths is empty; give at least one choice"),  # crashed in sampling, in the run
    ({"depths": []}, r"option depths is empty"),
    ({"widths": [0, -3]}, r"widths must be a list of integers >= 1 and <= 4096 or null"),  # named no bound
    ({"depths": [100000]}, r"depths must be a list of integers >= 3 and <= 64 or null"),
])
def test_width_and_depth_choices_are_checked_when_the_space_is_built(options, message):
    with pytest.raises(ConfigError, match=message):
        SEARCH_SPACES.get("nds-darts")(**{**UNBOUND, **options})


def test_fixed_width_depth_spaces_need_the_table_or_explicit_choices():
    with pytest.raises(ConfigError, match=r"fixes width and depth .* --space-opt widths=\[...\] --space-opt depths"):
        SEARCH_SPACES.get("nds-pnas-fix-w-d")()
    with pytest.raises(ConfigError, match=r"give them: --space-opt depths=\[...\]$"):
        SEARCH_SPACES.get("nds-pnas-fix-w-d")(widths=[16])
    space = SEARCH_SPACES.get("nds-pnas-fix-w-d")(widths=[16], depths=[8])
    assert {space.sample(np.random.default_rng(s)).width for s in range(5)} == {16}
    # several were taken and searched, though the space fixes them (and import refuses such data for it)
    with pytest.raises(ConfigError, match=r"fixes width and depth, and widths gives \[8, 16\]; give one of each .*"
                                          r"or search them with --space nds-pnas$"):
        SEARCH_SPACES.get("nds-pnas-fix-w-d")(widths=[8, 16], depths=[8])


@pytest.mark.usefixtures("one_torch_thread")
def test_an_nds_network_trains_on_real_cifar10_images(data_dir):
    from nasloop.engine.context import RunContext
    from nasloop.engine.registry import EVALUATORS

    space = SEARCH_SPACES.get("nds-enas")(widths=[8], depths=[3])
    arch = space.sample(np.random.default_rng(0))
    evaluator = EVALUATORS.get("train")(space, RunContext(data_dir=str(data_dir)), epochs=1, batch_size=32,
                                        train_images=1500)
    metrics = evaluator.evaluate(arch).metrics
    # Measured: 30 % validation, 29 % test after one epoch (21-30 % for other draws; chance is 10 %).
    assert metrics["val_accuracy"] > 14 and metrics["test_accuracy"] > 14, metrics
    assert metrics["params"] == sum(p.numel() for p in space.to_module(arch).parameters())


def test_without_its_table_a_proxy_search_computes_what_the_table_would_store(tmp_path):
    """An NDS space whose published file is absent still searches on computed proxies; only a run
    answered by the table needs the table."""
    from nasloop.engine.assemble import build_context
    from nasloop.engine.errors import MissingDataError

    space = SEARCH_SPACES.get("nds-enas")
    assert build_context(space, "cifar10", str(tmp_path)).stored_proxies() == []
    with pytest.raises(MissingDataError, match="ENAS.json"):
        build_context(space, "cifar10", str(tmp_path), lookup=True).stored_proxies()
    summary = search(SearchConfig(space="nds-enas", strategy="bananas", predictor="forest", evaluator="proxy",
                                  evaluator_options={"proxies": ["params"]}, budget=8, data_dir=str(tmp_path),
                                  space_options={"widths": [8], "depths": [3]}, run_dir=str(tmp_path / "run")))
    assert summary["evaluations"] == 8 and summary["failed"] == 0


def test_an_imagenet_variant_refuses_cifar10_instead_of_scoring_other_networks(tmp_path, capsys):
    """nds-darts-in on CIFAR-10 fed 32-px images to the 224-px stem: FLOPs 0.86 M instead of NDS's network."""
    arch_file = tmp_path / "one.txt"
    arch_file.write_text(f"{format_arch(EXAMPLE)} width=16 depth=8\n")
    assert cli.main(["proxies", "--space", "nds-darts-in", "--archs-file", str(arch_file),
                     "--proxies", "params"]) == 2
    error = capsys.readouterr().err
    assert "nds-darts-in holds NDS's ImageNet networks" in error and "give --dataset imagenet" in error
    assert error.rstrip().endswith("score them with zero-cost proxies (both read an image folder: --evaluator-opt "
                                   "image_dir=DIR, nasloop proxies --image-dir DIR), or use --space nds-darts for its "
                                   "CIFAR-10 networks") and error.count("\n") == 1
