"""The unified operation vocabulary: one id per operation token across every search space.

Graph encodings name node operations ``"<space>/<op>"`` (see ``GraphEncoding``). A GNN predictor
embeds those tokens, so it needs integer ids; if every space numbered its own ops from zero, a
model trained on one space would read another space's ops as the wrong ones.

**When two spaces share a token.** An op that is the *same operation* as another space's is
written ``"shared/<name>"`` with a name from :data:`SHARED_OPS` (a space declares which of its
ops those are in ``same_ops``), so a model pretrained on one space reads it with the embedding it
learned there. The same operation means the same layer type, kernel and role on the node's
input: NB101's ``conv3x3-bn-relu`` and NB201's ``nor_conv_3x3`` (ReLU-conv-BN) are both a 3x3
convolution with BN and ReLU, and the order of the three does not make them different ops; a
3x3 average pool is one op wherever it appears; the identity, the zero op and the input and
output markers are shared by every space that has them. DARTS' separable and dilated
convolutions and its cell concatenation are shared by the DARTS space and the NDS families. Ops
without a counterpart in another space (TNB101's macro modules, NASNet's 7x7 max pool) keep their
space's own token. Within one space the mapping is one-to-one, so a model of a
single space is the same whichever tokens it reads. A search space
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
SHARED = "shared"
SHARED_OPS: dict[str, str] = {
    "input": "the graph's input marker", "output": "the graph's output marker",
    "none": "the zero op (no data flows)", "skip": "the identity",
    "conv1x1": "a 1x1 convolution with BN and ReLU, in any order", "conv3x3": "a 3x3 convolution with BN and ReLU",
    "avg_pool3x3": "3x3 average pooling", "max_pool3x3": "3x3 max pooling",
    "sep_conv3x3": "DARTS' 3x3 separable convolution (two ReLU-depthwise-pointwise-BN blocks)",
    "sep_conv5x5": "DARTS' 5x5 separable convolution", "dil_conv3x3": "DARTS' 3x3 dilated separable convolution",
    "dil_conv5x5": "DARTS' 5x5 dilated separable convolution",
    "concat": "a DARTS-style cell's output: its output nodes concatenated along channels",
}
"""The operations several spaces share, by unified name (see the module docstring)."""


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
        raise ConfigError(f"operation token {token!r} must be written '<space>{SEPARATOR}<op>', "
                          "e.g. 'nb201/nor_conv_3x3'")


VOCABULARY = Vocabulary()
"""The process-wide vocabulary that spaces register into and new models start from."""


def shared_token(name: str) -> str:
    """The token of the shared operation ``name`` (one of :data:`SHARED_OPS`)."""
    if name not in SHARED_OPS:
        raise ConfigError(f"'{name}' is not a shared operation; shared operations: {', '.join(SHARED_OPS)}")
    return f"{SHARED}{SEPARATOR}{name}"


def register_tokens(tokens: Sequence[str]) -> list[int]:
    """Register tokens (a space's, when it is constructed) and return their ids."""
    VOCABULARY.extend(tokens)
    return VOCABULARY.ids(list(tokens)).tolist()

