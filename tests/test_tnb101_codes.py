"""TransNAS-Bench-101 codes against the real benchmark table: string forms, the macro rule, moves."""
from __future__ import annotations

import gzip
import json
from itertools import product
from pathlib import Path

import numpy as np
import pytest

from nasloop.engine.errors import ArchitectureError
from nasloop.search_spaces.tnb101.codes import (
    MICRO_EDGES, MICRO_OPS, check_macro, check_micro, doubles_channels, enumerate_macro,
    format_macro, format_micro, halves_resolution, is_valid_macro, macro_neighbours, mutate_macro,
    parse_macro, parse_micro, sample_macro)

TNB_JSON = "transnas101_val.json.gz"


@pytest.fixture(scope="module")
def tnb(data_dir: Path) -> dict[str, dict[str, list[int]]]:
    """{"micro"|"macro": {benchmark string: naslib_op_indices}} over all seven tasks."""
    path = data_dir / TNB_JSON
    if not path.is_file():
        pytest.fail(f"{path} is missing from the data folder {data_dir}", pytrace=False)
    with gzip.open(path, "rt") as handle:
        table = json.load(handle)
    return {space: {arch: record["naslib_op_indices"] for task in tasks.values()
                    for arch, record in task.items()}
            for space, tasks in table.items()}


def _one_edit_apart(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long = sorted((a, b), key=len)
    return len(long) == len(short) + 1 and any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def test_constants_follow_the_benchmark_numbering() -> None:
    assert MICRO_OPS[0] == "none" and len(MICRO_OPS) == 4 and len(MICRO_EDGES) == 6
    assert [d for d in (1, 2, 3, 4) if halves_resolution(d)] == [3, 4]
    assert [d for d in (1, 2, 3, 4) if doubles_channels(d)] == [2, 4]


def test_every_micro_string_round_trips_and_matches_naslib(tnb) -> None:
    micro = tnb["micro"]
    assert len(micro) == 4096
    for text, naslib in micro.items():
        ops = parse_micro(text)
        assert format_micro(ops) == text
        assert parse_micro(text.rsplit("-", 1)[1]) == ops  # the bare a_bc_def form
        assert list(ops) == naslib
    assert len({parse_micro(text) for text in micro}) == 4096


def test_every_macro_string_round_trips_and_matches_naslib(tnb) -> None:
    macro = tnb["macro"]
    assert len(macro) == 3256
    for text, naslib in macro.items():
        code = parse_macro(text)
        assert format_macro(code) == text
        assert parse_macro(text.split("-")[1]) == code  # the bare digits
        assert list(code) == naslib


def test_enumerate_macro_is_exactly_the_benchmark(tnb) -> None:
    codes = enumerate_macro()
    assert len(codes) == len(set(codes)) == 3256
    assert set(codes) == {parse_macro(text) for text in tnb["macro"]}
    assert codes == sorted(codes, key=lambda c: (len(c), c))


def test_macro_rule_accepts_exactly_the_benchmark_among_all_digit_strings(tnb) -> None:
    benchmark = {parse_macro(text) for text in tnb["macro"]}
    candidates = [code for length in range(1, 7) for code in product(range(6), repeat=length)]
    candidates += list(product(range(1, 5), repeat=7))
    assert {code for code in candidates if is_valid_macro(code)} == benchmark


def test_sample_macro_is_valid_varied_and_seeded() -> None:
    draws = [sample_macro(np.random.default_rng(0)) for _ in range(3)]
    assert draws[0] == draws[1] == draws[2]
    rng = np.random.default_rng(1)
    sample = [sample_macro(rng) for _ in range(300)]
    assert all(is_valid_macro(code) for code in sample)
    assert len(set(sample)) > 250 and {len(code) for code in sample} == {4, 5, 6}


def test_macro_neighbours_are_valid_single_edits_in_a_fixed_order() -> None:
    codes = enumerate_macro()
    valid = set(codes)
    for code in codes:
        neighbours = macro_neighbours(code)
        assert neighbours, code
        assert len(neighbours) == len(set(neighbours)) and code not in neighbours
        assert all(n in valid and _one_edit_apart(code, n) for n in neighbours), code
    code = (4, 1, 4, 1, 4)
    assert macro_neighbours(code) == macro_neighbours(list(code))
    assert all(code in macro_neighbours(n) for n in macro_neighbours(code))


def test_mutate_macro_gives_a_different_valid_neighbour() -> None:
    rng = np.random.default_rng(0)
    codes = enumerate_macro()
    for index in rng.choice(len(codes), size=300, replace=False):
        code = codes[index]
        child = mutate_macro(code, rng)
        assert child != code and is_valid_macro(child) and child in macro_neighbours(code)


def test_checks_accept_numpy_ints_and_return_plain_tuples() -> None:
    assert check_micro(np.array([1, 3, 0, 3, 2, 1])) == (1, 3, 0, 3, 2, 1)
    assert check_macro(np.array([4, 1, 4, 1, 4])) == (4, 1, 4, 1, 4)
    assert all(type(v) is int for v in check_macro(np.array([4, 1, 4, 1, 4])))
    assert parse_macro(" 64-41414-basic\n") == (4, 1, 4, 1, 4)


BAD_MICRO_TEXT = [
    "1_30", "1_30_321_0", "13_0_321", "1_30_3210", "1_30_324", "1_3a_321", "", "130321",
    "32-41414-1_30_321", "64-4141-1_30_321", "64-41414-1_30_321-x", "64-41414-basic", 5, None,
    "1_30\n_321",
]
BAD_MACRO_TEXT = [
    "123", "1234567", "1111", "3333", "333334", "44441", "12a4", "0341", "5341", "",
    "64-41414-1_30_321", "32-41414-basic", "64-41414-resnet", "64-41414", "41\n414x", 41414, b"41414",
]
BAD_OP_TUPLES = [
    (1, 3, 0), (1, 3, 0, 3, 2, 1, 0), (1, 3, 0, 3, 2, 4), (1, 3, 0, 3, 2, -1), "130321",
    (1.0, 3, 0, 3, 2, 1), (True, 3, 0, 3, 2, 1), np.zeros((2, 3), dtype=int), 7,
]
BAD_MACRO_TUPLES = [
    (4, 1, 4), (4, 1, 4, 1, 4, 1, 4), (1, 1, 1, 1), (3, 3, 3, 3, 3), (4, 4, 4, 4), (4, 1, 0, 1),
    (4, 1, 14, 1), "41414", (4.0, 1, 4, 1), np.ones((2, 4), dtype=int), None,
]


def _one_line_error(call, *args) -> str:
    with pytest.raises(ArchitectureError) as info:
        call(*args)
    message = str(info.value)
    assert message and "\n" not in message and "TNB101" in message, message
    return message


@pytest.mark.parametrize("text", BAD_MICRO_TEXT, ids=repr)
def test_bad_micro_strings_raise_one_line(text) -> None:
    message = _one_line_error(parse_micro, text)
    assert "a_bc_def" in message


@pytest.mark.parametrize("text", BAD_MACRO_TEXT, ids=repr)
def test_bad_macro_strings_raise_one_line(text) -> None:
    message = _one_line_error(parse_macro, text)
    assert "1..4" in message


@pytest.mark.parametrize("ops", BAD_OP_TUPLES, ids=repr)
def test_bad_micro_tuples_raise_one_line(ops) -> None:
    _one_line_error(check_micro, ops)
    _one_line_error(format_micro, ops)


@pytest.mark.parametrize("code", BAD_MACRO_TUPLES, ids=repr)
def test_bad_macro_tuples_raise_one_line(code) -> None:
    assert not is_valid_macro(code)
    _one_line_error(check_macro, code)
    _one_line_error(format_macro, code)
    _one_line_error(macro_neighbours, code)
    _one_line_error(mutate_macro, code, np.random.default_rng(0))


def test_macro_errors_name_the_broken_limit() -> None:
    assert "3 module(s)" in _one_line_error(check_macro, (4, 1, 4))
    assert "halve the resolution" in _one_line_error(check_macro, (1, 2, 1, 2))
    assert "halve the resolution" in _one_line_error(check_macro, (3, 3, 3, 3, 3))
    assert "double the channels" in _one_line_error(check_macro, (3, 1, 1, 1))
    assert "double the channels" in _one_line_error(check_macro, (4, 4, 4, 4))
