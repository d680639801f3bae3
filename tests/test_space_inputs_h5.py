"""What a space's vectorised one-hot and its draws take: architectures checked as ``encode`` checks one (op -1 was
encoded as op 4, op 9 failed with IndexError), and a numpy Generator, a seed or a RandomState refused in one line
(each failed with "'int' object has no attribute 'integers'"), for every space through the base class."""
from __future__ import annotations

import re

import numpy as np
import pytest

from nasloop.engine.errors import ArchitectureError, ConfigError
from nasloop.search_spaces.base import SearchSpace
from nasloop.search_spaces.darts.space import DartsSpace
from nasloop.search_spaces.nb101.space import NB101Space
from nasloop.search_spaces.nb201 import NB201Space
from nasloop.search_spaces.nago.space import NAGOSpace
from nasloop.search_spaces.tnb101.space import TNB101MicroSpace


class IntegerSpace(SearchSpace):
    """Architectures that are integers, written as themselves: the user spaces below differ in their draws."""

    name = "integers-h5"

    def parse(self, text: str) -> int:
        return int(text)

    def format(self, arch: int) -> str:
        return str(arch)

    def sample(self, rng: np.random.Generator) -> int:
        return 0

    def mutate(self, arch: int, rng: np.random.Generator) -> int:
        return arch


@pytest.mark.parametrize("space_class", [NB201Space, TNB101MicroSpace])
@pytest.mark.parametrize("bad", [(-1, 0, 0, 0, 0, 0), (9, 9, 9, 9, 9, 9), (0, 1, 2), "|nor_conv_3x3~0|", None])
def test_encode_many_refuses_what_encode_refuses_in_its_words(space_class, bad):
    space = space_class()
    good = space.sample(np.random.default_rng(0))
    with pytest.raises(ArchitectureError) as one:
        space.encode(bad, "onehot")
    with pytest.raises(ArchitectureError) as many:
        space.encode_many([good, bad], "onehot")
    assert str(many.value) == str(one.value) and "\n" not in str(many.value)


def test_encode_many_checks_rows_given_as_an_array_and_keeps_every_form_it_took():
    space = NB201Space()
    cells = list(space.enumerate())
    whole = space.encode_many(cells, "onehot")
    assert whole.shape == (15_625, 30) and (whole.sum(axis=1) == 6).all()
    assert np.array_equal(space.encode_many(np.asarray(cells), "onehot"), whole)  # integer rows: as before
    assert np.array_equal(space.encode_many(iter(cells[:5]), "onehot"), whole[:5])  # a generator, as encode reads
    assert space.encode_many([], "onehot").shape == (0, 30)
    with pytest.raises(ArchitectureError, match=r"is not a cell of this space"):
        space.encode_many(np.full((2, 6), 1.5), "onehot")  # float rows were truncated to op 1


@pytest.mark.parametrize("space_class", [NB201Space, NB101Space, DartsSpace, NAGOSpace])
def test_draws_take_a_generator_and_refuse_a_seed_in_one_line(space_class):
    space = space_class()
    arch = space.sample(np.random.default_rng(0))
    assert space.mutate(arch, rng=np.random.default_rng(1)) != arch  # by keyword too
    fix = re.escape("pass np.random.default_rng(seed)")
    with pytest.raises(ConfigError, match=rf"'{space.name}': sample takes a numpy Generator, got the seed 0; {fix}, "
                                          "made once for every draw"):
        space.sample(0)
    with pytest.raises(ConfigError, match=rf"mutate takes a numpy Generator, got the seed 7; {fix}"):
        space.mutate(arch, np.int64(7))
    with pytest.raises(ConfigError, match=rf"sample takes a numpy Generator, got a RandomState; {fix}$"):
        space.sample(np.random.RandomState(0))


def test_a_users_space_is_checked_by_the_base_class(own_plugin_files):
    class Dice(IntegerSpace):
        name = "dice-h5"

        def sample(self, rng: np.random.Generator) -> int:
            return int(rng.integers(1, 7))

        def mutate(self, arch: int, rng: np.random.Generator) -> int:
            return arch % 6 + 1

    assert 1 <= Dice().sample(np.random.default_rng(0)) <= 6
    with pytest.raises(ConfigError, match="'dice-h5': mutate takes a numpy Generator, got None"):
        Dice().mutate(3, None)


def test_a_users_static_or_class_method_draws_and_its_own_default_are_left_as_written(own_plugin_files):
    """A static method got the space as its generator ('takes 1 positional argument but 2 were given'), a class
    method 'is not callable', and a sample(rng=None) the space calls itself with None was refused (reviewer S5)."""
    class Coins(IntegerSpace):
        name = "coins-h5"

        @staticmethod
        def sample(rng: np.random.Generator) -> int:
            return int(rng.integers(0, 2))

        @classmethod
        def mutate(cls, arch: int, rng: np.random.Generator) -> int:
            return 1 - arch

    class OwnDefault(Coins):
        name = "own-default-h5"

        def sample(self, rng: np.random.Generator | None = None) -> int:
            return int((rng or np.random.default_rng(5)).integers(0, 2))

    assert Coins().sample(np.random.default_rng(0)) in (0, 1) and Coins().mutate(1, np.random.default_rng(0)) == 0
    assert OwnDefault().sample(None) in (0, 1) and OwnDefault().sample() in (0, 1)
    with pytest.raises(ConfigError, match="'own-default-h5': sample takes a numpy Generator, got the seed 3"):
        OwnDefault().sample(3)
