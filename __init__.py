"""nasloop: predictor-guided neural architecture search.

The package root re-exports the few names a script needs (``NasloopError`` is what every refusal of bad
input raises, so a script catches that one class); everything else lives in
``nasloop.engine``, ``nasloop.search_spaces``, ``nasloop.strategies`` and ``nasloop.predictors``.
"""
from .engine.config import SearchConfig
from .engine.errors import NasloopError
from .engine.search import resume, search, summarize

__all__ = ["SearchConfig", "search", "resume", "summarize", "NasloopError"]
__version__ = "0.1.0"
