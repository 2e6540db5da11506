"""End to end: the unpacked extension in headless Chromium, the real proxy, a real TorchServe.

One page holds a plain mp4 video, a blob: video and a video inserted 2 s after load. The tests
run in file order on that page: analyse all three, read the side panel, reload (cache), clear,
then break things (a cross-origin video without CORS, the proxy stopped, TorchServe down).
Screenshots go to artifacts/extension/.
"""

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import ANALYSIS_TIMEOUT_MS, BADGES, DISCOVERY_TIMEOUT_MS, badge_of, open_videos_page
from tests.fixtures.polling import poll

pytestmark = [pytest.mark.slow, pytest.mark.browser]

VIDEO_FILES = {"plain": "sample-mp4.mp4", "blob": "sample-webm.webm", "late": "carphone_pristine.mp4"}
RESULT_STATES = ("real", "fake", "uncertain")
UNCERTAIN_MARGIN = 0.1  # extension/lib/badge-state.js
# Same bytes, same model: only batching may move the last digits of the handler's 6-decimal answer.
PROBABILITY_TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def live(extension_browser, proxy, test_site):
    extension_browser.reset(proxy.url)
    test_site.main.requests.clear()  # count only this module's downloads
    return extension_browser


@pytest.fixture(scope="module")
def page(live, test_site):
    page = live.new_page()
    open_videos_page(page, test_site)
    yield page
    page.close()


def worker_downloads(test_site, file_name: str) -> list:
    """Requests for `file_name` made by a script (the service worker), not by a <video> element."""
    return [
        request for request in list(test_site.main.requests) if request[1].endswith(file_name) and request[2] != "video"
    ]


def expected_state(probability: float, threshold: float) -> str:
    if abs(probability - threshold) < UNCERTAIN_MARGIN:
        return "uncertain"
    return "fake" if probability >= threshold else "real"


def entry_for(live, url: str) -> dict:
    return next(entry for entry in live.history() if entry["url"] == url)


def analyse(page, video_id: str) -> dict:
    badge = badge_of(page, video_id)
    badge.scroll_into_view_if_needed()
    badge.click()
    poll(
        lambda: badge.get_attribute("data-state") in RESULT_STATES + ("error", "offline"),
        ANALYSIS_TIMEOUT_MS / 1000,
        f"the {video_id} video's analysis did not end",
    )
    return {
        "state": badge.get_attribute("data-state"),
        "probability": badge.get_attribute("data-probability"),
        "title": badge.get_attribute("title"),
        "src": badge.get_attribute("data-src"),
    }


def test_badges_are_ready_and_nothing_is_sent_before_a_click(live, page, test_site):
    for video_id in VIDEO_FILES:
        expect(badge_of(page, video_id)).to_have_attribute("data-state", "idle")
        expect(badge_of(page, video_id)).to_have_text("Check video")
    assert live.history() == []
    assert worker_downloads(test_site, "sample-mp4.mp4") == []
    assert worker_downloads(test_site, "carphone_pristine.mp4") == []


@pytest.mark.parametrize("video_id", ["plain", "late"])
def test_a_downloadable_video_ends_with_the_probability_the_api_gives_for_its_file(
    live, page, proxy, shared_videos_dir, test_site, video_id
):
    shown = analyse(page, video_id)
    assert shown["state"] in RESULT_STATES, shown
    expected = proxy.prediction(shared_videos_dir / VIDEO_FILES[video_id])
    assert float(shown["probability"]) == pytest.approx(expected["probability"], abs=PROBABILITY_TOLERANCE)
    assert shown["state"] == expected_state(float(shown["probability"]), expected["threshold"])
    entry = entry_for(live, shown["src"])
    assert entry["source"] == "download"
    assert entry["result"]["frames"]["count"] == 16
    assert len(worker_downloads(test_site, VIDEO_FILES[video_id])) == 1


def test_a_blob_video_is_analysed_from_16_frames_captured_in_the_page(live, page):
    playback_before = page.evaluate(
        "(() => { const v = document.getElementById('blob'); return [v.currentTime, v.paused]; })()"
    )
    shown = analyse(page, "blob")
    assert shown["state"] in RESULT_STATES, shown
    entry = entry_for(live, shown["src"])
    assert entry["source"] == "frames"
    assert float(shown["probability"]) == entry["result"]["probability"]
    assert shown["state"] == expected_state(entry["result"]["probability"], entry["result"]["threshold"])
    assert entry["result"]["frames"]["count"] == 16
    assert len(entry["captureTimes"]) == 16
    # The frames came from a hidden copy: what the user watches did not move.
    assert (
        page.evaluate("(() => { const v = document.getElementById('blob'); return [v.currentTime, v.paused]; })()")
        == playback_before
    )


def test_screenshot_of_the_badges(page, artifacts_dir):
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts_dir / "badges.png"), full_page=True)


@pytest.fixture(scope="module")
def panel(live):
    panel = live.context.new_page()
    panel.errors = []  # uncaught exceptions and console errors of the panel's own scripts
    panel.on("pageerror", lambda error: panel.errors.append(str(error)))
    panel.on("console", lambda message: message.type == "error" and panel.errors.append(message.text))
    panel.set_viewport_size({"width": 420, "height": 1400})
    panel.goto(live.extension_url("sidepanel/sidepanel.html"))
    yield panel
    panel.close()


def test_side_panel_shows_the_latest_result_its_chart_and_heatmaps(live, panel, artifacts_dir):
    latest = live.history()[0]
    result = latest["result"]
    expect(panel.locator("#health")).to_have_attribute("data-health", "ready")
    expect(panel.locator("#probability")).to_have_attribute("data-probability", str(result["probability"]))
    expect(panel.locator("#verdict")).to_have_text(expected_state(result["probability"], result["threshold"]))
    expect(panel.locator("#threshold")).to_have_text(str(result["threshold"]))
    expect(panel.locator("#model")).to_contain_text(f"v{result['model']['version']}")
    expect(panel.locator("#chart circle.score-point")).to_have_count(16)
    expect(panel.locator("#heatmaps")).to_have_attribute("data-count", "16", timeout=ANALYSIS_TIMEOUT_MS)
    images = panel.locator("#heatmaps img")
    poll(
        lambda: images.evaluate_all("images => images.every(image => image.complete && image.naturalWidth > 0)"),
        10,
        "the heatmap images did not load",
    )
    expect(panel.locator("#history li")).to_have_count(3)
    panel.screenshot(path=str(artifacts_dir / "side_panel.png"), full_page=True)


def open_side_panels(live, page) -> int:
    """Side panel documents open in the browser (Playwright lists no side panel: ask CDP for targets)."""
    targets = live.context.new_cdp_session(page).send("Target.getTargets")["targetInfos"]
    return sum(target["url"] == live.extension_url("sidepanel/sidepanel.html") for target in targets)


def test_side_panel_follows_a_history_click_and_a_result_badge_click_opens_it(live, page, panel):
    plain = badge_of(page, "plain")
    plain_entry = entry_for(live, plain.get_attribute("data-src"))
    panel.locator(f'#history li[data-key="{plain_entry["key"]}"]').click()
    expect(panel.locator("#probability")).to_have_attribute(
        "data-probability", str(plain_entry["result"]["probability"])
    )

    late_entry = entry_for(live, badge_of(page, "late").get_attribute("data-src"))
    panels_before = open_side_panels(live, page)  # the panel tab of these tests
    badge_of(page, "late").click()  # a result badge opens the side panel on its evidence
    poll(lambda: open_side_panels(live, page) == panels_before + 1, 10, "the badge click opened no side panel")
    expect(panel.locator("#probability")).to_have_attribute(
        "data-probability", str(late_entry["result"]["probability"])
    )
    expect(panel.locator(f'#history li[data-key="{late_entry["key"]}"]')).to_have_attribute("aria-current", "true")


def test_a_reload_shows_cached_results_without_downloading_again(page, test_site):
    downloads_before = len(worker_downloads(test_site, "sample-mp4.mp4"))
    probability_before = badge_of(page, "plain").get_attribute("data-probability")
    open_videos_page(page, test_site)
    expect(badge_of(page, "plain")).to_have_attribute("data-probability", probability_before)
    expect(badge_of(page, "blob")).to_have_attribute("data-state", "idle")  # a new blob: URL is a new video
    assert len(worker_downloads(test_site, "sample-mp4.mp4")) == downloads_before


def test_clearing_the_history_forgets_every_result(live, page, panel, test_site):
    panel.click("#clear-history")
    expect(panel.locator("#history li")).to_have_count(0)
    expect(panel.locator("#empty")).to_be_visible()
    assert panel.errors == []
    assert live.history() == []
    open_videos_page(page, test_site)
    expect(badge_of(page, "plain")).to_have_attribute("data-state", "idle")


def test_auto_analyse_checks_every_video_without_a_click(live, proxy, page, test_site):
    live.reset(proxy.url)  # no cached result: every verdict must come from the automatic analysis
    live.set_settings(proxy.url, auto_analyse=True)
    try:
        open_videos_page(page, test_site)
        for video_id in ("plain", "blob", "late", "shadowed"):
            badge = badge_of(page, video_id)
            poll(
                lambda badge=badge: badge.get_attribute("data-state") in RESULT_STATES,
                ANALYSIS_TIMEOUT_MS / 1000,
                f"the {video_id} video was not analysed automatically",
            )
        # The page analyses one video at a time and records each: with four entries its queue is
        # done, so no analysis of this test lands in the next test's history.
        poll(lambda: len(live.history()) == 4, ANALYSIS_TIMEOUT_MS / 1000, "not every analysis was recorded")
    finally:
        live.set_settings(proxy.url)


def test_a_cross_origin_video_without_cors_says_its_pixels_cannot_be_read(live, test_site, artifacts_dir):
    page = live.new_page()
    page.goto(test_site.cross_origin_page())
    badge = page.locator(BADGES)
    expect(badge).to_have_attribute("data-state", "idle", timeout=DISCOVERY_TIMEOUT_MS)
    badge.click()
    expect(badge).to_have_attribute("data-state", "error", timeout=ANALYSIS_TIMEOUT_MS)
    expect(badge).to_have_text("Can't read pixels")
    assert "Can't read this video's pixels" in badge.get_attribute("title")
    refused = [
        request
        for request in test_site.other.requests
        if request[1].startswith("/protected/") and request[2] != "video"
    ]
    assert refused, "the service worker should have tried to download the file first"
    page.screenshot(path=str(artifacts_dir / "badge_cannot_read_pixels.png"))
    page.close()


def test_badges_go_offline_when_the_proxy_stops_and_known_results_stay(live, proxy, test_site):
    second = proxy.start()
    live.reset(second.url)  # no cached result from earlier tests
    page = live.new_page()
    open_videos_page(page, test_site)
    known = analyse(page, "plain")
    assert known["state"] in RESULT_STATES, known
    expect(badge_of(page, "late")).to_have_attribute("data-state", "idle")
    second.stop()
    shown = analyse(page, "late")
    assert shown["state"] == "offline", shown
    assert shown["title"] == f"Cannot reach the proxy at {second.url}. Is it running? Click to retry."
    open_videos_page(page, test_site)
    expect(badge_of(page, "plain")).to_have_attribute("data-probability", known["probability"])
    # The late video comes 2 s after load; its badge goes offline once the page's health check,
    # through a service worker that may have to wake up first, has answered.
    expect(badge_of(page, "late")).to_have_attribute("data-state", "offline", timeout=DISCOVERY_TIMEOUT_MS)
    page.close()


def test_badges_show_offline_with_the_reason_when_torchserve_is_down(live, proxy, test_site, artifacts_dir):
    unreachable = proxy.start_unreachable()
    live.reset(unreachable.url)
    page = live.new_page()
    open_videos_page(page, test_site)
    badge = badge_of(page, "plain")
    expect(badge).to_have_attribute("data-state", "offline")
    expect(badge).to_have_text("Server offline")
    assert badge.get_attribute("title").startswith("Model server unavailable: TorchServe is not reachable")
    page.screenshot(path=str(artifacts_dir / "badges_offline.png"))
    page.close()
    live.set_settings(proxy.url)
