"""The demo recipe reuses held-out clips only when they were written with the same settings."""

import json

import numpy as np
import pytest

from train.demo import DemoRecipe, clip_settings, existing_clips_match, parse_args
from train.synth.clips import pair_group
from train.synth.scenes import GENERATED_KINDS, is_generated


def write_manifest(folder, **values):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps(values))


def test_reused_only_when_every_generation_setting_matches(tmp_path):
    validation, heldout = clip_settings(tmp_path, DemoRecipe())
    assert validation.part == "train" and heldout.part == "heldout"
    assert not existing_clips_match(validation)
    same = {
        "part": validation.part,
        "seed": validation.seed,
        "size": validation.size,
        "frames": validation.frames,
        "strength": list(validation.strength),
        "blend_scale": "served",
        "region_scale": 2.5,
        "largest_native": 8.0,
        "uneven_light": 4,
        "colour_profile": 0.6,
        "pairs": [{}] * validation.pairs,
    }
    write_manifest(validation.out_dir, **same)
    assert existing_clips_match(validation)
    write_manifest(validation.out_dir, **{**same, "seed": validation.seed + 1})
    assert not existing_clips_match(validation)
    write_manifest(validation.out_dir, **{**same, "pairs": [{}]})
    assert not existing_clips_match(validation)
    write_manifest(validation.out_dir, **{k: v for k, v in same.items() if k != "blend_scale"})
    assert not existing_clips_match(validation)  # clips of the earlier recipe, blended at the native size
    write_manifest(validation.out_dir, **{k: v for k, v in same.items() if k != "colour_profile"})
    assert not existing_clips_match(validation)  # clips of recipe G, written without colour profiles


def test_clips_of_one_packaged_image_share_a_group_and_generated_scenes_do_not():
    def group(name, source):
        return pair_group("heldout", {"name": name, "source": source})

    assert group("a", "skimage:coffee") == group("b", "skimage:coffee") == group("c", "overlay:skimage:coffee")
    assert group("a", "dlib:2008_002079.jpg#5") == group("b", "dlib:2008_002079.jpg#1")
    assert group("a", "skimage:coffee") != group("a", "skimage:rocket")
    for generated in ("chart", "screen", "cartoon", "procedural", "texture:noise"):
        assert group("a", generated) != group("b", generated)


def test_every_generator_names_its_scenes_as_generated():
    """pair_group tells generated scenes by name: a generator named otherwise would be grouped as one image."""
    rng = np.random.default_rng(0)
    for make in GENERATED_KINDS.values():
        assert is_generated(make(rng).name)


@pytest.mark.parametrize("flag", ["--fpr-confidence", "--target-fpr"])
def test_a_share_out_of_range_is_refused_before_training(flag):
    """Refused at parsing, not with a traceback after 20 minutes of training."""
    with pytest.raises(SystemExit):
        parse_args([flag, "1"])
    assert getattr(parse_args([flag, "0.1"])[1], flag[2:].replace("-", "_")) == 0.1
