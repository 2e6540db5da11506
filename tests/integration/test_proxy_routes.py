"""Each /api route through the real proxy to the real TorchServe: success and error answers."""

import base64

import cv2
import httpx
import pytest

pytestmark = pytest.mark.slow

TIMEOUT_S = 120.0
EXPECTED_PREDICTION_FIELDS = {"label", "probability", "confidence", "threshold", "frames", "video", "model"}


def post_video(url, path, route="/api/predict"):
    return httpx.post(url + route, files={"file": (path.name, path.read_bytes(), "video/mp4")}, timeout=TIMEOUT_S)


def assert_error(answer, status, code=None):
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["code"], str) and body["code"]
    if code:
        assert body["code"] == code


def assert_prediction(body, frames=16):
    assert EXPECTED_PREDICTION_FIELDS <= set(body)
    assert body["label"] in ("real", "fake")
    assert 0.0 <= body["probability"] <= 1.0
    expected_label = "fake" if body["probability"] >= body["threshold"] else "real"
    assert body["label"] == expected_label
    assert body["confidence"] == pytest.approx(
        body["probability"] if expected_label == "fake" else 1 - body["probability"], abs=1e-5
    )
    assert body["frames"]["count"] == len(body["frames"]["scores"]) == frames


@pytest.fixture(scope="module")
def sample_video(shared_videos_dir):
    return shared_videos_dir / "sample-mp4.mp4"


def test_health_is_ready_with_a_ready_worker(proxy):
    answer = httpx.get(proxy.url + "/api/health", timeout=TIMEOUT_S)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["status"], body["model"]) == ("ready", "deepfake")
    assert body["checks"]["workers_ready"] >= 1


def test_model_describes_checkpoint_and_serving_settings(proxy):
    answer = httpx.get(proxy.url + "/api/model", timeout=TIMEOUT_S)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["name"] == "deepfake"
    assert (body["num_frames"], body["image_size"]) == (16, 224)
    assert body["classes"] == ["real", "fake"]
    assert 0.0 < body["threshold"] < 1.0
    assert isinstance(body["metrics"], dict) and body["version"] and body["arch"]
    serving = body["serving"]
    assert serving["batch_size"] >= 1 and serving["max_workers"] >= 1
    assert any(worker["status"] == "READY" for worker in serving["workers"])


def test_predict_multipart_file_and_raw_body_give_the_same_answer(proxy, sample_video):
    multipart = post_video(proxy.url, sample_video)
    assert multipart.status_code == 200, multipart.text
    assert_prediction(multipart.json())
    raw = httpx.post(
        proxy.url + "/api/predict",
        content=sample_video.read_bytes(),
        headers={"Content-Type": "video/mp4"},
        timeout=TIMEOUT_S,
    )
    assert raw.status_code == 200, raw.text
    # Same bytes reached the model both ways: the same sampled frames and probability.
    assert raw.json()["frames"]["indices"] == multipart.json()["frames"]["indices"]
    assert raw.json()["probability"] == pytest.approx(multipart.json()["probability"], abs=1e-4)


def test_predict_json_frames(proxy, sample_video):
    capture = cv2.VideoCapture(str(sample_video))
    frames = []
    while len(frames) < 4:
        ok, image = capture.read()
        assert ok
        frames.append(base64.b64encode(cv2.imencode(".jpg", image)[1].tobytes()).decode())
    capture.release()
    answer = httpx.post(proxy.url + "/api/predict", json={"frames": frames}, timeout=TIMEOUT_S)
    assert answer.status_code == 200, answer.text
    assert answer.json()["label"] in ("real", "fake")


def test_explain_adds_heatmaps_to_the_prediction(proxy, sample_video):
    answer = post_video(proxy.url, sample_video, route="/api/explain")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert_prediction(body)
    frames = body["explanation"]["frames"]
    assert len(frames) == len(body["explanation"]["temporal_saliency"]) == 16
    assert all(base64.b64decode(frame["heatmap_png"]).startswith(b"\x89PNG") for frame in frames)


@pytest.mark.parametrize("route", ["/api/predict", "/api/explain"])
def test_not_a_video_is_the_handlers_4xx_json_passed_through(proxy, route):
    answer = httpx.post(
        proxy.url + route,
        files={"file": ("notes.mp4", b"this is not a video at all" * 50, "video/mp4")},
        timeout=TIMEOUT_S,
    )
    assert 400 <= answer.status_code < 500, answer.text
    assert_error(answer, answer.status_code)


def test_bad_json_frames_keep_the_handlers_status_and_code(proxy):
    answer = httpx.post(proxy.url + "/api/predict", json={"frames": "not a list"}, timeout=TIMEOUT_S)
    assert_error(answer, 400, "bad_json")


def test_empty_body_and_form_encoding_are_refused_by_the_proxy(proxy):
    assert_error(
        httpx.post(proxy.url + "/api/predict", content=b"", headers={"Content-Type": "video/mp4"}, timeout=TIMEOUT_S),
        400,
        "empty_body",
    )
    assert_error(
        httpx.post(proxy.url + "/api/predict", data={"file": "x"}, timeout=TIMEOUT_S), 415, "unsupported_media_type"
    )


def test_unknown_route_and_wrong_method_are_json(proxy):
    assert_error(httpx.get(proxy.url + "/api/nothing", timeout=TIMEOUT_S), 404, "not_found")
    assert_error(httpx.get(proxy.url + "/api/predict", timeout=TIMEOUT_S), 405, "method_not_allowed")
