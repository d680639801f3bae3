"""Predictors across spaces as a user drives them: the advice a refusal gives must be one that works."""
from __future__ import annotations

import numpy as np
import pytest

from nasloop.engine.assemble import build_context
from nasloop.engine.errors import ConfigError
from nasloop.predictors.flan import FlanPredictor
from nasloop.predictors.flan_transfer import save_pretrained
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.search_spaces.tnb101.space import TNB101MicroSpace


def _pretrained_on_nb201(out, data_dir, supplementary):
    """A small FLAN file fitted on 6 NB201 cells with ``supplementary`` (what 'predictors pretrain' saves)."""
    space = NB201Space()
    context = build_context(NB201Space, "cifar10", str(data_dir), lookup=True)
    cells = list(space.enumerate())[100:106]
    flan = FlanPredictor(space, context=context, supplementary=supplementary, ensemble=1, steps=1)
    return save_pretrained(flan.fit(cells, np.arange(6.0)), out, ["nb201"], len(cells))


def test_the_same_supplementary_option_on_another_space_is_not_told_to_give_the_same_option(tmp_path, data_dir):
    out = _pretrained_on_nb201(tmp_path / "graph.pt", data_dir, ["graph"])
    context = build_context(TNB101MicroSpace, "class_scene", str(data_dir), lookup=True)
    # TNB101-micro's cell has four of NB201's five ops, so [graph] is 62 features there against the file's 74; the
    # refusal said "give the same supplementary and space_id options", the options the user had given
    with pytest.raises(ConfigError) as refused:
        FlanPredictor(TNB101MicroSpace(), context=context, supplementary=["graph"], pretrained=str(out))
    message = str(refused.value)
    assert "give the same supplementary" not in message and "\n" not in message
    assert "pretrained on nb201, and graph features and stored proxies differ from space to space" in message
    assert "only in the file: graph:shared/avg_pool3x3:count" in message
    assert "supplementary=[params, flops]" in message
    # the advice works: proxies both spaces have are the same features by name on both, as the check compares them
    nb201 = build_context(NB201Space, "cifar10", str(data_dir), lookup=True)
    advised = [FlanPredictor(space, context=on, supplementary=["params", "flops"]).supplementary_names
               for space, on in ((NB201Space(), nb201), (TNB101MicroSpace(), context))]
    assert advised[0] == advised[1] == ["params", "flops"]
    # on the file's own space a different option is still told to give the same one
    with pytest.raises(ConfigError, match="was trained on 74 supplementary features, and this FLAN reads 1 .*; give "
                                          "the same supplementary option, or pretrain again"):
        FlanPredictor(NB201Space(), context=nb201, supplementary=["zen"], pretrained=str(out))


def test_a_file_pretrained_with_space_ids_asks_a_flan_without_them_to_add_the_option(tmp_path):
    from nasloop.predictors.mixed_space import MixedSpace

    nb201, micro = NB201Space(), TNB101MicroSpace()
    mix = MixedSpace([nb201, micro])
    cells = [(0, arch) for arch in list(nb201.enumerate())[:3]] + [(1, arch) for arch in list(micro.enumerate())[:3]]
    flan = FlanPredictor(mix, space_id=True, ensemble=1, steps=1).fit(cells, np.arange(6.0))
    out = save_pretrained(flan, tmp_path / "mix.pt", ["nb201", "tnb101-micro"], len(cells))
    # was "give the same supplementary and space_id options", though only space_id was missing
    with pytest.raises(ConfigError, match=r"3 for space_id: nb201, tnb101-micro, other\) and this FLAN has 0; add "
                                          "--predictor-opt space_id=true: the file was pretrained with it$"):
        FlanPredictor(nb201, pretrained=str(out))
    FlanPredictor(nb201, pretrained=str(out), space_id=True)  # the advice works


def test_a_blend_members_refusal_advises_the_members_option_a_blend_takes(data_dir):
    from nasloop.predictors.blend import BlendPredictor
    from nasloop.search_spaces.nb101.space import NB101Space

    # the members' own advice was "--predictor-opt proxy=flops" and "--predictor-opt lr=...", which a blend refuses
    # ("predictor 'blend' has no option 'proxy'"): it hands its members only the options inside members
    nb101 = build_context(NB101Space, "cifar10", str(data_dir), lookup=True)
    with pytest.raises(ConfigError, match=r"^blend member 'zero-cost': proxy 'zen' is stored for 10,250 .*choose one "
                                          r"stored for every cell: --predictor-opt 'members=\{zero-cost: \{proxy: "
                                          r"flops\}, \.\.\.\}' \(flops, params\)$"):
        BlendPredictor(NB101Space(), context=nb101, members={"zero-cost": {}, "forest": {}})
    BlendPredictor(NB101Space(), context=nb101, members={"zero-cost": {"proxy": "flops"}, "forest": {}})  # works
    space = NB201Space()
    blend = BlendPredictor(space, members={"flan": {"lr": 1e9, "steps": 2, "ensemble": 1}, "gp": {}})
    with pytest.raises(ConfigError, match=r"^blend member 'flan': FLAN's training diverged: .*give a smaller "
                                          r"--predictor-opt 'members=\{flan: \{lr: \.\.\.\}, \.\.\.\}'$"):
        blend.fit(list(space.enumerate())[100:106], np.arange(6.0))


def test_a_blend_beside_another_predictor_is_advised_its_own_members_option(data_dir):
    from nasloop.engine.predictor_evaluation import evaluate_predictors

    # the advice was '--predictor-opt members=...', which predictors evaluate gives gp as well, and gp refuses
    with pytest.raises(ConfigError, match=r"--predictor-opt 'blend.members=\{zero-cost: \{proxy: flops\}, \.\.\.\}'"):
        evaluate_predictors(["blend", "gp"], [8], [0], space="nb101", data_dir=str(data_dir),
                            predictor_options={"blend": {"members": {"zero-cost": {}, "forest": {}}}})
