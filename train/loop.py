"""The training run: data -> split -> frame cache -> AdamW/BCE training -> best-by-AUC checkpoint
-> report. Deterministic for a given --seed on a given machine (unless --time-limit cuts it)."""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import psutil
import torch
from torch import nn
from tqdm import tqdm

from model.checkpoint import save_checkpoint
from model.config import ModelConfig
from model.inference import DEFAULT_CHUNK_FRAMES, score_pixel_clips
from model.network import DeepfakeDetector, build_detector
from model.precision import uses_bf16
from model.pretrained import load_backbone_weights
from train import distributed
from train.batches import BatchPlan, group_batches, make_batch
from train.cache import CachedVideo, build_cache, load_frames
from train.datasets import read_dataset, summarize
from train.decision import DecisionSettings, calibrate_probabilities, fit_on_validation
from train.metrics import roc_auc
from train.report import Evaluation, write_report
from train.settings import TrainSettings
from train.split import class_counts, split_items

SYNTH_NOTICE = (
    "DEMO MODEL trained on synthetic clips (python -m train.synth, strength {strength}). These figures "
    "measure its own synthetic held-out split only; they say nothing about real-world deepfakes."
)


def choose_threads(requested: int | None) -> int:
    """Compute threads for this run. None: the cores other processes leave idle right now, since
    on a busy machine two threads fighting for one free core run several times slower than one.
    Fixed for the whole run: results depend (slightly) on the thread count."""
    cores = os.cpu_count() or 1
    if requested:
        return requested
    busy = psutil.cpu_percent(interval=1.0) / 100 * cores
    return max(1, min(cores, round(cores - busy)))


def forward_clips(detector: DeepfakeDetector, clips: torch.Tensor) -> torch.Tensor:
    """(B, T, 3, S, S) -> clip logits; frames go channels_last (faster convolutions on CPU)."""
    batch, time_steps = clips.shape[:2]
    frames = clips.flatten(0, 1).contiguous(memory_format=torch.channels_last)
    features = detector.embed_frames(frames).float()
    return detector.classify(features.view(batch, time_steps, -1)).clip_logits.float()


def predict(
    detector: DeepfakeDetector,
    videos: list[CachedVideo],
    config: ModelConfig,
    bf16: bool,
    desc: str,
    pixels_of: Callable[[CachedVideo], np.ndarray] = load_frames,
) -> np.ndarray:
    """P(fake) per video at the served shape (all cached frames, full image size), scored by the
    served path (model.inference). `pixels_of`: a video's (T, S, S, 3) uint8 frames, by default
    the cached ones."""
    detector.eval()
    clips_per_forward = max(1, DEFAULT_CHUNK_FRAMES // config.num_frames)
    scores = []
    for start in tqdm(range(0, len(videos), clips_per_forward), desc=desc, unit="batch", leave=False):
        chunk = videos[start : start + clips_per_forward]
        scores += score_pixel_clips(detector, [pixels_of(video) for video in chunk], config, bf16)
    return np.array([score.probability for score in scores])


def video_labels(videos: list[CachedVideo]) -> np.ndarray:
    return np.array([v.item.label for v in videos], dtype=np.int64)


def _bce(labels: np.ndarray, p_fake: np.ndarray) -> float:
    clipped = np.clip(p_fake, 1e-6, 1 - 1e-6)
    return float(-np.mean(labels * np.log(clipped) + (1 - labels) * np.log(1 - clipped)))


def _schedule(total_steps: int, warmup: int):
    """Linear warm-up then cosine decay to zero: lr factor per step."""

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = min(1.0, (step - warmup) / max(1, total_steps - warmup))
        return 0.5 * (1 + math.cos(math.pi * progress))

    return factor


def _synthetic_info(data_dir: Path) -> dict | None:
    manifest = data_dir / "manifest.json"
    if not manifest.is_file():
        return None
    try:
        content = json.loads(manifest.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if content.get("generator") != "train.synth":
        return None
    return {key: content.get(key) for key in ("generator", "seed", "strength", "videos", "size")}


@dataclass
class PreparedData:
    layout: str
    items: list
    train: list[CachedVideo]
    val: list[CachedVideo]
    test: list[CachedVideo]
    skipped: list[tuple[str, str]]


@dataclass
class FitResult:
    history: list[dict]
    best_epoch: int
    best_state: dict
    val_probabilities: np.ndarray


@dataclass(frozen=True)
class TrainingResult:
    """What a run wrote (rank 0; other torchrun ranks get None)."""

    checkpoint: Path
    report: dict[str, Path]  # report file by suffix ("report.json", "roc.png", ...)
    metrics: dict  # the checkpoint's `metrics`: headline figures per split, best_epoch
    summary: dict  # the checkpoint's `data`: dataset and run description


class SettingsError(ValueError):
    """Options that cannot work together."""


def model_config(settings: TrainSettings) -> ModelConfig:
    return ModelConfig(
        num_frames=settings.frames,
        image_size=settings.image_size,
        temporal=settings.temporal,
        face_crop=settings.face_crop,
    )


def frames_per_step(settings: TrainSettings) -> int:
    """Mean pooling is order-free, so one frame per clip per step is enough (and lets a step see
    more clips); an order-aware encoder must see whole clips, in order, at the served length."""
    if settings.temporal != "mean":
        if settings.train_frames not in (None, settings.frames):
            raise SettingsError(
                f"--temporal {settings.temporal} trains on whole clips: "
                f"--train-frames must equal --frames ({settings.frames})"
            )
        return settings.frames
    return settings.train_frames or 1


def build_model(settings: TrainSettings) -> tuple[DeepfakeDetector, ModelConfig]:
    torch.manual_seed(settings.seed)
    config = model_config(settings)
    detector = build_detector(config)
    if settings.pretrained:
        load_backbone_weights(detector.backbone, settings.pretrained)
    return detector.to(memory_format=torch.channels_last), config


def prepare_data(settings: TrainSettings) -> PreparedData:
    """Read, split, and decode every video once into the frame cache."""
    layout, items = read_dataset(settings.data, settings.layout, settings.ffpp_quality)
    splits = split_items(items, settings.val_split, settings.seed)
    everything = splits.train + splits.val + splits.test
    cache = build_cache(everything, settings.resolved_cache_dir(), model_config(settings), settings.workers)
    for skipped_path, reason in cache.skipped:
        tqdm.write(f"skipped {skipped_path}: {reason}")
    cached = {str(v.item.path): v for v in cache.videos}
    train, val, test = (
        [cached[str(i.path)] for i in part if str(i.path) in cached] for part in (splits.train, splits.val, splits.test)
    )
    return PreparedData(layout, items, train, val, test, cache.skipped)


@dataclass
class Optimisation:
    """Everything a training step uses besides its batch."""

    forward: Callable[[torch.Tensor], torch.Tensor]  # clips -> clip logits (through DDP under torchrun)
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LambdaLR
    loss_fn: nn.Module
    bf16: bool

    def step(self, clips: torch.Tensor, labels: torch.Tensor) -> float:
        """One AdamW step on one batch; returns its loss."""
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            logits = self.forward(clips)
        loss = self.loss_fn(logits, labels)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self.scheduler.step()
        return float(loss.detach())


def build_optimisation(
    detector: DeepfakeDetector, train: list[CachedVideo], settings: TrainSettings, ranks: distributed.Ranks
) -> Optimisation:
    """AdamW with warm-up + cosine decay over the run's steps, class-weighted BCE."""
    steps_per_epoch = distributed.steps_per_epoch(
        len(group_batches(train, settings.batch_size, np.random.default_rng(0))), ranks
    )
    total_steps = steps_per_epoch * settings.epochs
    optimizer = torch.optim.AdamW(detector.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, _schedule(total_steps, warmup=min(50, total_steps // 10 + 1))
    )
    labels = video_labels(train)
    pos_weight = torch.tensor((labels == 0).sum() / max(1, (labels == 1).sum()), dtype=torch.float32)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)  # weighted: both classes count equally
    forward = distributed.training_forward(detector, forward_clips, ranks)
    return Optimisation(forward, optimizer, scheduler, loss_fn, uses_bf16(settings.precision))


@dataclass
class BestSoFar:
    """The weights of the best validation ROC-AUC yet, and how many validations since."""

    epoch: int = 0
    auc: float = -1.0
    state: dict = field(default_factory=dict)
    val_probabilities: np.ndarray = field(default_factory=lambda: np.zeros(0))
    validations_since: int = 0

    def consider(self, epoch: int, auc: float | None, detector: DeepfakeDetector, val_p: np.ndarray) -> None:
        if (auc or 0.0) > self.auc:
            self.epoch, self.auc, self.val_probabilities, self.validations_since = epoch, auc or 0.0, val_p, 0
            self.state = {k: v.clone() for k, v in detector.state_dict().items()}
        else:
            self.validations_since += 1


def fit(
    detector: DeepfakeDetector,
    config: ModelConfig,
    data: PreparedData,
    settings: TrainSettings,
    started: float,
    ranks: distributed.Ranks | None = None,
) -> FitResult:
    """Epochs of AdamW + BCE; validation every --eval-every epochs; the best ROC-AUC's weights kept.
    Under torchrun, `ranks` shares the batches out and rank 0 alone validates and decides."""
    ranks = ranks or distributed.Ranks()
    rng = distributed.augmentation_rng(settings.seed, ranks)
    optimisation = build_optimisation(detector, data.train, settings, ranks)
    plan = BatchPlan(train_frames=frames_per_step(settings), crop=settings.crop, augment=settings.augment)
    val_labels = video_labels(data.val)
    deadline = started + 60 * settings.time_limit_min if settings.time_limit_min else None
    history: list[dict] = []
    best = BestSoFar()
    for epoch in range(1, settings.epochs + 1):
        detector.train()
        batches = distributed.epoch_batches(data.train, settings.batch_size, rng, settings.seed, epoch, ranks)
        losses = [
            optimisation.step(*make_batch(data.train, batch, plan, config.mean, config.std, rng))
            for batch in tqdm(batches, desc=f"epoch {epoch}/{settings.epochs}", unit="step", leave=False)
        ]
        row = {
            "epoch": epoch,
            "train_loss": distributed.mean_over_ranks(float(np.mean(losses)), ranks),
            "lr": optimisation.scheduler.get_last_lr()[0],
            "seconds": round(time.monotonic() - started, 1),
        }
        out_of_time = deadline is not None and time.monotonic() > deadline
        last = distributed.agree(epoch == settings.epochs or out_of_time, ranks)
        if ranks.is_main and (epoch % settings.eval_every == 0 or last):
            val_p = predict(detector, data.val, config, optimisation.bf16, "validating")
            row["val_auc"], row["val_loss"] = roc_auc(val_labels, val_p), _bce(val_labels, val_p)
            best.consider(epoch, row["val_auc"], detector, val_p)
        history.append(row)
        if ranks.is_main:
            tqdm.write(_history_line(row))
        patience_spent = bool(settings.patience and best.validations_since >= settings.patience)
        if distributed.agree(last or patience_spent, ranks):
            break
    return FitResult(history, best.epoch, best.state, best.val_probabilities)


def run_training(settings: TrainSettings) -> TrainingResult | None:
    """Train, then (rank 0) write the checkpoint and its report. None on torchrun ranks other than 0."""
    frames_per_step(settings)  # refuse a bad combination before any work
    ranks = distributed.ranks_from_environment()  # one process unless started by torchrun
    threads = settings.threads or distributed.threads_per_process(choose_threads(None), ranks)
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    tqdm.write(f"compute: {threads} thread(s), {'bf16 autocast' if uses_bf16(settings.precision) else 'fp32'}")
    try:
        with distributed.process_group(ranks):
            return _train_and_report(settings, threads, ranks)
    finally:
        torch.set_num_threads(previous_threads)  # callers in the same process keep their setting


def _train_and_report(settings: TrainSettings, threads: int, ranks: distributed.Ranks) -> TrainingResult | None:
    """Rank 0 (the only rank without torchrun) writes the checkpoint and report; other ranks
    return None after training."""
    started = time.monotonic()
    detector, config = build_model(settings)  # first: a bad weights file fails before any decoding
    with distributed.main_first(ranks):
        data = prepare_data(settings)
    result = fit(detector, config, data, settings, started, ranks)
    distributed.write_shard_log(settings.out, ranks)
    if not ranks.is_main:
        return None
    detector.load_state_dict(result.best_state)
    bf16 = uses_bf16(settings.precision)
    evaluations = [
        Evaluation("validation", video_labels(data.val), result.val_probabilities, [str(v.item.path) for v in data.val])
    ]
    if data.test:
        test_p = predict(detector, data.test, config, bf16, "testing")
        evaluations.append(Evaluation("test", video_labels(data.test), test_p, [str(v.item.path) for v in data.test]))
    summary = _summary(settings, data, result, time.monotonic() - started, bf16)
    summary["threads"] = threads
    if ranks.distributed:
        summary["distributed"] = distributed.describe(ranks, settings.batch_size)
    decision, reason, _ = fit_on_validation(
        detector,
        config,
        data.val,
        bf16,
        load_frames,
        DecisionSettings(
            settings.target_fpr, settings.precision_level, settings.ood_coverage, settings.seed, settings.fpr_confidence
        ),
    )
    tqdm.write(f"decision (calibration, operating point, in-distribution check): {reason}")
    summary["decision"] = reason
    threshold = 0.5
    if decision is not None:  # report calibrated P(fake) at the chosen operating threshold
        threshold = decision["operating_point"]["threshold"]
        for evaluation in evaluations:
            evaluation.probabilities = calibrate_probabilities(evaluation.probabilities, decision["calibration"])
    metrics = {e.name: _headline(e.metrics(threshold)) for e in evaluations}
    metrics["best_epoch"] = result.best_epoch
    save_checkpoint(
        settings.out, detector, config, threshold=threshold, metrics=metrics, data=summary, decision=decision
    )
    paths = write_report(settings.out, evaluations, result.history, threshold, summary)
    return TrainingResult(settings.out, paths, metrics, summary)


def _summary(settings: TrainSettings, data: PreparedData, result: FitResult, seconds: float, bf16: bool) -> dict:
    """The dataset and run description stored in the checkpoint's `data` and in the report."""
    synthetic = _synthetic_info(settings.data)
    return {
        "notice": SYNTH_NOTICE.format(strength=synthetic["strength"]) if synthetic else None,
        "layout": data.layout,
        "data_dir": str(settings.data),
        "videos": summarize(data.items),
        "splits": {
            name: class_counts([v.item for v in part])
            for name, part in (("train", data.train), ("validation", data.val), ("test", data.test))
        },
        "skipped": [{"path": p, "reason": r} for p, r in data.skipped],
        "synthetic": synthetic,
        "best_epoch": result.best_epoch,
        "epochs_run": len(result.history),
        "train_seconds": round(seconds, 1),
        "precision": "bf16" if bf16 else "fp32",
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(settings).items()},
    }


def _headline(figures: dict) -> dict:
    """What the checkpoint carries (the full report lives next to it)."""
    keep = (
        "videos",
        "threshold",
        "accuracy",
        "precision",
        "recall",
        "f1",
        "roc_auc",
        "average_precision",
        "confusion_matrix",
    )
    return {key: figures[key] for key in keep}


def _history_line(row: dict) -> str:
    line = f"epoch {row['epoch']}: train loss {row['train_loss']:.4f}"
    if "val_auc" in row:
        auc = "n/a" if row["val_auc"] is None else f"{row['val_auc']:.4f}"
        line += f", val loss {row['val_loss']:.4f}, val ROC-AUC {auc}"
    return line + f" ({row['seconds']:.0f} s)"
