"""Training on frames drawn fresh every step: a real frame of a random scene and its own
self-blended fake, side by side in the batch (train/synth/views.py). No clip is seen twice, so
a from-scratch model cannot memorise its training set; the only thing that separates a pair is
the blend, so that is what it learns.

Mean pooling is order-free: one frame per clip per step lets a step see many pairs (the served
clip is still all of its frames). What makes it learn in minutes on a CPU:
- crops of the served frame around the blend (jittered, the real cut at the same place): the
  artifact fills the input, and a small crop costs a fraction of a whole frame;
- dense supervision during training only (as Face X-ray does): 1x1 convolutions on the
  backbone's layer2 and layer3 maps predict the blend's boundary and its mask. They are thrown
  away after training (the checkpoint holds the detector alone), but they give every pixel a
  gradient instead of one label per frame;
- a strength curriculum: blends start obvious and end subtle.
Generated scenes (screens, cartoons, noise...) are kept in a pool refreshed a little every
step: drawing one costs more than viewing it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch
from tqdm import tqdm

from model.network import DeepfakeDetector
from model.preprocess import normalize_clip
from train.synth.catalog import SceneCatalog
from train.synth.scenes import GENERATED_KINDS, Scene
from train.synth.views import training_pair

POOLED_KINDS = (*GENERATED_KINDS, "overlay")
DENSE_LR_SCALE = 10.0  # the 1x1 training-only heads are linear: they can move faster than the backbone


@dataclass(frozen=True)
class OnTheFlySettings:
    image_size: int = 112
    pairs_per_step: int = 32
    steps: int = 300
    lr: float = 2e-3
    weight_decay: float = 0.05
    warmup_steps: int = 20
    strength_start: tuple[float, float] = (6.0, 10.0)  # blend strength range at the first step
    strength: tuple[float, float] = (3.0, 6.0)  # ... and at the last (train/synth/manipulation.py)
    crop: int = 64  # side of the training crop at the served scale; 0 = whole frames
    dense_weight: float = 1.0  # weight of the boundary and mask losses; 0 = off
    scene_pool: int = 48  # generated scenes kept per kind
    refresh: float = 0.05  # share of draws that replace a pooled scene with a fresh one
    seed: int = 0
    time_limit_s: float | None = None  # stop early (cosine schedule follows the clock then)


class ScenePool:
    def __init__(self, catalog: SceneCatalog, settings: OnTheFlySettings, rng: np.random.Generator):
        self.catalog, self.settings, self.rng = catalog, settings, rng
        self.pooled = {
            kind: [catalog.draw(rng, kind) for _ in range(settings.scene_pool)]
            for kind in catalog.weights
            if kind in POOLED_KINDS
        }
        names = list(catalog.weights)
        weights = np.array([catalog.weights[k] for k in names])
        self.kinds, self.probabilities = names, weights / weights.sum()

    def draw(self) -> Scene:
        kind = self.kinds[int(self.rng.choice(len(self.kinds), p=self.probabilities))]
        if kind not in self.pooled:
            return self.catalog.draw(self.rng, kind)
        slot = int(self.rng.integers(len(self.pooled[kind])))
        if self.rng.random() < self.settings.refresh:
            self.pooled[kind][slot] = self.catalog.draw(self.rng, kind)
        return self.pooled[kind][slot]


def _crop_at_blend(frames: tuple, side: int, rng: np.random.Generator) -> tuple:
    """The same square of the real, the fake and the mask, around the mask's centre (jittered by a third)."""
    real, fake, mask = frames
    size = mask.shape[0]
    if not 0 < side < size:
        return frames
    total = float(mask.sum())
    rows, cols = np.indices(mask.shape)
    cy = (rows * mask).sum() / total if total > 0 else size / 2
    cx = (cols * mask).sum() / total if total > 0 else size / 2
    cy, cx = (c + rng.integers(-side // 3, side // 3 + 1) for c in (cy, cx))
    top = int(np.clip(cy - side // 2, 0, size - side))
    left = int(np.clip(cx - side // 2, 0, size - side))
    window = (slice(top, top + side), slice(left, left + side))
    return real[window], fake[window], mask[window]


def make_batch(
    pool: ScenePool, settings: OnTheFlySettings, strength: tuple[float, float], mean, std
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(frames (2P, 3, c, c) normalised, labels (2P,), masks (2P, c, c)): P reals, each followed
    by its fake; a real's mask is zero."""
    frames, masks = [], []
    for _ in range(settings.pairs_per_step):
        real, fake, mask = training_pair(pool.draw(), pool.rng, settings.image_size, strength)
        real, fake, mask = _crop_at_blend((real, fake, mask), settings.crop, pool.rng)
        frames += [real, fake]
        masks += [np.zeros_like(mask), mask]
    tensor = normalize_clip(np.stack(frames), mean, std).contiguous(memory_format=torch.channels_last)
    return tensor, torch.tensor([0.0, 1.0] * settings.pairs_per_step), torch.from_numpy(np.stack(masks))


class DenseHeads(torch.nn.Module):
    """Training-only 1x1 heads: blend boundary from layer2 (fine), blend mask from layer3."""

    def __init__(self):
        super().__init__()
        self.boundary = torch.nn.Conv2d(128, 1, 1)
        self.mask = torch.nn.Conv2d(256, 1, 1)
        for head in (self.boundary, self.mask):  # start at "almost nowhere": the loss starts informative
            torch.nn.init.zeros_(head.weight)
            torch.nn.init.constant_(head.bias, -2.0)

    def loss(self, layer2: torch.Tensor, layer3: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
        boundary_target = 4 * masks * (1 - masks)  # 1 on the blend's edge, 0 inside and outside
        losses = []
        for head, maps, target in ((self.boundary, layer2, boundary_target), (self.mask, layer3, masks)):
            predicted = head(maps.float()).squeeze(1)
            pooled = torch.nn.functional.adaptive_avg_pool2d(target[:, None], predicted.shape[-2:]).squeeze(1)
            losses.append(torch.nn.functional.binary_cross_entropy_with_logits(predicted, pooled))
        return sum(losses)


def backbone_maps(detector: DeepfakeDetector, frames: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(layer2 map, layer3 map, pooled feature): the same operations as detector.embed_frames."""
    net = detector.backbone
    layer2 = net.layer2(net.layer1(net.maxpool(net.relu(net.bn1(net.conv1(frames))))))
    layer3 = net.layer3(layer2)
    pooled = torch.flatten(net.avgpool(net.layer4(layer3)), 1)
    return layer2, layer3, net.fc(pooled)


def _strength_at(progress: float, settings: OnTheFlySettings) -> tuple[float, float]:
    start, end = settings.strength_start, settings.strength
    return tuple(a + (b - a) * min(1.0, progress) for a, b in zip(start, end))


def _lr_factor(progress: float, step: int, warmup: int) -> float:
    return min(1.0, (step + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def train_on_the_fly(
    detector: DeepfakeDetector, mean, std, settings: OnTheFlySettings, bf16: bool, progress: bool = True
) -> list[dict]:
    """AdamW + BCE (+ the dense losses) on fresh pairs; returns history rows every 25 steps
    (step, train loss, pair accuracy: how often the fake of a fresh pair scores above its real,
    wall and CPU seconds: CPU time is what an idle machine would take)."""
    rng = np.random.default_rng(settings.seed)
    torch.manual_seed(settings.seed)
    pool = ScenePool(SceneCatalog.load("train"), settings, rng)
    dense = DenseHeads()
    groups = [{"params": detector.parameters(), "scale": 1.0}, {"params": dense.parameters(), "scale": DENSE_LR_SCALE}]
    optimizer = torch.optim.AdamW(groups, lr=settings.lr, weight_decay=settings.weight_decay)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    started, cpu_started = time.monotonic(), time.process_time()
    history, losses, pair_hits = [], [], []
    detector.train()
    bar = tqdm(range(settings.steps), desc="training on fresh pairs", unit="step", disable=not progress)
    for step in bar:
        elapsed = time.monotonic() - started
        share = step / settings.steps
        if settings.time_limit_s:
            share = max(share, elapsed / settings.time_limit_s)
        if share >= 1.0:
            break
        for group in optimizer.param_groups:
            group["lr"] = group["scale"] * settings.lr * _lr_factor(share, step, settings.warmup_steps)
        frames, labels, masks = make_batch(pool, settings, _strength_at(share, settings), mean, std)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            layer2, layer3, features = backbone_maps(detector, frames)
        logits = detector.classify(features.float().unsqueeze(1)).clip_logits
        loss = loss_fn(logits.float(), labels)
        if settings.dense_weight:
            loss = loss + settings.dense_weight * dense.loss(layer2, layer3, masks)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
        pairs = logits.detach().view(-1, 2)  # (real, fake) of each pair: is the fake scored higher?
        pair_hits.append(float((pairs[:, 1] > pairs[:, 0]).float().mean()))
        if (step + 1) % 25 == 0:
            row = {
                "step": step + 1,
                "train_loss": float(np.mean(losses[-25:])),
                "pair_accuracy": float(np.mean(pair_hits[-25:])),
                "seconds": round(time.monotonic() - started, 1),
                "cpu_seconds": round(time.process_time() - cpu_started, 1),
            }
            history.append(row)
            bar.set_postfix(loss=f"{row['train_loss']:.3f}", pairs=f"{row['pair_accuracy']:.2f}")
    detector.eval()
    return history
