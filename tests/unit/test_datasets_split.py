"""Train/validation split: stratified, grouped, reproducible."""

from pathlib import Path

import pytest

from train.datasets import FAKE, REAL, VideoItem
from train.split import SplitError, split_items


def paired_items(pairs: int) -> list[VideoItem]:
    items = []
    for number in range(pairs):
        items.append(VideoItem(Path(f"real/{number}.mp4"), REAL, f"g{number}"))
        items.append(VideoItem(Path(f"fake/{number}.mp4"), FAKE, f"g{number}"))
    return items


def test_groups_never_straddle_the_split_and_classes_stay_balanced():
    splits = split_items(paired_items(50), 0.2, seed=7)
    assert {i.group for i in splits.train}.isdisjoint({i.group for i in splits.val})
    assert len(splits.val) == 20
    assert sum(i.label for i in splits.val) == 10


def test_same_seed_same_split_other_seed_other_split():
    first = split_items(paired_items(40), 0.2, seed=1)
    again = split_items(paired_items(40), 0.2, seed=1)
    other = split_items(paired_items(40), 0.2, seed=2)
    assert [i.path for i in first.val] == [i.path for i in again.val]
    assert {i.path for i in first.val} != {i.path for i in other.val}


def test_unpaired_classes_are_stratified_separately():
    items = [VideoItem(Path(f"r{n}.mp4"), REAL, f"r{n}") for n in range(40)]
    items += [VideoItem(Path(f"f{n}.mp4"), FAKE, f"f{n}") for n in range(10)]
    splits = split_items(items, 0.2, seed=0)
    assert sum(i.label == REAL for i in splits.val) == 8
    assert sum(i.label == FAKE for i in splits.val) == 2


def test_test_split_items_are_set_aside():
    items = paired_items(10) + [VideoItem(Path("t.mp4"), FAKE, "t", split="test")]
    splits = split_items(items, 0.2, seed=0)
    assert [i.path for i in splits.test] == [Path("t.mp4")]
    assert Path("t.mp4") not in {i.path for i in splits.train + splits.val}


def test_too_few_videos_for_both_splits_is_a_clear_error():
    with pytest.raises(SplitError, match="needs both"):
        split_items(paired_items(1), 0.2, seed=0)


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5])
def test_fraction_outside_zero_one_is_refused(fraction):
    with pytest.raises(SplitError, match="between 0 and 1"):
        split_items(paired_items(10), fraction, seed=0)
