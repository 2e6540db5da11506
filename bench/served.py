"""The served path: a real TorchServe from a real .mar (config.properties as shipped, other
ports) and the real proxy in front of it; latency and throughput at several concurrencies,
and the worker's peak RSS per video."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.stats import REPO_ROOT, percentile
from bench.worker_memory import peak_rss_mb, reset_peak_rss, rss_mb
from stack.archive import build_archive
from stack.torchserve_process import (
    Ports,
    TorchServeInstance,
    free_ports,
    prepare_workdir,
    start,
    stop,
    wait_until_ready,
    worker_pids,
)

CLIENT_TIMEOUT_S = 600.0


@dataclass
class ServedStack:
    torchserve: TorchServeInstance
    proxy_url: str

    def predict_url(self, route: str) -> str:
        if route == "proxy":
            return self.proxy_url + "/api/predict"
        return f"{self.torchserve.inference_url}/predictions/{self.torchserve.model_name}"

    def headers(self, route: str) -> dict[str, str]:
        """TorchServe wants its inference key (token auth is on); the proxy adds it itself."""
        return {} if route == "proxy" else self.torchserve.inference_headers()

    def worker_pids(self) -> list[int]:
        return worker_pids(self.torchserve)


@contextmanager
def served_stack(checkpoint: Path, workdir: Path, environment: dict[str, str]) -> Iterator[ServedStack]:
    """TorchServe + proxy on free ports; both stopped on exit. `environment`: DEEPFAKE_* settings."""
    mar = build_archive(checkpoint, workdir / "model_store_build")
    inference, management, metrics, grpc_inference, grpc_management, worker, proxy_port = free_ports(7)
    ports = Ports(inference, management, metrics, grpc_inference, grpc_management)
    config = (REPO_ROOT / "config.properties").read_text()
    instance = prepare_workdir(
        workdir / "torchserve", config, ports, mar, overrides={"initial_worker_port": str(worker)}
    )
    instance.env.update(environment)
    start(instance)
    proxy = None
    try:
        wait_until_ready(instance, 300)
        proxy = start_proxy(instance, proxy_port, workdir / "proxy.log")
        yield ServedStack(instance, f"http://127.0.0.1:{proxy_port}")
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait(timeout=30)
        stop(instance)


def start_proxy(instance: TorchServeInstance, port: int, log_path: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "proxy",
        "--port",
        str(port),
        "--inference-url",
        instance.inference_url,
        "--management-url",
        instance.management_url,
        "--key-file",
        str(instance.key_file),
        "--log-level",
        "warning",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the proxy did not become ready; see {log_path}")


def post_video(client: httpx.Client, url: str, data: bytes, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    response = client.post(url, content=data, headers={"Content-Type": "video/mp4", **headers})
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.text[:300]}")
    return time.perf_counter() - started


def load_run(stack: ServedStack, route: str, data: bytes, concurrency: int, requests: int) -> dict:
    """`requests` posts of one video by `concurrency` clients: latency percentiles and videos/s."""
    url, headers = stack.predict_url(route), stack.headers(route)
    limits = httpx.Limits(max_connections=concurrency)
    with httpx.Client(timeout=CLIENT_TIMEOUT_S, limits=limits) as client, ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):  # warm connections and both workers' caches
            post_video(client, url, data, headers)
        started = time.perf_counter()
        latencies = list(pool.map(lambda _: post_video(client, url, data, headers), range(requests)))
        wall_s = time.perf_counter() - started
    return {
        "route": route,
        "concurrency": concurrency,
        "requests": requests,
        "p50_s": statistics.median(latencies),
        "p95_s": percentile(latencies, 0.95),
        "videos_per_s": requests / wall_s,
    }


def worker_peak_rss(stack: ServedStack, data: bytes, repeats: int = 3) -> dict:
    """Peak RSS of the busiest worker while it answers one request for this video: the run of median
    growth among `repeats` (one request's growth depends on what the allocator kept from the last)."""
    runs = sorted(
        (one_peak_rss(stack, data) for _ in range(repeats)), key=lambda run: run["peak_rss_mb"] - run["resting_rss_mb"]
    )
    return {**runs[len(runs) // 2], "upload_mb": len(data) / 2**20, "runs": len(runs)}


def one_peak_rss(stack: ServedStack, data: bytes) -> dict:
    pids = stack.worker_pids()
    resting = {pid: rss_mb(pid) for pid in pids}
    reset_peak_rss(pids)
    with httpx.Client(timeout=CLIENT_TIMEOUT_S) as client:
        seconds = post_video(client, stack.predict_url("torchserve"), data, stack.headers("torchserve"))
    peaks = {pid: peak_rss_mb(pid) for pid in pids}
    busiest = max(peaks, key=lambda pid: peaks[pid] - resting[pid])
    return {"peak_rss_mb": peaks[busiest], "resting_rss_mb": resting[busiest], "latency_s": seconds}
