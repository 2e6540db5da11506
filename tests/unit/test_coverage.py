"""Coverage mode without a server: the window grid, the limits, and the analysis of real files
(a generated H.264 video) with small random-init networks: every window scored from frames that
went through the backbone once, the same scores as sampling those frames as one clip."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from model.config import ModelConfig
from model.coverage import CoveragePlan, analyse_images, analyse_video, effective_windows, window_grid
from model.errors import VideoInputError
from model.frames import SamplingLimits, sample_video
from model.inference import score_clips
from model.network import build_detector
from model.preprocess import preprocess_clip
from serving.coverage_options import CoverageOptions, read_coverage_options

LIMITS = SamplingLimits(max_decode_s=600.0)  # a busy shared machine must not turn these into deadline tests
CONFIG = ModelConfig(num_frames=4, image_size=32, temporal="tcn")  # order-aware: T frames per window


@pytest.fixture(scope="module")
def detector():
    torch.manual_seed(0)
    return build_detector(CONFIG).eval()


@pytest.fixture(scope="module")
def video_20s(h264_video_factory):
    return h264_video_factory(20, 160, 120, fps=10, gop=50)


def test_the_grid_covers_the_video_with_overlapping_windows_and_a_last_one_at_the_end():
    grid = window_grid(21.0, CoveragePlan(window_s=4.0, stride_s=2.0, frames_per_window=2), 2)
    assert grid.cells == 10 and grid.window_cells == 2  # cells of 2 s (21 s rounds to 10)
    assert grid.starts == [0, 1, 2, 3, 4, 5, 6, 7, 8]
    uneven = window_grid(10.0, CoveragePlan(window_s=4.0, stride_s=3.0, frames_per_window=4), 4)
    assert uneven.cells == 10 and uneven.starts == [0, 3, 6]  # 6 + 4 = 10: the last window ends with the video
    shifted = window_grid(11.0, CoveragePlan(window_s=4.0, stride_s=3.0, frames_per_window=4), 4)
    assert shifted.starts == [0, 3, 6, 7]
    short = window_grid(1.5, CoveragePlan(), 2)
    assert (short.cells, short.starts) == (2, [0])  # shorter than a window: one window over the whole video
    assert (effective_windows(21.0, 4.0), effective_windows(20.0, 4.0), effective_windows(1.0, 4.0)) == (6, 5, 1)


@pytest.mark.parametrize(
    "plan", [CoveragePlan(window_s=0), CoveragePlan(stride_s=5.0, window_s=4.0), CoveragePlan(max_windows=0)]
)
def test_an_unworkable_plan_is_refused(plan):
    with pytest.raises(ValueError):
        plan.check()


def test_a_video_is_covered_window_by_window(detector, video_20s):
    result = analyse_video(
        video_20s, detector, CONFIG, CoveragePlan(window_s=4.0, stride_s=2.0, max_seconds=600.0), LIMITS
    )
    assert len(result.spans) == 9 and len(result.scores) == 9 and result.effective_windows == 5
    assert result.frames_per_window == CONFIG.num_frames
    assert result.spans[0] == pytest.approx((0.0, 4.0)) and result.spans[-1] == pytest.approx((16.0, 20.0))
    assert len(result.frame_indices) == 20 and result.frame_indices == sorted(result.frame_indices)
    assert all(0 <= t < 20 for t in result.frame_times_s)
    assert result.video.duration_s == pytest.approx(20.0) and result.video.width == 160
    assert result.decode_s > 0 and result.network_s > 0


def test_each_window_scores_as_its_frames_would_as_one_clip(detector, video_20s):
    result = analyse_video(
        video_20s, detector, CONFIG, CoveragePlan(window_s=4.0, stride_s=2.0, max_seconds=600.0), LIMITS
    )
    sampled = sample_video(video_20s, 20, LIMITS)  # the same grid: one frame per equal 1 s cell
    assert sampled.indices == result.frame_indices
    window = sampled.frames[2:6]  # the second window: cells 2..5
    expected = score_clips(detector, [preprocess_clip(window, CONFIG).tensor])[0]
    assert result.scores[1].logit == pytest.approx(expected.logit, abs=1e-4)
    assert np.allclose(result.scores[1].clip_feature, expected.clip_feature, atol=1e-4)


def test_an_order_free_model_takes_the_plans_frames_per_window(video_20s):
    torch.manual_seed(0)
    config = ModelConfig(num_frames=4, image_size=32, temporal="mean")
    mean = build_detector(config).eval()
    result = analyse_video(
        video_20s, mean, config, CoveragePlan(window_s=4.0, stride_s=2.0, frames_per_window=2), LIMITS
    )
    assert result.frames_per_window == 2 and len(result.frame_indices) == 10


def test_too_many_windows_is_refused_before_decoding(detector, video_20s):
    with pytest.raises(VideoInputError) as refused:
        analyse_video(video_20s, detector, CONFIG, CoveragePlan(window_s=1.0, stride_s=0.5, max_windows=10), LIMITS)
    assert refused.value.code == "too_many_windows" and refused.value.over_limit


def test_the_time_budgets_apply(detector, video_20s):
    with pytest.raises(VideoInputError) as over_budget:
        analyse_video(video_20s, detector, CONFIG, CoveragePlan(max_seconds=1e-6), LIMITS)
    assert over_budget.value.code == "coverage_timeout" and over_budget.value.over_limit
    with pytest.raises(VideoInputError) as decode:
        analyse_video(video_20s, detector, CONFIG, CoveragePlan(), SamplingLimits(max_decode_s=1e-6))
    assert decode.value.code == "decode_timeout"


def test_frames_in_memory_are_covered_with_their_fps(detector):
    images = [np.full((24, 32, 3), value, np.uint8) for value in range(0, 250, 10)]  # 25 frames
    result = analyse_images(images, 5.0, detector, CONFIG, CoveragePlan(window_s=2.0, stride_s=1.0))
    assert result.video.duration_s == pytest.approx(5.0) and result.spans[-1][1] == pytest.approx(5.0)
    assert len(result.spans) == 4
    one = analyse_images(images[:1], None, detector, CONFIG, CoveragePlan())
    assert len(one.spans) == 1 and one.frame_indices == [0] * CONFIG.num_frames


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"body": b"..."}, CoverageOptions()),
        ({"body": b"...", "coverage": bytearray(b"full")}, CoverageOptions(True)),
        ({"file": b"...", "coverage": "FULL", "window_s": b"2", "stride_s": b"0.5"}, CoverageOptions(True, 2.0, 0.5)),
        ({"body": b"{}", "json": {"coverage": "full", "window_s": 3}}, CoverageOptions(True, 3.0)),
        ({"body": b"{}", "coverage": b"sampled", "json": {}}, CoverageOptions()),
    ],
)
def test_coverage_options_come_from_query_parameters_or_the_json_body(fields, expected):
    json_options = fields.pop("json", None)  # what serving.inputs found in a JSON frames body
    assert read_coverage_options(fields, json_options) == expected


@pytest.mark.parametrize(
    "fields",
    [
        {"coverage": b"everything"},
        {"coverage": b"full", "window_s": b"-1"},
        {"coverage": b"full", "window_s": b"nan"},
        {"coverage": b"full", "stride_s": b"soon"},
        {"coverage": b"\xff\xfe"},
        {"window_s": b"2"},
        {"json": {"coverage": True}},
    ],
)
def test_bad_coverage_options_are_refused_with_a_code(fields):
    json_options = fields.pop("json", None)
    with pytest.raises(VideoInputError) as refused:
        read_coverage_options(fields, json_options)
    assert refused.value.code == "bad_coverage" and not refused.value.over_limit


def test_a_request_window_keeps_the_servers_overlap_and_must_hold_its_stride():
    default = CoveragePlan(window_s=4.0, stride_s=2.0)
    assert CoverageOptions(True, 10.0).plan(default).stride_s == 5.0
    with pytest.raises(VideoInputError, match="stride_s"):
        CoverageOptions(True, 2.0, 3.0).plan(default)
