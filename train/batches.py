"""Training batches that keep each fake next to its own real.

A batch is filled with whole groups, and all videos of a group get the same frames, the same
crop and the same flip: a real and its fake then differ only by the manipulation, so the
network cannot lean on identity or scene. Few frames per clip per step (mean pooling does not
care about T) lets a step see many distinct pairs, which is what teaches the artifacts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import cv2
import numpy as np
import torch

from model.preprocess import normalize_clip
from train.augment import Degradation, degrade_clip, random_degradation
from train.cache import CachedVideo, load_frames


@dataclass(frozen=True)
class BatchPlan:
    train_frames: int  # frames drawn per clip per step
    crop: int  # side of the random crop at native scale; 0 or >= image size: whole frame
    flip: bool = True
    pair_guided: bool = True  # centre crops where a group's fake differs from its real
    augment: bool = False  # re-encode at a random JPEG/H.264 quality and scale (train/augment.py)


def group_batches(videos: Sequence[CachedVideo], batch_size: int, rng: np.random.Generator) -> list[list[int]]:
    """Indices of `videos` in batches of about `batch_size`, whole groups each, groups shuffled."""
    members: dict[str, list[int]] = defaultdict(list)
    for index, video in enumerate(videos):
        members[video.item.group].append(index)
    groups = [members[name] for name in sorted(members)]
    batches: list[list[int]] = [[]]
    for position in rng.permutation(len(groups)):
        group = groups[position]
        if batches[-1] and len(batches[-1]) + len(group) > batch_size:
            batches.append([])
        batches[-1].extend(group)
    return [batch for batch in batches if batch]


def make_batch(
    videos: Sequence[CachedVideo],
    indices: list[int],
    plan: BatchPlan,
    mean: Sequence[float],
    std: Sequence[float],
    rng: np.random.Generator,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(clips (B, t, 3, c, c) normalised, labels (B,) float) with per-group shared augmentation."""
    views: dict[str, View] = {}
    degradations: dict[str, Degradation] = {}  # shared by a group too: a pair differs only by the fake
    clips, labels = [], []
    for index in indices:
        video = videos[index]
        frames = load_frames(video)
        if video.item.group not in views:
            views[video.item.group] = _draw_view(frames.shape, plan, rng)
            if plan.pair_guided and 0 < plan.crop < min(frames.shape[1:3]):
                views[video.item.group] = _guide_crop(
                    views[video.item.group], videos, indices, video.item.group, plan.crop, rng
                )
            if plan.augment:
                degradations[video.item.group] = random_degradation(rng)
        view = views[video.item.group]
        clip = np.asarray(frames[view.chosen, view.top : view.top + view.side, view.left : view.left + view.side])
        if view.flip:
            clip = clip[:, :, ::-1]
        if plan.augment:
            clip = degrade_clip(clip, degradations[video.item.group])
        clips.append(clip)
        labels.append(float(video.item.label))
    # One normalisation for the whole batch: per-clip tiny tensor ops stall on a busy CPU.
    stacked = np.stack(clips)
    normalized = normalize_clip(stacked.reshape(-1, *stacked.shape[2:]), mean, std)
    return normalized.view(*stacked.shape[:2], *normalized.shape[1:]), torch.tensor(labels)


class View(NamedTuple):
    """What a group's videos show in one step: which frames, which square, mirrored or not."""

    chosen: np.ndarray
    top: int
    left: int
    side: int
    flip: bool


def _draw_view(shape: tuple, plan: BatchPlan, rng: np.random.Generator) -> View:
    count, height, width = shape[:3]
    chosen = np.sort(rng.choice(count, size=min(plan.train_frames, count), replace=False))
    side = min(plan.crop, height, width) if plan.crop > 0 else min(height, width)
    top = int(rng.integers(0, height - side + 1))
    left = int(rng.integers(0, width - side + 1))
    return View(chosen, top, left, side, bool(plan.flip and rng.random() < 0.5))


def _guide_crop(
    view: View, videos: Sequence[CachedVideo], indices: list[int], group: str, crop: int, rng: np.random.Generator
) -> View:
    """Move the crop onto where the group's fake differs most from its real (same frames: the
    manipulated region), jittered so the region's boundary lands anywhere in the crop. A random
    crop on a paired dataset often shows the real and the fake identical pixels with opposite
    labels; this one always holds the region's centre. Groups without both classes keep the
    random crop."""
    members = [videos[i] for i in indices if videos[i].item.group == group]
    reals = [v for v in members if v.item.label == 0]
    fakes = [v for v in members if v.item.label == 1]
    if not reals or not fakes:
        return view
    step = 4  # a coarse grid finds the region as well, at 1/16 of the cost
    real = np.asarray(load_frames(reals[0])[view.chosen, ::step, ::step], dtype=np.int16)
    fake = np.asarray(load_frames(fakes[0])[view.chosen, ::step, ::step], dtype=np.int16)
    if real.shape != fake.shape:
        return view
    difference = np.abs(fake - real).max(axis=-1).mean(axis=0).astype(np.float32)
    smooth = cv2.blur(difference, (max(1, crop // (2 * step)),) * 2)
    centre_y, centre_x = (step * int(v) for v in np.unravel_index(int(np.argmax(smooth)), smooth.shape))
    height, width = load_frames(reals[0]).shape[1:3]
    jitter_y, jitter_x = rng.integers(-crop // 3, crop // 3 + 1, 2)
    top = int(np.clip(centre_y + jitter_y - crop // 2, 0, height - view.side))
    left = int(np.clip(centre_x + jitter_x - crop // 2, 0, width - view.side))
    return view._replace(top=top, left=left)
