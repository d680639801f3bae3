"""``--predictor-opt`` pairs split into each predictor's options, read alike by ``search``, ``compare`` and
``predictors evaluate``."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from .errors import ConfigError
from .options import check_options, name_list, option_names
from .registry import PREDICTORS


def options_per_predictor(predictors: Sequence[str], options: Mapping[str, Any],
                          waiting: bool = False) -> dict[str, dict[str, Any]]:
    """Each predictor's options from ``--predictor-opt`` pairs, read alike by ``search``, ``compare`` and
    ``predictors evaluate``.

    ``KEY`` goes to every predictor (each checks it: ``steps`` beside ``gp`` is refused), ``NAME.KEY`` only to
    predictor NAME (``flan.ensemble=2`` beside ``gp``, which has no such option) and beats a ``KEY`` given too, in
    either order, so ``lr=0.01 flan.lr=0.001`` means 0.001 for FLAN and 0.01 for the others. With ``waiting``, an
    option for a predictor not among ``predictors`` waits for it (a study's stored options name
    predictors a later call, adding another one, does not list), checked against that predictor's
    options now; without, it is refused, since nothing would read it.
    """
    chosen: dict[str, dict[str, Any]] = {name: {} for name in predictors}
    named: dict[str, dict[str, Any]] = {name: {} for name in predictors}
    for key, value in options.items():
        name, dot, option = str(key).partition(".")
        if not dot and isinstance(value, Mapping) and key in PREDICTORS and not any(
                key in option_names(PREDICTORS.get(p)) for p in predictors if p in PREDICTORS):
            example = next(iter(value), "OPTION")  # evaluate_predictors' form, {'gp': {...}}: "no option 'gp'"
            raise ConfigError(f"--predictor-opt {key}={{...}} nests options under predictor '{key}', which a search "
                              f"does not read; write each as {key}.{example}=VALUE (predictor_options="
                              f"{{'{key}.{example}': ...}} in Python), or without '{key}.' for every predictor")
        if not dot:
            for each in chosen.values():
                each[key] = value
        elif name in named and option:
            named[name][option] = value
        elif not option:
            raise ConfigError(f"--predictor-opt {key} names no option after '{name}.'; write NAME.KEY=VALUE "
                              "(e.g. flan.ensemble=2)")
        elif name not in PREDICTORS:
            raise ConfigError(f"--predictor-opt {key}: '{name}' is not a predictor ({', '.join(PREDICTORS.names())})"
                              "; write NAME.KEY=VALUE with one of them")
        elif waiting:  # kept for a later call that adds the predictor, so a misspelt option is named now
            check_options(f"--predictor-opt {key}: predictor '{name}'", PREDICTORS.get(name), {option: value},
                          "predictor")
        else:
            holder = next((p for p in predictors if p in PREDICTORS and PREDICTORS.get(p).holds_predictors), None)
            if holder is not None:  # e.g. a blend: it hands each member the options written inside its members
                raise ConfigError(f"--predictor-opt {key} names predictor '{name}', and {holder} passes its members "
                                  f"only the options inside its members option: write --predictor-opt "
                                  f"'members={{{name}: {{{option}: {value}}}, ...}}' (listing every member)")
            raise ConfigError(f"--predictor-opt {key} is for predictor '{name}', which is not used here "
                              f"({', '.join(predictors)}); add it or drop the option")
    return {name: {**chosen[name], **named[name]} for name in predictors}


FEATURE_LISTS = ("features", "supplementary")
"""Predictor options that name feature sets (the forest's features, FLAN's supplementary ones)."""


def older_feature_lists(options: Any) -> Any:
    """A stored run's predictor options (a blend's members' too) with each feature list read as older nasloop read
    it: a name given twice counts once. A new run is refused a name given twice (``features=[proxies, proxies]``
    would count once unseen), but a stored run must resume as it began, since its options cannot be given anew."""
    if isinstance(options, list):
        return [older_feature_lists(value) for value in options]
    if not isinstance(options, dict):
        return options
    kept = {}
    for key, value in options.items():
        if str(key).rpartition(".")[2] in FEATURE_LISTS and isinstance(value, (str, list)):
            names = list(name_list(value))
            once = list(dict.fromkeys(names)) if all(isinstance(n, str) for n in names) else names
            kept[key] = once if len(once) < len(names) else value
        else:
            kept[key] = older_feature_lists(value)
    return kept
