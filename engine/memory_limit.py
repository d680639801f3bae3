"""What to tell a user whose command ran out of memory, most often under a shell's limit (``ulimit -v``).

Under a low limit the imports fail first: a MemoryError while Python compiles a module, or the dynamic loader's
'failed to map segment from shared object' ImportError for a native library (torch's, scipy's), or torch's import
failing in its C++ allocator (RuntimeError 'std::bad_alloc'), or the import system's listing of a folder (OSError
ENOMEM: 'Cannot allocate memory: .../multiprocessing'). Each printed a traceback, or 'unexpected ImportError ...
libtorch_cpu.so', where one line naming the limit and its fix will do.
"""
from __future__ import annotations

import errno
import resource


def out_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` says the process could not get the memory it asked for."""
    return (isinstance(exc, MemoryError) or isinstance(exc, ImportError) and "failed to map segment" in str(exc)
            or isinstance(exc, RuntimeError) and "std::bad_alloc" in str(exc)  # torch's import, its C++ allocator
            or isinstance(exc, OSError) and exc.errno == errno.ENOMEM)  # a folder the import system lists


def memory_text(when: str) -> str:
    """'not enough memory ``when`` (the limit in force, or none); raise ...'."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    limit = ("no memory limit is set: the machine's memory ran out" if soft == resource.RLIM_INFINITY
             else f"this shell's memory limit is {soft:,} bytes, 'ulimit -v' {soft // 1024}")
    return f"not enough memory {when} ({limit}); raise the limit or free memory"
