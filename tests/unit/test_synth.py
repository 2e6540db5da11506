"""Synthetic data generator: pure logic of the manipulation and the pairing (no files)."""

from pathlib import Path

import numpy as np
import pytest

from train.synth.generate import SynthSettings, plan_pair, render_pair
from train.synth.manipulation import blend_mask, random_manipulation
from train.synth.sources import procedural_scene


def settings(strength: float, **overrides) -> SynthSettings:
    values = {"out_dir": Path("unused"), "videos": 2, "seed": 5, "strength": strength, "size": 96, "clip_frames": 4}
    return SynthSettings(**{**values, **overrides})


def rendered(strength: float, index: int = 0):
    plan = plan_pair(settings(strength), index, source_count=0)  # procedural scenes: no photo files needed
    source = procedural_scene(np.random.default_rng(plan.seed))
    return render_pair(settings(strength), plan, source)


def test_fake_differs_from_its_real_only_inside_the_mask():
    reals, fakes, masks = rendered(strength=2.0)
    for real, fake, mask in zip(reals, fakes, masks):
        changed = np.any(real != fake, axis=-1)
        assert changed.any()
        assert not changed[mask == 0].any()


def test_strength_zero_makes_the_fake_identical_to_its_real():
    reals, fakes, _ = rendered(strength=0.0)
    assert all(np.array_equal(r, f) for r, f in zip(reals, fakes))


def test_stronger_artifacts_change_the_region_more():
    def mean_change(strength):
        reals, fakes, masks = rendered(strength)
        inside = masks > 200
        return np.mean([np.abs(r.astype(int) - f.astype(int))[m].mean() for r, f, m in zip(reals, fakes, inside)])

    assert mean_change(3.0) > 1.5 * mean_change(1.0)


def test_mask_has_a_soft_boundary_and_flickers_over_time():
    _, _, masks = rendered(strength=1.0)
    values = np.unique(masks[0])
    assert values.min() == 0 and values.max() > 200
    assert ((values > 0) & (values < 200)).sum() > 10  # a feathered edge, not a hard cut-out
    assert not np.array_equal(masks[0], masks[1])


def test_blend_mask_centres_on_the_region():
    manipulation = random_manipulation(np.random.default_rng(0), 1.0)
    mask = blend_mask(64, centre=(20.0, 40.0), half_axes=(10.0, 12.0), manipulation=manipulation)
    assert mask[40, 20] == pytest.approx(manipulation.opacity, rel=1e-5)
    assert mask[5, 60] == 0


def test_a_pair_plan_depends_only_on_seed_and_index():
    assert plan_pair(settings(1.0), 3, 0) == plan_pair(settings(1.0), 3, 0)
    assert plan_pair(settings(1.0), 3, 0) != plan_pair(settings(1.0), 4, 0)
    assert plan_pair(settings(1.0), 3, 0) != plan_pair(settings(1.0, seed=6), 3, 0)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"videos": 3}, "even"),
        ({"videos": 0}, "even"),
        ({"size": 33}, "even number >= 32"),
        ({"strength": -1}, "strength"),
    ],
)
def test_bad_settings_are_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        settings(**{"strength": 1.0, **overrides}).check()
