"""Worker death mid-run, on a private TorchServe: every worker is killed while a batch is in a
worker. In-flight requests get an answer (an error for the killed batch, never a hang), the
proxy says 503 with a reason while no worker is READY, TorchServe restarts the workers, and
requests after recovery get the same answer as before.

(tests/integration/test_serving_cli.py already covers killing one of two workers: the other
keeps serving. This one kills them all, so there is a window with none.)
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import psutil
import pytest

from tests.fixtures.media import SHARED_VIDEOS_DIR
from tests.fixtures.polling import poll

pytestmark = pytest.mark.slow

VIDEO = SHARED_VIDEOS_DIR / "sample-mkv.mkv"  # 1280x720: a batch of these keeps a worker busy
IN_FLIGHT = 8
CLIENT_TIMEOUT_S = 150.0  # above the model's responseTimeout (120 s): a hang shows as a timeout
RECOVERY_TIMEOUT_S = 120.0


def inference_started(log_path, offset: int) -> bool:
    """TorchServe's worker logs this line when a batch reaches the handler."""
    with open(log_path, "rb") as log:
        log.seek(offset)
        return b"Backend received inference" in log.read()


def health_without_worker(proxy_url: str) -> dict | None:
    answer = httpx.get(proxy_url + "/api/health", timeout=10)
    if answer.status_code == 503 and answer.json().get("down") == "worker":
        return answer.json()
    return None


def replaced_and_ready(served, killed: set[int]) -> bool:
    workers = httpx.get(
        f"{served.management_url}/models/{served.model_name}", headers=served.management_headers(), timeout=10
    ).json()[0]["workers"]
    return bool(workers) and all(w["status"] == "READY" and w["pid"] not in killed for w in workers)


def kill_every_worker(served) -> set[int]:
    victims = [psutil.Process(pid) for pid in served.worker_pids()]
    for victim in victims:
        victim.kill()
    psutil.wait_procs(victims, timeout=10)
    return {victim.pid for victim in victims}


def test_killing_every_worker_mid_batch_errors_in_flight_requests_then_recovers(torchserve_factory, proxy_launcher):
    served = torchserve_factory()
    proxy = proxy_launcher.start(served.inference_url, served.management_url, "--key-file", str(served.key_file))
    url = proxy.url + "/api/predict"
    video = VIDEO.read_bytes()
    with httpx.Client(timeout=CLIENT_TIMEOUT_S) as client:
        before = client.post(url, content=video, headers={"Content-Type": "video/x-matroska"})
        assert before.status_code == 200, before.text
        log_path = served.workdir / "logs" / "model_log.log"
        offset = log_path.stat().st_size
        with ThreadPoolExecutor(max_workers=IN_FLIGHT) as pool:
            in_flight = [
                pool.submit(client.post, url, content=video, headers={"Content-Type": "video/x-matroska"})
                for _ in range(IN_FLIGHT)
            ]
            poll(lambda: inference_started(log_path, offset), 60, "no batch reached a worker")
            killed = kill_every_worker(served)
            outage = poll(
                lambda: health_without_worker(proxy.url), 30, "the proxy never reported that no worker was READY"
            )
            model_during_outage = client.get(proxy.url + "/api/model")
            answers = [future.result() for future in in_flight]  # raises on a client timeout (a hang)
    assert outage["code"] == "no_ready_worker" and "no READY worker" in outage["error"], outage
    assert model_during_outage.status_code == 503, model_during_outage.text
    assert model_during_outage.json()["code"] == "no_ready_worker"
    statuses = [answer.status_code for answer in answers]
    assert all(status == 200 or status >= 500 for status in statuses), statuses
    assert any(status >= 500 for status in statuses), f"no in-flight request saw the worker die: {statuses}"
    for answer in answers:
        if answer.status_code != 200:
            assert answer.json()["error"], answer.text  # JSON with a reason, passed on by the proxy
    poll(lambda: replaced_and_ready(served, killed), RECOVERY_TIMEOUT_S, "TorchServe did not restart the workers", 0.2)
    after = httpx.post(url, content=video, headers={"Content-Type": "video/x-matroska"}, timeout=CLIENT_TIMEOUT_S)
    assert after.status_code == 200, after.text
    assert after.json()["probability"] == pytest.approx(before.json()["probability"], abs=1e-4)
    assert httpx.get(proxy.url + "/api/health", timeout=10).status_code == 200
