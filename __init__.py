"""nasloop: predictor-guided neural architecture search.

The package root re-exports the few names a script needs; everything else lives in
``nasloop.engine``, ``nasloop.search_spaces``, ``nasloop.strategies`` and ``nasloop.predictors``.
"""
from .engine.config import SearchConfig
from .engine.search import resume, search, summarize

__all__ = ["SearchConfig", "search", "resume", "summarize"]
__version__ = "0.1.0"
