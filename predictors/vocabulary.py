"""The unified operation vocabulary: one id per operation token across every search space.

Graph encodings name node operations ``"<space>/<op>"`` (see ``GraphEncoding``). A GNN predictor
embeds those tokens, so it needs integer ids; if every space numbered its own ops from zero, a
model trained on one space would read another space's ops as the wrong ones. A search space
registers its tokens (its ``graph_ops``) when it is constructed, and they get the next free ids:
ids never change once given, so the same token means the same embedding row for every model of
the process.

A model must not rely on registration order across processes (a plugin space may be imported
earlier or later), so it starts from its own space's tokens, stores the token list it was trained
with (:meth:`Vocabulary.tokens`) and maps tokens through that copy when it is restored. Growing a
copy with a new space's tokens appends rows and leaves existing ids alone: the hook a transfer
experiment (train on one space, fine-tune on another) needs.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from ..engine.errors import ArchitectureError, ConfigError

SEPARATOR = "/"


class Vocabulary:
    """An append-only mapping from operation tokens to consecutive integer ids."""

    def __init__(self, tokens: Iterable[str] = ()) -> None:
        self._ids: dict[str, int] = {}
        self._tokens: list[str] = []
        self.extend(tokens)

    def extend(self, tokens: Iterable[str]) -> None:
        """Give ids to tokens not seen yet, in order; known tokens keep theirs."""
        for token in tokens:
            _check_token(token)
            if token not in self._ids:
                self._ids[token] = len(self._tokens)
                self._tokens.append(token)

    def ids(self, tokens: Sequence[str]) -> np.ndarray:
        """The ids of ``tokens``; an unknown token is an error naming the fix."""
        try:
            return np.fromiter((self._ids[t] for t in tokens), dtype=np.int64, count=len(tokens))
        except KeyError as exc:
            space = str(exc.args[0]).split(SEPARATOR, 1)[0]
            raise ArchitectureError(
                f"operation '{exc.args[0]}' is not in the model's vocabulary; search space '{space}' must list "
                "every op its graph encodings use in its graph_ops (a fitted model knows only the ops it was "
                "trained with: fit it again)") from None

    def tokens(self) -> list[str]:
        """Every token in id order (what a model stores to restore its ids exactly)."""
        return list(self._tokens)

    def spaces(self) -> list[str]:
        """The spaces with at least one registered token, in registration order."""
        return list(dict.fromkeys(t.split(SEPARATOR, 1)[0] for t in self._tokens))

    def __contains__(self, token: object) -> bool:
        return token in self._ids

    def __len__(self) -> int:
        return len(self._tokens)


def _check_token(token: object) -> None:
    if not isinstance(token, str) or SEPARATOR not in token or not all(token.split(SEPARATOR, 1)):
        raise ConfigError(f"operation token {token!r} must be written '<space>{SEPARATOR}<op>', e.g. 'nb201/nor_conv_3x3'")


VOCABULARY = Vocabulary()
"""The process-wide vocabulary that spaces register into and new models start from."""


def register_space_ops(space: str, ops: Sequence[str]) -> list[int]:
    """Register a space's operations (input and output markers included) and return their ids.

    ``ops`` are bare op names (``"nor_conv_3x3"``); they become ``"<space>/<op>"``. Registering
    again is harmless: known tokens keep their ids and new ones are appended.
    """
    if not isinstance(space, str) or not space or SEPARATOR in space:
        raise ConfigError(f"a search-space name for the vocabulary must be a non-empty name without "
                          f"'{SEPARATOR}', got {space!r}")
    tokens = [f"{space}{SEPARATOR}{op}" for op in ops]
    VOCABULARY.extend(tokens)
    return VOCABULARY.ids(tokens).tolist()
