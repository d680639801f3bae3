"""A guided strategy waiting for a new result on a spent space without a declared size draws once an ask.

Once a ranking round and a random draw found nothing unseen, predictor-topk waited for a new result before ranking
again, but each ask still drew 51 random architectures hunting an unseen one: the loop's 10,000-repeat stop drew
510,000 of them (the test of a budget above such a space's size spent most of its 12-24 s there). The wait now draws
one an ask, as bo's does; a new result ends the wait. A hunt for a pool gives up after 500 draws find nothing.
"""
from __future__ import annotations

from .test_exhausted_space_q import draws_per_ask, spent_strategy


def test_asks_while_waiting_for_a_new_result_draw_once_each():
    draws = draws_per_ask(5)
    assert draws == [1] * 5, draws  # was 51 an ask (50 tries and the pick)


def test_a_new_result_ends_the_wait():
    space, strategy = spent_strategy()
    strategy.observed.pop(space.hash((3, 3)))  # as if (3, 3) had never been evaluated: the space is not spent
    strategy.exhausted_at = len(strategy.observed) - 1  # the wait began one result ago
    picks = [strategy.ask(1)[0] for _ in range(3)]
    assert (3, 3) in picks, picks


def test_a_pool_hunt_on_a_spent_space_gives_up_after_fruitless_draws():
    """predictor-topk's ranking round hunts 2,500 unseen architectures for its pool: 125,000 draws on a spent space,
    four rounds of them before the wait began; now 500 draws find nothing and the pool is filled by plain draws."""
    space, strategy = spent_strategy()
    before = space.draws
    pool = strategy._random_unseen(2_500)
    assert len(pool) == 2_500 and space.draws - before <= 500 + 2_500, space.draws - before  # was 127,500
