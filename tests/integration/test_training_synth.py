"""`python -m train.synth` end to end: real H.264 files, masks and manifest, reproducible."""

import json
import subprocess
import sys

import numpy as np
import pytest

from model.frames import sample_video
from tests.fixtures.media import REPO_ROOT
from train.synth.encode import write_h264
from train.synth.generate import SynthSettings, plan_pair, render_pair
from train.synth.sources import procedural_scene

pytestmark = pytest.mark.slow


def run_synth(out_dir, *extra):
    command = [sys.executable, "-m", "train.synth", str(out_dir), "--size", "64", "--clip-frames", "8", *extra]
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_writes_paired_videos_masks_and_manifest(tmp_path):
    result = run_synth(tmp_path, "--videos", "6", "--seed", "3", "--strength", "2")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["strength"] == 2.0 and len(manifest["pairs"]) == 3
    for pair in manifest["pairs"]:
        real = sample_video(tmp_path / pair["real"], 8)
        fake = sample_video(tmp_path / pair["fake"], 8)
        assert (real.video.width, real.video.height, real.video.frames_total) == (64, 64, 8)
        assert fake.video.frames_total == 8
        mask = np.load(tmp_path / pair["mask"])["mask"]
        assert mask.dtype == np.uint8 and mask.shape == (8, 64, 64)
        assert mask.max() > 200 and (mask == 0).any()
        assert (tmp_path / pair["real"]).name == (tmp_path / pair["fake"]).name  # the pairing convention


def decoded(path):
    return np.stack(sample_video(path, 8).frames).astype(np.int16)


def test_same_seed_writes_the_same_clips_and_masks(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert run_synth(first, "--videos", "2", "--seed", "9").returncode == 0
    assert run_synth(second, "--videos", "2", "--seed", "9", "--workers", "2").returncode == 0
    mask = "masks/pair00000.npz"  # a zip: its entries carry the write time, so compare contents
    assert np.array_equal(np.load(first / mask)["mask"], np.load(second / mask)["mask"])
    for relative in ("real/pair00000.mp4", "fake/pair00000.mp4"):
        assert (first / relative).read_bytes() == (second / relative).read_bytes()
    other = tmp_path / "c"
    assert run_synth(other, "--videos", "2", "--seed", "10").returncode == 0
    assert np.abs(decoded(first / "real/pair00000.mp4") - decoded(other / "real/pair00000.mp4")).mean() > 10


def test_encoding_the_same_frames_again_writes_the_same_bytes(tmp_path):
    """With x264's mbtree on, about 1 encode in 3 of these frames came out different."""
    settings = SynthSettings(out_dir=tmp_path, videos=2, seed=9, size=64, clip_frames=8)
    plan = plan_pair(settings, 0, source_count=0)
    _, fakes, _ = render_pair(settings, plan, procedural_scene(np.random.default_rng(plan.seed)))
    written = set()
    for attempt in range(8):
        path = tmp_path / f"fake{attempt}.mp4"
        write_h264(path, fakes, fps=12, crf=plan.effects.crf)
        written.add(path.read_bytes())
    assert len(written) == 1


def test_odd_video_count_is_refused_clearly(tmp_path):
    result = run_synth(tmp_path, "--videos", "5")
    assert result.returncode == 2
    assert "even" in result.stderr


def test_refuses_to_write_into_a_folder_of_other_files(tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    result = run_synth(tmp_path, "--videos", "2")
    assert result.returncode == 2 and "did not write" in result.stderr
    assert (tmp_path / "precious.txt").read_text() == "keep me"
