"""Frame sampling on real files: the shared sample videos, images, and undecodable input."""

import io
import math
import os

import numpy as np
import pytest
from PIL import Image

from model.errors import VideoInputError
from model.frames import SamplingLimits, sample_clip, sample_images, sample_video
from tests.fixtures.media import shared_video_files, wav_bytes

T = 16


@pytest.mark.parametrize("path", shared_video_files(), ids=lambda p: p.name)
def test_every_shared_video_gives_t_frames_spread_over_its_duration(path):
    sampled = sample_video(path, T)
    video = sampled.video
    assert len(sampled.frames) == T
    assert all(f.dtype == np.uint8 and f.shape == (video.height, video.width, 3) for f in sampled.frames)
    assert sampled.indices == sorted(sampled.indices)
    # asf has a timestamp gap: the frame on screen during it may serve two or three slots
    assert sampled.unique_count >= T - 3
    assert all(0 <= t < video.duration_s for t in sampled.timestamps_s)
    # spread: slot i never takes a frame from a later segment; first and last segments are covered
    segment = video.duration_s / T
    assert all(t < (slot + 1) * segment + 1e-6 for slot, t in enumerate(sampled.timestamps_s))
    assert sampled.timestamps_s[0] <= segment + 1e-6
    assert sampled.timestamps_s[-1] >= video.duration_s - segment - 1.0 / video.fps


def test_frame_count_is_read_from_the_stream_not_the_header(shared_videos_dir):
    # The mkv sample decodes to 147 pictures but only 90 distinct timestamps (3.6 s at 25 fps).
    sampled = sample_video(shared_videos_dir / "sample-mkv.mkv", T)
    assert sampled.video.frames_total == 90
    assert math.isclose(sampled.video.duration_s, 3.6, abs_tol=0.05)


def test_bytes_and_path_give_the_same_frames(shared_videos_dir):
    path = shared_videos_dir / "carphone_pristine.mp4"
    from_path = sample_video(path, T)
    from_bytes = sample_clip(path.read_bytes(), T)
    assert from_path.indices == from_bytes.indices
    assert all(np.array_equal(a, b) for a, b in zip(from_path.frames, from_bytes.frames))


def test_video_shorter_than_t_repeats_frames(h264_video_factory):
    path = h264_video_factory(0.2, 64, 48, fps=25)  # 5 frames
    sampled = sample_video(path, T)
    assert len(sampled.frames) == T
    assert sampled.video.frames_total == 5
    assert sampled.unique_count == 5
    assert sampled.indices == sorted(sampled.indices)


def test_image_is_a_one_frame_clip():
    buffer = io.BytesIO()
    Image.fromarray(np.full((40, 30, 3), 200, np.uint8)).save(buffer, format="PNG")
    sampled = sample_clip(buffer.getvalue(), T)
    assert len(sampled.frames) == T and sampled.unique_count == 1
    assert sampled.frames[0].shape == (40, 30, 3)


def test_list_of_images_uses_the_same_policy():
    images = [np.full((8, 8, 3), i, np.uint8) for i in range(32)]
    sampled = sample_images(images, T)
    assert [int(f[0, 0, 0]) for f in sampled.frames] == sampled.indices == list(range(1, 32, 2))


def _truncated_mp4() -> bytes:
    data = (shared_video_files()[0].parent / "sample-mp4.mp4").read_bytes()
    return data[: len(data) // 50]


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty_input"),
        (os.urandom(4096), "undecodable"),
        (b"hello, this is a text file\n" * 20, "undecodable"),
        (None, "no_video_stream"),  # WAV, filled below
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "undecodable_image"),
    ],
    ids=["empty", "random", "text", "audio-only", "broken-png"],
)
def test_undecodable_input_raises_one_clear_error(data, code):
    data = wav_bytes() if data is None else data
    with pytest.raises(VideoInputError) as caught:
        sample_clip(data, T)
    assert caught.value.code == code
    assert not caught.value.over_limit
    assert caught.value.message


def test_truncated_video_is_refused_or_sampled_never_crashes():
    try:
        sampled = sample_clip(_truncated_mp4(), T)
    except VideoInputError as error:
        assert not error.over_limit
    else:
        assert len(sampled.frames) == T


def test_limits_answer_413(shared_videos_dir):
    data = (shared_videos_dir / "sample-mkv.mkv").read_bytes()
    with pytest.raises(VideoInputError) as too_big:
        sample_clip(data, T, SamplingLimits(max_pixels_per_frame=640 * 480))
    assert (too_big.value.code, too_big.value.over_limit) == ("too_many_pixels", True)
    with pytest.raises(VideoInputError) as too_long:
        sample_clip(data, T, SamplingLimits(max_duration_s=1.0))
    assert (too_long.value.code, too_long.value.over_limit) == ("too_long", True)


def test_image_bomb_is_over_the_pixel_limit_not_undecodable():
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")  # 400 MP in a few KB
    with pytest.raises(VideoInputError) as caught:
        sample_clip(buffer.getvalue(), T)
    assert (caught.value.code, caught.value.over_limit) == ("too_many_pixels", True)
