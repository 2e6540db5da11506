"""train.onthefly steps on one thread while another process shares the cores (the demo's clip
writer), and on all of them again once it is done and after training."""

import pytest
import torch

from model.config import ModelConfig
from model.network import build_detector
from train.onthefly import OnTheFlySettings, train_on_the_fly

pytestmark = pytest.mark.slow


def test_training_takes_one_thread_while_the_cores_are_shared():
    config = ModelConfig(num_frames=2, image_size=48)
    settings = OnTheFlySettings(image_size=48, pairs_per_step=2, steps=4, crop=32, scene_pool=2, validate_every=0)
    seen, busy = [], iter([True, True, False, False])

    def sharing_cores() -> bool:
        seen.append(torch.get_num_threads())  # the threads the previous step ran on
        return next(busy)

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        train_on_the_fly(
            build_detector(config),
            config.mean,
            config.std,
            settings,
            bf16=False,
            progress=False,
            sharing_cores=sharing_cores,
        )
        assert seen == [2, 1, 1, 2] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
