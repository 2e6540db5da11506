"""Pure pieces of the explanations: saliency shares, decisive frames, overlays, pointing."""

from __future__ import annotations

import numpy as np
import torch

from analysis.pointing_game import frame_pointing
from analysis.sanity import frame_rank_correlations
from serving.gradcam import most_decisive, temporal_saliency
from serving.heatmaps import heatmap_overlay, overlay_size


def test_saliency_is_each_frames_share_of_the_mass():
    cams = torch.tensor([[[1.0, 1.0]], [[0.0, 2.0]], [[0.0, 0.0]], [[4.0, 0.0]]])
    assert temporal_saliency(cams) == [0.25, 0.25, 0.0, 0.5]
    assert most_decisive([0.25, 0.25, 0.0, 0.5]) == [3, 0, 1]
    assert temporal_saliency(torch.zeros(3, 2, 2)) == [0.0, 0.0, 0.0]
    assert most_decisive([0.0, 0.0]) == []


def test_overlay_keeps_the_aspect_ratio_and_marks_the_hot_cell():
    assert overlay_size(1280, 720) == (160, 90)
    frame = np.full((72, 128, 3), 128, np.uint8)
    cam = np.zeros((7, 7), np.float32)
    cam[0, 0] = 1.0
    overlay = heatmap_overlay(frame, cam, cam_max=1.0)
    assert overlay.shape == (90, 160, 3)
    assert overlay[0, 0, 0] > overlay[-1, -1, 0]  # jet: hot is red, cold is blue


def test_a_face_crops_cam_colours_only_the_crop():
    frame = np.full((80, 160, 3), 128, np.uint8)
    cam = np.ones((7, 7), np.float32)
    overlay = heatmap_overlay(frame, cam, cam_max=1.0, region=(40, 20, 40, 40))  # thumbnail = frame size
    assert overlay.shape == (80, 160, 3)
    inside = np.zeros((80, 160), bool)
    inside[20:60, 40:80] = True
    assert (overlay[~inside] == 128).all()
    assert (overlay[inside] != 128).any(axis=-1).all()


def test_pointing_counts_mass_inside_the_mask():
    mask = np.zeros((70, 70), np.uint8)
    mask[:35, :35] = 255
    cam = np.zeros((7, 7), np.float32)
    cam[1, 1] = 1.0
    mass, area, hit = frame_pointing(cam, mask)
    assert mass > 0.9 and abs(area - 0.25) < 1e-6 and hit
    assert frame_pointing(np.zeros((7, 7), np.float32), mask) is None
    assert frame_pointing(cam, np.zeros_like(mask)) is None


def test_rank_correlation_of_identical_and_reversed_maps():
    maps = torch.arange(8, dtype=torch.float32).view(2, 2, 2)
    assert frame_rank_correlations(maps, maps) == [1.0, 1.0]
    assert frame_rank_correlations(maps, -maps) == [-1.0, -1.0]
    assert frame_rank_correlations(maps, torch.zeros_like(maps)) == [0.0, 0.0]
