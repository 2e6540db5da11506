"""Training on frames drawn fresh every step: a real frame of a random scene and its own
self-blended fake, side by side in the batch (train/synth/views.py). No clip is seen twice, so
a from-scratch model cannot memorise its training set; the only thing that separates a pair is
the blend, so that is what it learns.

Mean pooling is order-free: one frame per clip per step lets a step see many pairs (the served
clip is still all of its frames). What makes it learn in minutes on a CPU:
- the blend made at the served scale, on whole served frames (train/synth/views.py): what the
  network trains on is what serving gives it;
- a pairwise ranking loss next to BCE: each fake must score above its own real;
- a small served side (the demo serves 80 px), so a step costs little;
- optional: crops around the blend, and dense supervision during training only (as Face X-ray
  does: 1x1 convolutions on layer2 and layer3 predict the blend's boundary and mask, thrown away
  afterwards), and a strength curriculum (blends start obvious and end subtle);
- it stops when a fixed set of fresh validation pairs reaches a target ROC-AUC, or at a time
  budget (the cosine schedule follows the clock then), printing the time left.
Generated scenes (screens, cartoons, noise...) are kept in a pool refreshed a little every
step: drawing one costs more than viewing it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.metrics import roc_auc_score
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
    rank_weight: float = 0.0  # weight of the pairwise loss softplus(real - fake) next to BCE
    target_auc: float | None = None  # stop once the validation pairs reach this ROC-AUC
    validation_pairs: int = 150  # fresh pairs of the trained sources, drawn once, checked every...
    validate_every: int = 50  # ... this many steps (0 = never)


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


@dataclass(frozen=True)
class ValidationPairs:
    """Fixed frames of the trained sources (their own seed), at the last step's strength: the
    stopping rule's frame-level ROC-AUC."""

    frames: torch.Tensor  # (2N, 3, S, S) normalised, real then fake of each pair
    labels: np.ndarray

    @classmethod
    def draw(cls, catalog: SceneCatalog, settings: OnTheFlySettings, mean, std) -> ValidationPairs:
        rng = np.random.default_rng([settings.seed, 12345])
        frames = []
        for _ in range(settings.validation_pairs):
            real, fake, _ = training_pair(catalog.draw(rng), rng, settings.image_size, settings.strength)
            frames += [real, fake]
        tensor = normalize_clip(np.stack(frames), mean, std).contiguous(memory_format=torch.channels_last)
        return cls(tensor, np.array([0, 1] * settings.validation_pairs))

    def roc_auc(self, detector: DeepfakeDetector, bf16: bool) -> float:
        detector.eval()
        logits = []
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            for start in range(0, len(self.frames), 100):
                features = backbone_maps(detector, self.frames[start : start + 100])[2]
                logits.append(detector.classify(features.float().unsqueeze(1)).clip_logits.float())
        detector.train()
        return float(roc_auc_score(self.labels, torch.cat(logits).numpy()))


def _loss(logits: torch.Tensor, labels: torch.Tensor, settings: OnTheFlySettings) -> torch.Tensor:
    loss = torch.nn.functional.binary_cross_entropy_with_logits(logits.float(), labels)
    if settings.rank_weight:
        pairs = logits.float().view(-1, 2)  # (real, fake) of each pair
        loss = loss + settings.rank_weight * torch.nn.functional.softplus(pairs[:, 0] - pairs[:, 1]).mean()
    return loss


def _progress_share(step: int, elapsed: float, settings: OnTheFlySettings) -> float:
    share = step / settings.steps
    if settings.time_limit_s:
        share = max(share, elapsed / settings.time_limit_s)
    return share


def train_on_the_fly(
    detector: DeepfakeDetector,
    mean,
    std,
    settings: OnTheFlySettings,
    bf16: bool,
    progress: bool = True,
    sharing_cores: Callable[[], bool] | None = None,
) -> list[dict]:
    """AdamW + BCE (+ the ranking and dense losses) on fresh pairs until `steps`, `time_limit_s`
    or `target_auc` on the validation pairs, whichever comes first; returns history rows every 25
    steps (step, train loss, pair accuracy: how often the fake of a fresh pair scores above its
    real, validation ROC-AUC where checked, wall and CPU seconds: CPU time is what an idle machine
    would take). While `sharing_cores()` is true (another process works beside training), steps
    run on one thread."""
    rng = np.random.default_rng(settings.seed)
    torch.manual_seed(settings.seed)
    catalog = SceneCatalog.load("train")
    pool = ScenePool(catalog, settings, rng)
    validation = ValidationPairs.draw(catalog, settings, mean, std) if settings.validate_every else None
    dense = DenseHeads()
    groups = [{"params": detector.parameters(), "scale": 1.0}, {"params": dense.parameters(), "scale": DENSE_LR_SCALE}]
    optimizer = torch.optim.AdamW(groups, lr=settings.lr, weight_decay=settings.weight_decay)
    started, cpu_started = time.monotonic(), time.process_time()
    history, losses, pair_hits = [], [], []
    detector.train()
    bar = _progress_bar(settings, progress)
    threads = torch.get_num_threads()
    for step in range(settings.steps):
        share = _progress_share(step, time.monotonic() - started, settings)
        if share >= 1.0:
            break
        _set_threads(1 if sharing_cores is not None and sharing_cores() else threads)
        for group in optimizer.param_groups:
            group["lr"] = group["scale"] * settings.lr * _lr_factor(share, step, settings.warmup_steps)
        frames, labels, masks = make_batch(pool, settings, _strength_at(share, settings), mean, std)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            layer2, layer3, features = backbone_maps(detector, frames)
        logits = detector.classify(features.float().unsqueeze(1)).clip_logits
        loss = _loss(logits, labels, settings)
        if settings.dense_weight:
            loss = loss + settings.dense_weight * dense.loss(layer2, layer3, masks)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
        pairs = logits.detach().view(-1, 2)  # (real, fake) of each pair: is the fake scored higher?
        pair_hits.append(float((pairs[:, 1] > pairs[:, 0]).float().mean()))
        done = step + 1
        _advance(bar, done, time.monotonic() - started, settings)
        if done % 25 and not (validation and done % settings.validate_every == 0):
            continue
        row = _history_row(done, losses, pair_hits, started, cpu_started)
        if validation is not None and done % settings.validate_every == 0:
            row["validation_auc"] = round(validation.roc_auc(detector, bf16), 4)
        history.append(row)
        bar.set_postfix(_postfix(history))
        if settings.target_auc and row.get("validation_auc", 0.0) >= settings.target_auc:
            bar.write(
                f"validation ROC-AUC {row['validation_auc']:.3f} >= {settings.target_auc}: stopping at step {done}"
            )
            break
    bar.close()
    _set_threads(threads)
    detector.eval()
    return history


def _set_threads(count: int) -> None:
    """One thread beside a busy process: on 2 cores, at the demo recipe, a step took about 1.4 s on two
    threads contending with the clip writer, 0.7 s on one thread, 0.5 s on two idle cores."""
    if torch.get_num_threads() != count:
        torch.set_num_threads(count)


def _history_row(done: int, losses: list, pair_hits: list, started: float, cpu_started: float) -> dict:
    return {
        "step": done,
        "train_loss": float(np.mean(losses[-25:])),
        "pair_accuracy": float(np.mean(pair_hits[-25:])),
        "seconds": round(time.monotonic() - started, 1),
        "cpu_seconds": round(time.process_time() - cpu_started, 1),
    }


def _progress_bar(settings: OnTheFlySettings, progress: bool) -> tqdm:
    """Steps, or seconds of the budget where there is one: the bar's estimate is then the time left."""
    if not settings.time_limit_s:
        return tqdm(total=settings.steps, desc="training on fresh pairs", unit="step", disable=not progress)
    return tqdm(
        total=round(settings.time_limit_s),
        desc=f"training on fresh pairs (budget {settings.time_limit_s / 60:.1f} min)",
        unit="s",
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed} elapsed, {remaining} left{postfix}",
        smoothing=0,  # the position is the clock: the mean rate, ~1 s/s, makes "left" the budget's rest
        disable=not progress,
    )


def _advance(bar: tqdm, done: int, elapsed: float, settings: OnTheFlySettings) -> None:
    position = done if not settings.time_limit_s else min(round(elapsed), bar.total)
    bar.update(position - bar.n)


def _postfix(history: list[dict]) -> dict:
    """Step, loss, pair accuracy of the last row and the last validation ROC-AUC."""
    row = history[-1]
    postfix = {"step": row["step"], "loss": f"{row['train_loss']:.3f}", "pairs": f"{row['pair_accuracy']:.2f}"}
    checked = [r["validation_auc"] for r in history if "validation_auc" in r]
    if checked:
        postfix["val_auc"] = f"{checked[-1]:.3f}"
    return postfix
