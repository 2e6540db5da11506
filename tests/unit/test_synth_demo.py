"""The demo recipe reuses synthetic data only when it was generated with the same settings."""

import json

from train.demo import existing_data_matches, synth_settings


def write_manifest(folder, **values):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps(values))


def test_reused_only_when_every_generation_setting_matches(tmp_path):
    settings = synth_settings(tmp_path / "synth", seed=0, strength=5.0)
    assert not existing_data_matches(settings)
    same = {
        "seed": 0,
        "strength": 5.0,
        "videos": settings.videos,
        "size": settings.size,
        "clip_frames": settings.clip_frames,
        "fps": settings.fps,
    }
    write_manifest(settings.out_dir, **same)
    assert existing_data_matches(settings)
    write_manifest(settings.out_dir, **{**same, "strength": 4.0})
    assert not existing_data_matches(settings)
