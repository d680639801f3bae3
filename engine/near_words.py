"""The known word a mistyped one most likely meant, for "did you mean" hints.

``difflib`` scores a word by the letters it shares in order with another; two adjacent letters swapped
('flna' for 'flan', 'shwo' for 'show') or one wrong letter in a four-letter name ('flam') scores 0.75, under the
0.8 that keeps unrelated short names from being suggested, so these commonest slips were answered with no
suggestion. They are matched here on their own, whatever the score.
"""
from __future__ import annotations

import difflib
from typing import Sequence

_WRONG_LETTER_FROM = 4
"""The shortest name one wrong letter of which is still taken for it: a three-letter word one letter off another
('gpq', 'rnd') shares too little to mean it."""


def near_words(word: str, known: Sequence[str], cutoff: float = 0.8) -> list[str]:
    """The one known word ``word`` most likely misspells (difflib's best match at ``cutoff``, else one that
    ``word`` is a single slip from), or none."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=cutoff)
    return close or [name for name in known if _one_slip(word, name)][:1]


def _one_slip(typed: str, name: str) -> bool:
    """Whether ``typed`` is ``name`` with two adjacent letters swapped, or one letter wrong (names of four or more
    letters)."""
    if len(typed) != len(name) or typed == name:
        return False
    wrong = [i for i, (a, b) in enumerate(zip(typed, name)) if a != b]
    if len(wrong) == 1:
        return len(name) >= _WRONG_LETTER_FROM
    first, *rest = wrong
    return rest == [first + 1] and typed[first] == name[first + 1] and typed[first + 1] == name[first]
