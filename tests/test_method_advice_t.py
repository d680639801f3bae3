"""A search study's method refused for its pretrained file is told the fix as the method takes it: ``compare
--methods`` refuses ``--predictor-opt``, which the predictor's own advice named."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.cli import main
from nasloop.predictors.flan import FlanPredictor
from nasloop.predictors.flan_transfer import save_pretrained
from nasloop.predictors.mixed_space import MixedSpace
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.search_spaces.tnb101.space import TNB101MicroSpace

from .messages import one_line


@pytest.fixture(scope="module")
def with_space_ids(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A FLAN file pretrained on two spaces' mix with space_id=true (one step: its weights are not the point)."""
    nb201, micro = NB201Space(), TNB101MicroSpace()
    cells = [(0, arch) for arch in list(nb201.enumerate())[:3]] + [(1, arch) for arch in list(micro.enumerate())[:3]]
    flan = FlanPredictor(MixedSpace([nb201, micro]), space_id=True, ensemble=1, steps=1).fit(cells, np.arange(6.0))
    return save_pretrained(flan, tmp_path_factory.mktemp("pretrained") / "mix.pt", ["nb201", "tnb101-micro"],
                           len(cells))


def _compare(tmp_path: Path, data_dir: Path, *methods: str) -> int:
    return main(["compare", *methods, "--seeds", "1", "--budget", "2", "--out", str(tmp_path / "study"),
                 "--data-dir", str(data_dir), "--quiet"])


def test_the_advice_is_a_method_option_and_following_it_works(tmp_path: Path, data_dir: Path, capsys,
                                                               with_space_ids: Path) -> None:
    """It said 'add --predictor-opt space_id=true', and that command was refused: '--predictor-opt belongs to a
    predictor study'."""
    method = f"predictor-topk:flan+pretrained={with_space_ids}"
    assert _compare(tmp_path, data_dir, "--methods", method) == 2
    err = one_line(capsys.readouterr().err.strip(), f"method '{method}'", "add '+space_id=true' (the method's option)")
    assert "--predictor-opt" not in err and not (tmp_path / "study").exists()
    assert _compare(tmp_path, data_dir, "--methods", f"{method}+space_id=true") == 0


def test_a_methods_file_is_told_its_predictor_options(tmp_path: Path, data_dir: Path, capsys,
                                                      with_space_ids: Path) -> None:
    methods = tmp_path / "methods.yaml"
    methods.write_text(f"- {{strategy: predictor-topk, predictor: flan, predictor_options: {{pretrained: "
                       f"'{with_space_ids}'}}}}\n", encoding="utf-8")
    assert _compare(tmp_path, data_dir, "--methods-file", str(methods)) == 2
    err = one_line(capsys.readouterr().err.strip(), "method 'predictor-topk:flan' of",
                   f"add 'space_id: true' (in the predictor_options of method 1 of {methods})")
    assert "--predictor-opt" not in err


def test_a_damaged_pretrained_file_names_its_method(tmp_path: Path, data_dir: Path, capsys,
                                                    with_space_ids: Path) -> None:
    """A file cut short is a DataError, which was printed without the method it belongs to."""
    cut = tmp_path / "cut.pt"
    cut.write_bytes(with_space_ids.read_bytes()[:3000])
    assert _compare(tmp_path, data_dir, "--methods", f"random,predictor-topk:flan+pretrained={cut}") == 2
    one_line(capsys.readouterr().err.strip(), f"method 'predictor-topk:flan+pretrained={cut}'",
             "is not a readable FLAN pretrained file")
    assert not (tmp_path / "study").exists()
