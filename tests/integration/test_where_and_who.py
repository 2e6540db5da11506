"""Where and who, on a real TorchServe serving a small face-crop model trained in the test
(tests/fixtures/localisation_model.py): a 6-second manipulated span in a 60-second clip is
localised, its genuine original gets no fake segment, a two-face scene gets two tracks with the
manipulated face flagged, and a plainly foreign input (a flat colour video) is out_of_distribution."""

from __future__ import annotations

import httpx
import pytest

from analysis.temporal_ap import temporal_iou
from model.segments import merge_spans
from tests.fixtures.localisation_model import train_localisation_model
from tests.fixtures.torchserve import (
    assert_coverage_contract,
    assert_prediction_contract,
    cover,
    predict,
    serve_checkpoint,
)
from tests.fixtures.verdict_model import flat_colour_clip

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    return train_localisation_model(tmp_path_factory.mktemp("localisation_model"))


@pytest.fixture(scope="module")
def served(trained, tmp_path_factory):
    server = serve_checkpoint(trained.checkpoint, tmp_path_factory.mktemp("localisation_server"))
    yield server
    server.stop()


def test_a_six_second_manipulated_span_is_localised(served, trained):
    response = cover(served, trained.partial_fake.read_bytes())
    assert response.status_code == 200, response.text
    answer = response.json()
    assert_coverage_contract(answer)
    flagged = [tuple(span) for span in answer["coverage"]["flagged"]]
    (truth,) = trained.fake_spans_s
    assert flagged, f"nothing flagged; segments {answer['segments']}"
    union = merge_spans(flagged)
    overlap = sum(max(0.0, min(end, truth[1]) - max(start, truth[0])) for start, end in union)
    iou = overlap / (sum(end - start for start, end in union) + (truth[1] - truth[0]) - overlap)
    assert iou >= 0.5, f"flagged {union} vs truth {truth}: IoU {iou:.2f}"
    assert answer["verdict"] == "fake" and answer["coverage"]["adjusted"] is True
    top = answer["coverage"]["most_suspicious"]
    assert temporal_iou((top["start_s"], top["end_s"]), truth) > 0


def test_its_genuine_original_gets_no_fake_segment(served, trained):
    answer = cover(served, trained.partial_real.read_bytes()).json()
    assert_coverage_contract(answer)
    assert [s for s in answer["segments"] if s["verdict"] == "fake"] == []
    assert answer["verdict"] != "fake" and answer["coverage"]["flagged"] == []


def manipulated_side(trained) -> int:
    return next(side for side, face in enumerate(trained.faces) if face["manipulated"])


def track_side(track: dict) -> int:
    """Left or right half of the two-face frame, by the track's box centres."""
    centres = [x + w / 2 for _, x, _, w, _ in track["boxes"]]
    return int(sum(centres) / len(centres) >= 160)  # the scene is 2 x 160 px wide


def test_a_two_face_scene_gets_two_tracks_with_the_manipulated_one_flagged(served, trained):
    response = predict(served, trained.two_faces_fake.read_bytes(), "video/mp4")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert_prediction_contract(answer, num_frames=4)
    faces = answer["faces"]
    assert len(faces) == 2, faces
    by_side = {track_side(face): face for face in faces}
    assert set(by_side) == {0, 1}
    manipulated, untouched = by_side[manipulated_side(trained)], by_side[1 - manipulated_side(trained)]
    assert manipulated["verdict"] == "fake", faces
    assert untouched["verdict"] != "fake" and untouched["probability"] < manipulated["probability"]
    assert answer["decided_by"] == {"track": manipulated["track"]} and answer["verdict"] == "fake"
    assert answer["frames"]["face_count"] == [2, 2, 2, 2]
    assert all(len(box) == 5 for box in manipulated["boxes"])


def test_the_genuine_two_face_scene_has_no_fake_track(served, trained):
    answer = predict(served, trained.two_faces_real.read_bytes(), "video/mp4").json()
    assert len(answer["faces"]) == 2 and all(face["verdict"] != "fake" for face in answer["faces"])
    assert answer["verdict"] != "fake"


def test_a_flat_colour_video_is_out_of_distribution(served, tmp_path):
    answer = predict(served, flat_colour_clip(tmp_path / "flat.mp4", "0x3366aa").read_bytes(), "video/mp4").json()
    assert answer["faces"] == [] and answer["frames"]["face_count"] == [0, 0, 0, 0]  # no face: said so
    assert answer["decided_by"] == {"track": None, "clip": "main face"}
    assert answer["verdict"] == "out_of_distribution", answer["in_distribution"]
    assert answer["in_distribution"]["score"] > answer["in_distribution"]["threshold"]


def test_the_description_says_what_the_test_model_knows(served):
    url = f"{served.inference_url}/predictions/{served.model_name}"
    described = httpx.post(url, json={"describe": True}, headers=served.inference_headers(), timeout=60).json()["model"]
    assert described["trained_on"] == "synthetic face clips (tests only)" and described["demo"] is True
    assert described["operating_point"]["available"] and "genuine_scores" not in described["operating_point"]
    assert described["calibration"]["available"] and described["in_distribution"]["available"]
