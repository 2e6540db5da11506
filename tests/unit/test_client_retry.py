"""When the client sends a request once more: only when its worker died under it (pure logic over answers)."""

import httpx
import pytest

from client.keys import inference_headers
from client.verdicts import retry_after_s, worker_died


def answer(status: int, body: dict | None = None, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body or {}, headers=headers)


def test_torchserves_507_and_the_proxys_worker_died_are_retried():
    assert worker_died(answer(507, {"code": 507, "type": "InternalServerException", "message": "Worker died."}))
    assert worker_died(answer(503, {"error": "the worker stopped", "code": "worker_died"}))


@pytest.mark.parametrize(
    "refused",
    [
        answer(503, {"error": "busy", "code": "busy"}),
        answer(503, {"error": "down", "code": "torchserve_unavailable"}),
        answer(400, {"error": "bad", "code": "undecodable"}),
        answer(500, {"error": "oops", "code": "internal_error"}),
        answer(200, {"label": "real"}),
    ],
)
def test_other_answers_are_not(refused):
    assert not worker_died(refused)


def test_the_wait_follows_retry_after_within_bounds():
    assert retry_after_s(answer(503, **{"Retry-After": "2"})) == 2.0
    assert retry_after_s(answer(503)) == 1.0
    assert retry_after_s(answer(503, **{"Retry-After": "3600"})) == 10.0
    assert retry_after_s(answer(503, **{"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 1.0


def test_the_key_comes_from_the_environment_first_then_the_key_file(tmp_path):
    key_file = tmp_path / "key_file.json"
    key_file.write_text('{"inference": {"key": "from-file"}, "management": {"key": "m"}, "API": {"key": "a"}}')
    assert inference_headers(key_file, {}) == {"Authorization": "Bearer from-file"}
    assert inference_headers(key_file, {"TORCHSERVE_INFERENCE_KEY": "env"}) == {"Authorization": "Bearer env"}
    assert inference_headers(tmp_path / "absent.json", {}) == {}
    key_file.write_text("{broken")
    with pytest.raises(ValueError, match="key file"):
        inference_headers(key_file, {})
