"""nasloop: predictor-guided neural architecture search.

The package root re-exports the few names a script needs (``NasloopError`` is what every refusal of bad
input raises, so a script catches that one class); everything else lives in
``nasloop.engine``, ``nasloop.search_spaces``, ``nasloop.strategies`` and ``nasloop.predictors``.

The names load on first use (PEP 562): importing ``nasloop.engine.errors`` or ``nasloop.search_spaces.base``
runs this file first, and a plugin author who imports only those should not pay for the whole search engine.
"""
import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time __getattr__ imports on demand
    from .engine.config import SearchConfig
    from .engine.errors import NasloopError, PluginFault
    from .engine.search import resume, search, summarize

# exported name -> the module (relative to this package) that defines it
_EXPORTS: dict[str, str] = {
    "SearchConfig": ".engine.config",
    "NasloopError": ".engine.errors",
    "PluginFault": ".engine.errors",
    "search": ".engine.search",
    "resume": ".engine.search",
    "summarize": ".engine.search",
}

__all__ = ["SearchConfig", "search", "resume", "summarize", "NasloopError", "PluginFault"]
__version__ = "0.1.0"  # the one version: setup.cfg reads it (attr:), `nasloop --version` prints it


def __getattr__(name: str) -> Any:
    """Import the module defining an exported name the first time the name is asked for."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    """List the lazy exports too, so ``dir(nasloop)`` and completion show them before first use."""
    return sorted(set(globals()) | set(__all__))
