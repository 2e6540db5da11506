"""The context menu's "Check this video" and keyboard-only use, in real headless Chromium with the
real extension, proxy and TorchServe.

A context-menu click is native browser UI that automation cannot make, so the tests call the
very handler Chrome calls on a click (`checkVideoFromContextMenu(info, tab)` in the service
worker) with the `info` Chrome passes for a video. Keyboard tests use only Tab and Enter.
"""

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import (
    ANALYSIS_TIMEOUT_MS,
    BADGES,
    DISCOVERY_TIMEOUT_MS,
    RESULT_STATES,
    badge_of,
    open_videos_page,
    video_source,
)
from tests.fixtures.polling import poll

pytestmark = [pytest.mark.slow, pytest.mark.browser]

MAX_TABS = 60


@pytest.fixture(scope="module")
def live(extension_browser, proxy):
    extension_browser.reset(proxy.url)
    return extension_browser


@pytest.fixture(scope="module")
def panel(live):
    panel = live.context.new_page()
    panel.errors = []
    panel.on("pageerror", lambda error: panel.errors.append(str(error)))
    panel.set_viewport_size({"width": 420, "height": 1400})
    panel.goto(live.extension_url("sidepanel/sidepanel.html"))
    yield panel
    panel.close()


def click_menu_item(live, page, src_url: str) -> None:
    """What Chrome does when the person picks the menu item on a video of `page`'s top frame."""
    worker = live.worker()
    tab = worker.evaluate("url => chrome.tabs.query({}).then(tabs => tabs.find(tab => tab.url === url))", page.url)
    assert tab, "the page's tab is visible to the extension"
    info = {"menuItemId": "check-video", "mediaType": "video", "srcUrl": src_url, "frameId": 0, "pageUrl": page.url}
    worker.evaluate("([info, tab]) => checkVideoFromContextMenu(info, tab)", [info, tab])


def menu_check(live) -> dict:
    return live.storage_get("menuCheck").get("menuCheck", {})


def entry_for(live, url: str) -> dict:
    return next(entry for entry in live.history() if entry["url"] == url)


def test_the_menu_checks_a_video_its_badge_follows_and_the_side_panel_shows_the_result(live, panel, test_site):
    page = live.new_page()
    open_videos_page(page, test_site)
    source = video_source(page, "late")
    click_menu_item(live, page, source)
    assert menu_check(live)["state"] == "done", menu_check(live)
    entry = entry_for(live, source)
    assert entry["source"] == "download"
    assert live.storage_get("selectedKey")["selectedKey"] == entry["key"]
    badge = badge_of(page, "late")
    expect(badge).to_have_attribute("data-probability", str(entry["result"]["probability"]))
    assert badge.get_attribute("data-state") in RESULT_STATES
    expect(panel.locator("#probability")).to_have_attribute("data-probability", str(entry["result"]["probability"]))
    expect(panel.locator("#menu-check")).to_have_text("")
    page.close()


def test_the_menu_on_a_blob_video_runs_the_frame_capture_in_the_page(live, panel, test_site):
    page = live.new_page()
    open_videos_page(page, test_site)
    source = video_source(page, "blob")
    click_menu_item(live, page, source)
    assert menu_check(live)["state"] == "done", menu_check(live)
    entry = entry_for(live, source)
    assert entry["source"] == "frames"
    assert len(entry["captureTimes"]) == 16
    expect(panel.locator("#probability")).to_have_attribute("data-probability", str(entry["result"]["probability"]))
    page.close()


def test_the_menu_says_in_the_side_panel_why_a_video_could_not_be_checked(live, panel, test_site):
    page = live.new_page()
    open_videos_page(page, test_site)
    missing = test_site.url("/media/no-such-video.mp4")  # not on the page: the worker downloads it itself
    click_menu_item(live, page, missing)
    assert menu_check(live)["state"] == "failed"
    expect(panel.locator("#menu-check")).to_have_text(
        "Could not check no-such-video.mp4: The site refused the download (HTTP 404)."
    )
    assert panel.errors == []
    page.close()


def focused_badge(page):
    """The source of the badge that has the keyboard focus, or None."""
    return page.evaluate(
        """() => {
          const host = document.getElementById('deepfake-detector-overlay');
          const focused = document.activeElement === host ? host.shadowRoot.activeElement : null;
          return focused && focused.classList.contains('badge') ? focused.dataset.src : null;
        }"""
    )


def tab_to_badge(page) -> None:
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if focused_badge(page):
            return
    pytest.fail(f"no badge took the focus within {MAX_TABS} Tab presses")


def test_keyboard_only_tab_reaches_the_badge_enter_analyses_and_the_verdict_is_announced(live, test_site):
    page = live.new_page()
    page.goto(test_site.url("/one-video.html"))
    badge = page.locator(BADGES)
    expect(badge).to_have_attribute("data-state", "idle", timeout=DISCOVERY_TIMEOUT_MS)
    tab_to_badge(page)
    assert focused_badge(page) == badge.get_attribute("data-src")
    page.keyboard.press("Enter")
    poll(lambda: badge.get_attribute("data-state") in RESULT_STATES, ANALYSIS_TIMEOUT_MS / 1000, "no verdict")
    announcer = page.locator("#deepfake-detector-overlay .announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_have_text(badge.get_attribute("aria-label"))
    assert announcer.text_content().startswith(f"Deepfake check: {badge.text_content()}.")
    assert focused_badge(page) == badge.get_attribute("data-src"), "the focus stays on the badge"
    page.close()


def test_keyboard_only_the_side_panel_history_is_chosen_with_tab_and_enter(live, panel):
    history = live.history()
    assert len(history) >= 2
    older = history[-1]
    panel.reload()
    panel.locator("#history button").first.wait_for()
    for _ in range(MAX_TABS):
        panel.keyboard.press("Tab")
        if panel.evaluate("key => document.activeElement?.dataset?.key === key", older["key"]):
            break
    else:
        pytest.fail("Tab never reached the oldest history entry")
    panel.keyboard.press("Enter")
    expect(panel.locator(f'#history li[data-key="{older["key"]}"]')).to_have_attribute("aria-current", "true")
    expect(panel.locator("#probability")).to_have_attribute("data-probability", str(older["result"]["probability"]))
    # The redraw after the choice gives the focus back to the same entry.
    assert panel.evaluate("key => document.activeElement?.dataset?.key === key", older["key"])
