"""Training batches: whole groups, shared frames and crops, crops on the manipulated region."""

from pathlib import Path

import numpy as np

from train.batches import BatchPlan, group_batches, make_batch
from train.cache import CachedVideo
from train.datasets import FAKE, REAL, VideoItem

MEAN, STD = (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)


def cached_pair(folder: Path, name: str, region: tuple[int, int]) -> list[CachedVideo]:
    """A real clip of noise and its fake: the same clip with a bright 8x8 patch at `region`."""
    rng = np.random.default_rng(len(name))
    real = rng.integers(0, 200, (6, 64, 64, 3), dtype=np.uint8)
    fake = real.copy()
    y, x = region
    fake[:, y : y + 8, x : x + 8] = 255
    videos = []
    for label, frames in ((REAL, real), (FAKE, fake)):
        path = folder / f"{name}_{label}.npy"
        np.save(path, frames)
        videos.append(CachedVideo(VideoItem(Path(f"{label}/{name}.mp4"), label, name), path))
    return videos


def test_batches_hold_whole_groups_and_every_video_once(tmp_path):
    videos = [v for n in range(7) for v in cached_pair(tmp_path, f"g{n}", (0, 0))]
    batches = group_batches(videos, batch_size=4, rng=np.random.default_rng(0))
    assert sorted(i for b in batches for i in b) == list(range(14))
    for batch in batches:
        assert len(batch) <= 4
        groups = [videos[i].item.group for i in batch]
        assert all(groups.count(g) == 2 for g in groups)


def test_a_real_and_its_fake_get_the_same_frames_and_crop(tmp_path):
    videos = cached_pair(tmp_path, "a", (40, 40))
    plan = BatchPlan(train_frames=2, crop=24, pair_guided=False)
    clips, labels = make_batch(videos, [0, 1], plan, MEAN, STD, np.random.default_rng(3))
    assert clips.shape == (2, 2, 3, 24, 24)
    assert labels.tolist() == [0.0, 1.0]
    outside_patch = (clips[0] == clips[1]).float().mean()
    assert outside_patch > 0.8  # same frames, same square: only the patch may differ


def test_guided_crops_always_contain_the_manipulated_region(tmp_path):
    videos = cached_pair(tmp_path, "b", (50, 6))
    plan = BatchPlan(train_frames=1, crop=24, pair_guided=True)
    rng = np.random.default_rng(0)
    for _ in range(20):
        clips, _ = make_batch(videos, [0, 1], plan, MEAN, STD, rng)
        assert not np.array_equal(clips[0].numpy(), clips[1].numpy())
