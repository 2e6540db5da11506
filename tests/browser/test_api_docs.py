"""/docs in real headless Chromium: Swagger UI renders every /api operation from assets the proxy
serves itself, and the page asks for nothing outside loopback (every such request is recorded
and refused, as on a machine without internet)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
OPERATIONS = [("get", "/api/health"), ("get", "/api/model"), ("post", "/api/predict"), ("post", "/api/explain")]


@pytest.fixture(scope="module")
def docs_proxy(proxy_launcher):
    """A proxy alone (the docs need no TorchServe): its TorchServe ports are closed."""
    return proxy_launcher.start_unreachable()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


def test_docs_render_every_operation_with_no_request_leaving_loopback(browser, docs_proxy):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    requested, refused, problems = [], [], []

    def route(request_route):
        url = request_route.request.url
        requested.append(url)
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname not in LOOPBACK_HOSTS:
            refused.append(url)
            request_route.abort()
        else:
            request_route.continue_()

    page.route("**/*", route)
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(docs_proxy.url + "/docs")
    for method, path in OPERATIONS:
        operation = page.locator(f".opblock-{method}", has=page.locator(f'[data-path="{path}"]'))
        expect(operation).to_have_count(1, timeout=20_000)
    expect(page.locator(".info .title")).to_contain_text("Deepfake detector API")

    page.locator('.opblock-post [data-path="/api/predict"]').click()
    expect(page.locator(".opblock-post.is-open")).to_contain_text("multipart/form-data")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api_docs.png"))
    assert refused == [], f"requests left loopback: {refused}"
    assert any(url.endswith("/docs/assets/swagger-ui-bundle.js") for url in requested), requested
    assert any(url.endswith("/openapi.json") for url in requested), requested
    assert problems == [], problems  # Content-Security-Policy violations show up here
    page.close()


def test_docs_page_and_assets_come_from_the_proxy_with_a_self_only_policy(docs_proxy):
    answer = httpx.get(docs_proxy.url + "/docs", timeout=10)
    assert answer.status_code == 200
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    assert "http" not in policy.replace("'self'", "")
    assert "cdn" not in answer.text and "https://" not in answer.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        served = httpx.get(f"{docs_proxy.url}/docs/assets/{asset}", timeout=10)
        assert served.status_code == 200 and len(served.content) > 100_000, asset
    assert httpx.get(docs_proxy.url + "/redoc", timeout=10).status_code == 404
