"""The benchmark videos: the genuine samples beside the checkout (../shared/videos) and generated
H.264 test patterns with a keyframe every 250 frames, made once with Debian's ffmpeg and cached
under bench/results/videos/ (git-ignored).

A fixed bitrate (not ultrafast's default quality) keeps the 10-minute 720p file at ~75 MB, a
size a real 10-minute 720p upload has, and under TorchServe's 210 MB request limit.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.stats import REPO_ROOT


@dataclass(frozen=True)
class BenchVideo:
    name: str
    duration_s: float
    width: int
    height: int
    bitrate: str
    fps: int = 30
    gop: int = 250

    @property
    def file_name(self) -> str:
        return f"{self.name}_{self.bitrate}_g{self.gop}.mp4"


SHARED_VIDEOS = REPO_ROOT.parent / "shared" / "videos"

GENERATED = (
    BenchVideo("10s_720p", 10, 1280, 720, "1M"),
    BenchVideo("60s_1080p", 60, 1920, 1080, "2M"),
    BenchVideo("10min_720p", 600, 1280, 720, "1M"),
)


def generated_video(video: BenchVideo, folder: Path) -> Path:
    """The cached file, encoded first if missing (the 10-minute one takes ~1-2 min here)."""
    path = folder / video.file_name
    if path.exists():
        return path
    if shutil.which("ffmpeg") is None:
        raise RuntimeError("ffmpeg is missing: run `make setup` (it installs Debian's ffmpeg)")
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part.mp4")
    source = f"testsrc2=size={video.width}x{video.height}:rate={video.fps}:duration={video.duration_s}"
    command = [
        "ffmpeg",
        "-y",
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        source,
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-b:v",
        video.bitrate,
        "-g",
        str(video.gop),
        "-keyint_min",
        str(video.gop),
        "-sc_threshold",
        "0",
        "-pix_fmt",
        "yuv420p",
        str(partial),
    ]
    subprocess.run(command, check=True, timeout=1800)
    partial.rename(path)
    return path
