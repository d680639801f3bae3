"""A test's child process under a file-size limit (``ulimit -f``), writing no bytecode.

Python does not check a short write of a ``.pyc``: a module first compiled in a child under the limit (typing's and
inspect's pass 120 KiB) was cut at it into the folder every later command of the tests reads
(:mod:`tests.bytecode_cache`), and each of those failed at its import in 'EOFError: marshal data too short'. The
child reads bytecode there all the same."""
from __future__ import annotations

import os
import resource
from typing import Any, Mapping


def limited_child(limit: int | None, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``subprocess.run``'s ``preexec_fn`` and ``env`` (``os.environ`` unless given) for a child under a file-size
    limit of ``limit`` bytes; None sets none, and the child writes its bytecode as any other."""
    def limited() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    given = dict(os.environ if env is None else env)
    return {"preexec_fn": limited, "env": given if limit is None else {**given, "PYTHONDONTWRITEBYTECODE": "1"}}
