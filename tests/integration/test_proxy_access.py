"""Who may call the real proxy: CORS for chrome-extension:// origins and the Host-header guard."""

import httpx
import pytest

pytestmark = pytest.mark.slow

EXTENSION = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
OTHER_EXTENSION = "chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba"


def preflight(url, origin):
    return httpx.options(
        url + "/api/predict",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=30,
    )


def test_preflight_from_an_extension_is_allowed_without_credentials(proxy):
    answer = preflight(proxy.url, EXTENSION)
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == EXTENSION
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert "content-type" in answer.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in answer.headers


def test_preflight_from_a_web_page_is_refused(proxy):
    answer = preflight(proxy.url, "https://evil.example")
    assert answer.status_code == 400
    assert answer.json()["code"] == "cors_refused"
    assert "access-control-allow-origin" not in answer.headers


def test_real_request_from_an_extension_gets_the_cors_header(proxy):
    allowed = httpx.get(proxy.url + "/api/health", headers={"Origin": EXTENSION}, timeout=30)
    assert allowed.headers["access-control-allow-origin"] == EXTENSION
    refused = httpx.get(proxy.url + "/api/health", headers={"Origin": "https://evil.example"}, timeout=30)
    assert "access-control-allow-origin" not in refused.headers


def test_allow_list_of_one_extension_refuses_others(proxy):
    pinned = proxy.start("--cors-origins", EXTENSION)
    assert preflight(pinned.url, EXTENSION).headers["access-control-allow-origin"] == EXTENSION
    assert "access-control-allow-origin" not in preflight(pinned.url, OTHER_EXTENSION).headers
    pinned.stop()


def test_foreign_host_header_is_refused_as_dns_rebinding_guard(proxy):
    answer = httpx.get(proxy.url + "/api/health", headers={"Host": "rebound.evil.example"}, timeout=30)
    assert answer.status_code == 400
    assert answer.json()["code"] == "host_not_allowed"
    assert httpx.get(proxy.url + "/api/health", headers={"Host": "localhost:8000"}, timeout=30).status_code == 200
