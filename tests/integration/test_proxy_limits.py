"""Upload limit (413) and TorchServe-too-slow (504) through the real proxy and the real TorchServe."""

import httpx
import pytest

pytestmark = pytest.mark.slow

TIMEOUT_S = 120.0
LIMIT_MIB = 0.25  # between sample-mov.mov (176 KB) and sample-mp4.mp4 (375 KB)


@pytest.fixture(scope="module")
def small_limit_proxy(proxy):
    return proxy.start("--max-upload-mb", str(LIMIT_MIB))


def assert_too_large(answer):
    assert answer.status_code == 413, answer.text
    assert answer.json()["code"] == "payload_too_large"
    assert answer.json()["limit_bytes"] == int(LIMIT_MIB * 1024 * 1024)


def test_upload_over_the_limit_with_content_length_is_413(small_limit_proxy, shared_videos_dir):
    video = (shared_videos_dir / "sample-mp4.mp4").read_bytes()
    assert len(video) > LIMIT_MIB * 1024 * 1024
    assert_too_large(
        httpx.post(
            small_limit_proxy.url + "/api/predict", files={"file": ("v.mp4", video, "video/mp4")}, timeout=TIMEOUT_S
        )
    )


def test_chunked_upload_is_cut_off_at_the_limit(small_limit_proxy, shared_videos_dir):
    video = (shared_videos_dir / "sample-mp4.mp4").read_bytes()

    def chunks():  # no Content-Length: the proxy must count while streaming
        for start in range(0, len(video), 16384):
            yield video[start : start + 16384]

    answer = httpx.post(
        small_limit_proxy.url + "/api/explain",
        content=chunks(),
        headers={"Content-Type": "video/mp4"},
        timeout=TIMEOUT_S,
    )
    assert_too_large(answer)


def test_upload_under_the_limit_still_passes(small_limit_proxy, shared_videos_dir):
    video = (shared_videos_dir / "sample-mov.mov").read_bytes()
    assert len(video) < LIMIT_MIB * 1024 * 1024
    answer = httpx.post(
        small_limit_proxy.url + "/api/predict", files={"file": ("v.mov", video, "video/quicktime")}, timeout=TIMEOUT_S
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["label"] in ("real", "fake")


def test_torchserve_slower_than_the_timeout_is_504(proxy, shared_videos_dir):
    impatient = proxy.start("--timeout-s", "0.1")  # an explanation takes far longer than 0.1 s here
    video = (shared_videos_dir / "sample-mp4.mp4").read_bytes()
    answer = httpx.post(
        impatient.url + "/api/explain", files={"file": ("v.mp4", video, "video/mp4")}, timeout=TIMEOUT_S
    )
    assert answer.status_code == 504, answer.text
    assert answer.json()["code"] == "torchserve_timeout"
    impatient.stop()
