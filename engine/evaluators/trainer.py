"""One honest image-classification trainer, fast on a GPU and correct on a CPU.

The recipe follows what makes small-network training fast (airbench's lessons, our own code):
the dataset lives on the device as uint8 and is normalised on the fly, random crop and flip run on
whole batches on the device, tensors are channels_last, CUDA runs under bf16 autocast (fp16 with
loss scaling where bf16 is missing) and may be compiled (CUDA graphs remove the kernel-launch
overhead that bounds networks this small). Optimisation is SGD with Nesterov momentum, label
smoothing and a warmup + cosine (or linear) decay, decoupled from weight decay on norms and biases.

Nothing is skipped to look fast: every reported accuracy is measured on images the network never
trained on (a validation split carved from train, and the test split separately), and images/s
counts the data pipeline. After every epoch a checkpoint (model, optimizer, scheduler, RNG state,
epoch) is written atomically, so a preempted trial restarts from its last finished epoch.
"""
from __future__ import annotations

import contextlib
import math
import os
import pickle
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from ..data.sniff import refuse_inflated_members
from ..errors import ConfigError, DataError
from ..options import TORCH_SEEDS
from ..replaced_files import remove_dead_partials
from .checkpoint_write import CHECKPOINT, OLDER_PARTIALS, refuse_other_networks, write_checkpoint
from .batches import MEAN, STD, BatchSource, DeviceArrays, Split, augment, stratified_split
from ..devices import cudnn_tuned, resolve_device
from ..held_imports import imported

if TYPE_CHECKING:  # imported where a network or tensor is first made: listing or refusing loads no torch
    import torch
    from torch import nn


__all__ = ["SCHEDULES", "TrainConfig", "TrainReport", "Trainer", "resolve_device", "augment", "stratified_split",
           "DeviceArrays", "BatchSource", "Split", "CHECKPOINT"]

SCHEDULES = ("cosine", "linear")


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides what a training run computes (stored in its checkpoints)."""

    epochs: int = 12
    batch_size: int = 256
    lr: float = 0.1
    momentum: float = 0.9
    nesterov: bool = True
    weight_decay: float = 5e-4
    label_smoothing: float = 0.1
    warmup_epochs: float = 0.0
    schedule: str = "cosine"
    crop_padding: int | None = None  # None: 1/8 of the image side (4 pixels on CIFAR)
    flip: bool = True
    seed: int = 0
    eval_batch_size: int = 1024

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size", "eval_batch_size"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ConfigError(f"training option {name} must be a positive integer, got {getattr(self, name)!r}")
        for name in ("lr", "momentum", "weight_decay", "label_smoothing", "warmup_epochs"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise ConfigError(f"training option {name} must be a non-negative number, got {value!r}")
        if self.label_smoothing >= 1:
            raise ConfigError(f"label_smoothing must be below 1, got {self.label_smoothing}")
        if self.schedule not in SCHEDULES:
            raise ConfigError(f"unknown schedule '{self.schedule}'; choose one of {', '.join(SCHEDULES)}")
        if self.crop_padding is not None and (not isinstance(self.crop_padding, int) or self.crop_padding < 0):
            raise ConfigError(f"crop_padding must be a non-negative integer, got {self.crop_padding!r}")


@dataclass
class TrainReport:
    """What a training run measured; accuracies in percent, like the NB201 tables."""

    val_accuracy: float
    test_accuracy: float
    train_loss: float
    params: int
    seconds: float
    train_seconds: float
    images_per_second: float
    epochs: int
    start_epoch: int
    device: str
    threads: int
    """torch's CPU thread count for this fit (its epochs and its accuracies): another count sums floats in another
    order, so the same architecture and seed train to slightly other accuracies (1 and 2 threads: 27.24 and 28.39 %
    test accuracy)."""
    epoch_losses: list[float] = field(default_factory=list)
    epoch_threads: list[int] = field(default_factory=list)
    """The thread count each epoch trained on, those of earlier fits resumed from a checkpoint included (but not
    those of a checkpoint written before the counts were kept), so a trial whose fits ran on several counts says so
    where ``threads`` named only the last."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class WarmupDecay:
    """LR multiplier per step: linear warmup to 1, then cosine or linear decay to 0 (picklable)."""

    def __init__(self, total_steps: int, warmup_steps: int, schedule: str) -> None:
        self.total_steps, self.warmup_steps, self.schedule = total_steps, warmup_steps, schedule

    def __call__(self, step: int) -> float:
        if step < self.warmup_steps:
            return (step + 1) / self.warmup_steps
        progress = (step - self.warmup_steps) / max(1, self.total_steps - self.warmup_steps)
        progress = min(progress, 1.0)
        if self.schedule == "cosine":
            return 0.5 * (1.0 + math.cos(math.pi * progress))
        return 1.0 - progress


class Trainer:
    """Trains one network on given splits and measures it; see the module docstring for the recipe.

    ``device``: "auto", "cpu", "cuda", "cuda:N". ``compile``: wrap the network in
    ``torch.compile`` (``compile_mode`` defaults to "reduce-overhead", i.e. CUDA graphs, on a GPU,
    and to inductor's default on a CPU). ``amp``: bf16/fp16 autocast on CUDA (CPU runs fp32).
    """

    def __init__(self, config: TrainConfig, device: str = "auto", compile: bool = False,
                 compile_mode: str | None = None, amp: bool = True, channels_last: bool = True,
                 data: dict[str, Any] | None = None) -> None:
        torch = imported("torch")
        self.config = config
        self.data = dict(data or {})  # what the splits are drawn from: a checkpoint of other data is refused
        self.device = resolve_device(device)
        self.compile = compile
        self.compile_mode = compile_mode or ("reduce-overhead" if self.device.type == "cuda" else None)
        cuda = self.device.type == "cuda"
        self.amp_dtype = (torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16) if cuda and amp else None
        self.channels_last = channels_last
        self._mean = torch.tensor(MEAN, device=self.device).view(1, 3, 1, 1) * 255.0
        self._inv_std = 1.0 / (torch.tensor(STD, device=self.device).view(1, 3, 1, 1) * 255.0)

    # --- public ----------------------------------------------------------------------------
    def fit(self, model: nn.Module, train: Split, val: Split | None, test: Split | None,
            checkpoint_dir: str | os.PathLike | None = None,
            on_epoch_end: Callable[[int, float], None] | None = None, num_classes: int | None = None) -> TrainReport:
        """Train ``model`` on ``train`` for ``config.epochs`` epochs; measure it on ``val`` and ``test``.

        With ``checkpoint_dir`` the run resumes from the last finished epoch saved there.
        ``on_epoch_end(epoch, train_loss)`` is called after each epoch's checkpoint is written.
        ``num_classes``, when given, is checked against the network's output before the first loss.
        """
        with cudnn_tuned(self.device):
            return self._fit(model, train, val, test, checkpoint_dir, on_epoch_end, num_classes)

    def _fit(self, model: nn.Module, train: Split, val: Split | None, test: Split | None,
             checkpoint_dir: str | os.PathLike | None, on_epoch_end: Callable[[int, float], None] | None,
             num_classes: int | None) -> TrainReport:
        """:meth:`fit`, with cuDNN tuned on a GPU."""
        torch = imported("torch")
        started = time.perf_counter()
        cfg, device = self.config, self.device
        train_src = self._source(train)
        if len(train_src) == 0:
            raise DataError("the training split is empty; use more training images or a smaller val_fraction")
        steps_per_epoch = max(1, len(train_src) // cfg.batch_size)  # full batches only (see _epoch)
        model = model.to(device, memory_format=torch.channels_last if self.channels_last else torch.preserve_format)
        params = sum(p.numel() for p in model.parameters())
        optimizer = self._optimizer(model)
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, WarmupDecay(cfg.epochs * steps_per_epoch, round(cfg.warmup_epochs * steps_per_epoch),
                                   cfg.schedule))
        scaler = torch.amp.GradScaler("cuda") if self.amp_dtype == torch.float16 else None

        ckpt_path = Path(checkpoint_dir) / CHECKPOINT if checkpoint_dir else None
        if ckpt_path is not None:  # also where a resumed trial with no epoch left saves nothing
            remove_dead_partials(ckpt_path, "tmp", OLDER_PARTIALS)
        start_epoch, losses, earlier, (train_seconds, trained_images, threads) = self._resume(
            ckpt_path, model, optimizer, scheduler, scaler)
        runner = torch.compile(model, mode=self.compile_mode) if self.compile else model

        for epoch in range(start_epoch, cfg.epochs):
            epoch_start = time.perf_counter()
            loss, images = self._epoch(runner, train_src, optimizer, scheduler, scaler, epoch, num_classes)
            train_seconds += time.perf_counter() - epoch_start
            trained_images += images
            losses.append(loss)
            threads.append(torch.get_num_threads())
            if ckpt_path is not None:
                self._save(ckpt_path, model, optimizer, scheduler, scaler, epoch + 1, losses,
                           earlier + time.perf_counter() - started, (train_seconds, trained_images, threads))
            if on_epoch_end is not None:
                on_epoch_end(epoch + 1, loss)

        val_acc = self.accuracy(runner, val) if val is not None else float("nan")
        test_acc = self.accuracy(runner, test) if test is not None else float("nan")
        return TrainReport(
            val_accuracy=val_acc, test_accuracy=test_acc,
            train_loss=losses[-1] if losses else float("nan"), params=params,
            seconds=earlier + time.perf_counter() - started, train_seconds=train_seconds,
            images_per_second=trained_images / train_seconds if train_seconds > 0 else float("nan"),
            epochs=cfg.epochs, start_epoch=start_epoch, device=str(device), threads=torch.get_num_threads(),
            epoch_losses=losses, epoch_threads=threads)

    def accuracy(self, model: nn.Module, split: Split) -> float:
        """Top-1 accuracy in percent on ``split``, in eval mode (BatchNorm running statistics)."""
        torch = imported("torch")
        with torch.no_grad():
            source = self._source(split)
            if len(source) == 0:
                return float("nan")
            was_training = model.training
            model.eval()
            correct = torch.zeros((), dtype=torch.long, device=self.device)
            try:
                for images, labels in source.batches(self.config.eval_batch_size, False, 0, False):
                    images, labels = self._on_device(images, labels)
                    self._mark_step()
                    with self._autocast():
                        logits = model(self._normalise(images))
                    correct += (logits.argmax(1) == labels).sum()
            finally:
                model.train(was_training)
            return 100.0 * correct.item() / len(source)

    # --- one epoch -------------------------------------------------------------------------
    def _epoch(self, model: nn.Module, source: BatchSource, optimizer: torch.optim.Optimizer,
               scheduler: torch.optim.lr_scheduler.LRScheduler, scaler: torch.amp.GradScaler | None,
               epoch: int, num_classes: int | None = None) -> tuple[float, int]:
        """One pass over the training split; returns the mean loss and the number of images trained on.

        Only full batches are used (a partial last batch would retrace a compiled network and
        perturb BatchNorm); the order and augmentation are seeded by (seed, epoch), so an epoch
        redone after a preemption sees the same data.
        """
        torch = imported("torch")
        F = imported("torch.nn.functional")
        cfg = self.config
        model.train()
        epoch_seed = (cfg.seed * 100_003 + epoch) % TORCH_SEEDS
        generator = torch.Generator(device=self.device).manual_seed(epoch_seed)
        total = torch.zeros((), dtype=torch.float32, device=self.device)
        seen = 0
        for images, labels in source.batches(cfg.batch_size, True, epoch_seed, True):
            images, labels = self._on_device(images, labels)
            padding = cfg.crop_padding if cfg.crop_padding is not None else images.shape[1] // 8
            images = augment(images, padding, cfg.flip, generator)
            self._mark_step()
            with self._autocast():
                logits = model(self._normalise(images))
                if num_classes is not None and tuple(logits.shape) != (len(labels), num_classes):
                    # torch says "Target 8 is out of bounds" (on a GPU: a device-side assert that ends the process)
                    raise ConfigError(f"the network outputs shape {tuple(logits.shape)} for {len(labels)} images of a "
                                      f"{num_classes}-class dataset; its space's to_module must end in num_classes "
                                      "scores per image")
                loss = F.cross_entropy(logits.float(), labels, label_smoothing=cfg.label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            if scaler is not None:
                scaler.scale(loss).backward()
                scaler.step(optimizer)
                scaler.update()
            else:
                loss.backward()
                optimizer.step()
            scheduler.step()
            total += loss.detach() * len(labels)  # stays on the device: no sync per step
            seen += len(labels)
        return total.item() / max(seen, 1), seen

    # --- helpers ---------------------------------------------------------------------------
    def _source(self, split: Split) -> BatchSource:
        if isinstance(split, BatchSource):
            return split
        images, labels = split
        return DeviceArrays(images, labels, self.device)

    def _on_device(self, images: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if images.device != self.device:
            images = images.to(self.device, non_blocking=True)
            labels = labels.to(self.device, non_blocking=True)
        return images, labels

    def _normalise(self, images: torch.Tensor) -> torch.Tensor:
        """uint8 NHWC -> normalised float NCHW; the permuted view of NHWC *is* channels_last."""
        x = images.permute(0, 3, 1, 2).float()
        if not self.channels_last:
            x = x.contiguous()
        return (x - self._mean) * self._inv_std

    def _autocast(self) -> contextlib.AbstractContextManager:
        torch = imported("torch")
        if self.amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast("cuda", dtype=self.amp_dtype)

    def _mark_step(self) -> None:
        """Tell CUDA graphs a new iteration starts, so outputs of the last one may be overwritten."""
        torch = imported("torch")
        if self.compile and self.device.type == "cuda" and self.compile_mode == "reduce-overhead":
            torch.compiler.cudagraph_mark_step_begin()

    def _optimizer(self, model: nn.Module) -> torch.optim.Optimizer:
        """SGD + Nesterov; no weight decay on BatchNorm weights and biases (they set scale, not capacity)."""
        torch = imported("torch")
        cfg = self.config
        decay = [p for p in model.parameters() if p.ndim > 1]
        no_decay = [p for p in model.parameters() if p.ndim <= 1]
        groups = [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
        fused = {"fused": True} if self.device.type == "cuda" else {}
        return torch.optim.SGD(groups, lr=cfg.lr, momentum=cfg.momentum,
                               nesterov=cfg.nesterov and cfg.momentum > 0, **fused)

    # --- checkpoints -----------------------------------------------------------------------
    def _fingerprint(self) -> dict[str, Any]:
        return asdict(self.config)

    def _save(self, path: Path, model: nn.Module, optimizer: torch.optim.Optimizer,
              scheduler: torch.optim.lr_scheduler.LRScheduler, scaler: torch.amp.GradScaler | None,
              epoch: int, losses: Sequence[float], seconds: float, trained: tuple[float, int, list[int]]) -> None:
        """Write the checkpoint to a temporary file and rename it: a kill never leaves half a file, and an exception
        (a Ctrl-C included) removes the temporary one. ``seconds``
        is the trial's time so far, every earlier attempt included, so a resumed trial costs what it took;
        ``trained`` the seconds spent in its training epochs, the images they saw and each epoch's thread count, so a
        resumed trial's train_seconds, images/s and thread counts cover all its epochs (the first two read 0.0 and
        NaN after a kill during the final evaluation)."""
        torch = imported("torch")
        state = {
            "epoch": epoch, "config": self._fingerprint(), "data": self.data, "losses": list(losses),
            "seconds": float(seconds),
            "train_seconds": float(trained[0]), "trained_images": int(trained[1]), "threads": list(trained[2]),
            "model": model.state_dict(), "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(), "scaler": scaler.state_dict() if scaler else None,
            "rng": {"cpu": torch.get_rng_state(),
                    "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None},
        }
        write_checkpoint(path, state)  # a write that fails stops the search: see checkpoint_write

    def _resume(self, path: Path | None, model: nn.Module, optimizer: torch.optim.Optimizer,
                scheduler: torch.optim.lr_scheduler.LRScheduler,
                scaler: torch.amp.GradScaler | None) -> tuple[int, list[float], float, tuple[float, int, list[int]]]:
        """Load ``path`` if it exists; returns the epoch to start from, the losses, the seconds so far and the
        training seconds, images and epochs' thread counts so far (0 and none for a checkpoint written before they
        were kept)."""
        torch = imported("torch")
        if path is None or not path.is_file():
            return 0, [], 0.0, (0.0, 0, [])
        try:
            refuse_inflated_members(path)
            state = torch.load(path, map_location=self.device, weights_only=True)
            if state["config"] != self._fingerprint():
                raise DataError(f"checkpoint {path} was written with other training settings; "
                                "delete it or use another run directory")
            if "data" in state and state["data"] != self.data:  # older checkpoints did not record it
                raise DataError(f"checkpoint {path} was trained on other data ({state['data']}, not {self.data}); "
                                "delete it or use another run directory")
            refuse_other_networks(path, model, state["model"])
            model.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
            scheduler.load_state_dict(state["scheduler"])
            if scaler is not None and state["scaler"]:
                scaler.load_state_dict(state["scaler"])
            torch.set_rng_state(state["rng"]["cpu"].cpu())
            if state["rng"]["cuda"] is not None and torch.cuda.is_available():
                torch.cuda.set_rng_state_all([s.cpu() for s in state["rng"]["cuda"]])
            epoch, losses, seconds = int(state["epoch"]), [float(x) for x in state["losses"]], float(
                state.get("seconds", 0.0))
            trained = (float(state.get("train_seconds", 0.0)), int(state.get("trained_images", 0)),
                       [int(count) for count in state.get("threads", [])])
            if not 0 <= seconds < float("inf") or not 0 <= trained[0] < float("inf") or trained[1] < 0:
                raise ValueError(f"its time so far is {seconds} s, {trained[0]} s of training on {trained[1]} images")
            if not 0 <= epoch <= self.config.epochs or len(losses) != epoch:  # one saved per epoch, as it ends
                # 10**6 skipped the training, and the trial's result was its network's after the epochs it had
                raise ValueError(f"it records {epoch} of {self.config.epochs} epochs done, with {len(losses)} losses")
        except DataError:
            raise
        except (RuntimeError, KeyError, IndexError, EOFError, OSError, ValueError, TypeError, AttributeError,
                pickle.UnpicklingError) as exc:  # AttributeError: a number where the random state's tensor belongs
            # torch's own advice for a file holding other objects (weights_only=False) would run code from it
            reason = ("it is damaged or holds objects other than weights, which are not loaded"
                      if isinstance(exc, pickle.UnpicklingError)
                      else f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
            raise DataError(f"checkpoint {path} is unreadable ({reason}); delete it to retrain this trial from "
                            "scratch") from None
        return epoch, losses, seconds, trained

