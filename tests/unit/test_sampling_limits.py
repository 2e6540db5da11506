"""Sampling limits and memory: the per-video decode time budget, a frame size that grows mid-stream,
limits configured in config.properties, uploads read in place."""

from __future__ import annotations

import pytest

from model.errors import VideoInputError
from model.frames import SamplingLimits, sample_clip, sample_video
from serving.settings import read_settings
from tests.fixtures.media import encode_lavfi_h264

LIMIT_VARIABLES = ("DEEPFAKE_MAX_DECODE_S", "DEEPFAKE_MAX_PIXELS", "DEEPFAKE_MAX_DURATION_S")


def test_a_video_over_the_decode_budget_is_refused_with_413(shared_videos_dir):
    with pytest.raises(VideoInputError) as caught:
        sample_video(shared_videos_dir / "bikes.mp4", 16, SamplingLimits(max_decode_s=0.0))
    assert (caught.value.code, caught.value.over_limit) == ("decode_timeout", True)
    assert "budget of 0 s" in caught.value.message


def test_a_video_within_the_budget_is_sampled(shared_videos_dir):
    sampled = sample_video(shared_videos_dir / "bikes.mp4", 16, SamplingLimits(max_decode_s=300.0))
    assert len(sampled.frames) == 16


def mpeg_ts(path, width: int, height: int, offset_s: float) -> bytes:
    source = f"color=c=gray:size={width}x{height}:rate=2:duration=2"
    output = ["-output_ts_offset", str(offset_s), "-f", "mpegts"]
    encode_lavfi_h264(path, source, *output, timeout_s=120)
    return path.read_bytes()


def test_frames_that_grow_past_the_pixel_limit_mid_stream_are_refused(tmp_path):
    # Two MPEG-TS streams back to back: the header says 64x64, later frames are 8K (a new SPS).
    switching = mpeg_ts(tmp_path / "small.ts", 64, 64, 0) + mpeg_ts(tmp_path / "huge.ts", 7680, 4320, 2)
    with pytest.raises(VideoInputError) as caught:
        sample_clip(switching, 16)
    assert (caught.value.code, caught.value.over_limit) == ("too_many_pixels", True)
    assert "7680x4320" in caught.value.message


@pytest.fixture
def clean_environment(monkeypatch):
    for name in LIMIT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_limits_come_from_config_properties(tmp_path, clean_environment):
    config = tmp_path / "config.properties"
    config.write_text("inference_address=http://127.0.0.1:8080\ndeepfake_max_decode_s=7.5\ndeepfake_max_pixels=1000\n")
    clean_environment.setenv("TS_CONFIG_FILE", str(config))
    limits = read_settings().limits
    assert (limits.max_decode_s, limits.max_pixels_per_frame) == (7.5, 1000)
    assert limits.max_duration_s == SamplingLimits().max_duration_s


def test_the_environment_wins_over_config_properties(tmp_path, clean_environment):
    config = tmp_path / "config.properties"
    config.write_text("deepfake_max_decode_s=7.5\n")
    clean_environment.setenv("TS_CONFIG_FILE", str(config))
    clean_environment.setenv("DEEPFAKE_MAX_DECODE_S", "3")
    assert read_settings().limits.max_decode_s == 3.0


def test_a_bad_config_value_names_its_key(tmp_path, clean_environment):
    config = tmp_path / "config.properties"
    config.write_text("deepfake_max_decode_s=soon\n")
    clean_environment.setenv("TS_CONFIG_FILE", str(config))
    with pytest.raises(ValueError, match="deepfake_max_decode_s"):
        read_settings()


@pytest.mark.parametrize("wrap", [bytearray, memoryview], ids=["bytearray", "memoryview"])
def test_an_upload_buffer_is_read_in_place_with_the_same_frames(shared_videos_dir, wrap):
    # TorchServe hands the worker a bytearray: reading it without a copy halves a large upload's memory.
    data = (shared_videos_dir / "sample-mp4.mp4").read_bytes()
    expected, got = sample_clip(data, 16), sample_clip(wrap(bytearray(data)), 16)
    assert got.indices == expected.indices
    assert all((a == b).all() for a, b in zip(got.frames, expected.frames))
