"""A model variant round trip: checkpoint (face crop on, Transformer temporal encoder, 8 frames,
112 px) -> archive -> a real TorchServe -> answers. One extra server for both choices: each is
checked on its own (the face crops in the answer, the encoder in the probability)."""

from __future__ import annotations

import base64
import io
from dataclasses import replace

import numpy as np
import pytest
import torch
from PIL import Image

from model.checkpoint import load_detector, save_checkpoint
from model.config import ModelConfig
from model.faces import locate_face_crops
from model.frames import sample_clip
from model.inference import score_clips
from model.network import build_detector
from model.precision import uses_bf16
from model.preprocess import preprocess_clip
from serving.heatmaps import thumbnail
from stack.archive import build_archive
from tests.fixtures.torchserve import assert_prediction_contract, predict, start_served_model

VARIANT = ModelConfig(temporal="transformer", face_crop=True, num_frames=8, image_size=112)


@pytest.fixture(scope="module")
def variant_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("variant_model")
    torch.manual_seed(1)
    checkpoint_path = folder / "checkpoints" / "deepfake.pth"
    save_checkpoint(checkpoint_path, build_detector(VARIANT), VARIANT, data={"note": "random init, tests only"})
    mar_path = build_archive(checkpoint_path, folder / "model_store")
    served = start_served_model(folder / "torchserve", mar_path, checkpoint_path)
    yield served
    served.stop()


@pytest.fixture(scope="module")
def carphone(shared_videos_dir) -> bytes:
    return (shared_videos_dir / "carphone_pristine.mp4").read_bytes()


def served_answer(served, body: bytes, route: str = "predictions") -> dict:
    response = predict(served, body, "video/mp4", route)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_served_model_describes_the_variant(variant_server):
    response = predict(variant_server, b'{"describe": true}', "application/json")
    model = response.json()["model"]
    assert model["arch"] == "resnet18-temporal-transformer"
    assert (model["face_crop"], model["num_frames"], model["image_size"]) == (True, 8, 112)


def test_answers_report_the_face_crop_of_every_frame(variant_server, carphone):
    answer = served_answer(variant_server, carphone)
    assert_prediction_contract(answer, num_frames=8)
    faces = answer["frames"]["face"]
    assert len(faces) == 8 and sum(face["found"] for face in faces) >= 0.9 * 8, faces
    local = locate_face_crops(sample_clip(carphone, 8).frames)  # the same code, run here
    assert [face["found"] for face in faces] == [crop.found for crop in local]
    for face, crop in zip(faces, local):
        assert np.abs(np.subtract(face["box"], crop.region)).max() <= 2  # thread counts may move a box a pixel


def test_the_served_probability_is_the_transformer_models_on_the_face_crops(variant_server, carphone):
    answer = served_answer(variant_server, carphone)
    detector, config, _ = load_detector(variant_server.checkpoint_path)
    frames = sample_clip(carphone, config.num_frames).frames

    def local_probability(model, face_crop: bool) -> float:
        clip = preprocess_clip(frames, replace(config, face_crop=face_crop)).tensor
        return score_clips(model, [clip], 64, "cpu", uses_bf16("auto"))[0].probability

    assert answer["probability"] == pytest.approx(local_probability(detector, True), abs=2e-3)
    # Neither the whole frames nor the same weights pooled by a mean give that answer.
    mean_pooled = build_detector(replace(config, temporal="mean")).eval()
    mean_pooled.load_state_dict(detector.state_dict(), strict=False)  # all but the Transformer
    assert abs(answer["probability"] - local_probability(detector, False)) > 1e-2
    assert abs(answer["probability"] - local_probability(mean_pooled, True)) > 1e-2


def test_a_video_without_faces_is_scored_on_whole_frames(variant_server, shared_videos_dir):
    answer = served_answer(variant_server, (shared_videos_dir / "sample-mp4.mp4").read_bytes())
    width, height = answer["video"]["width"], answer["video"]["height"]
    assert answer["frames"]["face"] == [{"found": False, "box": [0, 0, width, height], "score": None}] * 8


def test_explanations_run_through_the_transformer(variant_server, carphone):
    answer = served_answer(variant_server, carphone, route="explanations")
    explained = answer["explanation"]
    assert len(explained["frames"]) == 8 and len(answer["frames"]["face"]) == 8
    assert sum(explained["temporal_saliency"]) == pytest.approx(1.0, abs=1e-3) or explained["cam_max"] == 0


def test_each_heatmap_covers_only_the_face_crop_the_network_saw(variant_server, carphone):
    answer = served_answer(variant_server, carphone, route="explanations")
    frames = sample_clip(carphone, 8).frames
    for slot, (explained, face) in enumerate(zip(answer["explanation"]["frames"], answer["frames"]["face"])):
        assert explained["cam_region"] == face["box"]
        overlay = np.asarray(Image.open(io.BytesIO(base64.b64decode(explained["heatmap_png"]))).convert("RGB"))
        plain = thumbnail(frames[slot])
        scale = plain.shape[1] / frames[slot].shape[1]
        x, y, width, height = (round(v * scale) for v in face["box"])
        outside = np.ones(plain.shape[:2], bool)
        outside[max(y - 1, 0) : y + height + 1, max(x - 1, 0) : x + width + 1] = False
        assert face["found"] and outside.any()
        assert np.array_equal(overlay[outside], plain[outside]), f"frame {slot}: colour outside the crop"
        assert not np.array_equal(overlay[~outside], plain[~outside]) or explained["saliency"] == 0
