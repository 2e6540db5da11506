"""Readiness verdicts from TorchServe's ping and model description (pure logic over recorded answers)."""

import httpx
import pytest

from proxy.errors import ApiError
from proxy.readiness import health_checks, verdict
from proxy.torchserve import refused_key

PING_OK = httpx.Response(200, json={"status": "Healthy"})
UNREACHABLE = ApiError(503, "torchserve_unavailable", "not reachable")
TOKEN_REFUSED = ApiError(502, "torchserve_unauthorized", "refused the key")


def described(*statuses):
    return httpx.Response(
        200,
        json=[
            {"modelName": "deepfake", "workers": [{"id": str(9000 + i), "status": s} for i, s in enumerate(statuses)]}
        ],
    )


def test_ready_when_ping_answers_and_one_worker_is_ready():
    result = verdict("deepfake", health_checks(PING_OK, described("READY", "UNLOADING")))
    assert result.status == "ready"
    assert (result.checks.workers_ready, result.checks.workers_total) == (1, 2)


@pytest.mark.parametrize(
    "ping, management, down, code",
    [
        (UNREACHABLE, UNREACHABLE, "torchserve", "torchserve_unavailable"),
        (UNREACHABLE, described("READY"), "inference_api", "torchserve_unavailable"),
        (PING_OK, UNREACHABLE, "management_api", "torchserve_unavailable"),
        (TOKEN_REFUSED, described("READY"), "inference_api", "torchserve_unauthorized"),
        (PING_OK, TOKEN_REFUSED, "management_api", "torchserve_unauthorized"),
        (httpx.Response(500, json={"status": "Unhealthy"}), described("READY"), "inference_api", "torchserve_error"),
        (
            PING_OK,
            httpx.Response(404, json={"code": 404, "message": "Model not found: deepfake"}),
            "model",
            "model_not_registered",
        ),
        (PING_OK, described(), "worker", "no_ready_worker"),
        (PING_OK, described("UNLOADING", "STARTING"), "worker", "no_ready_worker"),
    ],
)
def test_each_unready_part_is_named(ping, management, down, code):
    result = verdict("deepfake", health_checks(ping, management))
    assert result.status == "unavailable"
    assert (result.down, result.code) == (down, code)
    assert result.error


def test_torchserve_key_refusal_is_recognised_by_its_type_not_its_status():
    refusal = {"code": 400, "type": "InvalidKeyException", "message": "Token Authorization failed."}
    assert refused_key(httpx.Response(400, json=refusal))
    assert not refused_key(httpx.Response(400, json={"error": "not a video", "code": "undecodable"}))
    assert not refused_key(httpx.Response(400, content=b"plain text"))
