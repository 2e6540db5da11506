"""Pure logic of which frames are taken."""

import pytest

from model.frames import choose_frame_indices, sample_frame_indices


def _overlaps_segment(index: int, slot: int, total: int, count: int = 16) -> bool:
    """Frame k covers [k, k+1); segment `slot` covers [slot*total/count, (slot+1)*total/count)."""
    return index + 1 > slot * total / count and index < (slot + 1) * total / count


def test_even_indices_are_segment_centres():
    assert sample_frame_indices(160, 16) == [5 + 10 * i for i in range(16)]


def test_short_video_repeats_frames_in_order():
    indices = sample_frame_indices(5, 16)
    assert len(indices) == 16
    assert indices == sorted(indices)
    assert set(indices) == {0, 1, 2, 3, 4}


@pytest.mark.parametrize("total", [1, 2, 15, 16, 17, 299, 18000])
def test_one_index_per_equal_segment(total):
    indices = sample_frame_indices(total, 16)
    assert len(indices) == 16
    assert all(0 <= index < total for index in indices)
    assert all(_overlaps_segment(index, slot, total) for slot, index in enumerate(indices))


def test_keyframe_inside_segment_is_preferred():
    # 18,000 frames, a keyframe every 250: each segment of 1,125 frames holds keyframes.
    keyframes = list(range(0, 18000, 250))
    chosen = choose_frame_indices(range(18000), 16, keyframes)
    assert all(index in keyframes for index in chosen)
    assert all(_overlaps_segment(index, slot, 18000) for slot, index in enumerate(chosen))


def test_segments_without_keyframe_keep_their_centre():
    chosen = choose_frame_indices(range(300), 16, [0, 250])
    assert chosen[0] == 0 and chosen[13] == 250
    assert chosen[1:13] == sample_frame_indices(300, 16)[1:13]


def test_time_not_frame_number_is_spread_evenly():
    # 20 frames in the first second, a 9-second gap (the last frame stays on screen), 20 more.
    times = [i / 20 for i in range(20)] + [10 + i / 20 for i in range(20)]
    chosen = choose_frame_indices(times, 16, frame_duration=0.05)
    assert chosen[0] < 20 and chosen[-1] >= 20
    assert chosen.count(19) >= 12  # slots whose centre lies in the gap show the frame on screen


def test_invalid_counts_are_refused():
    with pytest.raises(ValueError):
        sample_frame_indices(0, 16)
