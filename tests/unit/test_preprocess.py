"""The one preprocessing definition: shapes, dtype and normalisation."""

import numpy as np
import torch

from model.config import ModelConfig
from model.preprocess import preprocess_clip


def test_frames_become_normalised_square_tensor():
    config = ModelConfig(image_size=64)
    frames = [np.full((48, 80, 3), 255, np.uint8), np.zeros((720, 1280, 3), np.uint8)]
    tensor = preprocess_clip(frames, config).tensor
    assert tensor.shape == (2, 3, 64, 64) and tensor.dtype == torch.float32
    white = (1 - torch.tensor(config.mean)) / torch.tensor(config.std)
    black = -torch.tensor(config.mean) / torch.tensor(config.std)
    assert torch.allclose(tensor[0, :, 10, 10], white, atol=1e-5)
    assert torch.allclose(tensor[1, :, 10, 10], black, atol=1e-5)
