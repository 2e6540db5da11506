"""`python -m bench.coverage`: full coverage (coverage=full) of a 10-minute 720p H.264 video (a
keyframe every 250 frames, bench/videos.py) against the 16-frame answer of the same video, on a
real TorchServe from a real .mar: the time ratio, the worker's peak RSS in each mode, windows per
second, and where the time goes (decode vs network, from the answers' timing_ms).

Targets (issue 14): coverage at most 10x the 16-frame answer's time; peak RSS within 150 MB of
the 16-frame mode. Both requests go to TorchServe directly (the proxy adds the same upload time
to both). The decode deadline and the coverage budget are raised for the run (a busy machine
would otherwise answer 413), and the settings used are written next to the figures.

    python -m bench.coverage [--checkpoint PTH] [--repeats 3] [--window-s 4 --stride-s 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.__main__ import checkpoint_path, machine
from bench.served import CLIENT_TIMEOUT_S, served_stack
from bench.stats import REPO_ROOT
from bench.videos import GENERATED, generated_video
from bench.worker_memory import peak_rss_mb, reset_peak_rss, rss_mb

VIDEO = "10min_720p"
TIME_RATIO_GOAL = 10.0
RSS_MARGIN_GOAL_MB = 150.0


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.coverage", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "results")
    parser.add_argument("--checkpoint", type=Path, help="a .pth to serve (default: a random-init one at 16 x 224)")
    parser.add_argument("--repeats", type=int, default=3, help="requests per mode (medians are reported)")
    parser.add_argument("--window-s", type=float, help="coverage window (default: the server's)")
    parser.add_argument("--stride-s", type=float, help="coverage stride (default: the server's)")
    return parser.parse_args(argv)


def one_request(stack, data: bytes, params: dict | None) -> dict:
    """Latency, the answer's timings and the busiest worker's peak RSS above its resting RSS."""
    pids = stack.worker_pids()
    resting = {pid: rss_mb(pid) for pid in pids}
    reset_peak_rss(pids)
    base = stack.torchserve.inference_url
    name = stack.torchserve.model_name
    url = f"{base}/models/{name}/invoke" if params else f"{base}/predictions/{name}"
    started = time.perf_counter()
    with httpx.Client(timeout=CLIENT_TIMEOUT_S, headers=key_headers(stack)) as client:
        response = client.post(url, content=data, params=params, headers={"Content-Type": "video/mp4"})
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.text[:300]}")
    answer = response.json()
    peaks = {pid: peak_rss_mb(pid) for pid in pids}
    busiest = max(peaks, key=lambda pid: peaks[pid] - resting[pid])
    return {
        "latency_s": seconds,
        "timing_ms": answer["timing_ms"],
        "frames": answer["frames"]["count"],
        "windows": (answer.get("coverage") or {}).get("windows"),
        "peak_rss_mb": peaks[busiest],
        "resting_rss_mb": resting[busiest],
    }


def key_headers(stack) -> dict[str, str]:
    """The inference key when the server has token auth on (harden's stack exposes it), else none."""
    headers = getattr(stack.torchserve, "inference_headers", None)
    return headers() if callable(headers) else {}


def medians(runs: list[dict]) -> dict:
    return {
        "runs": len(runs),
        "latency_s": statistics.median(r["latency_s"] for r in runs),
        "decode_ms": statistics.median(r["timing_ms"]["decode"] for r in runs),
        "preprocess_ms": statistics.median(r["timing_ms"].get("preprocess", 0.0) for r in runs),
        "network_ms": statistics.median(r["timing_ms"]["inference"] for r in runs),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "resting_rss_mb": statistics.median(r["resting_rss_mb"] for r in runs),
        "frames": runs[0]["frames"],
        "windows": runs[0]["windows"],
    }


def run(arguments: argparse.Namespace) -> dict:
    video = next(v for v in GENERATED if v.name == VIDEO)
    path = generated_video(video, arguments.out / "videos")
    data = path.read_bytes()
    environment = {"DEEPFAKE_MAX_DECODE_S": "600", "DEEPFAKE_COVERAGE_MAX_S": "600"}
    params = {"coverage": "full"}
    if arguments.window_s:
        params["window_s"] = str(arguments.window_s)
    if arguments.stride_s:
        params["stride_s"] = str(arguments.stride_s)
    checkpoint = checkpoint_path(arguments)
    with served_stack(checkpoint, arguments.out / "served_coverage", environment) as stack:
        one_request(stack, data, None)  # warm both paths once
        sampled = medians([one_request(stack, data, None) for _ in range(arguments.repeats)])
        covered = medians([one_request(stack, data, params) for _ in range(arguments.repeats)])
    ratio = covered["latency_s"] / sampled["latency_s"]
    rss_margin = (covered["peak_rss_mb"] - covered["resting_rss_mb"]) - (
        sampled["peak_rss_mb"] - sampled["resting_rss_mb"]
    )
    return {
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "video": {"name": VIDEO, "size_mb": round(path.stat().st_size / 2**20, 1), "bitrate": video.bitrate},
        "checkpoint": str(checkpoint),
        "settings": {"environment": environment, "params": params},
        "sampled_16": sampled,
        "coverage_full": covered,
        "time_ratio": ratio,
        "time_ratio_goal": TIME_RATIO_GOAL,
        "peak_rss_growth_over_16_frame_mb": rss_margin,
        "rss_goal_mb": RSS_MARGIN_GOAL_MB,
        "windows_per_s": covered["windows"] / covered["latency_s"],
        "coverage_time_share": {
            step: covered[f"{step}_ms"] / 1000 / covered["latency_s"] for step in ("decode", "preprocess", "network")
        },
    }


def table(result: dict) -> str:
    sampled, covered = result["sampled_16"], result["coverage_full"]
    rows = [
        f"Measured {result['measured']} on {result['machine']}",
        f"video {result['video']}; checkpoint {result['checkpoint']}",
        "",
        "| mode | latency (median) | decode | network | frames | windows | worker peak RSS over resting |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, row in (("16 frames", sampled), ("coverage=full", covered)):
        rows.append(
            f"| {name} | {row['latency_s']:.2f} s | {row['decode_ms'] / 1000:.2f} s | {row['network_ms'] / 1000:.2f} s "
            f"| {row['frames']} | {row['windows'] or '-'} | {row['peak_rss_mb'] - row['resting_rss_mb']:.0f} MB |"
        )
    share = result["coverage_time_share"]
    rows += [
        "",
        (
            f"time ratio {result['time_ratio']:.1f}x (goal <= {TIME_RATIO_GOAL:g}x); peak RSS growth over the "
            f"16-frame mode {result['peak_rss_growth_over_16_frame_mb']:.0f} MB (goal <= {RSS_MARGIN_GOAL_MB:g} MB); "
            f"{result['windows_per_s']:.1f} windows/s; coverage time: decode {share['decode']:.0%}, "
            f"preprocess {share['preprocess']:.0%}, network {share['network']:.0%} (the rest: upload, answer)"
        ),
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    result = run(arguments)
    arguments.out.mkdir(parents=True, exist_ok=True)
    (arguments.out / "coverage.json").write_text(json.dumps(result, indent=1))
    text = table(result)
    (arguments.out / "coverage.md").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
