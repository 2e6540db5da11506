"""POST /predictions/deepfake on a real TorchServe: every shared video, every body form."""

from __future__ import annotations

import base64
import io
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from PIL import Image

from model.frames import sample_clip
from tests.fixtures.media import shared_video_files
from tests.fixtures.torchserve import assert_prediction_contract, predict

SHARED_VIDEOS = shared_video_files()


@pytest.fixture(scope="module")
def single_answers(torchserve) -> dict[str, dict]:
    """Each shared video's answer when sent alone (one request at a time)."""
    answers = {}
    for path in SHARED_VIDEOS:
        response = predict(torchserve, path.read_bytes())
        assert response.status_code == 200, f"{path.name}: {response.text}"
        answers[path.name] = response.json()
    return answers


@pytest.mark.parametrize("path", SHARED_VIDEOS, ids=lambda p: p.name)
def test_every_shared_video_gets_a_full_answer(single_answers, path):
    answer = single_answers[path.name]
    assert_prediction_contract(answer)
    duration = answer["video"]["duration_s"]
    assert duration > 0
    assert all(0.0 <= stamp <= duration for stamp in answer["frames"]["timestamps_s"])
    assert answer["model"]["name"] == "deepfake"


def test_the_same_video_twice_gives_the_same_probability(torchserve, single_answers):
    path = SHARED_VIDEOS[0]
    again = predict(torchserve, path.read_bytes()).json()
    assert again["probability"] == single_answers[path.name]["probability"]


def png_base64(frame) -> str:
    buffer = io.BytesIO()
    Image.fromarray(frame).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def test_json_frames_of_a_video_give_its_answer(torchserve, single_answers):
    path = next(p for p in SHARED_VIDEOS if p.name == "carphone_pristine.mp4")
    sampled = sample_clip(path.read_bytes(), 16)
    frames = [png_base64(frame) for frame in sampled.frames]
    frames[1] = "data:image/png;base64," + frames[1]  # what canvas.toDataURL sends
    response = httpx.post(
        f"{torchserve.inference_url}/predictions/deepfake",
        json={"frames": frames},
        headers=torchserve.inference_headers(),
        timeout=60,
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert_prediction_contract(answer)
    assert abs(answer["probability"] - single_answers[path.name]["probability"]) < 1e-4
    assert answer["frames"]["scores"] == pytest.approx(single_answers[path.name]["frames"]["scores"], abs=1e-4)


def test_multipart_field_data_and_file_are_accepted(torchserve, single_answers):
    path = SHARED_VIDEOS[0]
    for field in ("data", "file"):
        files = {field: (path.name, path.read_bytes(), "video/mp4")}
        response = httpx.post(
            f"{torchserve.inference_url}/predictions/deepfake",
            files=files,
            headers=torchserve.inference_headers(),
            timeout=60,
        )
        assert response.status_code == 200, response.text
        assert response.json()["probability"] == single_answers[path.name]["probability"]


def test_an_image_is_a_one_frame_clip(torchserve):
    sampled = sample_clip((SHARED_VIDEOS[0]).read_bytes(), 1)
    response = predict(torchserve, base64.b64decode(png_base64(sampled.frames[0])), "image/png")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert_prediction_contract(answer)
    assert answer["frames"]["unique"] == 1 and answer["video"]["frames_total"] == 1


def test_concurrent_requests_are_batched_and_match_single_answers(torchserve, single_answers):
    paths = SHARED_VIDEOS[:8]
    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        responses = list(pool.map(lambda p: predict(torchserve, p.read_bytes()), paths))
    answers = [response.json() for response in responses]
    assert all(response.status_code == 200 for response in responses), [r.text for r in responses]
    assert max(answer["batch_size"] for answer in answers) > 1, [a["batch_size"] for a in answers]
    for path, answer in zip(paths, answers):
        assert abs(answer["probability"] - single_answers[path.name]["probability"]) < 1e-4, path.name


def test_describe_gives_the_checkpoint_metadata(torchserve):
    response = httpx.post(
        f"{torchserve.inference_url}/predictions/deepfake",
        json={"describe": True},
        headers=torchserve.inference_headers(),
        timeout=30,
    )
    assert response.status_code == 200
    model = response.json()["model"]
    expected = {
        "name",
        "version",
        "arch",
        "num_frames",
        "image_size",
        "threshold",
        "classes",
        "metrics",
        "data",
        "created",
        "face_crop",
    }
    assert expected <= set(model)
    assert model["version"] == "1.0" and model["num_frames"] == 16
