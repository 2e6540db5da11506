"""Issue 11's finding 9: a worker killed under load cost its in-flight requests a bare 507. Now the
proxy answers them 503 worker_died with Retry-After, and the client (python -m client's
post_video, which the scan uses too) sends each once more: every request gets its answer.

A private TorchServe and proxy (the kill must not disturb the session's), 16 requests in flight,
one worker SIGKILLed once a batch is in its hands.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from client.verdicts import post_video
from tests.fixtures.media import SHARED_VIDEOS_DIR
from tests.fixtures.polling import poll

pytestmark = pytest.mark.slow

VIDEO = SHARED_VIDEOS_DIR / "sample-mkv.mkv"  # 1280x720: a batch of these keeps a worker busy
IN_FLIGHT = 16
CLIENT_TIMEOUT_S = 150.0  # above the model's responseTimeout (120 s): a hang shows as a timeout


def inference_started(log_path, offset: int) -> bool:
    with open(log_path, "rb") as log:
        log.seek(offset)
        return b"Backend received inference" in log.read()


def every_worker_ready(served, killed: int) -> bool:
    answer = httpx.get(
        f"{served.management_url}/models/{served.model_name}", headers=served.management_headers(), timeout=10
    )
    workers = answer.json()[0]["workers"]
    return bool(workers) and all(w["status"] == "READY" and w["pid"] != killed for w in workers)


def test_a_worker_killed_under_load_costs_no_client_its_answer(torchserve_factory, proxy_launcher):
    served = torchserve_factory()
    proxy = proxy_launcher.start(served.inference_url, served.management_url, "--key-file", str(served.key_file))
    seen: list[httpx.Response] = []  # every answer the proxy gave, retries included

    def record(response: httpx.Response) -> None:
        response.read()
        seen.append(response)

    log_path = served.workdir / "logs" / "model_log.log"
    offset = log_path.stat().st_size
    limits = httpx.Limits(max_connections=IN_FLIGHT)
    client = httpx.Client(timeout=CLIENT_TIMEOUT_S, limits=limits, event_hooks={"response": [record]})
    with client, ThreadPoolExecutor(max_workers=IN_FLIGHT) as pool:
        results = [pool.submit(post_video, client, proxy.url + "/api/predict", VIDEO) for _ in range(IN_FLIGHT)]
        poll(lambda: inference_started(log_path, offset), 60, "no batch reached a worker")
        killed = served.kill_worker()
        answers = [result.result() for result in results]  # raises on a client timeout (a hang)

    raw = [
        (response.status_code, response.json().get("code"), response.headers.get("retry-after")) for response in seen
    ]
    assert 507 not in [status for status, _, _ in raw], raw
    lost = [answer for answer in raw if answer[0] != 200]
    assert lost, f"the kill hit no request in flight: {raw}"
    assert all(answer[:2] == (503, "worker_died") and answer[2] for answer in lost), lost
    statuses = [(answer["status"], answer.get("code")) for answer in answers]
    assert all(status == (200, None) or status == (503, "worker_died") for status in statuses), statuses
    assert statuses.count((200, None)) >= IN_FLIGHT - 1, f"the retry did not recover the lost requests: {statuses}"
    poll(lambda: every_worker_ready(served, killed), 120, "TorchServe did not replace the killed worker", 0.2)
