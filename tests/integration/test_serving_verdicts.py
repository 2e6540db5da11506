"""Verdicts on a real TorchServe: the checkpoint's calibration, operating point and
in-distribution check reach every answer, the describe answer, the proxy and the scan CSV; a
checkpoint without them still answers, with the check unavailable."""

from __future__ import annotations

import csv
import math

import httpx
import pytest

from client.__main__ import main as client_main
from tests.fixtures.torchserve import assert_prediction_contract, predict, serve_checkpoint
from tests.fixtures.verdict_model import (
    BAND,
    CONFIG,
    HELDOUT_SOURCES,
    TEMPERATURE,
    THRESHOLD,
    flat_colour_clip,
    lavfi_clip,
    write_verdict_checkpoint,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def verdict_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("verdict_model")
    served = serve_checkpoint(write_verdict_checkpoint(folder), folder)
    yield served
    served.stop()


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("verdict_clips")
    return {
        "familiar": lavfi_clip(folder / "familiar.mp4", HELDOUT_SOURCES[0], seconds=3.0),
        "white": flat_colour_clip(folder / "white.mp4", "white"),
    }


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def test_answers_carry_the_verdict_the_calibrated_probability_and_the_check(verdict_server, clips):
    response = predict(verdict_server, clips["familiar"].read_bytes(), "video/mp4")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert_prediction_contract(answer, num_frames=CONFIG.num_frames)
    checked = answer["in_distribution"]
    assert checked["available"] is True and checked["ok"] is True and checked["score"] <= checked["threshold"]
    assert answer["threshold"] == THRESHOLD
    calibrated = 1 / (1 + math.exp(-logit(answer["probability_raw"]) / TEMPERATURE))
    assert answer["probability"] == pytest.approx(calibrated, abs=1e-5)
    expected = (
        "fake" if answer["probability"] >= BAND[1] else "real" if answer["probability"] < BAND[0] else "uncertain"
    )
    assert answer["verdict"] == expected
    assert answer["model"]["trained_on"] == "FFmpeg test sources (tests only)" and answer["model"]["demo"] is True


def test_a_clip_far_from_the_fitted_features_is_out_of_distribution(verdict_server, clips):
    response = predict(verdict_server, clips["white"].read_bytes(), "video/mp4")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert_prediction_contract(answer, num_frames=CONFIG.num_frames)
    assert answer["verdict"] == "out_of_distribution"
    checked = answer["in_distribution"]
    assert checked["ok"] is False
    assert checked["texture"] < checked["texture_low"]  # the flat-input gate (tests/fixtures/verdict_model.py)
    assert answer["label"] in ("real", "fake")  # the compatibility label stays


def test_the_description_summarises_operating_point_calibration_and_check(verdict_server):
    url = f"{verdict_server.inference_url}/predictions/{verdict_server.model_name}"
    described = httpx.post(url, json={"describe": True}, headers=verdict_server.inference_headers(), timeout=60).json()[
        "model"
    ]
    assert described["operating_point"]["available"] is True
    assert described["operating_point"]["threshold"] == THRESHOLD == described["threshold"]
    assert described["operating_point"]["uncertain_band"] == list(BAND)
    assert described["calibration"] == {
        "available": True,
        "method": "temperature",
        "temperature": TEMPERATURE,
        "fitted_on": "stated by hand for the tests",
    }
    check = described["in_distribution"]
    assert check["available"] is True and check["method"] in ("mahalanobis", "knn") and "state" not in check
    assert (described["trained_on"], described["demo"]) == ("FFmpeg test sources (tests only)", True)


def test_a_checkpoint_without_the_keys_answers_with_the_check_unavailable(torchserve, shared_videos_dir):
    answer = predict(torchserve, (shared_videos_dir / "carphone_pristine.mp4").read_bytes()).json()
    assert_prediction_contract(answer)
    assert answer["in_distribution"] == {"available": False, "score": None, "threshold": None, "ok": None}
    assert answer["probability"] == answer["probability_raw"]
    p = answer["probability"]
    assert answer["verdict"] == ("fake" if p >= 0.6 else "real" if p < 0.4 else "uncertain")  # threshold 0.5 +-0.1
    assert answer["model"]["trained_on"] == "not stated in the checkpoint" and answer["model"]["demo"] is False
    url = f"{torchserve.inference_url}/predictions/{torchserve.model_name}"
    described = httpx.post(url, json={"describe": True}, headers=torchserve.inference_headers(), timeout=60).json()[
        "model"
    ]
    assert described["operating_point"]["available"] is False
    assert described["calibration"]["available"] is False and described["in_distribution"] == {"available": False}


def test_the_proxy_passes_the_fields_through(verdict_server, proxy_launcher, clips):
    running = proxy_launcher.start(
        verdict_server.inference_url, verdict_server.management_url, "--key-file", str(verdict_server.key_file)
    )
    try:
        files = {"file": ("white.mp4", clips["white"].read_bytes(), "video/mp4")}
        answer = httpx.post(running.url + "/api/predict", files=files, timeout=120)
        assert answer.status_code == 200, answer.text
        assert answer.json()["verdict"] == "out_of_distribution"
        described = httpx.get(running.url + "/api/model", timeout=60).json()
        assert described["operating_point"]["threshold"] == THRESHOLD
        assert described["in_distribution"]["available"] is True and described["calibration"]["available"] is True
        assert described["trained_on"] == "FFmpeg test sources (tests only)" and described["demo"] is True
        schemas = httpx.get(running.url + "/openapi.json", timeout=10).json()["components"]["schemas"]
        assert {"verdict", "in_distribution", "probability_raw"} <= set(schemas["Prediction"]["properties"])
    finally:
        running.stop()


def test_the_scan_csv_and_the_client_table_carry_the_verdict(verdict_server, clips, tmp_path, capsys):
    folder = tmp_path / "videos"
    folder.mkdir()
    for clip in clips.values():
        (folder / clip.name).write_bytes(clip.read_bytes())
    out = tmp_path / "results.csv"
    assert (
        client_main(
            ["scan", str(folder), "--out", str(out), "--no-progress", "--url", verdict_server.inference_url]
            + ["--key-file", str(verdict_server.key_file)]
        )
        == 0
    )
    with out.open(newline="") as stream:
        rows = {row["file"].rsplit("/", 1)[1]: row for row in csv.DictReader(stream)}
    assert rows["white.mp4"]["verdict"] == "out_of_distribution" and rows["white.mp4"]["in_distribution_ok"] == "False"
    assert rows["familiar.mp4"]["in_distribution_ok"] == "True" and rows["familiar.mp4"]["demo_model"] == "True"
    assert "out_of_distribution" in capsys.readouterr().out
    assert (
        client_main(
            [
                "--url",
                verdict_server.inference_url,
                "--key-file",
                str(verdict_server.key_file),
                str(folder / "white.mp4"),
            ]
        )
        == 0
    )
    table = capsys.readouterr().out
    assert "out_of_distribution" in table and "unfamiliar" in table and "a demo model" in table
