"""A video from another host, and the extension's site access, in real headless Chromium with the
real extension, proxy and TorchServe.

The page is on 127.0.0.1, its video on 127.0.0.2 without CORS headers (as most video CDNs serve
video): the page may play it, not read its pixels. With Chrome's default site access ("On all
sites", what the content script's `<all_urls>` match asks for at install) the worker downloads
it. Restricted to 127.0.0.1 (chrome://extensions, set here through that page's own API, as a
person would set it) the download needs a grant of the video's origin: before it a clear
refusal; a click asks Chrome (its dialog cannot be answered in headless Chromium, so the grant
is given the other way a person can give it, on chrome://extensions, while the dialog is up);
after it, the verdict. Tests run in file order on one browser.
"""

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import BADGES, DISCOVERY_TIMEOUT_MS, RESULT_STATES, wait_for_end

pytestmark = [pytest.mark.slow, pytest.mark.browser]

VIDEO = "sample-mp4.mp4"
PROBABILITY_TOLERANCE = 1e-4  # batching may move the handler's last digits


@pytest.fixture(scope="module")
def live(extension_browser, proxy):
    extension_browser.reset(proxy.url)
    return extension_browser


def open_foreign_video(live, test_site, **kwargs):
    page = live.new_page()
    page.goto(test_site.foreign_video_page(**kwargs))
    badge = page.locator(BADGES)
    badge.wait_for(state="attached", timeout=DISCOVERY_TIMEOUT_MS)
    return page, badge


def entry_for(live, url: str) -> dict:
    return next(entry for entry in live.history() if entry["url"] == url)


def foreign_origin(test_site) -> str:
    return test_site.foreign.url


def test_with_the_default_site_access_the_worker_downloads_a_video_from_another_host(
    live, proxy, test_site, shared_videos_dir
):
    assert "<all_urls>" in live.granted_origins()  # the content script's match, granted at install
    page, badge = open_foreign_video(live, test_site)
    expect(badge).to_have_attribute("data-state", "idle")
    badge.click()
    assert wait_for_end(badge) in RESULT_STATES, badge.get_attribute("title")
    expected = proxy.prediction(shared_videos_dir / VIDEO)["probability"]
    assert float(badge.get_attribute("data-probability")) == pytest.approx(expected, abs=PROBABILITY_TOLERANCE)
    assert entry_for(live, badge.get_attribute("data-src"))["source"] == "download"
    assert test_site.foreign.downloads(VIDEO), "the worker downloaded the file from the other host"
    page.close()


def test_restricted_site_access_refuses_a_video_from_another_host_clearly(live, proxy, test_site, artifacts_dir):
    live.reset(proxy.url)  # no cached verdict
    live.restrict_site_access("http://127.0.0.1/*")
    assert not any("127.0.0.2" in origin for origin in live.granted_origins())
    live.set_settings(proxy.url, auto_analyse=True)  # analysed without a click: nothing can ask Chrome
    try:
        page, badge = open_foreign_video(live, test_site)
        assert wait_for_end(badge) == "error"
        expect(badge).to_have_attribute("data-code", "permission-needed")
        expect(badge).to_have_text("Allow access")
        title = badge.get_attribute("title")
        origin = foreign_origin(test_site)
        assert f"The extension may not download videos from {origin}" in title
        assert "hides this video's pixels" in title
        assert f"Click to allow {origin}: Chrome will ask you." in title
        assert badge.get_attribute("aria-label").startswith("Deepfake check: Allow access.")
        page.screenshot(path=str(artifacts_dir / "badge_allow_access.png"))
        page.close()
    finally:
        live.set_settings(proxy.url)
    assert live.history() == []


def test_a_click_asks_chrome_for_the_origin_and_after_the_grant_the_verdict_comes(
    live, proxy, test_site, shared_videos_dir
):
    page, badge = open_foreign_video(live, test_site)
    expect(badge).to_have_attribute("data-state", "idle")
    badge.click()
    # The click's user gesture reached chrome.permissions.request: Chrome's dialog is up (without
    # a gesture the request fails at once and the badge would end in "Allow access").
    expect(badge).to_have_text("Waiting for permission", timeout=30_000)
    assert "answer its dialog" in badge.get_attribute("title")
    live.grant_site(f"{foreign_origin(test_site)}/*")
    assert wait_for_end(badge) in RESULT_STATES, badge.get_attribute("title")
    expected = proxy.prediction(shared_videos_dir / VIDEO)["probability"]
    assert float(badge.get_attribute("data-probability")) == pytest.approx(expected, abs=PROBABILITY_TOLERANCE)
    assert entry_for(live, badge.get_attribute("data-src"))["source"] == "download"
    page.close()


def test_the_options_page_lists_the_granted_origin_and_revoking_it_refuses_again(live, proxy, test_site):
    origin = foreign_origin(test_site)
    options = live.new_page()
    options.goto(live.extension_url("options/options.html"))
    site = options.locator("#granted-sites li", has_text=origin)
    expect(site).to_have_count(1)
    expect(options.locator("#all-sites")).to_be_hidden()
    with live.context.expect_page() as opened:
        site.get_by_role("button", name=f"Revoke {origin}").click()
    # The content script's <all_urls> match makes Chrome keep every site in the extension's
    # site access: chrome.permissions.remove refuses, so the page sends the person there.
    assert opened.value.url.startswith(f"chrome://extensions/?id={live.extension_id}")
    expect(options.locator("#sites-status")).to_contain_text("Chrome keeps")
    opened.value.close()
    live.revoke_site(f"{origin}/*")
    expect(site).to_have_count(0)
    options.close()

    live.reset(proxy.url)
    live.set_settings(proxy.url, auto_analyse=True)
    try:
        page, badge = open_foreign_video(live, test_site)
        assert wait_for_end(badge) == "error"
        expect(badge).to_have_attribute("data-code", "permission-needed")
        page.close()
    finally:
        live.set_settings(proxy.url)


def test_without_the_grant_a_video_whose_pixels_the_page_may_read_is_analysed_from_frames(live, proxy, test_site):
    live.set_settings(proxy.url, auto_analyse=True)
    try:
        page, badge = open_foreign_video(live, test_site, file_name="sample-webm.webm", route="page-cors")
        assert wait_for_end(badge) in RESULT_STATES, badge.get_attribute("title")
        entry = entry_for(live, badge.get_attribute("data-src"))
        assert entry["source"] == "frames"
        assert float(badge.get_attribute("data-probability")) == entry["result"]["probability"]
        page.close()
    finally:
        live.set_settings(proxy.url)
