"""The on-the-fly trainer's loss and stopping rule (pure logic; train/onthefly.py)."""

import torch

from train.onthefly import OnTheFlySettings, _loss, _progress_share


def test_ranking_loss_rewards_each_fake_above_its_own_real():
    labels = torch.tensor([0.0, 1.0, 0.0, 1.0])
    settings = OnTheFlySettings(rank_weight=1.0)
    ordered = torch.tensor([-1.0, 1.0, 0.5, 0.6])  # both fakes above their reals
    swapped = torch.tensor([1.0, -1.0, 0.6, 0.5])  # same scores, each pair reversed
    assert _loss(ordered, labels, settings) < _loss(swapped, labels, settings)
    plain = OnTheFlySettings(rank_weight=0.0)
    bce = torch.nn.functional.binary_cross_entropy_with_logits(ordered, labels)
    assert torch.isclose(_loss(ordered, labels, plain), bce)
    assert _loss(ordered, labels, settings) > bce  # the ranking term adds to BCE


def test_progress_follows_the_clock_when_a_budget_is_set():
    by_steps = OnTheFlySettings(steps=100, time_limit_s=None)
    assert _progress_share(50, 1e6, by_steps) == 0.5
    budget = OnTheFlySettings(steps=1000, time_limit_s=60.0)
    assert _progress_share(10, 30.0, budget) == 0.5  # half the budget spent: half the schedule
    assert _progress_share(900, 30.0, budget) == 0.9  # ... or the steps, whichever is further
    assert _progress_share(10, 61.0, budget) >= 1.0  # past the budget: stop
