"""How the badge and the side panel show the answer fields of the growing contract (PLAN.md:
`verdict`, `model.demo`/`trained_on`, `provenance`, `segments`, `faces`, and /api/model's
`operating_point`), in real headless Chromium with the real extension.

The answers are example answers of the contract, stored as the worker stores a finished analysis
(history entry + heatmaps) while the proxy is down, so the extension shows them from its cache as
it does for a known video: what is tested is the display, not the serving side (tests against a
real TorchServe answering these fields come with the serving work).
"""

import base64
import struct
import zlib

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import badge_of, open_videos_page, video_source
from tests.fixtures.polling import poll
from tests.fixtures.proxy import closed_url

pytestmark = [pytest.mark.slow, pytest.mark.browser]

OPERATING_POINT = {
    "threshold": 0.62,
    "uncertain_band": [0.45, 0.75],
    "target_fpr": 0.05,
    "heldout": {"tpr": 0.81, "fpr": 0.05, "precision": 0.93, "coverage": 0.92},
}
DEMO_MODEL = {
    "name": "deepfake",
    "version": "2.0",
    "arch": "resnet18-temporal-mean",
    "trained_on": "synthetic demo data",
    "demo": True,
}


def png(width: int = 64, height: int = 36) -> str:
    """A grey PNG, base64: a stand-in for a heatmap overlay picture."""
    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return base64.b64encode(data).decode("ascii")


def answer(**fields) -> dict:
    base = {
        "label": "fake",
        "probability": 0.97,
        "probability_raw": 0.999,
        "confidence": 0.97,
        "threshold": 0.62,
        "frames": {"count": 2, "unique": 2, "indices": [15, 45], "timestamps_s": [0.5, 1.5], "scores": [0.96, 0.98]},
        "video": {"width": 640, "height": 360, "fps": 30.0, "duration_s": 10.0, "frames_total": 300},
        "model": DEMO_MODEL,
        "timing_ms": {"decode": 80.0, "inference": 150.0},
        "batch_size": 1,
    }
    return {**base, **fields}


def store(live, url: str, page_url: str, result: dict, overlays: list | None = None) -> dict:
    entry = {
        "key": url,
        "url": url,
        "pageUrl": page_url,
        "pageTitle": "Extension test page",
        "source": "download",
        "analysedAt": "2026-12-01T12:00:00.000Z",
        "result": result,
        "operatingPoint": OPERATING_POINT,
        "captureTimes": None,
        "explanation": "ready",
    }
    live.storage_page.evaluate(
        "([entry, overlays]) => chrome.storage.local.set({history: [entry], selectedKey: entry.key,"
        " ['explanation:' + entry.key]: {overlays, saliency: null}})",
        [entry, overlays or []],
    )
    return entry


@pytest.fixture(scope="module")
def live(extension_browser):
    extension_browser.reset(closed_url())  # the proxy is down: known verdicts come from the cache
    return extension_browser


@pytest.fixture
def page(live, test_site):
    page = live.new_page()
    open_videos_page(page, test_site)
    yield page
    page.close()


@pytest.fixture
def panel(live):
    panel = live.context.new_page()
    panel.errors = []
    panel.on("pageerror", lambda error: panel.errors.append(str(error)))
    panel.set_viewport_size({"width": 420, "height": 1400})
    yield panel
    panel.close()


def show(live, page, test_site, result: dict, overlays: list | None = None) -> dict:
    """Stores `result` as the plain video's analysis and reloads the page, whose badge shows it."""
    entry = store(live, video_source(page, "plain"), test_site.url("/videos.html"), result, overlays)
    open_videos_page(page, test_site)
    return entry


def colour_of(panel, variable: str) -> str:
    """The computed colour a page's CSS variable stands for."""
    return panel.evaluate(
        """variable => {
          const probe = document.body.appendChild(document.createElement('span'));
          probe.style.color = `var(${variable})`;
          const colour = getComputedStyle(probe).color;
          probe.remove();
          return colour;
        }""",
        variable,
    )


def background_of(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).backgroundColor")


def test_an_unfamiliar_video_is_grey_never_red_with_the_demo_tag_and_the_operating_point(live, page, panel, test_site):
    show(live, page, test_site, answer(verdict="out_of_distribution"))
    badge = badge_of(page, "plain")
    expect(badge).to_have_attribute("data-state", "unfamiliar")
    expect(badge.locator(".text")).to_have_text("Unfamiliar video")
    expect(badge.locator(".tag")).to_have_text(["demo"])
    assert background_of(badge) == "rgb(95, 99, 104)"  # lib/palette.js: unfamiliar #5f6368, not the fake red
    title = badge.get_attribute("title")
    assert title.startswith("Unfamiliar video: this model was not trained on videos like this")
    assert "At its threshold the model flags about 1 in 20 genuine videos." in title
    assert "Demo model, trained on synthetic clips (synthetic demo data)" in title

    panel.goto(live.extension_url("sidepanel/sidepanel.html"))
    expect(panel.locator("#verdict")).to_have_text("unfamiliar video")
    expect(panel.locator("#verdict")).to_have_attribute("data-verdict", "out_of_distribution")
    verdict_colour = panel.locator("#verdict").evaluate("e => getComputedStyle(e).color")
    assert verdict_colour == colour_of(panel, "--unfamiliar")
    assert verdict_colour != colour_of(panel, "--fake")
    expect(panel.locator("#verdict-detail")).to_contain_text("this model was not trained on videos like this")
    expect(panel.locator("#demo-notice")).to_be_visible()
    expect(panel.locator("#demo-notice")).to_have_text(
        "Demo model, trained on synthetic clips (synthetic demo data): its verdicts are no evidence."
    )
    expect(panel.locator("#operating-point")).to_have_text(
        "At its threshold the model flags about 1 in 20 genuine videos."
    )
    expect(panel.locator("#credentials")).to_be_hidden()  # an answer without `provenance` did not look
    assert panel.errors == []


def test_uncertain_is_neutral_and_an_older_answer_still_reads(live, page, test_site):
    show(live, page, test_site, answer(verdict="uncertain", probability=0.7))
    badge = badge_of(page, "plain")
    expect(badge).to_have_attribute("data-state", "uncertain")
    assert background_of(badge) == "rgb(60, 64, 67)"  # neutral grey, not the fake red
    older = {key: value for key, value in answer(probability=0.93).items() if key not in ("probability_raw",)}
    older["model"] = {"name": "deepfake", "version": "1.0", "arch": "resnet18-temporal-mean"}
    show(live, page, test_site, older)
    expect(badge).to_have_attribute("data-state", "fake")
    expect(badge.locator(".text")).to_have_text("Fake 93%")
    expect(badge.locator(".tag")).to_have_count(0)


def test_content_credentials_stand_next_to_the_verdict_in_badge_and_panel(live, page, panel, test_site):
    provenance = {
        "present": True,
        "signature_valid": True,
        "signer": "Test signer",
        "claim_generator": "VideoGen/2.1",
        "created": "2026-11-30T10:00:00Z",
        "ai_generated": True,
        "actions": ["c2pa.created"],
    }
    show(live, page, test_site, answer(verdict="real", label="real", probability=0.08, provenance=provenance))
    badge = badge_of(page, "plain")
    expect(badge).to_have_attribute("data-state", "real")  # the detector's verdict stays its own
    expect(badge.locator(".tag")).to_have_text(["demo", "AI-declared"])
    assert badge.get_attribute("title").startswith("Content Credentials: declares AI-generated (by VideoGen/2.1).")
    panel.goto(live.extension_url("sidepanel/sidepanel.html"))
    expect(panel.locator("#verdict")).to_have_text("real")
    credentials = panel.locator("#credentials")
    expect(credentials).to_have_attribute("data-kind", "ai-generated")
    expect(credentials).to_have_text(
        "Content Credentials: declares AI-generated (by VideoGen/2.1). Signed by Test signer."
    )

    show(live, page, test_site, answer(verdict="real", label="real", probability=0.08, provenance={"present": False}))
    panel.reload()
    expect(panel.locator("#credentials")).to_have_text("No Content Credentials")
    broken = {"present": False, "error": "the manifest store is not valid JUMBF"}
    show(live, page, test_site, answer(verdict="real", label="real", probability=0.08, provenance=broken))
    panel.reload()
    expect(panel.locator("#credentials")).to_have_attribute("data-kind", "error")
    expect(panel.locator("#credentials")).to_have_text(
        "Content Credentials could not be read: the manifest store is not valid JUMBF"
    )


def test_the_timeline_shows_each_segment_and_a_click_seeks_the_video_in_its_tab(live, page, panel, test_site):
    segments = [
        {"start_s": 0.0, "end_s": 2.0, "probability": 0.1, "verdict": "real"},
        {"start_s": 2.0, "end_s": 4.0, "probability": 0.95, "verdict": "fake"},
        {"start_s": 4.0, "end_s": 5.5, "probability": 0.5, "verdict": "uncertain"},
    ]
    result = answer(
        verdict="fake",
        coverage={"mode": "full", "window_s": 2.0, "stride_s": 2.0, "windows": 3},
        segments=segments,
        video={**answer()["video"], "duration_s": 5.5},
    )
    show(live, page, test_site, result)
    panel.goto(live.extension_url("sidepanel/sidepanel.html"))
    buttons = panel.locator("#timeline button.segment")
    expect(buttons).to_have_count(3)
    expect(buttons).to_have_text(["Real", "Fake", "Uncertain"])
    expect(buttons.nth(1)).to_have_attribute("aria-label", "2.0–4.0 s: Fake, P(fake) 95%. Seek the video there.")
    assert float(buttons.nth(1).evaluate("b => b.style.left").rstrip("%")) == pytest.approx(100 * 2 / 5.5, abs=1e-3)
    expect(panel.locator("#coverage-action")).to_be_hidden()  # it has its segments already
    buttons.nth(1).click()
    expect(panel.locator("#seek-status")).to_have_text("The video now shows 2.0 s.")
    poll(lambda: page.evaluate("document.getElementById('plain').currentTime") == 2.0, 10, "the video did not seek")


def test_face_boxes_of_each_track_are_drawn_on_the_frames(live, page, panel, test_site):
    faces = [
        {"track": 0, "boxes": [[0.5, 64, 36, 128, 72], [1.5, 80, 36, 128, 72]], "probability": 0.1, "verdict": "real"},
        {"track": 1, "boxes": [[0.5, 320, 180, 64, 64]], "probability": 0.94, "verdict": "fake"},
    ]
    overlays = [
        {"index": 15, "timestamp_s": 0.5, "score": 0.96, "src": f"data:image/png;base64,{png()}"},
        {"index": 45, "timestamp_s": 1.5, "score": 0.98, "src": f"data:image/png;base64,{png()}"},
    ]
    show(live, page, test_site, answer(verdict="fake", faces=faces), overlays)
    panel.goto(live.extension_url("sidepanel/sidepanel.html"))
    first, second = panel.locator("#heatmaps figure").nth(0), panel.locator("#heatmaps figure").nth(1)
    expect(first.locator(".face-box")).to_have_count(2)
    expect(second.locator(".face-box")).to_have_count(1)
    fake_box = first.locator('.face-box[data-track="1"]')
    expect(fake_box).to_have_attribute("data-verdict", "fake")
    assert fake_box.evaluate("b => [b.style.left, b.style.top, b.style.width]") == ["50%", "50%", "10%"]
    expect(first.locator("figcaption")).to_contain_text("face 1: Fake 94%")
    expect(panel.locator("#faces-legend")).to_have_text("Face tracks: face 0: Real 10%; face 1: Fake 94%.")
    assert panel.errors == []
