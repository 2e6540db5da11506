"""Start, wait for and stop a TorchServe instance the way a user runs it.

`torchserve --start --ncs --models deepfake.mar` from a folder holding config.properties and
model_store/, with TS_CONFIG_FILE naming that file; `torchserve --stop` to stop. TorchServe
keeps its pid file and worker sockets under TMPDIR/TEMP, so an instance with its own TMPDIR
(and its own ports in its config) never touches another one running beside it.

Token auth is on (config.properties): TorchServe writes key_file.json in the folder it starts
in. It runs under umask 077, so that file (and its logs) is its owner's alone from the moment it
is created (TorchServe itself narrows the key file to 0600 only after writing it).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil

from client.keys import KEY_FILE_NAME, TorchServeKeys, bearer, read_key_file
from stack.pod_config import merge_settings, properties

PRIVATE_UMASK = 0o077  # files TorchServe creates (key_file.json, logs) are its owner's only
ADDRESS_KEYS = {"inference_address": "inference", "management_address": "management", "metrics_address": "metrics"}
GRPC_PORT_KEYS = {"grpc_inference_port": "grpc_inference", "grpc_management_port": "grpc_management"}
MODEL_WORKER_SCRIPT = "ts/model_service_worker.py"  # what TorchServe's frontend runs per worker


@dataclass(frozen=True)
class Ports:
    inference: int = 8080
    management: int = 8081
    metrics: int = 8082
    grpc_inference: int = 7070  # TorchServe always starts its gRPC servers too
    grpc_management: int = 7071


@dataclass
class TorchServeInstance:
    workdir: Path  # cwd of torchserve: config.properties, model_store/, logs/
    env: dict
    ports: Ports
    model_name: str = "deepfake"

    @property
    def inference_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.inference}"

    @property
    def management_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.management}"

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.metrics}"

    @property
    def config_path(self) -> Path:
        return self.workdir / "config.properties"

    @property
    def key_file(self) -> Path:
        return self.workdir / KEY_FILE_NAME

    def keys(self) -> TorchServeKeys:
        """The keys TorchServe wrote (read afresh: it rewrites the file when a key is regenerated)."""
        try:
            return read_key_file(self.key_file)
        except ValueError:  # caught mid-write
            return TorchServeKeys()

    def inference_headers(self) -> dict[str, str]:
        return bearer(self.keys().inference)

    def management_headers(self) -> dict[str, str]:
        return bearer(self.keys().management)

    @property
    def pid_file(self) -> Path:
        """Where the launcher writes the frontend's pid: tempfile.gettempdir() of its environment."""
        return Path(self.env.get("TMPDIR") or self.env.get("TEMP") or "/tmp") / ".model_server.pid"


def free_ports(count: int) -> list[int]:
    """Ports the OS says are free now (kept open together so they differ): an instance of its own."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def ports_from_config(config_text: str) -> Ports:
    settings = properties(config_text)
    defaults = Ports()
    values = {name: int(settings[key].rsplit(":", 1)[1]) for key, name in ADDRESS_KEYS.items() if key in settings}
    values.update({name: int(settings[key]) for key, name in GRPC_PORT_KEYS.items() if key in settings})
    return Ports(**{**defaults.__dict__, **values})


def derive_config(repo_config: str, ports: Ports, overrides: dict[str, str] | None = None) -> str:
    """The repo's config.properties with other ports (and any overrides); the rest unchanged."""
    settings = {key: f"http://127.0.0.1:{getattr(ports, name)}" for key, name in ADDRESS_KEYS.items()}
    settings.update({key: str(getattr(ports, name)) for key, name in GRPC_PORT_KEYS.items()})
    settings.update(overrides or {})
    return merge_settings(repo_config, settings, "# --- set for this instance (stack.torchserve_process)")


def torchserve_executable() -> str:
    local = Path(sys.executable).with_name("torchserve")
    return str(local) if local.exists() else "torchserve"


def start(instance: TorchServeInstance, mar_name: str = "deepfake.mar") -> None:
    """The bare user command. The launcher returns once the Java frontend is spawned; the
    frontend keeps the launcher's stdout, so that goes to a file (a pipe would never close)."""
    command = [torchserve_executable(), "--start", "--ncs", "--models", mar_name]
    (instance.workdir / "logs").mkdir(exist_ok=True)
    with open(instance.workdir / "logs" / "torchserve.out", "ab") as output:
        launcher = subprocess.run(
            command,
            cwd=instance.workdir,
            env=instance.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=60,
            umask=PRIVATE_UMASK,
            check=False,
        )
    if launcher.returncode != 0:
        raise RuntimeError(
            f"torchserve --start failed ({launcher.returncode}); see {instance.workdir / 'logs' / 'torchserve.out'}"
        )


def model_status(instance: TorchServeInstance) -> list[dict] | None:
    """The management API's description of the model, or None while it cannot answer."""
    url = f"{instance.management_url}/models/{instance.model_name}"
    request = urllib.request.Request(url, headers=instance.management_headers())
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
        return None  # not up yet, or its key file not written yet (a 400 is an HTTPError, a URLError)


def wait_until_ready(instance: TorchServeInstance, timeout_s: float = 120.0) -> dict:
    """Poll the management API until every worker is READY. /ping says Healthy too early."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        described = model_status(instance)
        workers = described[0].get("workers", []) if described else []
        if workers and all(worker.get("status") == "READY" for worker in workers):
            return described[0]
        if not frontend_pid(instance):
            raise RuntimeError(f"TorchServe exited while starting; see {instance.workdir / 'logs'}")
        time.sleep(0.2)
    raise TimeoutError(
        f"no READY worker for {instance.model_name} after {timeout_s:.0f} s; see {instance.workdir / 'logs'}"
    )


def frontend_pid(instance: TorchServeInstance) -> int | None:
    try:
        pid = int(instance.pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pid if psutil.pid_exists(pid) else None


def server_processes(instance: TorchServeInstance) -> list[psutil.Process]:
    """The Java frontend and every process it started (the Python workers, and now and then
    TorchServe's system-metrics collector)."""
    pid = frontend_pid(instance)
    if pid is None:
        return []
    try:
        frontend = psutil.Process(pid)
        return [frontend, *frontend.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _is_model_worker(process: psutil.Process) -> bool:
    try:
        return any(part.endswith(MODEL_WORKER_SCRIPT) for part in process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False


def worker_pids(instance: TorchServeInstance) -> list[int]:
    """The pids of the Python model workers only. The frontend also runs
    ts/metrics/metric_collector.py every minute for a second or so; counting it made a worker
    seem to die when it ended."""
    return [process.pid for process in server_processes(instance)[1:] if _is_model_worker(process)]


def stop(instance: TorchServeInstance, timeout_s: float = 30.0) -> list[int]:
    """`torchserve --stop`, then wait for the frontend and its workers to exit; kill leftovers
    (by pid, only this instance's). Returns the pids that had to be killed."""
    processes = server_processes(instance)
    subprocess.run(
        [torchserve_executable(), "--stop"],
        cwd=instance.workdir,
        env=instance.env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    _, alive = psutil.wait_procs(processes, timeout=timeout_s)
    for process in alive:
        process.kill()
    psutil.wait_procs(alive, timeout=10)
    return [process.pid for process in alive]


def prepare_workdir(
    workdir: Path, repo_config: str, ports: Ports, mar_path: Path, overrides: dict[str, str] | None = None
) -> TorchServeInstance:
    """A folder laid out like the repo root (config.properties, model_store/) with its own TMPDIR."""
    tmp = workdir / "tmp"
    for folder in (workdir, tmp, workdir / "model_store"):
        folder.mkdir(parents=True, exist_ok=True)
    if mar_path.resolve() != (workdir / "model_store" / mar_path.name).resolve():
        shutil.copy2(mar_path, workdir / "model_store" / mar_path.name)
    config_path = workdir / "config.properties"
    config_path.write_text(derive_config(repo_config, ports, overrides))
    env = {**os.environ, "TMPDIR": str(tmp), "TEMP": str(tmp), "TS_CONFIG_FILE": str(config_path)}
    return TorchServeInstance(workdir, env, ports)


def configured_version(config_text: str, model_name: str) -> list[str]:
    """Versions the `models=` setting configures for this model (empty if none)."""
    raw = properties(config_text).get("models")
    if not raw:
        return []
    try:
        return sorted(json.loads(raw).get(model_name, {}))
    except json.JSONDecodeError:
        return []
