"""The extension in real headless Chromium, without a model server: finding videos, placing
badges, the offline state, the side panel's and options page's own behaviour.

The proxy URL points at a closed port, so everything here is what a user sees with the proxy down.
"""

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import BADGES, badge_of, open_videos_page, video_source
from tests.fixtures.polling import poll
from tests.fixtures.proxy import closed_url

pytestmark = [pytest.mark.slow, pytest.mark.browser]

VIDEO_IDS = ("plain", "blob", "late")


@pytest.fixture(scope="module")
def proxy_down_url():
    return closed_url()


@pytest.fixture
def page(extension_browser, test_site, proxy_down_url):
    extension_browser.reset(proxy_down_url)
    page = extension_browser.new_page()
    open_videos_page(page, test_site)
    expect(page.locator(BADGES)).to_have_count(4)
    yield page
    page.close()


def video_locator(page, video_id: str):
    return page.locator("#shadow-host video" if video_id == "shadowed" else f"#{video_id}")


def video_box(page, video_id: str) -> dict:
    return video_locator(page, video_id).bounding_box()


def test_every_video_gets_one_badge_plain_blob_late_and_shadowed(page):
    assert video_source(page, "blob").startswith("blob:")
    for video_id in (*VIDEO_IDS, "shadowed"):
        expect(badge_of(page, video_id)).to_have_count(1)


def test_badges_say_offline_with_the_unreachable_address(page, proxy_down_url):
    for video_id in VIDEO_IDS:
        badge = badge_of(page, video_id)
        expect(badge).to_have_attribute("data-state", "offline")
        expect(badge).to_have_text("Server offline")
        expect(badge).to_have_attribute(
            "title", f"Cannot reach the proxy at {proxy_down_url}. Is it running? Click to retry."
        )


def test_badge_sits_in_the_top_left_corner_of_its_video(page):
    for video_id in (*VIDEO_IDS, "shadowed"):
        video_locator(page, video_id).scroll_into_view_if_needed()
        expect(badge_of(page, video_id)).to_be_visible()
        # the badge follows a scroll or a late insertion on the next frame: wait for it, then measure
        poll(
            lambda video_id=video_id: (
                (offset := badge_offset(page, video_id)) and 0 < offset[0] <= 16 and 0 < offset[1] <= 16
            ),
            5,
            f"the badge of {video_id} did not settle on its video's corner",
        )
        video, badge = video_box(page, video_id), badge_of(page, video_id).bounding_box()
        assert 0 < badge["x"] - video["x"] <= 16 and 0 < badge["y"] - video["y"] <= 16, (video_id, video, badge)
        assert badge["height"] <= 28 and badge["width"] <= video["width"] / 2, (video_id, badge)


def badge_offset(page, video_id: str) -> tuple[float, float] | None:
    video, badge = video_box(page, video_id), badge_of(page, video_id).bounding_box()
    return badge and (round(badge["x"] - video["x"]), round(badge["y"] - video["y"]))


def test_badge_hides_out_of_view_and_follows_its_video_when_the_page_scrolls_and_moves(page):
    expect(badge_of(page, "plain")).to_be_visible()
    assert video_box(page, "shadowed")["y"] > page.viewport_size["height"]
    expect(badge_of(page, "shadowed")).to_be_hidden()  # below the fold
    home = badge_offset(page, "plain")
    video_locator(page, "shadowed").scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 0
    expect(badge_of(page, "shadowed")).to_be_visible()
    poll(lambda: badge_offset(page, "shadowed") == home, 5, "the badge did not follow a scroll")
    page.evaluate("document.getElementById('shadow-host').style.marginLeft = '200px'")
    poll(lambda: badge_offset(page, "shadowed") == home, 5, "the badge did not follow a layout change")


def test_player_controls_stay_clickable_under_the_badges(page):
    """The bottom strip of every video (where players put their controls) is never covered."""
    for video_id in (*VIDEO_IDS, "shadowed"):
        video_locator(page, video_id).scroll_into_view_if_needed()
        box = video_box(page, video_id)
        for x_fraction in (0.05, 0.5, 0.95):
            point = {"x": box["x"] + box["width"] * x_fraction, "y": box["y"] + box["height"] - 12}
            hit = page.evaluate(
                "p => { const e = document.elementFromPoint(p.x, p.y); return e && (e.id || e.localName); }", point
            )
            assert hit != "deepfake-detector-overlay", (video_id, x_fraction)
            assert hit in (video_id, "shadow-host"), (video_id, x_fraction, hit)


def test_a_click_while_offline_tries_then_reports_offline_without_downloading(page, proxy_down_url, test_site):
    test_site.main.requests.clear()  # count only this test's requests (other modules download this file)
    source = video_source(page, "plain")
    badge = badge_of(page, "plain")
    badge.evaluate(
        """badge => {
          window.badgeStates = [];
          new MutationObserver(() => window.badgeStates.push(badge.dataset.state))
            .observe(badge, {attributes: true, attributeFilter: ['data-state']});
        }"""
    )
    badge.click()
    page.wait_for_function("window.badgeStates.includes('analysing') && window.badgeStates.at(-1) === 'offline'")
    expect(badge).to_have_attribute(
        "title", f"Cannot reach the proxy at {proxy_down_url}. Is it running? Click to retry."
    )
    script_downloads = [r for r in list(test_site.main.requests) if source.endswith(r[1]) and r[2] != "video"]
    assert script_downloads == [], "the video was downloaded for a proxy that cannot answer"


def test_a_removed_video_loses_its_badge(page):
    source = video_source(page, "plain")
    page.evaluate("document.getElementById('plain').remove()")
    expect(page.locator(f'{BADGES}[data-src="{source}"]')).to_have_count(0)
    expect(page.locator(BADGES)).to_have_count(3)


def test_a_new_source_in_the_same_element_gets_a_fresh_badge(page, test_site):
    """Single page apps reuse one <video> for the next clip: the badge must follow the new source."""
    new_source = test_site.url("/media/bikes.mp4?next")
    page.evaluate("src => { document.getElementById('late').src = src; }", new_source)
    expect(page.locator(f'{BADGES}[data-src="{new_source}"]')).to_have_count(1)
    expect(page.locator(BADGES)).to_have_count(4)


def test_side_panel_without_history_invites_a_click_and_shows_the_proxy_down(extension_browser, proxy_down_url):
    extension_browser.reset(proxy_down_url)
    panel = extension_browser.new_page()
    panel.goto(extension_browser.extension_url("sidepanel/sidepanel.html"))
    expect(panel.locator("#empty")).to_be_visible()
    expect(panel.locator("#result")).to_be_hidden()
    expect(panel.locator("#health")).to_have_attribute("data-health", "offline")
    expect(panel.locator("#clear-history")).to_be_disabled()
    panel.close()


def test_options_page_refuses_a_bad_proxy_url_and_saves_a_good_one(extension_browser, proxy_down_url):
    extension_browser.reset(proxy_down_url)
    options = extension_browser.new_page()
    options.goto(extension_browser.extension_url("options/options.html"))
    expect(options.locator("#proxy-url")).to_have_value(proxy_down_url)
    expect(options.locator("#auto-analyse")).not_to_be_checked()

    options.locator("#proxy-url").evaluate("input => { input.type = 'text'; }")  # past the browser's own URL check
    options.fill("#proxy-url", "ftp://127.0.0.1/")
    options.click("button[type=submit]")
    expect(options.locator("#proxy-status")).to_have_text("The proxy URL must start with http:// or https://, got ftp:")
    assert extension_browser.storage_get("settings")["settings"]["proxyUrl"] == proxy_down_url

    other_down_url = closed_url()
    options.fill("#proxy-url", other_down_url + "/")
    options.click("button[type=submit]")
    expect(options.locator("#proxy-status")).to_contain_text(f"Saved, but: Cannot reach the proxy at {other_down_url}")
    expect(options.locator("#health")).to_have_attribute("data-health", "offline")
    assert extension_browser.storage_get("settings")["settings"]["proxyUrl"] == other_down_url

    options.check("#auto-analyse")
    poll(lambda: extension_browser.storage_get("settings")["settings"]["autoAnalyse"], 5, "auto-analyse was not saved")
    options.close()


def test_the_options_page_clears_the_history_through_the_worker(extension_browser, proxy_down_url):
    extension_browser.reset(proxy_down_url)
    entries = [{"key": f"https://videos.example/{n}.mp4", "url": f"https://videos.example/{n}.mp4"} for n in (1, 2)]
    extension_browser.storage_page.evaluate("history => chrome.storage.local.set({history})", entries)
    options = extension_browser.new_page()
    options.goto(extension_browser.extension_url("options/options.html"))
    expect(options.locator("#history-count")).to_have_text("2 analysed videos.")
    options.click("#clear-history")
    expect(options.locator("#history-count")).to_have_text("0 analysed videos.")
    expect(options.locator("#clear-history")).to_be_disabled()
    expect(options.locator("#history-status")).to_have_text("")
    assert extension_browser.history() == []
    options.close()
