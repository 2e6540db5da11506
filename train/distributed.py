"""Multi-process training under `torchrun` (DistributedDataParallel).

`torchrun --nproc_per_node=N -m train ...` starts N copies of `python -m train`; each reads its
rank from the environment (RANK, WORLD_SIZE, LOCAL_RANK). Without those variables training runs
in one process exactly as before (no process group, same random streams).

What changes with N processes:
- every rank builds the same shuffled list of pair-aware batches for an epoch (the order is
  seeded by (seed, epoch), not by a rank's own generator) and takes every N-th batch, so ranks
  see disjoint videos and a fake never leaves its real; `--batch-size` is per process;
- each rank draws its own augmentation (seeded by (seed, rank));
- gradients are averaged by DDP; rank 0 alone validates, decides when to stop (and tells the
  others), and writes the checkpoint and report;
- each rank writes `<out stem>.rank<R>.json`: which videos it trained on, per epoch.
Backend: gloo (the training loop runs on the CPU; nccl needs CUDA tensors).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from train.batches import group_batches

BACKEND = "gloo"
# Ranks wait for rank 0 while it fills the frame cache and validates: that can take long. A
# failure is never a silent hang: torchrun stops every process when one of them exits.
TIMEOUT = dt.timedelta(hours=2)


@dataclass
class Ranks:
    """This process's place among the training processes (rank 0 of 1 without torchrun)."""

    rank: int = 0
    world_size: int = 1
    local_world_size: int = 1
    trained: dict[int, list[str]] = field(default_factory=dict)  # epoch -> videos this rank trained on

    @property
    def distributed(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def ranks_from_environment() -> Ranks:
    """torchrun's RANK / WORLD_SIZE / LOCAL_WORLD_SIZE; a single process when they are absent."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return Ranks()
    return Ranks(int(os.environ["RANK"]), world_size, int(os.environ.get("LOCAL_WORLD_SIZE", world_size)))


@contextlib.contextmanager
def process_group(ranks: Ranks) -> Iterator[Ranks]:
    """Join the process group for the run (nothing to join in a single process)."""
    if not ranks.distributed:
        yield ranks
        return
    dist.init_process_group(BACKEND, timeout=TIMEOUT)
    try:
        yield ranks
    finally:
        dist.destroy_process_group()


def threads_per_process(threads: int, ranks: Ranks) -> int:
    """The processes on one machine share its cores: split the count between them."""
    return max(1, threads // ranks.local_world_size)


@contextlib.contextmanager
def main_first(ranks: Ranks) -> Iterator[None]:
    """Rank 0 does the work first (filling the frame cache); the others then find it done."""
    if ranks.distributed and not ranks.is_main:
        dist.barrier()
    yield
    if ranks.distributed and ranks.is_main:
        dist.barrier()


def augmentation_rng(seed: int, ranks: Ranks) -> np.random.Generator:
    """One process keeps the single-process stream; ranks draw different crops and flips."""
    return np.random.default_rng(seed if not ranks.distributed else [seed, ranks.rank])


class TooFewBatches(ValueError):
    """Fewer batches per epoch than processes: some rank would have nothing to train on."""


def check_enough_batches(batch_count: int, ranks: Ranks) -> None:
    if batch_count < ranks.world_size:
        raise TooFewBatches(
            f"{batch_count} training batch(es) per epoch cannot feed {ranks.world_size} processes: "
            "lower --batch-size or the number of processes"
        )


def epoch_batches(
    videos: list, batch_size: int, rng: np.random.Generator, seed: int, epoch: int, ranks: Ranks
) -> list[list[int]]:
    """This rank's batches for one epoch (indices into `videos`), whole pair groups each.

    With N processes every rank shuffles with the same (seed, epoch), then takes batches
    rank, rank + N, ...; the tail that would leave a rank one step short is dropped (DDP needs
    the same number of steps everywhere), and it differs from epoch to epoch."""
    if not ranks.distributed:
        return group_batches(videos, batch_size, rng)
    batches = group_batches(videos, batch_size, np.random.default_rng([seed, epoch]))
    check_enough_batches(len(batches), ranks)
    mine = batches[ranks.rank :: ranks.world_size][: len(batches) // ranks.world_size]
    ranks.trained[epoch] = [str(videos[i].item.path) for batch in mine for i in batch]
    return mine


def steps_per_epoch(batch_count: int, ranks: Ranks) -> int:
    return batch_count // ranks.world_size


class _ClipForward(nn.Module):
    """`forward(clips)` = the training forward: DDP averages gradients only of what runs through
    the wrapped module's forward(), and the loop calls the detector's parts, not its forward."""

    def __init__(self, detector: nn.Module, forward: Callable):
        super().__init__()
        self.detector = detector
        self.clip_forward = forward

    def forward(self, clips: torch.Tensor) -> torch.Tensor:
        return self.clip_forward(self.detector, clips)


def training_forward(detector: nn.Module, forward: Callable, ranks: Ranks) -> Callable[[torch.Tensor], torch.Tensor]:
    """clips -> logits for training steps: `forward(detector, clips)`, through DDP with N ranks."""
    if not ranks.distributed:
        return lambda clips: forward(detector, clips)
    return DistributedDataParallel(_ClipForward(detector, forward))


def agree(value: bool, ranks: Ranks) -> bool:
    """Rank 0's decision (stop, validate now), the same on every rank."""
    if not ranks.distributed:
        return value
    flag = torch.tensor([int(value)])
    dist.broadcast(flag, src=0)
    return bool(flag.item())


def mean_over_ranks(value: float, ranks: Ranks) -> float:
    if not ranks.distributed:
        return value
    total = torch.tensor([value], dtype=torch.float64)
    dist.all_reduce(total)
    return float(total.item()) / ranks.world_size


def describe(ranks: Ranks, batch_size: int) -> dict | None:
    """What the checkpoint's `data` says about the processes (None for one process)."""
    if not ranks.distributed:
        return None
    return {"world_size": ranks.world_size, "backend": BACKEND, "batch_size_per_process": batch_size}


def shard_log_path(checkpoint: Path, rank: int) -> Path:
    return checkpoint.with_name(f"{checkpoint.stem}.rank{rank}.json")


def write_shard_log(checkpoint: Path, ranks: Ranks) -> Path | None:
    """`<stem>.rank<R>.json`: the videos this rank trained on, per epoch (disjoint across ranks)."""
    if not ranks.distributed:
        return None
    path = shard_log_path(checkpoint, ranks.rank)
    path.parent.mkdir(parents=True, exist_ok=True)
    epochs = [{"epoch": epoch, "videos": videos} for epoch, videos in sorted(ranks.trained.items())]
    path.write_text(json.dumps({"rank": ranks.rank, "world_size": ranks.world_size, "epochs": epochs}, indent=1))
    return path
