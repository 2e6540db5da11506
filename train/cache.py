"""Sampled frames, decoded once per video and kept on disk as uint8 .npy (T, S, S, 3).

Decoding (and face cropping) is the slow path of training; every epoch after the first reads
these arrays (memory mapped, so datasets larger than RAM work). What is cached is exactly
`model.preprocess.crop_and_resize`'s output, the pixels serving feeds the network. An entry is keyed
by the video's path, size and modification time and by T, S and the face-crop switch, so a
changed video or setting is decoded again.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch
from tqdm import tqdm

from model.config import ModelConfig
from model.errors import VideoInputError
from model.frames import sample_video
from model.preprocess import crop_and_resize
from train.datasets import VideoItem


@dataclass(frozen=True)
class CachedVideo:
    item: VideoItem
    frames_file: Path


@dataclass(frozen=True)
class CacheResult:
    videos: list[CachedVideo]
    skipped: list[tuple[str, str]]  # (path, reason) of videos that could not be decoded


def cache_file(cache_dir: Path, video: Path, config: ModelConfig) -> Path:
    stat = video.stat()
    shape = f"t{config.num_frames}_s{config.image_size}{'_face' if config.face_crop else ''}"
    key = f"{video.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{shape}"
    return cache_dir / f"{hashlib.sha1(key.encode()).hexdigest()[:20]}_{shape}.npy"


def decode_to_cache(job: tuple[Path, Path, ModelConfig]) -> str | None:
    """Write one video's frames to its cache file; returns the reason when it cannot."""
    video, target, config = job
    if target.is_file():
        return None
    try:
        sampled = sample_video(video, config.num_frames)
    except VideoInputError as error:
        return f"{error.code}: {error.message}"
    clip = crop_and_resize(sampled.frames, config).pixels
    temporary = target.with_name(f"{target.stem}.{os.getpid()}.tmp.npy")
    np.save(temporary, clip)
    temporary.replace(target)
    return None


def _init_worker() -> None:
    # The pool already uses every core. Torch too (the face detector runs on it): a thread pool
    # per worker on every core oversubscribed them. 96 small face clips took a pool of two 20 s,
    # one process 6 s; 11.7 s with one thread per worker (the rest is each worker's start).
    cv2.setNumThreads(1)
    torch.set_num_threads(1)


def build_cache(items: list[VideoItem], cache_dir: Path, config: ModelConfig, workers: int) -> CacheResult:
    cache_dir.mkdir(parents=True, exist_ok=True)
    targets = [cache_file(cache_dir, item.path, config) for item in items]
    jobs = [(item.path, target, config) for item, target in zip(items, targets)]
    progress = {"total": len(jobs), "desc": "caching frames", "unit": "video"}
    if workers > 1:
        # spawn, not fork: a forked child inherits OpenCV's and OpenMP's thread pools mid-use and
        # deadlocks (seen: `train.demo` hung in cv2.setNumThreads after generating data in-process)
        with multiprocessing.get_context("spawn").Pool(workers, initializer=_init_worker) as pool:
            reasons = list(tqdm(pool.imap(decode_to_cache, jobs, chunksize=4), **progress))
    else:
        reasons = [decode_to_cache(job) for job in tqdm(jobs, **progress)]
    videos, skipped = [], []
    for item, target, reason in zip(items, targets, reasons):
        if reason is None:
            videos.append(CachedVideo(item, target))
        else:
            skipped.append((str(item.path), reason))
    return CacheResult(videos, skipped)


def load_frames(video: CachedVideo) -> np.ndarray:
    return np.load(video.frames_file, mmap_mode="r")
