"""POST /explanations/deepfake on a real TorchServe: Grad-CAM per frame, same prediction as /predictions."""

from __future__ import annotations

import base64
import io
import math
from concurrent.futures import ThreadPoolExecutor

import httpx
from PIL import Image

from tests.fixtures.media import SHARED_VIDEOS_DIR
from tests.fixtures.torchserve import assert_prediction_contract, predict

VIDEO = SHARED_VIDEOS_DIR / "sample-mp4.mp4"
PREDICTION_KEYS = ("label", "probability", "confidence", "threshold", "frames", "video", "model")


def test_explanation_has_16_heatmaps_and_the_prediction_of_the_predict_route(torchserve):
    explained = predict(torchserve, VIDEO.read_bytes(), route="explanations")
    predicted = predict(torchserve, VIDEO.read_bytes())
    assert explained.status_code == 200, explained.text
    answer = explained.json()
    assert_prediction_contract(answer)
    for key in PREDICTION_KEYS:
        assert answer[key] == predicted.json()[key], key
    explanation = answer["explanation"]
    size = (explanation["heatmap_size"]["width"], explanation["heatmap_size"]["height"])
    assert len(explanation["frames"]) == 16
    for frame in explanation["frames"]:
        image = Image.open(io.BytesIO(base64.b64decode(frame["heatmap_png"])))
        assert image.format == "PNG" and image.size == size
        grid = [value for row in frame["cam"] for value in row]
        assert len(frame["cam"]) == explanation["cam_shape"][0] and all(math.isfinite(v) and v >= 0 for v in grid)
        assert 0.0 <= frame["score"] <= 1.0
    curve = explanation["temporal_saliency"]
    assert len(curve) == 16 and all(math.isfinite(v) and v >= 0 for v in curve)
    assert abs(sum(curve) - 1.0) < 1e-3 or sum(curve) == 0
    assert all(0 <= slot < 16 for slot in explanation["top_frames"])
    assert len(explained.content) < 16 * 1024 * 1024  # config.properties max_response_size


def test_every_request_of_a_batch_is_explained(torchserve):
    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(lambda _: predict(torchserve, VIDEO.read_bytes(), route="explanations"), range(4)))
    assert all(response.status_code == 200 for response in responses), [r.text[:200] for r in responses]
    assert all(len(response.json()["explanation"]["frames"]) == 16 for response in responses)


def test_json_frames_can_be_explained(torchserve):
    png = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 90, 60)).save(png, format="PNG")
    frames = ["data:image/png;base64," + base64.b64encode(png.getvalue()).decode()] * 3
    response = httpx.post(
        f"{torchserve.inference_url}/explanations/deepfake",
        json={"frames": frames},
        headers=torchserve.inference_headers(),
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert len(response.json()["explanation"]["frames"]) == 16
