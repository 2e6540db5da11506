"""Sampling memory does not grow with the video's length (measured in fresh processes)."""

import json
import subprocess
import sys

import pytest

from tests.fixtures.media import REPO_ROOT

MEASURE = """
import json, sys
from model.frames import sample_video
sampled = sample_video(sys.argv[1], 16)
# VmHWM (peak RSS of this address space): ru_maxrss would carry the parent's peak across exec
peak_kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"peak_mb": peak_kb / 1024,
                  "frames": len(sampled.frames), "total": sampled.video.frames_total}))
"""


def _peak_sampling_memory_mb(path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.slow
def test_two_minute_720p_video_needs_no_more_memory_than_five_seconds(h264_video_factory):
    short = _peak_sampling_memory_mb(h264_video_factory(5, 1280, 720))
    long = _peak_sampling_memory_mb(h264_video_factory(120, 1280, 720))
    print(f"peak RSS: 5 s -> {short['peak_mb']:.0f} MB, 2 min -> {long['peak_mb']:.0f} MB")
    assert short["frames"] == long["frames"] == 16
    assert long["total"] == 3600
    assert long["peak_mb"] - short["peak_mb"] < 150
