"""The real proxy with TorchServe down (its ports closed): every route answers JSON at once, never hangs."""

import httpx
import pytest

pytestmark = pytest.mark.slow

CLIENT_TIMEOUT_S = 15.0  # far above the proxy's 3 s connect limit: a hang shows up as a client timeout


@pytest.fixture(scope="module")
def proxy_without_torchserve(proxy_launcher):
    return proxy_launcher.start_unreachable()


def test_health_is_503_naming_torchserve_as_down(proxy_without_torchserve):
    answer = httpx.get(proxy_without_torchserve.url + "/api/health", timeout=CLIENT_TIMEOUT_S)
    assert answer.status_code == 503
    body = answer.json()
    assert (body["status"], body["down"], body["code"]) == ("unavailable", "torchserve", "torchserve_unavailable")
    assert body["checks"]["inference_api"] == body["checks"]["management_api"] == "down"


def test_model_is_503_json(proxy_without_torchserve):
    answer = httpx.get(proxy_without_torchserve.url + "/api/model", timeout=CLIENT_TIMEOUT_S)
    assert answer.status_code == 503
    assert answer.json()["code"] == "torchserve_unavailable"


@pytest.mark.parametrize("route", ["/api/predict", "/api/explain"])
def test_inference_with_a_real_video_is_503_json_without_a_stack_trace(
    proxy_without_torchserve, shared_videos_dir, route
):
    video = (shared_videos_dir / "sample-mp4.mp4").read_bytes()
    answer = httpx.post(
        proxy_without_torchserve.url + route,
        files={"file": ("sample-mp4.mp4", video, "video/mp4")},
        timeout=CLIENT_TIMEOUT_S,
    )
    assert answer.status_code == 503
    body = answer.json()
    assert body["code"] == "torchserve_unavailable"
    assert "not reachable" in body["error"]
    assert "Traceback" not in proxy_without_torchserve.log()


def test_upload_page_and_openapi_are_served_without_torchserve(proxy_without_torchserve):
    page = httpx.get(proxy_without_torchserve.url + "/", timeout=CLIENT_TIMEOUT_S)
    assert page.status_code == 200
    assert 'id="file-input"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    schema = httpx.get(proxy_without_torchserve.url + "/openapi.json", timeout=CLIENT_TIMEOUT_S).json()
    assert {"/api/health", "/api/model", "/api/predict", "/api/explain"} <= set(schema["paths"])
    assert "multipart/form-data" in schema["paths"]["/api/predict"]["post"]["requestBody"]["content"]
