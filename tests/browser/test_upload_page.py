"""The upload page in real headless Chromium: a video goes through the page, the verdict and heatmaps appear."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.fixtures.browser import ANALYSIS_TIMEOUT_MS

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture(scope="module")
def page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        yield page
        browser.close()


def test_uploaded_video_shows_verdict_chart_and_heatmaps(page, proxy, shared_videos_dir):
    problems = []  # console errors include Content-Security-Policy violations
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(proxy.url + "/")
    expect(page.locator("#service-status")).to_have_class("status-ready", timeout=30_000)
    expect(page.locator("#model-summary")).to_contain_text("16 frames")

    page.set_input_files("#file-input", str(shared_videos_dir / "carphone_pristine.mp4"))

    expect(page.locator("#verdict")).to_have_text(
        re.compile("^(REAL|FAKE|UNCERTAIN|UNFAMILIAR VIDEO)$"), timeout=ANALYSIS_TIMEOUT_MS
    )
    expect(page.locator("#probability")).to_have_text(re.compile(r"^\d+\.\d %$"))
    expect(page.locator("#score-chart rect.bar")).to_have_count(16)
    first_heatmap = page.locator("#heatmaps img").first
    expect(first_heatmap).to_be_visible()
    assert first_heatmap.evaluate("image => image.complete && image.naturalWidth > 0")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "upload_page.png"), full_page=True)
    assert problems == []
