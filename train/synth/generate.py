"""Build a synthetic labelled dataset in the plain layout: real/ and fake/ clips in pairs.

Pair k is one source (face photo or procedural scene), one camera path and one set of camera
effects, rendered twice: as is (real/pairK.mp4) and with the manipulation (fake/pairK.mp4, same
file name: the training split keeps them together). The fake's blending mask is saved per frame
in masks/pairK.npz, and manifest.json records every pair's source, seeds and parameters.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from train.synth.camera import CameraEffects, apply_camera, random_camera_effects
from train.synth.encode import write_h264
from train.synth.manipulation import Manipulation, flicker_only_levels, manipulate_frame, random_manipulation
from train.synth.motion import CameraPath, random_camera_path, region_in_view, render_view
from train.synth.sources import FaceSource, load_face_sources, procedural_scene

MANIFEST = "manifest.json"
GENERATED = ("real", "fake", "masks", MANIFEST)
MASK_FORMAT = "npz key 'mask': uint8 (frames, height, width), 0-255 = blend weight of the manipulated copy"


@dataclass(frozen=True)
class SynthSettings:
    out_dir: Path
    videos: int
    seed: int = 0
    strength: float = 5.0  # the demo model's strength (train/README.md)
    size: int = 224
    clip_frames: int = 24
    fps: int = 12
    procedural_fraction: float = 0.25
    workers: int = 1
    flicker_only: bool = False  # fakes differ from their reals only over time (flicker_only_levels)

    def check(self) -> None:
        if self.videos < 2 or self.videos % 2:
            raise ValueError(f"--videos must be an even number >= 2 (each fake has its real): got {self.videos}")
        if self.size < 32 or self.size % 2:
            raise ValueError(f"--size must be an even number >= 32 (H.264 4:2:0): got {self.size}")
        if self.clip_frames < 1 or self.fps < 1:
            raise ValueError("--clip-frames and --fps must be positive")
        if self.strength < 0:
            raise ValueError(f"--strength must be >= 0: got {self.strength}")
        if not 0 <= self.procedural_fraction <= 1:
            raise ValueError("--procedural must be between 0 and 1")


@dataclass(frozen=True)
class PairPlan:
    name: str
    seed: int
    source_index: int | None  # None: a procedural scene drawn from the pair's seed
    path: CameraPath
    effects: CameraEffects
    manipulation: Manipulation


_SOURCES: list[FaceSource] = []  # per process: set once, read by workers (fork shares it)


def generate_dataset(settings: SynthSettings, progress: bool = True) -> dict:
    settings.check()
    _prepare_output(settings.out_dir)
    global _SOURCES
    _SOURCES = load_face_sources()
    plans = [plan_pair(settings, index, len(_SOURCES)) for index in range(settings.videos // 2)]
    jobs = [(settings, plan) for plan in plans]
    with _pool(settings.workers) as pool:
        mapped = pool.imap(_render_job, jobs) if pool else map(_render_job, jobs)
        records = list(tqdm(mapped, total=len(jobs), desc="synth pairs", unit="pair", disable=not progress))
    manifest = _manifest(settings, records, len(_SOURCES))
    (settings.out_dir / MANIFEST).write_text(json.dumps(manifest, indent=1))
    return manifest


def _prepare_output(out_dir: Path) -> None:
    """Replace only what an earlier generation wrote; refuse folders holding anything else."""
    out_dir.mkdir(parents=True, exist_ok=True)
    foreign = [p.name for p in out_dir.iterdir() if p.name not in GENERATED]
    if foreign:
        raise FileExistsError(
            f"{out_dir} holds files this generator did not write ({foreign[:5]}); choose an empty folder"
        )
    for name in GENERATED:
        target = out_dir / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    for folder in ("real", "fake", "masks"):
        (out_dir / folder).mkdir()


def _pool(workers: int):
    if workers <= 1:
        return contextlib.nullcontext()  # enters as None: map in this process
    return multiprocessing.get_context("fork").Pool(workers)


def plan_pair(settings: SynthSettings, index: int, source_count: int) -> PairPlan:
    """Everything random about pair `index`, from (seed, index) alone: the same on every run."""
    seed = int(np.random.SeedSequence([settings.seed, index]).generate_state(1)[0])
    rng = np.random.default_rng(seed)
    procedural = source_count == 0 or rng.random() < settings.procedural_fraction
    source_index = None if procedural else int(rng.integers(source_count))
    source = procedural_scene(np.random.default_rng(seed)) if procedural else _SOURCES[source_index]
    return PairPlan(
        name=f"pair{index:05d}",
        seed=seed,
        source_index=source_index,
        path=random_camera_path(rng, source.box, source.image.shape),
        effects=random_camera_effects(rng),
        manipulation=_manipulation(rng, settings),
    )


def _manipulation(rng: np.random.Generator, settings: SynthSettings) -> Manipulation:
    manipulation = random_manipulation(rng, settings.strength)
    # flicker-only: no per-frame jitter, the only change over time is the planned strength
    return replace(manipulation, flicker=0.0) if settings.flicker_only else manipulation


def render_pair(settings: SynthSettings, plan: PairPlan, source: FaceSource) -> tuple[list, list, np.ndarray]:
    """(real frames, fake frames, masks uint8 (F, S, S)) of one pair."""
    noise_rng = np.random.default_rng([plan.seed, 1])
    flicker_rng = np.random.default_rng([plan.seed, 2])
    size, count = settings.size, settings.clip_frames
    reals, fakes, masks = [], [], []
    steady, shuffled = flicker_only_levels(plan.seed, count) if settings.flicker_only else (None, None)
    for number in range(count):
        t = number / max(count - 1, 1)
        matrix = plan.path.view_matrix(t, number, size)
        view = render_view(source.image, matrix, size)
        centre, half_axes = region_in_view(source.box, matrix)
        if settings.flicker_only:  # the real carries the blend too, at its smoothly drifting strength
            real = manipulate_frame(view, centre, half_axes, plan.manipulation, flicker_rng, steady[number])[0]
            fake, mask = manipulate_frame(view, centre, half_axes, plan.manipulation, flicker_rng, shuffled[number])
        else:
            real = view
            fake, mask = manipulate_frame(view, centre, half_axes, plan.manipulation, flicker_rng)
        noise = noise_rng.standard_normal(view.shape).astype(np.float32)
        reals.append(apply_camera(real, plan.effects, t, noise))
        fakes.append(apply_camera(fake, plan.effects, t, noise))
        masks.append(np.round(mask * 255).astype(np.uint8))
    return reals, fakes, np.stack(masks)


def _render_job(job: tuple[SynthSettings, PairPlan]) -> dict:
    settings, plan = job
    source = (
        procedural_scene(np.random.default_rng(plan.seed)) if plan.source_index is None else _SOURCES[plan.source_index]
    )
    reals, fakes, masks = render_pair(settings, plan, source)
    out = settings.out_dir
    write_h264(out / "real" / f"{plan.name}.mp4", reals, settings.fps, plan.effects.crf)
    write_h264(out / "fake" / f"{plan.name}.mp4", fakes, settings.fps, plan.effects.crf)
    np.savez_compressed(out / "masks" / f"{plan.name}.npz", mask=masks)
    return {
        "name": plan.name,
        "real": f"real/{plan.name}.mp4",
        "fake": f"fake/{plan.name}.mp4",
        "mask": f"masks/{plan.name}.npz",
        "seed": plan.seed,
        "source": source.name,
        "source_box": list(source.box),
        "camera": plan.effects.describe(),
        "manipulation": plan.manipulation.describe(),
        "mask_coverage": round(float((masks > 127).mean()), 4),
    }


def _manifest(settings: SynthSettings, records: list[dict], source_count: int) -> dict:
    return {
        "generator": "train.synth",
        "seed": settings.seed,
        "strength": settings.strength,
        "videos": settings.videos,
        "size": settings.size,
        "clip_frames": settings.clip_frames,
        "fps": settings.fps,
        "procedural_fraction": settings.procedural_fraction,
        "flicker_only": settings.flicker_only,
        "face_photos_found": source_count,
        "mask_format": MASK_FORMAT,
        "pairs": records,
    }
