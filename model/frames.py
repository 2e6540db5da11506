"""Take T frames evenly spread over a video, in bounded memory and time.

How: a cheap first pass reads packet headers only (no decoding) to learn the real presentation
timeline and where the keyframes are; container headers often lie about frame counts and
durations. Then one decoding pass walks forward through the wanted frames and seeks only when
the next wanted frame lies beyond the next keyframe: decoding everything is slow on long videos,
seeking to every frame is slow on short ones. Only the wanted frames are converted to RGB, so
memory holds T frames whatever the video's length.

Which frames: one per equal segment of the video's time span, the segment's keyframe nearest
its centre when it has one (cheap to decode), else the frame showing at its centre
(see `choose_frame_indices`).
Short videos (fewer frames than T): indices repeat (frame i of N is taken for slot floor(i*N/T)),
and `unique_count` says how many distinct frames there were.
"""

from __future__ import annotations

import bisect
import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field

import av
import numpy as np
from PIL import Image

from model.containers import BufferReader, VideoSource, open_container, too_many_streams
from model.errors import VideoInputError

# PyAV raises IndexError from demux() when a damaged file yields a packet of a stream it never
# declared (seen on a mutated FLV); both mean "the rest of this stream cannot be read".
DAMAGED_STREAM_ERRORS = (av.FFmpegError, IndexError)

IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"BM")
# The image formats the API documents; Pillow would otherwise open any of its ~40 (TIFF, PCX, EPS
# through Ghostscript, ...).
IMAGE_FORMATS = ("PNG", "JPEG", "WEBP", "BMP")


@dataclass(frozen=True)
class SamplingLimits:
    """What one input may cost. Over a limit -> VideoInputError with a code of errors.LIMIT_CODES."""

    max_pixels_per_frame: int = 3840 * 2160  # 4K UHD
    # Pixels of all the images one request may have decoded (JSON frames): 16 full-HD frames.
    max_request_pixels: int = 16 * 1920 * 1080
    max_duration_s: float = 3 * 3600.0
    max_frames_total: int = 1_000_000
    # Wall-clock seconds to read and decode one video. A served batch of 4 decodes one after the
    # other inside TorchServe's responseTimeout (120 s), which restarts a worker that overruns it.
    max_decode_s: float = 20.0


@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    fps: float | None
    duration_s: float | None
    frames_total: int


@dataclass
class SampledFrames:
    frames: list[np.ndarray]  # T RGB uint8 arrays (H, W, 3)
    indices: list[int]  # frame number of each, in presentation order
    timestamps_s: list[float]
    unique_count: int
    video: VideoInfo
    extra: dict = field(default_factory=dict)

    def describe(self) -> dict:
        """Metadata for answers: everything but the pixels."""
        return {
            "frames": {
                "count": len(self.frames),
                "unique": self.unique_count,
                "indices": self.indices,
                "timestamps_s": [round(t, 4) for t in self.timestamps_s],
            },
            "video": asdict(self.video),
        }


def choose_frame_indices(
    frame_times: Sequence[float], count: int, keyframe_indices: Sequence[int] = (), frame_duration: float | None = None
) -> list[int]:
    """One frame per equal segment of the video's time span (frame k covers [t_k, t_k + d)).

    Each segment takes the frame showing at its centre time, or, if a keyframe starts inside the
    segment, the keyframe nearest the centre: a keyframe decodes on its own, so a long video costs
    T keyframe decodes instead of T half-GOPs, and a short one is unchanged. Time, not frame
    number, is what is spread evenly: variable-frame-rate files have gaps in their timelines.
    """
    times = np.asarray(frame_times, dtype=np.float64)
    if len(times) == 0 or count <= 0:
        raise ValueError("need at least one frame and a positive count")
    if frame_duration is None:
        frame_duration = float(np.median(np.diff(times))) if len(times) > 1 else 1.0
    edges = times[0] + (times[-1] + frame_duration - times[0]) * np.arange(count + 1) / count
    keyframe_times = times[np.asarray(keyframe_indices, dtype=np.int64)] if len(keyframe_indices) else times[:0]
    chosen = []
    for slot in range(count):
        centre = (edges[slot] + edges[slot + 1]) / 2
        inside = np.flatnonzero((keyframe_times >= edges[slot]) & (keyframe_times < edges[slot + 1]))
        if inside.size:
            nearest = inside[np.argmin(np.abs(keyframe_times[inside] - centre))]
            chosen.append(int(keyframe_indices[nearest]))
        else:
            chosen.append(max(0, int(np.searchsorted(times, centre, side="right")) - 1))
    return chosen


def sample_frame_indices(frames_total: int, count: int) -> list[int]:
    """`count` indices evenly spread over `frames_total` equally spaced frames (repeats if fewer)."""
    if frames_total <= 0:
        raise ValueError("frames_total must be positive")
    return choose_frame_indices(np.arange(frames_total, dtype=np.float64), count, frame_duration=1.0)


def sample_images(images: Sequence[np.ndarray], count: int, fps: float | None = None) -> SampledFrames:
    """Sample from frames already in memory (e.g. captured in a browser), same policy as videos."""
    if len(images) == 0:
        raise VideoInputError("no frames were given", "no_frames")
    indices = sample_frame_indices(len(images), count)
    height, width = images[0].shape[:2]
    duration = len(images) / fps if fps else None
    info = VideoInfo(width=width, height=height, fps=fps, duration_s=duration, frames_total=len(images))
    timestamps = [index / fps if fps else float(index) for index in indices]
    return SampledFrames([images[i] for i in indices], indices, timestamps, len(set(indices)), info)


def sample_encoded_images(
    total: int, load: Callable[[int], bytes], count: int, fps: float | None, limits: SamplingLimits = SamplingLimits()
) -> SampledFrames:
    """The same policy as `sample_images` over `total` encoded images, of which only the chosen ones
    are loaded (`load(index)` -> encoded bytes) and decoded: each checked against the pixel limits
    from its header before its pixels are, all within the request's pixel budget and decode time."""
    if total <= 0:
        raise VideoInputError("no frames were given", "no_frames")
    indices = sample_frame_indices(total, count)
    decoded = _decode_encoded(sorted(set(indices)), load, limits)
    height, width = decoded[indices[0]].shape[:2]
    info = VideoInfo(width=width, height=height, fps=fps, duration_s=total / fps if fps else None, frames_total=total)
    timestamps = [index / fps if fps else float(index) for index in indices]
    return SampledFrames([decoded[i] for i in indices], indices, timestamps, len(decoded), info)


def decode_encoded_images(
    total: int, load: Callable[[int], bytes], limits: SamplingLimits = SamplingLimits()
) -> list[np.ndarray]:
    """All `total` encoded images, in order (coverage mode analyses every frame), within the same
    pixel budget and decode time as `sample_encoded_images`."""
    if total <= 0:
        raise VideoInputError("no frames were given", "no_frames")
    return list(_decode_encoded(range(total), load, limits).values())


def _decode_encoded(indices, load: Callable[[int], bytes], limits: SamplingLimits) -> dict[int, np.ndarray]:
    """{index: RGB} for the given indices, in their order, within one request's pixel budget and deadline."""
    deadline = DecodeDeadline(limits.max_decode_s)
    budget = PixelBudget(limits.max_request_pixels)
    decoded = {}
    for index in indices:
        deadline.check()
        try:
            decoded[index] = decode_image(load(index), limits, budget)
        except VideoInputError as error:
            raise VideoInputError(f"frame {index}: {error.message}", error.code) from error
    return decoded


class PixelBudget:
    """Pixels a request may still have decoded; images are charged before their pixels are decoded."""

    def __init__(self, pixels: int):
        self.limit = pixels
        self.left = pixels

    def charge(self, width: int, height: int) -> None:
        if width * height > self.left:
            raise VideoInputError(
                f"the images of this request exceed its budget of {self.limit} pixels in all", "too_many_pixels"
            )
        self.left -= width * height


def looks_like_image(data: bytes) -> bool:
    head = bytes(data[:16])
    return head.startswith(IMAGE_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def decode_image(
    data: bytes, limits: SamplingLimits = SamplingLimits(), budget: PixelBudget | None = None
) -> np.ndarray:
    """PNG/JPEG/WebP/BMP bytes -> RGB uint8 (H, W, 3), checking the size before decoding pixels."""
    try:
        with Image.open(BufferReader(data), formats=IMAGE_FORMATS) as image:
            _check_pixels(image.width, image.height, limits)
            if budget is not None:
                budget.charge(image.width, image.height)
            return np.asarray(image.convert("RGB"))
    except VideoInputError:
        raise
    except Image.DecompressionBombError as error:  # PIL's own guard fires before ours can read the size
        raise VideoInputError("the image is too large to decode", "too_many_pixels") from error
    except Image.UnidentifiedImageError as error:
        raise VideoInputError("not a PNG, JPEG, WebP or BMP image", "undecodable_image") from error
    except Exception as error:  # PIL raises many types for damaged data
        raise VideoInputError("the image data is damaged and cannot be decoded", "undecodable_image") from error


def sample_clip(data: bytes, count: int, limits: SamplingLimits = SamplingLimits()) -> SampledFrames:
    """Bytes of a video, or of one image (a 1-frame clip), -> T frames. Empty bytes: `empty_input`."""
    if looks_like_image(data):
        return sample_images([decode_image(data, limits)], count)
    return sample_video(data, count, limits)


def sample_video(source: VideoSource, count: int, limits: SamplingLimits = SamplingLimits()) -> SampledFrames:
    """T frames evenly spread over the video's real duration. Raises VideoInputError."""
    deadline = DecodeDeadline(limits.max_decode_s)
    timeline = read_video_timeline(source, limits, deadline)
    wanted = [timeline.pts[i] for i in choose_from_timeline(timeline, count)]
    decoded = list(iter_wanted_frames(source, timeline, wanted, limits, deadline))
    return _assemble(decoded, wanted, timeline)


def read_video_timeline(source: VideoSource, limits: SamplingLimits, deadline: DecodeDeadline) -> Timeline:
    """The first pass: packet headers only (no decoding), checked against the limits."""
    with _reader_for(source) as reader, open_container(reader) as container:
        stream = _video_stream(container)
        _check_pixels(stream.codec_context.width, stream.codec_context.height, limits)
        return _read_timeline(container, stream, limits, deadline)


def iter_wanted_frames(
    source: VideoSource, timeline: Timeline, wanted: list[int], limits: SamplingLimits, deadline: DecodeDeadline
) -> Iterator[tuple[int, np.ndarray]]:
    """The second pass, one frame at a time: (pts, RGB) per wanted pts (sorted; repeats allowed), in
    order; fewer at a damaged tail. Only the frame being handed over is held (bounded memory)."""
    with _reader_for(source) as reader, open_container(reader) as container:
        stream = _video_stream(container)
        stream.thread_type = "AUTO"  # frame + slice threads: ~1.7x faster on long-GOP H.264
        yield from _decode_wanted_frames(container, stream, wanted, timeline.keyframe_pts, limits, deadline)


class DecodeDeadline:
    """The decode time budget of one video, checked per packet read and per frame decoded."""

    def __init__(self, budget_s: float):
        self.budget_s = budget_s
        self.ends_at = time.monotonic() + budget_s

    def extend(self, seconds: float) -> None:
        """Time spent on other work between decodes (the network, in coverage mode) is not decoding."""
        self.ends_at += seconds

    def check(self) -> None:
        if time.monotonic() > self.ends_at:
            raise VideoInputError(
                f"decoding the video took longer than the budget of {self.budget_s:g} s", "decode_timeout"
            )


@dataclass
class Timeline:
    """What the packet headers say: every frame's pts and the keyframes (read_video_timeline)."""

    pts: list[int]  # presentation timestamps of every frame, sorted, unique
    keyframe_pts: list[int]
    time_base: float
    fps: float | None


def _reader_for(source: VideoSource):
    """What FFmpeg reads: bytes through a BufferReader (closed after, releasing the buffer); else the source."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        if len(source) == 0:
            raise VideoInputError("the video is empty (0 bytes)", "empty_input")
        return BufferReader(source)
    return contextlib.nullcontext(source)


def _video_stream(container):
    if not container.streams.video:
        kinds = sorted({s.type for s in container.streams})
        raise VideoInputError(f"no video stream in the file (found: {kinds or 'nothing'})", "no_video_stream")
    return container.streams.video[0]


def _check_pixels(width: int, height: int, limits: SamplingLimits) -> None:
    if width * height > limits.max_pixels_per_frame:
        raise VideoInputError(
            f"frames of {width}x{height} exceed the limit of {limits.max_pixels_per_frame} pixels",
            "too_many_pixels",
        )


def _read_timeline(container, stream, limits: SamplingLimits, deadline: DecodeDeadline) -> Timeline:
    """Packet headers only (no decoding): the true frame timeline and keyframe positions."""
    time_base = float(stream.time_base) if stream.time_base else 0.0
    if container.duration and container.duration / 1e6 > limits.max_duration_s:
        _refuse_duration(container.duration / 1e6, limits)
    pts_seen: set[int] = set()
    keyframes: list[int] = []
    try:
        for packet in container.demux(stream):
            deadline.check()
            stamp = packet.pts if packet.pts is not None else packet.dts
            if packet.size == 0 or stamp is None:
                continue
            pts_seen.add(stamp)
            if packet.is_keyframe:
                keyframes.append(stamp)
            if len(pts_seen) > limits.max_frames_total:
                raise VideoInputError(f"more than {limits.max_frames_total} frames", "too_many_frames")
    except DAMAGED_STREAM_ERRORS:
        pass  # a damaged tail: sample what could be read
    if not pts_seen:
        raise VideoInputError("the video has no readable frames", "no_frames")
    pts = sorted(pts_seen)
    span_s = (pts[-1] - pts[0]) * time_base
    if span_s > limits.max_duration_s:
        _refuse_duration(span_s, limits)
    fps = float(stream.average_rate) if stream.average_rate else None
    if not fps and span_s > 0:
        fps = (len(pts) - 1) / span_s
    return Timeline(pts, sorted(keyframes) or [pts[0]], time_base, fps)


def choose_from_timeline(timeline: Timeline, count: int) -> list[int]:
    keyframe_indices = [bisect.bisect_left(timeline.pts, k) for k in timeline.keyframe_pts]
    frame_duration = 1.0 / timeline.fps / timeline.time_base if timeline.fps and timeline.time_base else None
    return choose_frame_indices(timeline.pts, count, keyframe_indices, frame_duration)


def _refuse_duration(duration_s: float, limits: SamplingLimits) -> None:
    raise VideoInputError(
        f"video lasts {duration_s:.0f} s, over the limit of {limits.max_duration_s:.0f} s", "too_long"
    )


def _decoded_frames(container, stream) -> Iterator:
    for packet in container.demux(stream):
        yield from packet.decode()


def _decode_wanted_frames(
    container, stream, wanted: list[int], keyframes: list[int], limits: SamplingLimits, deadline: DecodeDeadline
) -> Iterator[tuple[int, np.ndarray]]:
    """Walk forward through the wanted pts; seek only past a keyframe. Yields (pts, RGB) per wanted slot."""
    last: tuple[int, np.ndarray] | None = None
    frames = _decoded_frames(container, stream)
    position = min(wanted[0], keyframes[0])  # where decoding stands now
    try:
        for target in wanted:
            if last is not None and last[0] >= target:
                yield last  # repeated slot (short video) or a frame already past the target
                continue
            keyframe = keyframes[max(0, bisect.bisect_right(keyframes, target) - 1)]
            if keyframe > position:
                container.seek(keyframe, stream=stream, backward=True, any_frame=False)
                frames = _decoded_frames(container, stream)
            frame = _first_frame_at_or_after(frames, target, deadline)
            if frame is None:
                break
            _check_pixels(frame.width, frame.height, limits)  # the size may change mid-stream (a new SPS)
            position = frame.pts
            last = (frame.pts, frame.to_ndarray(format="rgb24"))
            yield last
    except av.error.MemoryError as error:  # MPEG-TS adds streams as they appear, up to MAX_STREAMS
        if last is None:
            raise too_many_streams() from error
    except DAMAGED_STREAM_ERRORS as error:
        if last is None:
            raise VideoInputError(f"the video's frames cannot be decoded: {error}", "undecodable") from error
    if last is None:
        raise VideoInputError("no frame of the video could be decoded", "no_frames")


def _first_frame_at_or_after(frames: Iterator, target: int, deadline: DecodeDeadline):
    for frame in frames:
        deadline.check()
        if frame.pts is None or frame.pts >= target:
            return frame
    return None


def _assemble(decoded: list[tuple[int, np.ndarray]], wanted: list[int], timeline: Timeline) -> SampledFrames:
    """T frames even if the tail could not be decoded (the last good frame repeats)."""
    while len(decoded) < len(wanted):
        decoded.append(decoded[-1])
    stamps = [pts if pts is not None else wanted[i] for i, (pts, _) in enumerate(decoded)]
    indices = [frame_index(timeline, stamp) for stamp in stamps]
    height, width = decoded[0][1].shape[:2]
    info = video_info(timeline, width, height)
    timestamps = [seconds_of(timeline, stamp) for stamp in stamps]
    return SampledFrames([frame for _, frame in decoded], indices, timestamps, len(set(indices)), info)


def frame_index(timeline: Timeline, pts: int) -> int:
    """The frame number (presentation order) of a decoded frame's pts."""
    return min(bisect.bisect_left(timeline.pts, pts), len(timeline.pts) - 1)


def seconds_of(timeline: Timeline, pts: int) -> float:
    """Seconds from the first frame."""
    return (pts - timeline.pts[0]) * timeline.time_base


def timeline_duration_s(timeline: Timeline) -> float:
    """First frame to the end of the last one."""
    frame_s = 1.0 / timeline.fps if timeline.fps else 0.0
    return (timeline.pts[-1] - timeline.pts[0]) * timeline.time_base + frame_s


def video_info(timeline: Timeline, width: int, height: int) -> VideoInfo:
    return VideoInfo(
        width=width,
        height=height,
        fps=round(timeline.fps, 4) if timeline.fps else None,
        duration_s=round(timeline_duration_s(timeline), 4),
        frames_total=len(timeline.pts),
    )
