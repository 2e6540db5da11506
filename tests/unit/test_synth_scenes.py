"""Diverse genuine scenes, the held-out split of sources and kinds, and self-blended pairs."""

import numpy as np
import pytest

from train.synth.catalog import HELDOUT_KINDS, SceneCatalog, is_heldout
from train.synth.scenes import GENERATED_KINDS, photo_scenes
from train.synth.views import ColourProfile, in_colour, random_colour_profile, training_pair


@pytest.fixture(scope="module")
def catalogs():
    return SceneCatalog.load("train"), SceneCatalog.load("heldout")


def test_held_out_sources_and_kinds_never_reach_training(catalogs):
    train, heldout = catalogs
    trained = {s.name.split("#")[0] for scenes in train.by_kind.values() for s in scenes}
    kept_out = {s.name.split("#")[0] for scenes in heldout.by_kind.values() for s in scenes}
    assert trained and kept_out and not trained & kept_out
    assert not set(HELDOUT_KINDS) & set(train.weights)
    assert all(not is_heldout(s) for s in photo_scenes() if s.name.split("#")[0] in trained)
    rng = np.random.default_rng(0)
    assert all(train.draw(rng).kind not in HELDOUT_KINDS for _ in range(200))


def test_generated_kinds_draw_rgb_images(catalogs):
    train, _ = catalogs
    rng = np.random.default_rng(1)
    for kind in GENERATED_KINDS:
        if kind in train.weights:
            scene = train.draw(rng, kind)
            assert scene.image.dtype == np.uint8 and scene.image.ndim == 3 and scene.image.shape[2] == 3
            assert scene.image.std() > 3  # not a flat canvas


def test_fake_differs_from_its_real_only_where_the_blend_is(catalogs):
    train, _ = catalogs
    rng = np.random.default_rng(2)
    same_outside = 0
    for _ in range(20):
        real, fake, mask = training_pair(train.draw(rng), rng, 112, (4.0, 6.0))
        assert real.shape == fake.shape == (112, 112, 3) and mask.shape == (112, 112)
        assert mask.max() > 0.5 and (mask < 0.01).any()
        difference = np.abs(real.astype(int) - fake.astype(int)).max(axis=2)
        assert difference[mask > 0.5].mean() > difference[mask < 0.01].mean()
        # away from the blend the pair is the same frame, up to JPEG blocks that straddle its edge
        same_outside += np.median(difference[mask < 0.01]) <= 2
    assert same_outside >= 16


def test_colour_profiles_range_from_grey_to_vivid_and_keep_plain_views():
    view = np.random.default_rng(3).integers(0, 256, (24, 32, 3)).astype(np.uint8)
    grey = ColourProfile(0.0, (1.0, 1.0, 1.0)).apply(view)
    assert np.abs(grey.astype(int) - grey[..., :1].astype(int)).max() <= 1  # every channel the same
    assert np.array_equal(ColourProfile(1.0, (1.0, 1.0, 1.0)).apply(view), view)
    vivid = ColourProfile(2.0, (1.0, 1.0, 1.0)).apply(view)
    assert vivid.std(axis=2).mean() > view.std(axis=2).mean()
    warm = ColourProfile(1.0, (1.2, 1.0, 0.8)).apply(view)
    assert warm[..., 0].mean() > view[..., 0].mean() and warm[..., 2].mean() < view[..., 2].mean()
    rng = np.random.default_rng(4)
    drawn = [random_colour_profile(rng) for _ in range(400)]
    assert 0.3 < np.mean([p is None for p in drawn]) < 0.5  # 40% of views keep the scene's colours
    saturations = [p.saturation for p in drawn if p is not None]
    assert min(saturations) < 0.7 and max(saturations) > 1.8
    assert in_colour(view, None) is view
