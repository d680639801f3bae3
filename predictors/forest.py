"""Tree-ensemble predictor: scikit-learn extra-trees (or a random forest) on any feature set.

Trees need no scaling, are blind to monotone transforms of a feature (a proxy's raw score and
its rank split alike), and pick out the few informative columns of a wide feature vector from
a handful of samples: on NB201 a forest on the 13 NAS-Bench-Suite-Zero proxies alone ranks
unseen cells well from 8 training cells, which neural predictors cannot match (README). The
features are those of :mod:`.features`: stored or computed zero-cost proxies, GRAF-style graph
features, vector encodings, in any mix. The spread of the individual trees' predictions is the
uncertainty a BANANAS-style acquisition reads.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal, Mapping, Sequence

import numpy as np

from ..engine.context import RunContext
from ..engine.errors import ConfigError
from ..engine.held_imports import imported
from ..engine.options import PositiveInt, Range, Seed
from ..engine.registry import register_predictor
from ..engine.types import Arch
from ..search_spaces.base import SearchSpace
from .base import Predictor
from .features import FeatureSet, Missing, default_features, features_read_dataset, impute, note_without_table
from .sizes import Trees
from .uninformed import floored_std


@register_predictor("forest")
class ForestPredictor(Predictor):
    """A tree ensemble on ``features`` (default: stored proxies + graph features where the space has them).

    ``model`` is ``extra_trees`` (random splits on all samples; the default: on NB201 it ranked
    better than the random forest at every training size, README) or ``random_forest``
    (bootstrap samples, best split); ``trees`` is their number, ``max_features`` the share of
    features each split considers. ``missing``: ``impute`` sets an undefined proxy score below
    its column's training range, ``error`` names it.
    """

    epistemic_std = True
    # its state is the data it refits on, which no option shapes
    state_free_options = ("seed", "features", "model", "trees", "max_features", "min_samples_leaf", "missing")

    @classmethod
    def reads_dataset_with(cls, space: type[SearchSpace], options: Mapping[str, Any]) -> bool:
        """Its features name proxies, or are the default ones (proxies where a file stores them for the dataset)."""
        features = options.get("features")
        return features is None or features_read_dataset(space, features)

    def __init__(self, space: SearchSpace, seed: Seed = 0, context: RunContext | None = None,
                 features: str | Sequence[str] | None = None,
                 model: Literal["random_forest", "extra_trees"] = "extra_trees", trees: Trees = 300,
                 max_features: Annotated[float, Range(0.0, 1.0, low_open=True)] = 1.0,
                 min_samples_leaf: PositiveInt = 1, missing: Missing = "impute") -> None:
        super().__init__(space, seed)
        context = context or RunContext()
        chosen = default_features(space, context) if features is None else features
        self.features = chosen  # as resolved: config() rebuilds the same forest, and a run records its default
        self.model, self.trees, self.max_features = model, trees, float(max_features)
        self.min_samples_leaf, self.missing = min_samples_leaf, missing
        if features is None and "proxies" not in chosen:
            note_without_table("forest's default features leave out any proxies its benchmark stores", space, context)
        self._features = FeatureSet(space, context, chosen, missing)
        self._floor = np.zeros(len(self._features.names))
        self.builds_networks = self._features.builds_networks
        self.computed_proxies = tuple(self._features.computed_proxies)
        self._forest = None

    def _matrix(self, archs: Sequence[Arch]) -> np.ndarray:
        return impute(self._features(archs), self._floor)

    def _fit(self, archs: list[Arch], y: np.ndarray) -> None:
        ensemble = imported("sklearn.ensemble")
        ExtraTreesRegressor, RandomForestRegressor = ensemble.ExtraTreesRegressor, ensemble.RandomForestRegressor

        raw = self._features(archs)
        finite = np.isfinite(raw)
        low = np.where(finite, raw, np.inf).min(axis=0)
        high = np.where(finite, raw, -np.inf).max(axis=0)
        defined = finite.any(axis=0)
        span = np.where(defined, high - low, 1.0)
        # undefined scores go one span below the column's training range (to 0 when none is defined)
        self._floor = np.where(defined, low - np.where(span > 0, span, 1.0), 0.0)
        # scikit-learn takes seeds below 2**32 only, and a search any up to 2**63 - 1: --seed 1099511627776 stopped at
        # the forest's first fit with scikit-learn's InvalidParameterError; smaller seeds are the same as before
        factory = RandomForestRegressor if self.model == "random_forest" else ExtraTreesRegressor
        self._forest = factory(n_estimators=self.trees, max_features=self.max_features,
                               min_samples_leaf=self.min_samples_leaf, random_state=int(self.seed) % 2**32, n_jobs=1)
        self._forest.fit(impute(raw, self._floor), y)

    def predict(self, archs: Sequence[Arch]) -> tuple[np.ndarray, np.ndarray]:
        if self._forest is None:
            raise ConfigError("forest: predict called before fit; fit it on evaluated architectures first")
        if not archs:  # scikit-learn refuses an empty matrix; every predictor answers an empty pool alike
            return np.zeros(0), np.zeros(0)
        # the trees read float32 (imputed: finite): converted once here, as scikit-learn's own forest.predict does,
        # where each of 300 trees converting and checking the (15,625, 87) NB201 matrix took 4.1 of 6.0 s a predict
        x = np.ascontiguousarray(self._matrix(archs), dtype=np.float32)
        per_tree = np.stack([tree.predict(x, check_input=False) for tree in self._forest.estimators_])
        # trees fitted on uninformative data agree on one value: their spread of 0 is no certainty (uninformed.py)
        return per_tree.mean(axis=0), floored_std(per_tree.std(axis=0), self.space, self._archs, self._y)
