"""Synthetic ground truth for where and who: partial fakes differ from their reals only inside
the saved range; two-face scenes have the blend on the saved face only, where its mask says."""

from __future__ import annotations

import json

import av
import numpy as np

from train.synth.localisation import TRUTH, LocalisationSettings, write_localisation_data


def frames_of(path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.stack([frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]).astype(np.int16)


def test_partial_fakes_and_two_face_scenes(tmp_path):
    settings = LocalisationSettings(
        tmp_path, partial=1, two_faces=1, seed=3, duration_s=6.0, fake_span_s=2.0, two_face_duration_s=1.0, size=96
    )
    write_localisation_data(settings)
    partial = json.loads((tmp_path / "partial" / TRUTH).read_text())["videos"]["partial000"]
    (start, end) = partial["fake_spans_s"][0]
    assert end - start == 2.0 and 0 < start and end < 6.0 and partial["frames"] == 60
    real, fake = (
        frames_of(tmp_path / "partial/real/partial000.mp4"),
        frames_of(tmp_path / "partial/fake/partial000.mp4"),
    )
    difference = np.abs(real - fake).mean(axis=(1, 2, 3))
    inside = (np.arange(60) / 10 >= start) & (np.arange(60) / 10 < end)
    # well before the range: the same frames (just before it, B-frames predict from manipulated frames)
    assert difference[: int(start * 10) - 5].max() < 0.5
    # outside it, only the codec's prediction from the manipulated frames differs (until the next keyframe)
    assert difference[inside].min() > 2 * difference[~inside].max()

    scene = json.loads((tmp_path / "two_faces" / TRUTH).read_text())["videos"]["twofaces000"]
    manipulated = scene["manipulated_face"]
    assert [face["manipulated"] for face in scene["faces"]] == [i == manipulated for i in range(2)]
    masks = np.load(tmp_path / "two_faces/masks/twofaces000.npz")["masks"]
    assert masks.shape == (2, 10, 96, 192) and masks[1 - manipulated].max() == 0 and masks[manipulated].max() > 200
    x, y, w, h = scene["faces"][manipulated]["boxes"][0]
    assert masks[manipulated, 0, int(y + h / 2), int(x + w / 2)] > 200  # the blend sits on the saved face box
    real, fake = (
        frames_of(tmp_path / "two_faces/real/twofaces000.mp4"),
        frames_of(tmp_path / "two_faces/fake/twofaces000.mp4"),
    )
    half = slice(manipulated * 96, manipulated * 96 + 96)
    other = slice((1 - manipulated) * 96, (1 - manipulated) * 96 + 96)
    assert np.abs(real[:, :, half] - fake[:, :, half]).mean() > 4 * np.abs(real[:, :, other] - fake[:, :, other]).mean()
