"""The face-crop stage with the real detector (MTCNN, weights shipped in facenet-pytorch) on the
shared real videos: a talking head, a clip with no face, frames too small to hold one."""

import numpy as np
import pytest

from model.config import ModelConfig
from model.faces import MIN_FACE_PX, detect_faces, locate_face_crops
from model.frames import sample_video
from model.preprocess import preprocess_clip

FRAMES = 16


@pytest.fixture(scope="module")
def carphone_frames(shared_videos_dir):
    return sample_video(shared_videos_dir / "carphone_pristine.mp4", FRAMES).frames


def test_the_face_is_found_in_at_least_90_percent_of_carphone_frames(carphone_frames):
    crops = locate_face_crops(carphone_frames)
    found = [crop for crop in crops if crop.found]
    assert len(found) >= 0.9 * FRAMES, [crop.to_dict() for crop in crops]
    for crop in found:
        x, y, width, height = crop.region
        assert width == height and 40 <= width <= 144  # a head in a 176x144 frame, not the frame
        assert x >= 0 and y >= 0 and x + width <= 176 and y + height <= 144


def test_smoothed_crops_of_a_talking_head_move_little_between_sampled_frames(carphone_frames):
    regions = np.array([crop.region for crop in locate_face_crops(carphone_frames) if crop.found], dtype=float)
    centre_steps = np.abs(np.diff(regions[:, :2] + regions[:, 2:] / 2, axis=0))
    assert centre_steps.max() < 0.25 * regions[:, 2].mean()


def test_a_clip_without_faces_falls_back_to_whole_frames_and_says_so(shared_videos_dir):
    sampled = sample_video(shared_videos_dir / "sample-mp4.mp4", 8)  # Lego bricks, no face anywhere
    crops = locate_face_crops(sampled.frames)
    height, width = sampled.frames[0].shape[:2]
    assert [crop.to_dict() for crop in crops] == [{"found": False, "box": [0, 0, width, height], "score": None}] * 8


def test_frames_too_small_for_a_face_are_not_an_error():
    tiny = [np.zeros((MIN_FACE_PX - 1, 300, 3), np.uint8), np.zeros((8, 8, 3), np.uint8)]
    assert detect_faces(tiny) == [[], []]


def test_frames_of_different_sizes_are_each_detected(carphone_frames):
    frames = [carphone_frames[0], np.zeros((100, 100, 3), np.uint8), carphone_frames[1]]
    found = detect_faces(frames)
    assert len(found[0]) >= 1 and found[1] == [] and len(found[2]) >= 1


def test_face_crop_preprocessing_feeds_the_crops_and_reports_them_per_frame(carphone_frames):
    clip = preprocess_clip(carphone_frames, ModelConfig(image_size=64, face_crop=True))
    whole = preprocess_clip(carphone_frames, ModelConfig(image_size=64, face_crop=False))
    assert clip.tensor.shape == whole.tensor.shape == (FRAMES, 3, 64, 64)
    assert not np.allclose(clip.tensor.numpy(), whole.tensor.numpy(), atol=0.1)
    described = clip.describe_faces()
    assert len(described) == FRAMES and sum(face["found"] for face in described) >= 0.9 * FRAMES
    assert all(set(face) == {"found", "box", "score"} for face in described)
