"""The user's own commands: the bare `torchserve --start --ncs --models deepfake.mar` from a
folder laid out like the repo root (config.properties + model_store/, TS_CONFIG_FILE exported as
.venv/bin/activate does), then `torchserve --stop` leaves no process behind."""

from __future__ import annotations

import httpx
import psutil

from stack.torchserve_process import server_processes
from tests.fixtures.media import SHARED_VIDEOS_DIR
from tests.fixtures.polling import poll
from tests.fixtures.torchserve import predict


def test_torchserve_factory_starts_and_stops_a_private_server_cleanly(torchserve_factory):
    served = torchserve_factory()  # the bare command, run by the fixture
    processes = server_processes(served.instance)
    assert len(processes) >= 2, "expected the Java frontend and a Python worker"
    described = httpx.get(
        f"{served.management_url}/models/deepfake", headers=served.management_headers(), timeout=10
    ).json()[0]["workers"]
    assert sorted(served.worker_pids()) == sorted(worker["pid"] for worker in described)  # the model workers only
    killed = served.stop()  # `torchserve --stop`
    assert killed == [], f"processes outlived torchserve --stop: {killed}"
    assert not any(process.is_running() and process.status() != psutil.STATUS_ZOMBIE for process in processes)


def test_a_killed_worker_is_replaced_and_serves_again(torchserve):
    killed = torchserve.kill_worker()

    def replaced_and_ready() -> bool:
        workers = httpx.get(
            f"{torchserve.management_url}/models/deepfake", headers=torchserve.management_headers(), timeout=10
        ).json()[0]["workers"]
        return bool(workers) and all(worker["status"] == "READY" and worker["pid"] != killed for worker in workers)

    poll(replaced_and_ready, 90, f"no new READY worker after killing {killed}", 0.2)
    response = predict(torchserve, (SHARED_VIDEOS_DIR / "carphone_pristine.mp4").read_bytes())
    assert response.status_code == 200, response.text
