"""`python -m stack.serve` (what `make serve` runs): TorchServe + the proxy, in the foreground.

From the repository root: rebuilds model_store/deepfake.mar if the checkpoint is newer, runs the
user's own command `torchserve --start --ncs --models deepfake.mar` with TS_CONFIG_FILE naming
./config.properties, waits until a worker is READY, starts the proxy (`python -m proxy`) when
proxy/ exists, prints the URLs and waits. Ctrl-C (or SIGTERM) stops the proxy and TorchServe
(`torchserve --stop`, then any leftover process of this server, by pid) and returns.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from model.checkpoint import CheckpointError
from model.defaults import DEFAULT_CHECKPOINT
from stack.archive import PACKAGES, REPO_ROOT, ArchiveError, build_archive
from stack.pod_config import properties
from stack.torchserve_process import (
    TorchServeInstance,
    configured_version,
    frontend_pid,
    ports_from_config,
    start,
    stop,
    wait_until_ready,
)

PROXY_PORT = 8000


class ServeError(RuntimeError):
    pass


def ensure_archive(checkpoint: Path, mar_path: Path) -> None:
    """(Re)build the .mar when the checkpoint or any packed code is newer (as `make archive`)."""
    if not checkpoint.is_file():
        raise ServeError(f"no checkpoint at {checkpoint}: run `make model` (or train one) first")
    sources = [checkpoint, *(path for package in PACKAGES for path in (REPO_ROOT / package).rglob("*.py"))]
    if mar_path.is_file() and mar_path.stat().st_mtime >= max(path.stat().st_mtime for path in sources):
        return
    print(f"archiving {checkpoint} -> {mar_path}", flush=True)
    build_archive(checkpoint, mar_path.parent)


def refuse_busy_ports(ports: list[int]) -> None:
    busy = []
    for port in ports:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                busy.append(port)
    if busy:
        raise ServeError(
            f"ports {busy} are already in use: stop what listens there (another `make serve`? `torchserve --stop`?)"
        )


def start_proxy(instance: TorchServeInstance) -> subprocess.Popen | None:
    if not (REPO_ROOT / "proxy" / "__main__.py").is_file():
        return None
    command = [
        sys.executable,
        "-m",
        "proxy",
        "--port",
        str(PROXY_PORT),
        "--inference-url",
        instance.inference_url,
        "--management-url",
        instance.management_url,
    ]
    return subprocess.Popen(command, cwd=REPO_ROOT, start_new_session=True)  # Ctrl-C is ours to relay


def wait_for_proxy(proxy: subprocess.Popen, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proxy.poll() is not None:
            raise ServeError(f"the proxy exited with code {proxy.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PROXY_PORT}/api/health", timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers (health may say "not ready" with a 503): it is up
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise ServeError(f"the proxy did not answer on :{PROXY_PORT} within {timeout_s:.0f} s")


def stop_proxy(proxy: subprocess.Popen | None) -> None:
    if proxy is None or proxy.poll() is not None:
        return
    proxy.terminate()
    try:
        proxy.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proxy.kill()
        proxy.wait(timeout=10)


def wait_for_signal(instance: TorchServeInstance, proxy: subprocess.Popen | None) -> str:
    """Block until Ctrl-C/SIGTERM, or until TorchServe or the proxy dies. Returns why."""
    stopping = threading.Event()
    reason = {"why": ""}

    def on_signal(signum, _frame):
        reason["why"] = signal.Signals(signum).name
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    while not stopping.wait(1.0):
        if frontend_pid(instance) is None:
            return "TorchServe exited (see logs/ts_log.log)"
        if proxy is not None and proxy.poll() is not None:
            return f"the proxy exited with code {proxy.returncode}"
    return reason["why"]


def serve(checkpoint: Path, with_proxy: bool) -> int:
    os.chdir(REPO_ROOT)
    config_path = REPO_ROOT / "config.properties"
    config_text = config_path.read_text()
    ports = ports_from_config(config_text)
    refuse_busy_ports([ports.inference, ports.management, ports.metrics] + ([PROXY_PORT] if with_proxy else []))
    ensure_archive(checkpoint, REPO_ROOT / "model_store" / "deepfake.mar")
    instance = TorchServeInstance(REPO_ROOT, {**os.environ, "TS_CONFIG_FILE": str(config_path)}, ports)
    print("starting TorchServe (logs in logs/) ...", flush=True)
    start(instance)
    proxy = None
    try:
        described = wait_until_ready(instance)
        warn_if_unconfigured(config_text, described["modelVersion"])
        proxy = start_proxy(instance) if with_proxy else None
        if proxy is not None:
            wait_for_proxy(proxy)
        warn_if_token_auth_off(config_text)
        print_urls(instance, proxy is not None)
        why = wait_for_signal(instance, proxy)
        print(f"\nstopping ({why}) ...", flush=True)
    finally:
        stop_proxy(proxy)
        leftovers = stop(instance)
        print("stopped" + (f"; killed leftover processes {leftovers}" if leftovers else ""), flush=True)
    return 0


def warn_if_token_auth_off(config_text: str) -> None:
    if properties(config_text).get("disable_token_authorization", "false").strip().lower() == "true":
        print(
            "WARNING: config.properties turns TorchServe's token authorization off: every local process and every "
            "web page you visit can predict and scale or stop the workers on :8080/:8081",
            flush=True,
        )


def warn_if_unconfigured(config_text: str, version: str) -> None:
    if version not in configured_version(config_text, "deepfake"):
        print(
            f"warning: config.properties `models=` has no entry for deepfake version {version}: "
            "its batch size, delay and workers do not apply (TorchServe defaults do)",
            flush=True,
        )


def print_urls(instance: TorchServeInstance, with_proxy: bool) -> None:
    lines = [
        "",
        "deepfake detector is being served (Ctrl-C stops everything):",
        f"  inference   {instance.inference_url}/predictions/deepfake   (and /explanations/deepfake)",
        f"  management  {instance.management_url}/models/deepfake",
        f"  metrics     {instance.metrics_url}/metrics",
    ]
    if instance.key_file.exists():
        lines.append(
            f'  :8080/:8081 need their key (token auth): curl -H "Authorization: Bearer $(jq -r .inference.key '
            f'{instance.key_file.name})" ...   (.management.key for :8081)'
        )
    if with_proxy:
        lines.append(
            f"  proxy       http://127.0.0.1:{PROXY_PORT}/api/health   (/api/model, /api/predict, /api/explain)"
        )
    print("\n".join(lines) + "\n", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stack.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", type=Path, default=REPO_ROOT / DEFAULT_CHECKPOINT)
    parser.add_argument("--no-proxy", action="store_true", help="serve TorchServe only")
    args = parser.parse_args(argv)
    try:
        return serve(args.checkpoint, with_proxy=not args.no_proxy)
    except (ServeError, CheckpointError, ArchiveError, TimeoutError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C before the servers were up: `serve` already stopped them
        return 130


if __name__ == "__main__":
    sys.exit(main())
