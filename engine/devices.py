"""Which torch device a user's ``--device`` names, checked before any work starts.

Every place that puts a network or a batch on a device resolves it here: ``auto`` is no device torch knows, and
the proxy scorer, given it as a check, then passed the word to ``.to()``, so every score failed in torch's words.
"""
from __future__ import annotations

from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Iterator

from .errors import ConfigError
from .held_imports import imported
from .process_values import set_for_block

if TYPE_CHECKING:  # imported where a device is first resolved: a module that names these functions loads no torch
    import torch


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """``auto`` picks CUDA when present; asking for a device that is absent fails in one line. A torch device
    passes through the same checks, so a caller may resolve once and hand the result on."""
    torch = imported("torch")
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError):
        raise ConfigError(f"unknown device '{device}'; use auto, cpu, cuda or cuda:N") from None
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"device '{device}' requested but this machine has no usable CUDA GPU; "
                          "use --device cpu (or auto)")
    if resolved.type == "cuda" and resolved.index is not None and resolved.index >= torch.cuda.device_count():
        raise ConfigError(f"device '{device}' does not exist; this machine has {torch.cuda.device_count()} GPU(s)")
    if resolved.type not in ("cpu", "cuda"):
        raise ConfigError(f"device '{device}' is not supported; use auto, cpu, cuda or cuda:N")
    return resolved


def caller_generator_kept(device: torch.device) -> AbstractContextManager[None]:
    """torch's global generator, of the CPU and of ``device`` where it is a GPU, given back as it was when the block
    ends: nasloop seeds it to make a network and its training repeatable, and a script's ``torch.randn`` after
    ``search()`` then drew the same numbers after every search."""
    torch = imported("torch")
    return torch.random.fork_rng(devices=[device] if device.type == "cuda" else [])


@contextmanager
def cudnn_tuned(device: torch.device) -> Iterator[None]:
    """Within the block, on a GPU, cuDNN times its convolution algorithms for each new input shape and keeps the
    fastest (a training's shapes repeat every step); ``torch.backends.cudnn.benchmark`` is then given back as the
    caller had it. Set for good, a script's own convolutions after ``search()`` ran tuned, their algorithm (and so
    their last bits) chosen by timing, where the script had left it off. On a CPU the flag is left alone."""
    if device.type != "cuda":
        yield
        return
    torch = imported("torch")
    with set_for_block(torch.backends.cudnn, "benchmark", True):  # trainings overlapping in a script's threads
        yield


def seed_torch(seed: int) -> None:
    """``torch.manual_seed(seed)`` for the devices nasloop runs on: the CPU generator, and CUDA's where this process
    has CUDA. ``torch.manual_seed`` also queues a seed for XPU and MTIA and, before CUDA starts, for CUDA, each
    formatting the whole call stack for an error message that comes only if that device later fails to start: 0.6
    ms a call 60 frames deep, 3.9 ms at 120, and a proxy evaluator seeds twice per network (3.3 of a 1,001-replicate
    search's 8.9 CPU seconds). The generators it seeds are seeded alike, so every seeded draw is the same."""
    torch = imported("torch")
    torch.random.default_generator.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
