"""Write RGB frames as an H.264 MP4 with PyAV's libx264 (the pip OpenCV cannot encode H.264)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import av
import numpy as np

from train.h264 import repeatable_x264_options


def write_h264(path: Path, frames: Sequence[np.ndarray], fps: int, crf: int) -> None:
    """Same seed, same frames, same file: the options are repeatable_x264_options."""
    height, width = frames[0].shape[:2]
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = repeatable_x264_options(crf)
        stream.codec_context.thread_count = 1
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
