"""Face-crop logic without the detector: following one face, smoothing, the square crop region,
and the per-frame crops in the answer."""

import numpy as np
import pytest

from model.config import ModelConfig
from model.faces import FACE_MARGIN, FaceBox, FaceCrop, crop_frame, follow_main_face, iou, smooth_boxes, square_region
from model.frames import sample_images
from model.inference import ClipScore
from model.preprocess import crop_and_resize, preprocess_clip, resize_frames
from serving.responses import prediction


def box(x, y, side, score=0.99):
    return FaceBox(float(x), float(y), float(side), float(side), score)


def test_iou_of_identical_disjoint_and_half_overlapping_boxes():
    assert iou(box(0, 0, 10), box(0, 0, 10)) == pytest.approx(1.0)
    assert iou(box(0, 0, 10), box(20, 20, 10)) == 0.0
    assert iou(FaceBox(0, 0, 10, 10, 1), FaceBox(5, 0, 10, 10, 1)) == pytest.approx(50 / 150)


def test_the_largest_face_is_picked_first_then_followed_even_when_another_grows_larger():
    speaker, bystander = box(10, 10, 40), box(200, 10, 30)
    bystander_closer = box(200, 10, 60)
    picked = follow_main_face([[bystander, speaker], [box(12, 10, 40), bystander_closer], [bystander_closer]])
    assert picked[0] == speaker
    assert picked[1] == box(12, 10, 40)  # the same face as before, not the larger one
    assert picked[2] == bystander_closer  # the followed face is gone: the largest again


def test_frames_without_a_face_pick_nothing_and_do_not_break_the_track():
    speaker = box(10, 10, 40)
    picked = follow_main_face([[speaker], [], [box(11, 10, 40), box(100, 100, 80)]])
    assert picked[1] is None
    assert picked[2] == box(11, 10, 40)


def test_smoothing_pulls_a_jittered_box_towards_its_neighbours():
    jittered = [box(100, 100, 50), box(108, 100, 50), box(100, 100, 50)]
    smoothed = smooth_boxes(jittered)
    assert smoothed[1].x == pytest.approx(104.0)  # 0.25 * 100 + 0.5 * 108 + 0.25 * 100
    assert smoothed[0].x == pytest.approx((0.5 * 100 + 0.25 * 108) / 0.75)  # the edge renormalises
    assert [b.width for b in smoothed] == pytest.approx([50, 50, 50])


def test_smoothing_never_blends_another_face_or_a_missing_frame():
    other_scene = [box(0, 0, 40), box(300, 200, 40), None, box(300, 200, 40)]
    smoothed = smooth_boxes(other_scene)
    assert smoothed[0] == box(0, 0, 40)
    assert smoothed[1] == box(300, 200, 40)
    assert smoothed[2] is None


def test_square_region_is_the_margin_times_the_face_centred_on_it():
    face = FaceBox(100, 80, 40, 50, 0.99)
    x, y, width, height = square_region(face, 640, 360)
    assert width == height == round(FACE_MARGIN * 50)
    assert (x + width / 2, y + height / 2) == pytest.approx(face.centre, abs=1)


def test_square_region_moves_inside_the_frame_and_never_exceeds_it():
    assert square_region(FaceBox(-10, -5, 40, 40, 1), 200, 100) == (0, 0, 52, 52)
    assert square_region(FaceBox(180, 80, 40, 40, 1), 200, 100)[:2] == (148, 48)
    assert square_region(FaceBox(0, 0, 150, 150, 1), 200, 100) == (25, 0, 100, 100)  # centred on x = 75


def test_crop_frame_cuts_the_region_and_a_fallback_keeps_the_whole_frame():
    frame = np.arange(20 * 30 * 3, dtype=np.uint8).reshape(20, 30, 3)
    assert crop_frame(frame, FaceCrop(True, (5, 2, 10, 10), 0.9)).shape == (10, 10, 3)
    whole = FaceCrop(False, (0, 0, 30, 20))
    assert np.array_equal(crop_frame(frame, whole), frame)
    assert whole.to_dict() == {"found": False, "box": [0, 0, 30, 20], "score": None}


def test_without_face_crop_preprocessing_is_the_plain_resize_and_reports_no_faces():
    frames = [np.random.default_rng(seed).integers(0, 255, (48, 80, 3), dtype=np.uint8) for seed in range(3)]
    prepared = crop_and_resize(frames, ModelConfig(image_size=32))
    assert prepared.faces is None
    assert np.array_equal(prepared.pixels, resize_frames(frames, 32))
    assert preprocess_clip(frames, ModelConfig(image_size=32)).describe_faces() is None


def test_the_answer_lists_face_crops_per_frame_only_for_face_crop_models():
    sampled = sample_images([np.zeros((20, 30, 3), np.uint8)] * 2, 2, fps=1.0)
    faces = [FaceCrop(True, (5, 2, 10, 10), 0.98765).to_dict(), FaceCrop(False, (0, 0, 30, 20)).to_dict()]
    model = {"name": "deepfake", "version": "1.0", "arch": "resnet18-temporal-gru"}
    with_faces = prediction(sampled, ClipScore(0.4, [0.4, 0.4]), 0.5, model, {}, faces)
    assert with_faces["frames"]["face"] == [
        {"found": True, "box": [5, 2, 10, 10], "score": 0.9877},
        {"found": False, "box": [0, 0, 30, 20], "score": None},
    ]
    assert "face" not in prediction(sampled, ClipScore(0.4, [0.4, 0.4]), 0.5, model, {})["frames"]
