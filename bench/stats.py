"""Timing helpers for benchmarks: medians of repeated runs, peak memory of a child process."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def median_seconds(run: Callable[[], object], repeats: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        run()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run_python_measuring_peak(
    code: str, *args: str, memory_limit_gb: float | None = None, timeout: float = 900
) -> dict:
    """Run `code` in a fresh interpreter; it prints one JSON line. Adds its peak RSS (VmHWM, MB)."""
    prelude = ""
    if memory_limit_gb:
        # The naive peer would exhaust the machine on long videos: cap it and report the failure.
        limit = int(memory_limit_gb * 2**30)
        prelude = f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))\n"
    epilogue = (
        "\nimport json as _j\n"
        "_peak = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
        "print(_j.dumps({'peak_mb': _peak / 1024}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", prelude + code + epilogue, *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    merged: dict = {"returncode": result.returncode}
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            merged.update(json.loads(line))
    if result.returncode != 0:
        merged["error"] = (result.stderr.strip().splitlines() or ["failed"])[-1]
    return merged
