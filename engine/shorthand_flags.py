"""The ``search`` flags that set a plugin's option (``--device`` is ``evaluator_options: {device: ...}``), and how a
config file writes each: plain data, read by the command line and by ``SearchConfig.from_yaml`` alike.

It lives apart from the CLI modules so that ``config.py`` reads it without importing them: ``from_yaml`` of a file
with ``device: cuda`` said only "unknown key 'device'", where ``nasloop search --config`` of the same file named the
key to write.
"""
from __future__ import annotations

SHORTHAND_FLAGS = {"proxies": ("evaluator", "proxies"), "device": ("evaluator", "device"),
                   "workers": ("executor", "workers"), "gpus_per_trial": ("executor", "gpus_per_trial"),
                   "ray_address": ("executor", "address"), "trial_timeout": ("executor", "timeout_s"),
                   "max_retries": ("executor", "max_retries")}
"""Shorthand flags for common plugin options: flag → (options dict, option name)."""

FLAG_KEYS = {"epochs": "fidelity: VALUE", **{flag: f"{owner}_options: {{{option}: VALUE}}" for flag, (owner, option)
                                              in SHORTHAND_FLAGS.items()}}
"""A ``search`` flag that is no key of a config file, and how the file writes it instead."""

PYTHON_KEYS = {"epochs": ("fidelity=VALUE", "'fidelity': VALUE"),
               **{flag: (f"{owner}_options={{'{option}': VALUE}}", f"'{owner}_options': {{'{option}': VALUE}}")
                  for flag, (owner, option) in SHORTHAND_FLAGS.items()}}
"""The same flags given from Python, as ``SearchConfig``'s keyword and as a ``from_mapping`` key: there they
were "no field 'device'" / "unknown key 'device'", with no word of the options dict that takes them."""


def python_hint(key: str, mapping: bool) -> str:
    """The end of the one line refusing ``key`` (a :data:`PYTHON_KEYS` flag) given from Python: which flag it is,
    and how Python writes it, as a keyword (``SearchConfig(...)``) or as a key (``from_mapping``)."""
    keyword, item = PYTHON_KEYS[key]
    how = f"in a mapping, write {item}" if mapping else f"from Python, give {keyword}"
    return f"which is the --{key.replace('_', '-')} flag; {how}"
