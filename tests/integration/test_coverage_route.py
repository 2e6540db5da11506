"""coverage=full on a real TorchServe (the session's random-init model): the answer's segments and
coverage block, the routes that carry the option, the limits, and bad input as everywhere else.
Whether segments are *right* is tested with a trained model (test_coverage_localisation.py)."""

from __future__ import annotations

import base64
import csv
import io

import httpx
import numpy as np
import pytest
from PIL import Image

from tests.fixtures.torchserve import assert_coverage_contract, assert_prediction_contract, cover, predict

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def video_20s(h264_video_factory):
    return h264_video_factory(20, 320, 240, fps=10, gop=50).read_bytes()


def test_a_coverage_answer_has_segments_over_the_whole_video(torchserve, video_20s):
    response = cover(torchserve, video_20s)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert_coverage_contract(answer)
    coverage = answer["coverage"]
    assert (coverage["window_s"], coverage["stride_s"]) == (4.0, 2.0)  # the documented defaults
    assert coverage["windows"] == 9 and coverage["effective_windows"] == 5
    assert answer["frames"]["count"] == 10  # 2 frames per 4-s window, every 2 s
    assert coverage["adjusted"] is False  # the test checkpoint stores no genuine scores
    assert answer["batch_size"] == 1


def test_window_and_stride_come_with_the_request(torchserve, video_20s):
    answer = cover(torchserve, video_20s, window_s="10", stride_s="5").json()
    assert [(s["start_s"], s["end_s"]) for s in answer["segments"]] == [(0.0, 10.0), (5.0, 15.0), (10.0, 20.0)]


def test_the_predictions_route_drops_the_query_string_so_it_gives_the_16_frame_answer(torchserve, video_20s):
    url = f"{torchserve.inference_url}/predictions/{torchserve.model_name}?coverage=full"
    answer = httpx.post(
        url, content=video_20s, headers={"Content-Type": "video/mp4", **torchserve.inference_headers()}, timeout=120
    ).json()
    assert_prediction_contract(answer)  # TorchServe 0.12's frontend: documented in serving/README.md
    assert "segments" not in answer


def png(value: int) -> str:
    buffer = io.BytesIO()
    Image.fromarray(np.full((48, 64, 3), value, np.uint8)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def test_json_frames_carry_coverage_in_the_body(torchserve):
    body = {"frames": [png(v) for v in range(0, 240, 10)], "fps": 4, "coverage": "full", "window_s": 2}
    url = f"{torchserve.inference_url}/predictions/{torchserve.model_name}"
    answer = httpx.post(url, json=body, headers=torchserve.inference_headers(), timeout=120).json()
    assert_coverage_contract(answer)
    assert answer["video"]["duration_s"] == 6.0 and answer["coverage"]["windows"] == 5
    explained = httpx.post(
        f"{torchserve.inference_url}/explanations/{torchserve.model_name}",
        json=body,
        headers=torchserve.inference_headers(),
        timeout=120,
    )
    assert explained.status_code == 400 and explained.json()["code"] == "coverage_not_explainable"


def test_too_many_windows_is_413_before_any_decoding(torchserve, video_20s):
    response = cover(torchserve, video_20s, window_s="0.02", stride_s="0.01")
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "too_many_windows"


@pytest.mark.parametrize(
    ("options", "body", "code"),
    [
        ({"window_s": "-4"}, None, "bad_coverage"),
        ({"window_s": "4", "stride_s": "8"}, None, "bad_coverage"),
        ({"coverage": "half"}, None, "bad_coverage"),
        ({}, b"this is not a video at all" * 20, "undecodable"),
        ({}, b"\x00" * 5000, "undecodable"),
    ],
)
def test_bad_coverage_requests_are_400_with_a_code(torchserve, video_20s, options, body, code):
    response = cover(torchserve, body if body is not None else video_20s, "application/octet-stream", **options)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == code


def test_the_proxy_forwards_coverage_and_refuses_it_for_explanations(proxy, video_20s):
    files = {"file": ("v.mp4", video_20s, "video/mp4")}
    answer = httpx.post(proxy.url + "/api/predict", params={"coverage": "full"}, files=files, timeout=300)
    assert answer.status_code == 200, answer.text
    assert_coverage_contract(answer.json())
    plain = httpx.post(proxy.url + "/api/predict", files=files, timeout=300).json()
    assert "segments" not in plain and plain["frames"]["count"] == 16
    refused = httpx.post(proxy.url + "/api/explain", params={"coverage": "full"}, files=files, timeout=300)
    assert refused.status_code == 400 and refused.json()["code"] == "coverage_not_explainable"
    bad = httpx.post(proxy.url + "/api/predict", params={"coverage": "x" * 40}, files=files, timeout=300)
    assert bad.status_code == 400 and bad.json()["code"] == "bad_coverage"
    described = httpx.get(proxy.url + "/openapi.json", timeout=10).json()
    names = [p["name"] for p in described["paths"]["/api/predict"]["post"]["parameters"]]
    assert names == ["coverage", "window_s", "stride_s"]


def test_the_client_and_the_scan_ask_for_coverage(torchserve, video_20s, tmp_path, capsys):
    from client.__main__ import main as client_main

    key_file = str(torchserve.key_file)
    folder = tmp_path / "videos"
    folder.mkdir()
    (folder / "long.mp4").write_bytes(video_20s)
    assert (
        client_main(["--coverage", "--url", torchserve.inference_url, "--key-file", key_file, str(folder / "long.mp4")])
        == 0
    )
    assert "9 windows" in capsys.readouterr().out
    out = tmp_path / "results.csv"
    assert (
        client_main(
            ["scan", str(folder), "--coverage", "--out", str(out), "--no-progress", "--url", torchserve.inference_url]
            + ["--key-file", key_file]
        )
        == 0
    )
    row = next(csv.DictReader(out.open(newline="")))
    assert (row["coverage"], row["windows"]) == ("full", "9") and float(row["top_segment_end_s"]) > 0


def test_a_plain_answer_through_predict_is_unchanged(torchserve, video_20s):
    answer = predict(torchserve, video_20s, "video/mp4").json()
    assert_prediction_contract(answer)
    assert "coverage" not in answer and "faces" not in answer
