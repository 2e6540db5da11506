"""`make bench` (= `python -m bench`): the served path against its in-process floor and a naive
peer. Medians of several runs, written to bench/results/bench.json and bench/results/bench.md.

    python -m bench                 # everything (~10-20 min on 2 busy cores; videos cached after the first run)
    python -m bench --quick         # fewer repeats and requests
    python -m bench --skip-served   # in-process figures only
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import torch

from bench.floors import (
    bf16_drift,
    forward_variants,
    naive_peer,
    pipeline_floor,
    sampling_floor,
    throughput_floor,
    with_torch_threads,
)
from bench.report import markdown
from bench.served import load_run, served_stack, worker_peak_rss
from bench.stats import REPO_ROOT
from bench.videos import GENERATED, SHARED_VIDEOS, generated_video
from model.checkpoint import build_from_checkpoint, read_checkpoint, write_random_checkpoint
from model.frames import sample_video
from model.media_types import video_files
from model.precision import native_bf16, uses_bf16

NAIVE_MEMORY_LIMIT_GB = 4.0  # the machine is shared: the naive peer may not take it all
CONCURRENCIES = (1, 4, 8)
RSS_VIDEOS = ("10s_720p", "60s_1080p", "10min_720p")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--out", type=Path, default=REPO_ROOT / "bench" / "results", help="results and cached videos (git-ignored)"
    )
    parser.add_argument(
        "--checkpoint", type=Path, help="a .pth to serve (default: a random-init one at the served shape)"
    )
    parser.add_argument("--quick", action="store_true", help="3 repeats and fewer served requests")
    parser.add_argument("--skip-served", action="store_true", help="no TorchServe, no proxy")
    parser.add_argument(
        "--torch-threads",
        type=int,
        help=(
            "DEEPFAKE_TORCH_THREADS for the served workers "
            "(default: unset, cores shared among the busy workers per batch)"
        ),
    )
    parser.add_argument(
        "--precision",
        choices=("auto", "fp32", "bf16"),
        default="auto",
        help="DEEPFAKE_PRECISION for the served workers",
    )
    return parser.parse_args()


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{cpu}, {len(os.sched_getaffinity(0))} cores, {memory_gb:.0f} GiB, Python {platform.python_version()}, "
        f"torch {torch.__version__}, native bf16: {native_bf16()}; load average at start {load}"
    )


def checkpoint_path(arguments: argparse.Namespace) -> Path:
    if arguments.checkpoint:
        return arguments.checkpoint
    path = arguments.out / "model" / "deepfake.pth"
    return path if path.exists() else write_random_checkpoint(path)


def sampling_figures(paths: dict[str, Path], repeats: int) -> dict:
    figures = {}
    for name, path in paths.items():
        print(f"sampling {name} ...", flush=True)
        frames_total = sample_video(path, 16).video.frames_total
        figures[name] = {
            "size_mb": path.stat().st_size / 2**20,
            "frames_total": frames_total,
            **sampling_floor(path, repeats),
            **naive_peer(path, NAIVE_MEMORY_LIMIT_GB),
        }
    return figures


def forward_levers(repeats: int) -> dict:
    levers = with_torch_threads(torch.get_num_threads(), forward_variants, repeats)
    return {**levers, **with_torch_threads(1, forward_variants, repeats)}


def median_run(runs: list[dict]) -> dict:
    """Per figure, the median over repeated load runs."""
    figures = ("p50_s", "p95_s", "videos_per_s")
    return {**runs[0], "runs": len(runs), **{key: statistics.median(run[key] for run in runs) for key in figures}}


def served_figures(arguments: argparse.Namespace, checkpoint: Path, paths: dict[str, Path]) -> dict:
    environment = {"DEEPFAKE_PRECISION": arguments.precision}
    if arguments.torch_threads:
        environment["DEEPFAKE_TORCH_THREADS"] = str(arguments.torch_threads)
    requests = {1: 4, 4: 8, 8: 16} if arguments.quick else {1: 8, 4: 16, 8: 24}
    runs = 1 if arguments.quick else 3
    data = paths["10s_720p"].read_bytes()
    with served_stack(checkpoint, arguments.out / "served", environment) as stack:
        print("served: latency and throughput ...", flush=True)
        load = [
            median_run([load_run(stack, route, data, c, requests[c]) for _ in range(runs)])
            for route in ("torchserve", "proxy")
            for c in CONCURRENCIES
        ]
        print("served: worker memory ...", flush=True)
        rss = {name: worker_peak_rss(stack, paths[name].read_bytes()) for name in RSS_VIDEOS}
    threads = arguments.torch_threads or "cores shared among the busy workers per batch"
    return {
        "setup": f"config.properties as shipped, torch threads per worker: {threads}, precision {arguments.precision}",
        "load": load,
        "rss": rss,
    }


def main() -> None:
    arguments = parse_arguments()
    repeats = 3 if arguments.quick else 5
    started = time.monotonic()
    results: dict = {
        "machine": machine(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": arguments.quick,
    }
    paths = {video.name: generated_video(video, arguments.out / "videos") for video in GENERATED}
    paths.update({path.name: path for path in video_files(SHARED_VIDEOS)})
    checkpoint = checkpoint_path(arguments)
    detector, _ = build_from_checkpoint(read_checkpoint(checkpoint))
    detector = detector.to(memory_format=torch.channels_last).eval()
    bf16 = uses_bf16("auto")
    results["sampling"] = sampling_figures(paths, repeats)
    print("in-process floor ...", flush=True)
    data = paths["10s_720p"].read_bytes()
    thread_counts = sorted({torch.get_num_threads(), 1})  # on busy cores one thread can beat two
    results["floor_10s_720p"] = {}
    results["throughput_10s_720p"] = {}
    for threads in thread_counts:
        results["floor_10s_720p"].update(with_torch_threads(threads, pipeline_floor, detector, data, bf16, repeats))
        results["throughput_10s_720p"].update(
            with_torch_threads(threads, throughput_floor, detector, data, bf16, 8, max(2, repeats // 2))
        )
    results["forward_levers"] = forward_levers(repeats)
    results["bf16_drift"] = bf16_drift(
        detector, [path for path in paths.values() if path.parent != arguments.out / "videos"]
    )
    arguments.out.mkdir(parents=True, exist_ok=True)
    (arguments.out / "bench.json").write_text(json.dumps(results, indent=2, default=str))  # kept if serving fails
    if not arguments.skip_served:
        results["served"] = served_figures(arguments, checkpoint, paths)
    results["machine"] += f"; load average at end {', '.join(f'{v:.1f}' for v in os.getloadavg())}"
    results["wall_s"] = time.monotonic() - started
    (arguments.out / "bench.json").write_text(json.dumps(results, indent=2, default=str))
    table = markdown(results)
    (arguments.out / "bench.md").write_text(table)
    print(table)
    print(f"wrote {arguments.out / 'bench.json'} and {arguments.out / 'bench.md'} in {results['wall_s']:.0f} s")


if __name__ == "__main__":
    main()
