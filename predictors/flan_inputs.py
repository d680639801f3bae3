"""What FLAN's members read beside an architecture's graph: its supplementary features, the one-hot of its space
(``space_id``), scaled as the fit found them.

Kept apart from :mod:`.flan`, which fits and ranks, since it is the one part that reads outside the graph (a
benchmark's proxies, a user's function, the run's context) and the one that refuses such input in a line.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from ..engine.context import RunContext
from ..engine.errors import ConfigError
from ..engine.types import Arch
from ..search_spaces.base import SearchSpace
from .features import FeatureScaler, FeatureSet, Missing
from ..engine.held_imports import imported

if TYPE_CHECKING:  # imported where a network or tensor is first made: listing or refusing loads no torch
    import torch


Supplementary = Callable[[Sequence[Arch]], Any]


class FlanInputs:
    """FLAN's supplementary input, for :class:`.flan.FlanPredictor`, which sets these attributes."""

    space: SearchSpace
    missing: Missing
    space_id: bool
    space_ids: list[str]
    _supplementary: Supplementary | None
    _scaler: FeatureScaler | None

    def _resolve_supplementary(self, source: Any, context: RunContext) -> Supplementary | None:
        """The supplementary features as a callable: the one given, or the named feature set (proxies
        as the context scores them, ``proxies`` for all the benchmark stores, ``graph`` features...)."""
        if source is None or callable(source):
            return source
        return FeatureSet(self.space, context, source, missing=self.missing)

    def _features(self, archs: Sequence[Arch], written: Sequence[Arch] | None = None) -> np.ndarray:
        """The supplementary features of ``archs`` (canonical forms, so equivalent cells share them); ``written``
        are the same architectures as the user or table wrote them, which a refusal names: 'missing=error' named
        the canonical form, a cell the user never gave (the forest names the user's own)."""
        values = np.zeros((len(archs), 0))
        if isinstance(self._supplementary, FeatureSet):
            values = self._supplementary(archs, written=written)
        elif self._supplementary is not None:
            values = np.asarray(self._supplementary(archs), dtype=np.float64)
            if values.ndim == 1:
                values = values[:, None]
            if values.ndim != 2 or len(values) != len(archs):
                raise ConfigError(f"FLAN's supplementary features must be an (n, d) array for n architectures; "
                                  f"got shape {values.shape} for {len(archs)}")
        return np.concatenate([values, self._space_onehot(archs)], axis=1) if self.space_id else values

    def _space_onehot(self, archs: Sequence[Arch]) -> np.ndarray:
        """Each architecture's space among :attr:`space_ids` (the last column: any other space)."""
        members = self.space.member_spaces
        names = [members[i] for i in self.space.space_of(archs)]
        slots = {name: i for i, name in enumerate(self.space_ids)}
        onehot = np.zeros((len(archs), len(self.space_ids) + 1))
        onehot[np.arange(len(archs)), [slots.get(n, len(self.space_ids)) for n in names]] = 1.0
        return onehot

    def _feature_tensor(self, archs: Sequence[Arch], written: Sequence[Arch] | None = None) -> torch.Tensor:
        torch = imported("torch")
        values = self._features(archs, written)
        if self._scaler is not None:
            values = self._scaler.transform(values)
        return torch.as_tensor(values, dtype=torch.float32)

    @property
    def supplementary_names(self) -> list[str]:
        """The named supplementary features (empty for none, or for a callable given directly)."""
        return list(self._supplementary.names) if isinstance(self._supplementary, FeatureSet) else []

    @property
    def feature_width(self) -> int:
        """Columns of the supplementary input the members read (features and their undefined flags)."""
        return 0 if self._scaler is None else 2 * len(self._scaler.mean)
