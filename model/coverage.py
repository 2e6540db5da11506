"""Coverage mode: the whole video as consecutive, overlapping windows, each scored as a clip.

The grid: the video's time span is cut into equal cells of window_s / frames_per_window seconds
and one frame is taken per cell by the policy of the 16-frame sampling
(model.frames.choose_frame_indices: the frame showing at the cell's centre, or a keyframe that
starts inside the cell). A window is frames_per_window consecutive cells; a window starts every
stride cells, and the last one ends with the video. A video shorter than one window is one window.

The cost: decoding walks forward once through the video (it seeks past a keyframe only when no
wanted frame lies before it: a grid sparser than the GOP skips whole GOPs), each frame is
preprocessed as soon as it is decoded and goes through the backbone once, in chunks, whatever the
number of windows it belongs to; only its pooled backbone feature (512 floats) is kept. Memory
holds one chunk of frames, not the video: COVERAGE_CHUNK_FRAMES, one 16-frame answer's worth, so
the backbone's activations peak no higher than in the 16-frame mode (a 64-frame chunk cost about
230 MB more at 224 px, and was no faster on 2 CPU threads). Then each window's frame features go through the
temporal encoder and head (model.inference.classify_features) in bounded batches.

Order-free models (mean pooling) take frames_per_window frames per window; order-aware encoders
always see the T frames they were trained on (their cells are window_s / T long).
Face-crop models crop each chunk of frames to its main face (model.faces), so the face followed
restarts every COVERAGE_CHUNK_FRAMES frames.

Limits: windows per request (`max_windows`: too_many_windows, counted from the packet headers
before any frame is decoded), the decode deadline (model.frames.DecodeDeadline; time spent in
preprocessing and the network does not count as decoding) and a wall-clock budget for the whole analysis
(`max_seconds`: coverage_timeout), so a batch of requests stays inside TorchServe's
responseTimeout.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from model.config import ModelConfig
from model.errors import VideoInputError
from model.frames import (
    DecodeDeadline,
    SamplingLimits,
    VideoInfo,
    VideoSource,
    choose_frame_indices,
    choose_from_timeline,
    frame_index,
    iter_wanted_frames,
    read_video_timeline,
    seconds_of,
    timeline_duration_s,
    video_info,
)
from model.in_distribution import texture_of
from model.inference import DEFAULT_CHUNK_FRAMES, ClipScore, classify_features, embed_frames
from model.network import DeepfakeDetector
from model.preprocess import crop_and_resize, normalize_clip

COVERAGE_CHUNK_FRAMES = 16  # frames per backbone forward; face crops hold this many full frames (16 x 720p = 44 MB)
WINDOWS_PER_FORWARD = 256  # windows through the temporal encoder + head at once


@dataclass(frozen=True)
class CoveragePlan:
    """How a video is cut into windows, and what one request may cost."""

    window_s: float = 4.0
    stride_s: float = 2.0
    frames_per_window: int = 2  # for order-free (mean-pooled) models; others use their T
    max_windows: int = 600
    max_seconds: float = 25.0  # decode + network, wall clock

    def check(self) -> None:
        """Raises ValueError when the plan cannot work (the message names the setting)."""
        if not (math.isfinite(self.window_s) and 0 < self.window_s <= 600):
            raise ValueError(f"window_s must be in (0, 600] seconds, got {self.window_s}")
        if not (math.isfinite(self.stride_s) and 0 < self.stride_s <= self.window_s):
            raise ValueError(f"stride_s must be in (0, window_s={self.window_s:g}] seconds, got {self.stride_s}")
        if self.frames_per_window < 1 or self.max_windows < 1 or not self.max_seconds > 0:
            raise ValueError("frames_per_window and max_windows must be >= 1 and max_seconds > 0")


def frames_per_window(plan: CoveragePlan, config: ModelConfig) -> int:
    return plan.frames_per_window if config.temporal == "mean" else config.num_frames


@dataclass(frozen=True)
class WindowGrid:
    cells: int  # analysed frames, evenly over the video
    window_cells: int
    starts: list[int]  # first cell of each window

    @property
    def windows(self) -> int:
        return len(self.starts)


def window_grid(duration_s: float, plan: CoveragePlan, window_cells: int) -> WindowGrid:
    """The cells and windows over a span of duration_s seconds (see the module docstring)."""
    cell_s = plan.window_s / window_cells
    cells = max(window_cells, round(duration_s / cell_s))
    stride_cells = max(1, round(plan.stride_s / cell_s))
    starts = list(range(0, cells - window_cells + 1, stride_cells))
    if starts[-1] + window_cells < cells:
        starts.append(cells - window_cells)  # the last window ends with the video
    return WindowGrid(cells, window_cells, starts)


def effective_windows(duration_s: float, window_s: float) -> int:
    """Windows that fit side by side without overlapping: how many independent looks the video gets."""
    return max(1, math.ceil(duration_s / window_s - 1e-9))


@dataclass
class CoverageResult:
    video: VideoInfo
    frame_indices: list[int]  # per cell: the frame number analysed
    frame_times_s: list[float]  # per cell: its time
    spans: list[tuple[float, float]]  # per window: (start_s, end_s)
    scores: list[ClipScore]  # per window
    frame_logits: list[float]  # per cell: the head on that frame alone
    faces: list[dict] | None  # per cell, face-crop models: the crop the network saw
    effective_windows: int
    window_s: float
    stride_s: float
    frames_per_window: int
    decode_s: float  # demuxing, decoding, RGB conversion
    preprocess_s: float  # resizing (and face detection, for face-crop models)
    network_s: float  # backbone, temporal encoder and head


def _refuse_windows(grid: WindowGrid, plan: CoveragePlan) -> None:
    if grid.windows > plan.max_windows:
        raise VideoInputError(
            f"coverage would take {grid.windows} windows of {plan.window_s:g} s every {plan.stride_s:g} s, over the "
            f"limit of {plan.max_windows}: send a shorter video or a longer window_s / stride_s",
            "too_many_windows",
        )


class _Embedder:
    """Preprocesses frames as they come, embeds them in chunks, keeps only the features. Time spent
    preprocessing (resizing, face detection) and in the network is not decoding: the decode
    deadline is moved by it; the coverage budget counts everything."""

    def __init__(self, detector, config, chunk_frames, device, bf16, plan: CoveragePlan, deadline: DecodeDeadline):
        self.detector, self.config, self.device, self.bf16 = detector, config, device, bf16
        self.chunk = min(chunk_frames, COVERAGE_CHUNK_FRAMES)
        self.plan, self.deadline = plan, deadline
        self.pending: list[np.ndarray] = []
        self.features: list[torch.Tensor] = []
        self.textures: list[float] = []  # per frame: model.in_distribution.texture_of, for the flat-input gate
        self.faces: list[dict] | None = [] if config.face_crop else None
        self.started = time.perf_counter()
        self.preprocess_s = 0.0
        self.network_s = 0.0

    def _spent(self, since: float) -> float:
        spent = time.perf_counter() - since
        self.deadline.extend(spent)
        return spent

    def add(self, rgb: np.ndarray) -> None:
        started = time.perf_counter()
        # face crops need the whole frame (and its neighbours); otherwise only the resized frame is kept
        self.pending.append(rgb if self.config.face_crop else crop_and_resize([rgb], self.config).pixels[0])
        self.preprocess_s += self._spent(started)
        if len(self.pending) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        started = time.perf_counter()
        if self.config.face_crop:
            prepared = crop_and_resize(self.pending, self.config)
            pixels = prepared.pixels
            self.faces += [face.to_dict() for face in prepared.faces]
        else:
            pixels = np.stack(self.pending)
        self.pending = []
        self.preprocess_s += self._spent(started)
        started = time.perf_counter()
        tensor = normalize_clip(pixels, self.config.mean, self.config.std)
        self.textures += [texture_of(frame[None]) for frame in tensor]
        self.features.append(embed_frames(self.detector, tensor, self.chunk, self.device, self.bf16).cpu())
        self.network_s += self._spent(started)
        self.check_budget()

    def check_budget(self) -> None:
        if time.perf_counter() - self.started > self.plan.max_seconds:
            raise VideoInputError(
                f"the coverage analysis took longer than the budget of {self.plan.max_seconds:g} s", "coverage_timeout"
            )


def _window_scores(
    detector: DeepfakeDetector, features: torch.Tensor, textures: list[float], grid: WindowGrid
) -> list[ClipScore]:
    """Each window's frames through the temporal encoder and head; its texture is its frames' mean
    (texture_of averages over every value of a clip, and the frames are one size)."""
    index = torch.tensor(grid.starts)[:, None] + torch.arange(grid.window_cells)[None, :]
    per_frame = torch.tensor(textures, dtype=torch.float64)
    scores: list[ClipScore] = []
    for batch in index.split(WINDOWS_PER_FORWARD):
        scores += classify_features(detector, features[batch], per_frame[batch].mean(dim=1).tolist())
    return scores


def _frame_logits(scores: list[ClipScore], grid: WindowGrid) -> list[float]:
    logits = [0.0] * grid.cells
    for start, score in zip(grid.starts, scores):
        logits[start : start + grid.window_cells] = score.frame_logits  # the same in every window
    return logits


def _analyse(
    frames: Iterator[tuple[int, float, np.ndarray]], grid: WindowGrid, embedder: _Embedder
) -> tuple[list[int], list[float], torch.Tensor]:
    """Embeds every cell's frame; a damaged tail repeats the last good frame's feature."""
    indices, times = [], []
    for index, seconds, rgb in frames:
        indices.append(index)
        times.append(seconds)
        embedder.add(rgb)
    embedder.flush()
    features = torch.cat(embedder.features)
    missing = grid.cells - len(features)
    if missing > 0:
        features = torch.cat([features, features[-1:].expand(missing, -1)])
        embedder.textures += embedder.textures[-1:] * missing
        indices += indices[-1:] * missing
        times += times[-1:] * missing
        if embedder.faces is not None:
            embedder.faces += embedder.faces[-1:] * missing
    return indices, times, features


def _result(detector, grid, video, indices, times, features, embedder, plan, duration_s) -> CoverageResult:
    started = time.perf_counter()
    scores = _window_scores(detector, features, embedder.textures, grid)
    embedder.network_s += time.perf_counter() - started
    spans = [(duration_s * s / grid.cells, duration_s * (s + grid.window_cells) / grid.cells) for s in grid.starts]
    total_s = time.perf_counter() - embedder.started
    return CoverageResult(
        video=video,
        frame_indices=indices,
        frame_times_s=times,
        spans=spans,
        scores=scores,
        frame_logits=_frame_logits(scores, grid),
        faces=embedder.faces,
        effective_windows=effective_windows(duration_s, plan.window_s),
        window_s=plan.window_s,
        stride_s=plan.stride_s,
        frames_per_window=grid.window_cells,
        decode_s=total_s - embedder.network_s - embedder.preprocess_s,
        preprocess_s=embedder.preprocess_s,
        network_s=embedder.network_s,
    )


def analyse_video(
    source: VideoSource,
    detector: DeepfakeDetector,
    config: ModelConfig,
    plan: CoveragePlan | None = None,
    limits: SamplingLimits | None = None,
    chunk_frames: int = DEFAULT_CHUNK_FRAMES,
    device: torch.device | str = "cpu",
    bf16: bool = False,
) -> CoverageResult:
    """Every window of a video file or its bytes. Raises VideoInputError (bad input or over a limit)."""
    plan, limits = plan or CoveragePlan(), limits or SamplingLimits()
    plan.check()
    deadline = DecodeDeadline(limits.max_decode_s)
    embedder = _Embedder(detector, config, chunk_frames, device, bf16, plan, deadline)
    timeline = read_video_timeline(source, limits, deadline)
    duration_s = timeline_duration_s(timeline)
    grid = window_grid(duration_s, plan, frames_per_window(plan, config))
    _refuse_windows(grid, plan)
    wanted = [timeline.pts[i] for i in choose_from_timeline(timeline, grid.cells)]
    size = {}

    def frames() -> Iterator[tuple[int, float, np.ndarray]]:
        for pts, rgb in iter_wanted_frames(source, timeline, wanted, limits, deadline):
            size.setdefault("shape", rgb.shape)
            yield frame_index(timeline, pts), seconds_of(timeline, pts), rgb

    indices, times, features = _analyse(frames(), grid, embedder)
    video = video_info(timeline, size["shape"][1], size["shape"][0])
    return _result(detector, grid, video, indices, times, features, embedder, plan, duration_s)


def analyse_images(
    images: Sequence[np.ndarray],
    fps: float | None,
    detector: DeepfakeDetector,
    config: ModelConfig,
    plan: CoveragePlan | None = None,
    chunk_frames: int = DEFAULT_CHUNK_FRAMES,
    device: torch.device | str = "cpu",
    bf16: bool = False,
) -> CoverageResult:
    """Every window of frames already in memory (a browser's capture), `fps` apart (1 s without it)."""
    plan = plan or CoveragePlan()
    plan.check()
    if len(images) == 0:
        raise VideoInputError("no frames were given", "no_frames")
    step_s = 1.0 / fps if fps else 1.0
    duration_s = len(images) * step_s
    grid = window_grid(duration_s, plan, frames_per_window(plan, config))
    _refuse_windows(grid, plan)
    chosen = choose_frame_indices(np.arange(len(images)) * step_s, grid.cells, frame_duration=step_s)
    embedder = _Embedder(detector, config, chunk_frames, device, bf16, plan, DecodeDeadline(math.inf))
    frames = ((index, index * step_s, images[index]) for index in chosen)
    indices, times, features = _analyse(frames, grid, embedder)
    height, width = images[0].shape[:2]
    video = VideoInfo(
        width=width, height=height, fps=fps, duration_s=duration_s if fps else None, frames_total=len(images)
    )
    return _result(detector, grid, video, indices, times, features, embedder, plan, duration_s)
