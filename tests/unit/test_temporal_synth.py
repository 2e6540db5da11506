"""The flicker-only synthetic pairs (`python -m train.synth --flicker-only`), made to compare the
temporal encoders: a fake has the same per-frame blend strengths as its real, in another order."""

import numpy as np

from train.synth.generate import SynthSettings, plan_pair, render_pair
from train.synth.manipulation import flicker_only_levels
from train.synth.sources import procedural_scene


def test_the_fake_has_the_reals_strengths_shuffled_in_time():
    steady, shuffled = flicker_only_levels(seed=7, count=8)
    assert np.array_equal(np.sort(steady), np.sort(shuffled))  # the same frames...
    steps = np.diff(steady)
    assert (steps > 0).all() or (steps < 0).all()  # ...a smooth ramp in the real...
    assert np.abs(np.diff(shuffled)).max() > 2 * np.abs(steps).max()  # ...jumps in the fake
    assert 0.0 <= steady.min() and steady.max() <= 1.0 and steady.max() - steady.min() >= 0.4


def test_real_and_fake_frames_differ_only_where_their_strengths_differ():
    settings = SynthSettings(out_dir=None, videos=2, seed=3, strength=3.0, size=64, clip_frames=8, flicker_only=True)
    plan = plan_pair(settings, 0, source_count=0)  # no face photos: the pair draws a procedural scene
    assert plan.manipulation.flicker == 0.0  # no per-frame jitter: the planned strength is all that changes
    reals, fakes, _ = render_pair(settings, plan, procedural_scene(np.random.default_rng(plan.seed)))
    steady, shuffled = flicker_only_levels(plan.seed, 8)
    pixel_change = np.array([np.abs(r.astype(float) - f.astype(float)).mean() for r, f in zip(reals, fakes)])
    strength_change = np.abs(steady - shuffled)

    def ranks(values):
        return np.argsort(np.argsort(values))

    assert np.corrcoef(ranks(pixel_change), ranks(strength_change))[0, 1] > 0.8
    assert pixel_change[strength_change.argmin()] < 0.5 * pixel_change[strength_change.argmax()]
