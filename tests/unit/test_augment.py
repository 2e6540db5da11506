"""Compression/rescaling of clips (train/augment.py) and its use in training batches."""

from pathlib import Path

import numpy as np
import pytest

from train.augment import (
    H264_CRF_RANGE,
    JPEG_QUALITY_RANGE,
    LEVELS,
    SCALES,
    Degradation,
    degrade_clip,
    h264_available,
    random_degradation,
)
from train.batches import BatchPlan, make_batch
from train.cache import CachedVideo
from train.datasets import FAKE, REAL, VideoItem


def textured_clip(frames: int = 3, size: int = 64, seed: int = 0) -> np.ndarray:
    """Smooth gradients plus fine noise: compression removes the noise first."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(40, 200, size, dtype=np.float32)
    base = ramp[None, :, None, None] + ramp[None, None, :, None] * 0.2
    noisy = base + rng.normal(0, 25, (frames, size, size, 3))
    return np.clip(noisy, 0, 255).astype(np.uint8)


def error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b).mean())


def test_no_degradation_returns_the_clip_untouched():
    clip = textured_clip()
    assert degrade_clip(clip, LEVELS["none"]) is clip


def test_stronger_levels_change_the_pixels_more_and_keep_the_shape():
    clip = textured_clip()
    light, heavy = degrade_clip(clip, LEVELS["light"]), degrade_clip(clip, LEVELS["heavy"])
    for degraded in (light, heavy):
        assert degraded.shape == clip.shape and degraded.dtype == np.uint8
    assert 0 < error(clip, light) < error(clip, heavy)
    assert error(clip, degrade_clip(clip, Degradation(jpeg_quality=95))) < error(clip, light)


def test_half_scale_removes_one_pixel_detail():
    checkerboard = (np.indices((32, 32)).sum(axis=0) % 2 * 255).astype(np.uint8)
    clip = np.repeat(checkerboard[None, :, :, None], 3, axis=3)
    shrunk = degrade_clip(clip, Degradation(scale=0.5, jpeg_quality=100))
    assert shrunk.shape == clip.shape
    assert shrunk.std() < 0.2 * clip.std()


@pytest.mark.skipif(not h264_available(), reason="this PyAV build has no libx264")
def test_h264_round_trip_is_repeatable_and_keeps_odd_sizes():
    clip = textured_clip(frames=4, size=63)[:, :, :61]
    first = degrade_clip(clip, Degradation(h264_crf=35))
    assert first.shape == clip.shape
    assert error(clip, first) > 0
    # libx264 was seen to vary its bytes slightly on a busy machine: compare within encoder noise
    assert error(first, degrade_clip(clip, Degradation(h264_crf=35))) < 1.0
    assert error(clip, degrade_clip(clip, Degradation(h264_crf=23))) < error(clip, first)


def test_training_draws_are_seeded_and_cover_every_kind():
    draws = [random_degradation(np.random.default_rng([7, n])) for n in range(300)]
    assert draws == [random_degradation(np.random.default_rng([7, n])) for n in range(300)]
    assert 0.35 < sum(d == Degradation() for d in draws) / len(draws) < 0.65
    jpeg = [d.jpeg_quality for d in draws if d.jpeg_quality]
    assert jpeg and all(JPEG_QUALITY_RANGE[0] <= q <= JPEG_QUALITY_RANGE[1] for q in jpeg)
    assert {d.scale for d in draws} == set(SCALES)
    if h264_available():
        crfs = [d.h264_crf for d in draws if d.h264_crf is not None]
        assert crfs and all(H264_CRF_RANGE[0] <= c <= H264_CRF_RANGE[1] for c in crfs)


def identical_pair(folder: Path) -> list[CachedVideo]:
    """A real and a 'fake' with the same pixels: any difference in a batch is the batch's doing."""
    clip = textured_clip(frames=2, size=32)
    videos = []
    for label in (REAL, FAKE):
        path = folder / f"{label}.npy"
        np.save(path, clip)
        videos.append(CachedVideo(VideoItem(Path(f"{label}/p.mp4"), label, "p"), path))
    return videos


def test_augmented_batches_degrade_a_pair_alike(tmp_path):
    videos = identical_pair(tmp_path)
    clean_plan = BatchPlan(train_frames=2, crop=0, flip=False)
    clean, _ = make_batch(videos, [0, 1], clean_plan, (0.5,) * 3, (0.25,) * 3, np.random.default_rng(0))
    changed = 0
    for seed in range(8):
        augmented, _ = make_batch(
            videos,
            [0, 1],
            BatchPlan(2, 0, flip=False, augment=True),
            (0.5,) * 3,
            (0.25,) * 3,
            np.random.default_rng(seed),
        )
        assert augmented.shape == clean.shape
        assert np.array_equal(augmented[0].numpy(), augmented[1].numpy())  # one draw per pair
        changed += not np.array_equal(augmented[0].numpy(), clean[0].numpy())
    assert 0 < changed < 8  # some steps degraded, some left clean
