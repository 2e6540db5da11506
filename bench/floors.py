"""In-process floors: decode+sample 16 frames, the ResNet18 forward on 16 frames, and a naive peer."""

from __future__ import annotations

import torch

from model.config import ModelConfig
from model.frames import sample_video
from model.network import build_detector
from model.preprocess import preprocess_frames

from .stats import median_seconds, run_python_measuring_peak

NAIVE_PEER = """
import sys, time, av
start = time.perf_counter()
frames = []
try:
    with av.open(sys.argv[1]) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            frames.append(frame.to_ndarray(format="rgb24"))  # every frame kept, as simple scripts do
    picked = [frames[int((i + 0.5) * len(frames) / 16)] for i in range(16)]
    outcome = {"decoded": len(frames)}
except MemoryError:
    outcome = {"decoded": len(frames), "error": "MemoryError"}
import json; print(json.dumps({"seconds": time.perf_counter() - start, **outcome}))
"""

SAMPLER_IN_CHILD = """
import sys, time
from model.frames import sample_video
start = time.perf_counter()
sample_video(sys.argv[1], 16)
import json; print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def sampling_floor(path, repeats: int) -> dict:
    seconds = median_seconds(lambda: sample_video(path, 16), repeats)
    child = run_python_measuring_peak(SAMPLER_IN_CHILD, str(path))
    return {"sample_s": seconds, "sample_peak_mb": child.get("peak_mb")}


def naive_peer(path, memory_limit_gb: float) -> dict:
    result = run_python_measuring_peak(NAIVE_PEER, str(path), memory_limit_gb=memory_limit_gb)
    return {
        "naive_s": result.get("seconds"),
        "naive_peak_mb": result.get("peak_mb"),
        "naive_decoded": result.get("decoded"),
        "naive_error": result.get("error"),
    }


def forward_variants(repeats: int) -> dict:
    """Median forward time of one 16-frame clip per lever: fp32, channels_last, bf16 autocast."""
    config = ModelConfig()
    detector = build_detector(config).eval()
    clip = torch.randn(16, 3, config.image_size, config.image_size)
    results = {}
    with torch.inference_mode():
        results["fp32"] = median_seconds(lambda: detector.embed_frames(clip), repeats)
        detector_cl = detector.to(memory_format=torch.channels_last)
        clip_cl = clip.contiguous(memory_format=torch.channels_last)
        results["channels_last"] = median_seconds(lambda: detector_cl.embed_frames(clip_cl), repeats)
        if torch.backends.mkldnn.is_available():

            def bf16():
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    detector_cl.embed_frames(clip_cl)

            results["channels_last_bf16"] = median_seconds(bf16, repeats)
    return results


def preprocess_floor(path, repeats: int) -> float:
    frames = sample_video(path, 16).frames
    return median_seconds(lambda: preprocess_frames(frames, ModelConfig()), repeats)
