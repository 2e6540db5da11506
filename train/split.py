"""Train/validation split: stratified by class, grouped by source, fixed by the seed.

Groups (a fake with the real it came from) are the unit: shuffled with the seed, then, within
each kind of group (real only, fake only, real + fake), the first `fraction` go to validation,
so both splits keep the class balance and no source appears in both. Videos the dataset marks
as test (Celeb-DF's list) are set aside untouched.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from train.datasets import FAKE, REAL, VideoItem


class SplitError(ValueError):
    pass


@dataclass(frozen=True)
class Splits:
    train: list[VideoItem]
    val: list[VideoItem]
    test: list[VideoItem]


def split_items(items: list[VideoItem], val_fraction: float, seed: int) -> Splits:
    if not 0 < val_fraction < 1:
        raise SplitError(f"--val-split must be between 0 and 1, got {val_fraction}")
    test = [item for item in items if item.split == "test"]
    pool = [item for item in items if item.split != "test"]
    members: dict[str, list[VideoItem]] = defaultdict(list)
    for item in pool:
        members[item.group].append(item)
    by_kind: dict[tuple, list[str]] = defaultdict(list)
    for group, group_items in sorted(members.items()):
        by_kind[tuple(sorted({i.label for i in group_items}))].append(group)
    shuffle = random.Random(seed)
    val_groups: set[str] = set()
    for kind in sorted(by_kind):
        groups = by_kind[kind]
        shuffle.shuffle(groups)
        take = round(val_fraction * len(groups)) if len(groups) > 1 else 0
        val_groups.update(groups[: max(take, 1 if len(groups) > 1 else 0)])
    train = [item for item in pool if item.group not in val_groups]
    val = [item for item in pool if item.group in val_groups]
    _require_both_classes(train, "training")
    _require_both_classes(val, "validation")
    return Splits(train, val, test)


def _require_both_classes(items: list[VideoItem], name: str) -> None:
    labels = {item.label for item in items}
    if labels != {REAL, FAKE}:
        real = sum(item.label == REAL for item in items)
        raise SplitError(
            f"the {name} split got {real} real and {len(items) - real} fake videos: it needs both. "
            "Add videos, or change --val-split."
        )


def class_counts(items: list[VideoItem]) -> dict:
    fake = sum(item.label == FAKE for item in items)
    return {"real": len(items) - fake, "fake": fake}
