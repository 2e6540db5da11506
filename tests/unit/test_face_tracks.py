"""Per-face tracks without the detector: linking faces across sampled frames, which tracks count,
and each track's own crops."""

from __future__ import annotations

import numpy as np

from model.config import ModelConfig
from model.face_tracks import counts, link_tracks, track_clips
from model.faces import FaceBox


def box(x, y, side=40, score=0.99):
    return FaceBox(float(x), float(y), float(side), float(side), score)


def test_two_faces_moving_apart_stay_two_tracks():
    detections = [[box(10 + 5 * t, 20), box(200 - 5 * t, 30)] for t in range(6)]
    tracks = link_tracks(detections)
    assert len(tracks) == 2
    left, right = tracks
    assert all(b.x < 100 for b in left.boxes) and all(b.x > 100 for b in right.boxes)
    assert left.found == right.found == 6


def test_the_order_of_detections_in_a_frame_does_not_swap_identities():
    detections = [[box(10, 20), box(200, 30)], [box(202, 31), box(12, 21)], [box(14, 22), box(204, 32)]]
    left, right = link_tracks(detections)
    assert [b.x for b in left.boxes] == [10, 12, 14] and [b.x for b in right.boxes] == [200, 202, 204]


def test_a_face_that_jumped_without_overlap_is_linked_by_centre_distance():
    detections = [[box(100, 100)], [box(125, 100)], [box(150, 100)]]  # 25 px steps: IoU 0.23 < 0.3
    (track,) = link_tracks(detections)
    assert track.found == 3


def test_a_short_gap_continues_a_track_and_a_long_one_starts_another():
    short = [[box(50, 50)], [], [], [box(52, 50)]]
    assert len(link_tracks(short)) == 1
    long = [[box(50, 50)], [], [], [], [box(52, 50)]]
    assert len(link_tracks(long)) == 2


def test_a_face_seen_once_does_not_count():
    detections = [[box(10, 10)] + ([box(300, 300)] if t == 3 else []) for t in range(16)]
    main, flash = link_tracks(detections)
    assert counts(main, 16) and not counts(flash, 16)
    assert not counts(link_tracks([[box(10, 10)], [], [], []])[0], 4)


def test_each_counted_track_becomes_a_clip_of_its_own_crops_holding_missed_frames():
    frames = [np.full((240, 320, 3), 40 * t, np.uint8) for t in range(4)]
    detections = [
        [box(20, 20, 60), box(220, 100, 60)],
        [box(22, 20, 60)],
        [box(24, 20, 60), box(221, 100, 60)],
        [box(26, 20, 60), box(222, 100, 60)],
    ]
    clips = track_clips(frames, link_tracks(detections), ModelConfig(image_size=32, face_crop=True))
    assert [clip.track.track for clip in clips] == [0, 1]
    assert all(clip.pixels.shape == (4, 32, 32, 3) for clip in clips)
    right = clips[1]
    assert [crop.found for crop in right.crops] == [True, False, True, True]
    assert right.crops[1].region == right.crops[0].region  # the missed frame holds the nearest box
    assert all(crop.region[0] > 160 for crop in right.crops) and all(crop.region[0] < 60 for crop in clips[0].crops)
    assert int(right.pixels[1].mean()) == 40  # frame 1's pixels, at the held region
