"""NB101's stored ``params`` proxy is in millions, as the ``params`` proxy computes it on the cell's network.

The table keeps a whole count; read as a proxy it was a count too, a million times the computed score, so a run
ranking table cells beside cells a precomputed file or the proxy evaluator scored, and FLAN's log-squashed
supplementary input, saw one proxy in two units."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from nasloop.engine.assemble import build_context
from nasloop.engine.evaluators.proxies.structural import params
from nasloop.search_spaces.nb101.space import NB101Space


@pytest.fixture(scope="module")
def context(data_dir):
    return build_context(NB101Space, "cifar10", str(data_dir), lookup=True)


def test_the_tables_params_proxy_equals_the_computed_one_on_the_full_size_network(context, one_torch_thread):
    benchmark, space = context.benchmark, NB101Space()
    cells = [benchmark.cells()[i] for i in np.random.default_rng(0).permutation(len(benchmark.cells()))[:3]]
    stored = benchmark.proxy_scores(cells, "params", "cifar10")
    image = torch.zeros(1, 3, 32, 32)
    computed = [params(space.to_module(cell), image, torch.zeros(1)) for cell in cells]
    assert stored.tolist() == pytest.approx(computed, rel=1e-9)
    assert stored.tolist() == pytest.approx([benchmark.query(c, "cifar10").metrics["params_m"] for c in cells])
