"""Sanity checks of the explanations, printed as figures:

- model parameter randomisation test (Adebayo et al., 2018): Grad-CAM of the model and of the
  same network with random weights must differ clearly (Spearman rank correlation well below 1);
- pointing game on synthetic fakes whose blend masks the generator saved: more CAM mass inside
  the manipulated region than the region's share of the frame. Needs a model that has learned
  something: the demo checkpoint from `make model`; skipped with the reason when it is missing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from handler.pointing_game import pointing_game
from handler.sanity import randomisation_test
from model.checkpoint import load_detector
from model.frames import sample_clip
from model.preprocess import preprocess_frames
from tests.fixtures.media import SHARED_VIDEOS_DIR

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_CHECKPOINT = REPO_ROOT / "checkpoints" / "deepfake.pth"


def test_gradcam_changes_when_the_weights_are_randomised(served_mar):
    checkpoint = DEMO_CHECKPOINT if DEMO_CHECKPOINT.is_file() else served_mar[1]
    detector, config, _ = load_detector(checkpoint)
    videos = [SHARED_VIDEOS_DIR / name for name in ("carphone_pristine.mp4", "sample-mp4.mp4")]
    clips = [preprocess_frames(sample_clip(path.read_bytes(), config.num_frames).frames, config) for path in videos]
    report = randomisation_test(detector, clips)
    print(f"\nrandomisation test ({checkpoint.name}, {report['frames']} frames): mean Spearman {report['mean_spearman']:+.3f}, mean |rho| {report['mean_abs_spearman']:.3f}")
    assert report["mean_spearman"] < 0.5


@pytest.fixture(scope="module")
def synthetic_fakes(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synth") / "data"
    command = [sys.executable, "-m", "train.synth", str(folder), "--videos", "12", "--seed", "7", "--clip-frames", "16"]
    subprocess.run(command, check=True, cwd=REPO_ROOT, capture_output=True, timeout=300)
    return folder


@pytest.mark.skipif(not DEMO_CHECKPOINT.is_file(), reason="needs the trained demo model: run `make model` first")
def test_gradcam_points_at_the_manipulated_region(synthetic_fakes):
    detector, config, _ = load_detector(DEMO_CHECKPOINT)
    report = pointing_game(detector, config, synthetic_fakes)
    print(
        f"\npointing game ({report['frames']} frames of {report['videos']} fakes): CAM mass in region "
        f"{report['cam_mass_in_region']:.1%} vs area {report['region_area_share']:.1%}; peak inside {report['peak_in_region']:.1%}"
    )
    assert report["cam_mass_in_region"] > report["region_area_share"]
