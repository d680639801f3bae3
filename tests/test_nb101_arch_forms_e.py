"""NB101 cells written in the benchmark's own forms: its matrix and ops, and its graph hash.

Before, ``space.parse`` (so ``--arch`` and archs files) read only nasloop's ``op(sources)`` terms and
told a user pasting a record of the shipped JSON, or a cell's md5 hash, that node 1 was not ``op(sources)``.
"""
from __future__ import annotations

import json

import pytest

from nasloop.engine.assemble import build_context
from nasloop.engine.cli import main
from nasloop.engine.errors import ArchitectureError
from nasloop.search_spaces.nb101.graph import make_cell
from nasloop.search_spaces.nb101.space import NB101Space

from .nb101_small_e import first_records, small_nb101


@pytest.fixture(scope="module")
def records(data_dir):
    """The shipped JSON's first three records."""
    return first_records(data_dir)


@pytest.fixture(scope="module")
def record(records):
    return records[0]


def test_matrix_and_ops_parse_as_json_and_as_a_python_dict(record):
    space = NB101Space()
    cell = make_cell(record["matrix"], record["ops"])
    assert space.parse(json.dumps({"matrix": record["matrix"], "ops": record["ops"]})) == cell
    assert space.parse(repr({"module_adjacency": record["matrix"], "module_operations": record["ops"]})) == cell
    # the benchmark's pruning applies to this form as to ModelSpec: the dangling node 2 goes
    assert space.parse("{'matrix': [[0,1,1],[0,0,0],[0,0,0]], 'ops': ['input','conv3x3-bn-relu','output']}") == \
        make_cell([[0, 1], [0, 0]], [])


def test_a_graph_hash_names_its_table_cell(data_dir, record, tmp_path_factory):
    folder = tmp_path_factory.mktemp("nb101")  # a table of three cells: the whole one takes 15 s to load
    small_nb101(data_dir, folder)
    cell = make_cell(record["matrix"], record["ops"])
    bound = NB101Space(context=build_context(NB101Space, "cifar10", str(folder), lookup=True))
    unbound = NB101Space(context=build_context(NB101Space, "cifar10", str(folder)))
    assert bound.parse(record["hash"]) == cell and unbound.parse(f" {record['hash'].upper()} ") == cell
    with pytest.raises(ArchitectureError, match="graph hash of no cell in the NB101 table"):
        bound.parse("f" * 32)


@pytest.mark.parametrize("text,problem", [
    ("{'matrix': 'abc', 'ops': []}", "must be lists"),
    ("{'foo': 1}", "is not a matrix and ops spec"),
    ("{broken", "neither JSON nor a Python dict"),
    ('{"matrix": [[0, 1, 1], [0, 0, 1], [0, 0, 0]], "ops": ["input", "output"]}', "needs 1 middle ops"),
])
def test_malformed_specs_are_one_line_errors(text, problem):
    with pytest.raises(ArchitectureError, match=problem) as info:
        NB101Space().parse(text)
    assert "\n" not in str(info.value)


def test_a_hash_without_the_table_says_so_in_one_line(tmp_path, isolated_cache, capsys):
    archs = tmp_path / "archs.txt"
    archs.write_text("00011986aeb27419a476d219f3d9ba14\n")
    assert main(["proxies", "--space", "nb101", "--archs-file", str(archs), "--proxies", "params",
                 "--data-dir", str(tmp_path)]) != 0
    err = capsys.readouterr().err.strip()
    assert "is an NB101 graph hash" in err and "nasbench101_30k.json.gz" in err and "\n" not in err
