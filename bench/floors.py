"""In-process floors: decode+sample 16 frames, the ResNet18 forward on 16 frames, the whole
pipeline's latency and throughput, and a naive peer (decode every frame, keep them, pick 16)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import torch

from bench.stats import median_seconds, run_python_measuring_peak
from model.config import ModelConfig
from model.frames import sample_clip, sample_video
from model.inference import score_clips
from model.network import DeepfakeDetector, build_detector
from model.preprocess import preprocess_clip

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

# What the naive peer costs in time when its frames do not fit in memory: the same decode and
# RGB conversion of every frame, each dropped at once. A lower bound of the naive time.
DECODE_ALL = """
import sys, time, av
start = time.perf_counter()
decoded = 0
with av.open(sys.argv[1]) as container:
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"
    for frame in container.decode(stream):
        frame.to_ndarray(format="rgb24")
        decoded += 1
import json; print(json.dumps({"seconds": time.perf_counter() - start, "decoded": decoded}))
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
    measured = {
        "naive_s": result.get("seconds"),
        "naive_peak_mb": result.get("peak_mb"),
        "naive_decoded": result.get("decoded"),
        "naive_error": result.get("error"),
    }
    if measured["naive_error"]:
        measured["naive_decode_all_s"] = decode_all_seconds(path)
    return measured


def decode_all_seconds(path) -> float | None:
    """The naive peer's decode-and-convert of every frame (threaded, as it decodes), keeping none."""
    return run_python_measuring_peak(DECODE_ALL, str(path)).get("seconds")


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


def with_torch_threads(threads: int, measure, *args, **kwargs) -> dict:
    """measure(*args) with `threads` torch threads; keys suffixed with the thread count."""
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        return {f"{key}_{threads}t": value for key, value in measure(*args, **kwargs).items()}
    finally:
        torch.set_num_threads(before)


def pipeline_floor(detector: DeepfakeDetector, data: bytes, bf16: bool, repeats: int) -> dict:
    """One video, in process: decode+sample, preprocess, forward (as served)."""
    config = ModelConfig()
    sampled = sample_clip(data, config.num_frames)
    clip = preprocess_clip(sampled.frames, config).tensor
    return {
        "decode_s": median_seconds(lambda: sample_clip(data, config.num_frames), repeats),
        "preprocess_s": median_seconds(lambda: preprocess_clip(sampled.frames, config).tensor, repeats),
        "forward_s": median_seconds(lambda: score_clips(detector, [clip], bf16=bf16), repeats),
    }


def throughput_floor(detector: DeepfakeDetector, data: bytes, bf16: bool, videos: int, repeats: int) -> dict:
    """Videos/s in process, two ways: one after the other; decoded on 2 threads, then one batched forward."""
    config = ModelConfig()

    def prepared(_) -> torch.Tensor:
        return preprocess_clip(sample_clip(data, config.num_frames).frames, config).tensor

    def sequential():
        for index in range(videos):
            score_clips(detector, [prepared(index)], bf16=bf16)

    def decode_in_threads_then_batch():
        with ThreadPoolExecutor(max_workers=2) as pool:  # PyAV and OpenCV release the GIL
            clips = list(pool.map(prepared, range(videos)))
        score_clips(detector, clips, bf16=bf16)

    return {
        "sequential_videos_per_s": videos / median_seconds(sequential, repeats, warmup=0),
        "threaded_decode_batched_forward_videos_per_s": videos
        / median_seconds(decode_in_threads_then_batch, repeats, warmup=0),
    }


def bf16_drift(detector: DeepfakeDetector, paths) -> dict:
    """|P(fake) fp32 - P(fake) bf16| per video, same frames, same weights."""
    config = ModelConfig()
    drift = {}
    for path in paths:
        clip = preprocess_clip(sample_video(path, config.num_frames).frames, config).tensor
        fp32, bf16 = (score_clips(detector, [clip], bf16=flag)[0].probability for flag in (False, True))
        drift[path.name] = abs(fp32 - bf16)
    return drift
