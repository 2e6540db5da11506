"""Write RGB frames as an H.264 MP4 with PyAV's libx264 (the pip OpenCV cannot encode H.264)."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import av
import numpy as np


def write_h264(path: Path, frames: Sequence[np.ndarray], fps: int, crf: int) -> None:
    """One thread per file: generation runs several files in parallel. The pixels going in are
    the same for a given seed; x264's output bytes were seen to differ slightly between runs on
    a busy machine, so only the decoded frames are (nearly) reproducible."""
    height, width = frames[0].shape[:2]
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": str(crf), "preset": "veryfast", "threads": "1"}
        stream.codec_context.thread_count = 1
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
