"""The NAGO generator space: its string form, unit box, graph draws, networks and exact counts."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import torch

from nasloop.engine.data.cifar import load_cifar10
from nasloop.engine.errors import ArchitectureError, ConfigError
from nasloop.engine.evaluators.proxies.structural import flops as flops_proxy
from nasloop.engine.registry import SEARCH_SPACES
from nasloop.search_spaces.nago.graphs import _connected, draw_graphs
from nasloop.search_spaces.nago.point import NAGOPoint
from nasloop.search_spaces.nago.sizing import network_size, stages_of
from nasloop.search_spaces.nago.space import NAGOSpace

EXAMPLE = "g1=8,4,0.75;g2=5,0.3;g3=7,3,0.5"
SMALL = ("g1=3,2,0.5;g2=3,0.5;g3=3,2,0.5", "g1=4,3,0.2;g2=3,1;g3=4,2,0.9", "g1=5,2,1;g2=4,0.6;g3=3,5,0.1")
"""Small generators: wide networks at param_limit=1e5, so one width step is a small change."""
LIMIT = 1e5


@pytest.fixture(scope="module")
def space() -> NAGOSpace:
    return NAGOSpace(param_limit=LIMIT)


def test_registered_under_its_name():
    assert SEARCH_SPACES.get("nago") is NAGOSpace


# --- string form -------------------------------------------------------------------------------
def test_string_round_trip(space):
    assert space.format(space.parse(EXAMPLE)) == EXAMPLE
    assert space.parse(" g1 = 8, 4, 0.75 ; g2=5,0.3; g3=7,3,0.50 ") == space.parse(EXAMPLE)
    rng = np.random.default_rng(0)
    for _ in range(200):
        point = space.sample(rng)
        assert space.parse(space.format(point)) == point
        assert space.hash(point) == space.format(point)


@pytest.mark.parametrize("text, names", [
    ("g1=8,4,0.75;g2=5,0.3", "3 groups"),
    ("g1=8,4;g2=5,0.3;g3=7,3,0.5", "g1="),
    ("g2=8,4,0.75;g1=5,0.3;g3=7,3,0.5", "g2="),
    ("g1=8,4,0.75;g2=5,0.3;g3:7,3,0.5", "g3="),
    ("g1=12,4,0.75;g2=5,0.3;g3=7,3,0.5", "g1 nodes"),
    ("g1=8,1,0.75;g2=5,0.3;g3=7,3,0.5", "g1 K"),
    ("g1=8,4.5,0.75;g2=5,0.3;g3=7,3,0.5", "g1 K"),
    ("g1=8,4,0.05;g2=5,0.3;g3=7,3,0.5", "g1 P"),
    ("g1=8,4,0.75;g2=2,0.3;g3=7,3,0.5", "g2 nodes"),
    ("g1=8,4,0.75;g2=5,1.5;g3=7,3,0.5", "g2 P"),
    ("g1=8,4,0.75;g2=5,nan;g3=7,3,0.5", "g2 P"),
    ("g1=8,4,0.75;g2=5,0.3;g3=7,3,x", "g3 P"),
    ("g1=8,4,0.75;g2=5,0.3;g3=7,6,0.5", "g3 K"),
    ("g1=\u0668,3,0.5;g2=3,0.5;g3=4,2,0.5", "g1 nodes"),  # an Arabic-Indic 8: Python's int read it, and it trained
    ("g1=8,3,1_0;g2=3,0.5;g3=4,2,0.5", "got '1_0'"),  # read as 10.0 and named so
])
def test_malformed_strings_are_one_line_naming_the_field(space, text, names):
    with pytest.raises(ArchitectureError) as info:
        space.parse(text)
    message = str(info.value)
    assert "\n" not in message and names in message and "g1=nodes,K,P;g2=nodes,P;g3=nodes,K,P" in message


def test_out_of_range_values_name_the_range(space):
    with pytest.raises(ArchitectureError, match=r"g3 nodes .*an integer in \[3, 10\], got 11"):
        NAGOPoint(8, 4, 0.75, 5, 0.3, 11, 3, 0.5)
    with pytest.raises(ArchitectureError, match=r"g1 P .*a number in \[0.1, 1\], got 1.2"):
        NAGOPoint(8, 4, 1.2, 5, 0.3, 7, 3, 0.5)
    with pytest.raises(ArchitectureError, match="NAGOPoint"):
        space.format((8, 4, 0.75, 5, 0.3, 7, 3, 0.5))
    assert NAGOPoint(8, 4, 0.123456, 5, 0.3, 7, 3, 0.5).g1_p == 0.1235  # probabilities sit on the 4-decimal grid


# --- the unit box ------------------------------------------------------------------------------
def test_box_for_bayesian_optimisation(space):
    from nasloop.search_spaces.base import BoxSpace

    assert isinstance(space, BoxSpace)
    dims = space.dimensions
    assert [d.name for d in dims] == ["g1_nodes", "g1_k", "g1_p", "g2_nodes", "g2_p", "g3_nodes", "g3_k", "g3_p"]
    assert [(d.low, d.high, d.integer) for d in dims[:3]] == [(3, 10, True), (2, 5, True), (0.1, 1.0, False)]
    point = space.parse(EXAMPLE)
    assert space.to_box(point).tolist() == [8, 4, 0.75, 5, 0.3, 7, 3, 0.5]
    assert space.from_box(space.to_box(point)) == point
    # integers rounded (halves up), everything clipped into its range, probabilities onto the grid
    assert space.from_box([11.4, 3.5, 1.3, 2.2, 0.123456, 6.49, -1, 0]) == NAGOPoint(10, 4, 1.0, 3, 0.1235, 6, 2, 0.1)
    with pytest.raises(ArchitectureError, match="8 finite entries"):
        space.from_box([8, 4, 0.75])


def test_unit_box_round_trip(space):
    assert space.from_unit(np.zeros(8)) == NAGOPoint(3, 2, 0.1, 3, 0.1, 3, 2, 0.1)
    assert space.from_unit(np.ones(8)) == NAGOPoint(10, 5, 1.0, 10, 1.0, 10, 5, 1.0)
    rng = np.random.default_rng(1)
    for _ in range(200):
        point = space.sample(rng)
        unit = space.to_unit(point)
        assert ((unit >= 0) & (unit <= 1)).all()
        assert space.from_unit(unit) == point
        assert space.from_box(space.to_box(point)) == point
        encoded = space.encode(point, "unit")
        assert encoded.dtype == np.float32 and encoded.shape == (8,)
    with pytest.raises(ArchitectureError, match="8 finite entries"):
        space.from_unit(np.full(8, np.nan))


def test_samples_cover_the_integer_ranges_and_mutants_stay_in_range_and_move(space):
    rng = np.random.default_rng(2)
    points = [space.sample(rng) for _ in range(400)]
    assert {p.g1_nodes for p in points} == set(range(3, 11)) and {p.g3_k for p in points} == {2, 3, 4, 5}
    for point in points[:100]:
        mutant = space.mutate(point, rng)
        assert mutant != point
        assert space.parse(space.format(mutant)) == mutant  # checked on construction: in range


# --- graphs ------------------------------------------------------------------------------------
def test_graph_draws_are_seeded_connected_and_oriented(space):
    point = space.parse(EXAMPLE)
    first = draw_graphs.__wrapped__(point, 3)
    assert draw_graphs.__wrapped__(point, 3) == first  # not the cache: a fresh draw
    assert len({draw_graphs.__wrapped__(point, seed) for seed in range(5)}) > 1
    for dag, nodes in ((first.top, 8), (first.mid, 5), (first.bottom, 7)):
        assert dag.size == nodes
        assert all(u < v for u, v in dag.edges)
        assert nx.is_connected(nx.Graph(dag.edges))
        assert 0 in dag.inputs and nodes - 1 in dag.outputs
        assert set(dag.inputs) == {v for v in range(nodes) if not dag.preds[v]}
    # K is clamped below the node count: a 3-node ring is the triangle whatever K says
    triangle = draw_graphs(space.parse("g1=3,5,0.1;g2=3,1;g3=3,5,0.1"), 0)
    assert triangle.top.preds == ((), (0,), (0, 1)) and triangle.mid.preds == ((), (0,), (0, 1))


def test_a_graph_that_never_connects_is_joined_up():
    joined = _connected(lambda seed: nx.empty_graph(6), np.random.default_rng(0))
    assert nx.is_connected(joined) and joined.number_of_edges() == 5


def test_stage_ratios_split_the_top_nodes():
    assert stages_of(3, (1, 1, 1)) == (0, 1, 2)
    assert stages_of(4, (1, 1, 1)) == (0, 0, 1, 2)
    assert stages_of(6, (1, 1, 1)) == (0, 0, 1, 1, 2, 2)
    assert stages_of(6, (2, 1, 1)) == (0, 0, 0, 1, 1, 2)


# --- networks and their counts -----------------------------------------------------------------
def _numel(net: torch.nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


def test_same_point_and_seed_build_the_same_network(space, one_torch_thread):
    point, x = space.parse(SMALL[0]), torch.randn(2, 3, 32, 32)
    nets = []
    for _ in range(2):
        torch.manual_seed(0)
        nets.append(space.to_module(point, num_classes=10, seed=5).eval())
    assert [p.shape for p in nets[0].parameters()] == [p.shape for p in nets[1].parameters()]
    with torch.no_grad():
        assert torch.equal(nets[0](x), nets[1](x))


@pytest.mark.parametrize("text", SMALL)
def test_width_fits_the_limit_exactly(space, text, one_torch_thread):
    point = space.parse(text)
    facts = space.network_facts(point, seed=1)
    plan = space.plan(point, seed=1)
    assert facts["params"] <= LIMIT < network_size(plan, facts["width"] + 1, 10)[0]  # the widest that fits
    assert facts["params"] >= 0.8 * LIMIT
    net = space.to_module(point, num_classes=10, seed=1)
    assert _numel(net) == facts["params"]
    assert facts["flops"] / 1e6 == flops_proxy(net, torch.zeros(1, 3, 32, 32), torch.zeros(1))


def test_counts_match_the_module_on_a_large_generator(one_torch_thread):
    space = NAGOSpace(param_limit=2e5, stage_ratios="1,2,1", channel_ratios=[1, 1.5, 3])
    point = space.parse("g1=7,4,0.9;g2=6,0.4;g3=5,3,0.3")
    net = space.to_module(point, num_classes=7, seed=2)
    facts = space.network_facts(point, seed=2, num_classes=7, image_size=16)
    assert _numel(net) == facts["params"] <= 2e5 and facts["ops"] == 7 * 6 * 5
    assert facts["flops"] / 1e6 == flops_proxy(net, torch.zeros(1, 3, 16, 16), torch.zeros(1))


def test_forward_and_backward_on_cifar10(space, data_dir, one_torch_thread):
    images, labels = load_cifar10(data_dir, "test", source="subset")
    x = torch.from_numpy(np.array(images[:8])).permute(0, 3, 1, 2).float() / 255.0
    y = torch.from_numpy(np.array(labels[:8]))
    torch.manual_seed(0)
    net = space.to_module(space.parse(SMALL[1]), num_classes=10, seed=0).train()
    loss = torch.nn.functional.cross_entropy(net(x), y)
    loss.backward()
    assert torch.isfinite(loss)
    grads = [p.grad for p in net.parameters()]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)
    assert any(float(g.abs().sum()) > 0 for g in grads)


# --- options -----------------------------------------------------------------------------------
def test_a_limit_below_the_smallest_network_is_one_line():
    with pytest.raises(ConfigError) as info:  # refused when the space is built, before any evaluation
        NAGOSpace(param_limit=1000)
    message = str(info.value)
    assert "\n" not in message and "param_limit=13218 or more" in message
    fits_largest = NAGOSpace(param_limit=13218)
    assert fits_largest.network_facts(fits_largest.parse("g1=10,5,1;g2=10,1;g3=10,5,1"))["width"] == 1


@pytest.mark.parametrize("options, names", [
    ({"param_limit": 0}, "param_limit"),
    ({"stage_ratios": "1,1"}, "stage_ratios"),
    ({"channel_ratios": [1, -2, 4]}, "channel_ratios"),
    ({"channel_ratios": "1,two,4"}, "channel_ratios"),
])
def test_bad_options_are_one_line(options, names):
    with pytest.raises(ConfigError) as info:
        NAGOSpace(**options)
    assert "\n" not in str(info.value) and names in str(info.value)


def test_points_that_draw_the_same_networks_share_a_functional_hash():
    space = NAGOSpace(param_limit=1e5)
    same = ["g1=3,5,1;g2=3,0.1;g3=3,5,0.1", "g1=3,5,0.759;g2=3,0.1;g3=3,2,0.9", "g1=3,2,0.3;g2=3,0.1;g3=3,3,0.5"]
    points = [space.parse(t) for t in same]
    assert len({space.hash(p) for p in points}) == 3 and len({space.functional_hash(p) for p in points}) == 1
    for seed in range(3):  # the networks agree for every draw, not just one
        assert len({tuple(space.network_facts(p, seed).items()) for p in points}) == 1
    odd, even = space.parse("g1=7,5,0.4;g2=5,0.3;g3=6,3,0.2"), space.parse("g1=7,4,0.4;g2=5,0.3;g3=6,2,0.2")
    assert space.functional_hash(odd) == space.functional_hash(even)
    assert space.plan(odd, 4).graphs == space.plan(even, 4).graphs
    wider = space.parse("g1=7,2,0.4;g2=5,0.3;g3=6,2,0.2")  # K 2 and 4 are different lattices
    assert space.functional_hash(wider) != space.functional_hash(even)


def test_show_gives_small_metrics_to_the_digits_that_tell_them_apart(tmp_path, data_dir, capsys, monkeypatch):
    """NAGO's params are near param_limit, in millions: the two draws' 0.018285 and 0.018294 both read 0.0183
    and their spread, 6.4e-06, read 0.0000, as if the draws were one network."""
    from nasloop.engine.cli import main
    from nasloop.engine.config import SearchConfig
    from nasloop.engine.search import search

    monkeypatch.setenv("COLUMNS", "200")  # rich folds long rows at a terminal's width
    summary = search(SearchConfig(space="nago", space_options={"param_limit": 2e4}, evaluator="proxy",
                                  evaluator_options={"proxies": ["params"], "replicates": 2}, strategy="random",
                                  budget=1, data_dir=str(data_dir), run_dir=str(tmp_path / "run")))
    stored = summary["best"]["metrics"]
    assert stored["params@0"] != stored["params@1"] and 0 < stored["params_std"] < 1e-4  # what this test is about
    capsys.readouterr()
    assert main(["show", str(tmp_path / "run")]) == 0
    lines = capsys.readouterr().out.splitlines()
    for name, value in stored.items():
        shown = next(line for line in lines if line.count("│") > 2 and line.split("│")[1].strip() == name
                     ).split("│")[2].strip()  # the metric's own row, not 'best by params'
        assert float(shown) == pytest.approx(value, rel=1e-3), (name, shown)
    draws = [next(line for line in lines if f" params@{i} " in line).split("│")[2].strip() for i in (0, 1)]
    assert draws[0] != draws[1]


def test_a_run_report_gives_small_metrics_to_the_digits_that_tell_them_apart(tmp_path, data_dir):
    """The report's tables printed four decimals: NAGO's params spread of 6e-06 read 0.0000, and two members of a
    front with 0.019533 and 0.019528 million parameters both read 0.0195, as if one dominated the other."""
    from nasloop.engine.cli import main
    from nasloop.engine.config import SearchConfig
    from nasloop.engine.search import search

    summary = search(SearchConfig(space="nago", space_options={"param_limit": 2e4}, evaluator="proxy",
                                  evaluator_options={"proxies": ["params", "flops"], "replicates": 2},
                                  strategy="random", budget=1, data_dir=str(data_dir), run_dir=str(tmp_path / "run")))
    assert main(["report", str(tmp_path / "run")]) == 0
    lines = (tmp_path / "run" / "report" / "report.md").read_text().splitlines()
    head = next(line for line in lines if line.startswith("| trial | architecture"))
    names = [cell.strip() for cell in head.strip("|").split("|")][2:]
    row = [cell.strip() for cell in lines[lines.index(head) + 2].strip("|").split("|")][2:]
    stored = summary["best"]["metrics"]
    for name, shown in zip(names, row):
        assert float(shown) == pytest.approx(stored[name], rel=1e-3), (name, shown)
