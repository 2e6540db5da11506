"""Video files of the diverse scenes: real clips and their self-blended fakes, in many codecs,
sizes and qualities, written in the plain layout (`real/<kind>/<name>.<ext>`,
`fake/<kind>/<name>.<ext>`: a fake and its real share a name, so they stay in one split).

These are what validation, calibration and the held-out genuine-content check score, through
the served path (model.frames.sample_video on the file, then model.preprocess). Training
itself draws fresh frames on the fly (train/synth/views.py) and never reads these files.
"""

from __future__ import annotations

import json
import multiprocessing
from dataclasses import dataclass, replace
from pathlib import Path

import av
import cv2
import numpy as np
from tqdm import tqdm

from train.synth.catalog import SceneCatalog
from train.synth.manipulation import random_manipulation
from train.synth.scenes import Scene, is_generated
from train.synth.views import (
    COLOUR_PROFILE_SHARE,
    LARGEST_NATIVE,
    REGION_SCALE,
    Native,
    blend_at_served_scale,
    capture,
    in_colour,
    random_capture,
    random_colour_profile,
    random_native,
    random_path,
    render,
)

MANIFEST = "manifest.json"
GENERATOR = "train.synth.clips"
BLEND_SCALE = "served"  # in the manifest: clips blended at another scale are not reused
# How the clips were generated, written to the manifest: clips written with other values are not reused.
GENERATION = {
    "blend_scale": BLEND_SCALE,
    "region_scale": REGION_SCALE,
    "largest_native": LARGEST_NATIVE,
    "uneven_light": 4,
    "colour_profile": COLOUR_PROFILE_SHARE,
}
# codec -> (PyAV encoder, container suffix, pixel format)
CODECS = {
    "h264": ("libx264", ".mp4", "yuv420p"),
    "mpeg4": ("mpeg4", ".avi", "yuv420p"),
    "vp8": ("libvpx", ".webm", "yuv420p"),
    "mjpeg": ("mjpeg", ".avi", "yuvj420p"),
    "flv": ("flv", ".flv", "yuv420p"),
    "mpeg2": ("mpeg2video", ".mpg", "yuv420p"),
}
CODEC_WEIGHTS = {"h264": 0.5, "mpeg4": 0.12, "vp8": 0.12, "mjpeg": 0.08, "flv": 0.08, "mpeg2": 0.1}


@dataclass(frozen=True)
class ClipSettings:
    out_dir: Path
    part: str  # "train" (validation clips of the trained sources) or "heldout"
    pairs: int
    seed: int
    size: int  # the network's input side: native sizes are drawn around it
    frames: int = 24
    strength: tuple[float, float] = (3.0, 6.0)
    genuine_only: bool = False  # write the reals alone (a genuine-content set)


def _choose(rng: np.random.Generator, weights: dict[str, float]) -> str:
    names = list(weights)
    p = np.array([weights[n] for n in names])
    return names[int(rng.choice(len(names), p=p / p.sum()))]


def _region(rng: np.random.Generator, scene: Scene, matrix: np.ndarray, native: Native) -> np.ndarray:
    """The blended region in scene pixels (cx, cy, half-width, half-height): it moves with the view."""
    from train.synth.views import blend_region

    (cx, cy), (ax, ay) = blend_region(rng, scene, matrix, native)
    inverse = np.linalg.inv(np.vstack([matrix, [0, 0, 1]]))[:2]
    scale = float(np.hypot(matrix[0, 0], matrix[0, 1]))
    centre = inverse @ np.array([cx, cy, 1.0])
    return np.array([centre[0], centre[1], ax / scale, ay / scale])


def to_native(frame: np.ndarray, native: Native) -> np.ndarray:
    """A served-scale frame back at the file's size (linear): serving's area resize brings it back."""
    return cv2.resize(frame, (native.width, native.height), interpolation=cv2.INTER_LINEAR)


def render_clip_pair(scene: Scene, rng: np.random.Generator, settings: ClipSettings) -> tuple[list, list, Native]:
    """(real frames, fake frames, native size) of one pair: one camera path, one capture, one blend.
    As in training (train/synth/views.py), the blend and the capture effects are made at the served
    scale; the frames are then put back at the native size, where the codec compresses them."""
    native = random_native(rng, settings.size)
    path = random_path(rng, scene, native, motion=float(rng.uniform(0.2, 1.0)))
    effects = random_capture(rng, scene)
    effects = replace(effects, jpeg_quality=None)  # the codec compresses
    profile = random_colour_profile(rng)
    region = _region(rng, scene, path.matrix(0.0, 0, native), native)
    manipulation = random_manipulation(rng, float(rng.uniform(*settings.strength)))
    shape = (settings.size, settings.size, 3)
    reals, fakes = [], []
    for number in range(settings.frames):
        t = number / max(settings.frames - 1, 1)
        matrix = path.matrix(t, number, native)
        view = in_colour(render(scene, matrix, native), profile)
        scale = float(np.hypot(matrix[0, 0], matrix[0, 1]))
        centre = matrix @ np.array([region[0], region[1], 1.0])
        half_axes = (scale * region[2], scale * region[3])
        real, fake, _ = blend_at_served_scale(
            view, (float(centre[0]), float(centre[1])), half_axes, manipulation, rng, settings.size
        )
        noise = rng.standard_normal(shape).astype(np.float32) if effects.noise_sigma > 0 else None
        reals.append(to_native(capture(real, effects, noise), native))
        if not settings.genuine_only:
            fakes.append(to_native(capture(fake, effects, noise), native))
    return reals, fakes, native


def write_video(path: Path, frames: list[np.ndarray], fps: int, codec: str, quality: float) -> None:
    """`quality` in [0, 1]: 0 = heavily compressed, 1 = near lossless (crf or bits per pixel)."""
    encoder, _, pixel_format = CODECS[codec]
    height, width = frames[0].shape[:2]
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream(encoder, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, pixel_format
        stream.codec_context.thread_count = 1
        if codec == "h264":
            stream.options = {"crf": str(round(38 - 20 * quality)), "preset": "veryfast"}
        else:
            stream.bit_rate = int(width * height * fps * (0.04 + 0.5 * quality**2))
            if codec == "vp8":
                stream.options = {"deadline": "realtime", "cpu-used": "8"}
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


_CATALOG: dict[str, SceneCatalog] = {}


def _write_pair(job: tuple[ClipSettings, int]) -> dict:
    settings, index = job
    catalog = _CATALOG.setdefault(settings.part, SceneCatalog.load(settings.part))
    rng = np.random.default_rng([settings.seed, index, 7])
    scene = catalog.draw(rng)
    reals, fakes, native = render_clip_pair(scene, rng, settings)
    codec = _choose(rng, CODEC_WEIGHTS)
    quality = float(rng.uniform(0.2, 1.0))
    fps = int(rng.choice([12, 15, 24, 25, 30]))
    name = f"{settings.part}{index:05d}"
    suffix = CODECS[codec][1]
    written = {}
    for label, frames in (("real", reals), ("fake", fakes)):
        if frames:
            target = settings.out_dir / label / scene.kind / f"{name}{suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            write_video(target, frames, fps, codec, quality)
            written[label] = target.relative_to(settings.out_dir).as_posix()
    return {
        "name": name,
        "kind": scene.kind,
        "source": scene.name,
        "codec": codec,
        "quality": round(quality, 3),
        "size": [native.width, native.height],
        "fps": fps,
        **written,
    }


def pair_group(part: str, pair: dict) -> str:
    """The group of a manifest pair: clips of one packaged image score alike, so they share one
    (the overlays on it and the faces of one photo too); each generated scene is its own. The
    decision's halves never split a group, and its threshold margin resamples groups."""
    if is_generated(pair["source"]):
        return f"{part}:{pair['name']}"
    return f"{part}:{pair['source'].removeprefix('overlay:').split('#')[0]}"


def write_clips(settings: ClipSettings, workers: int = 1, progress: bool = True) -> dict:
    """Write the clips and manifest.json (last: its presence means the folder is complete)."""
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(settings, index) for index in range(settings.pairs)]
    description = f"writing {settings.part} clips"
    if workers > 1:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            records = list(tqdm(pool.imap(_write_pair, jobs), total=len(jobs), desc=description, disable=not progress))
    else:
        records = [_write_pair(job) for job in tqdm(jobs, desc=description, disable=not progress)]
    manifest = {
        "generator": GENERATOR,
        "part": settings.part,
        "seed": settings.seed,
        "size": settings.size,
        "frames": settings.frames,
        "strength": list(settings.strength),
        "genuine_only": settings.genuine_only,
        **GENERATION,
        "catalog": SceneCatalog.load(settings.part).describe(),
        "pairs": records,
    }
    (settings.out_dir / MANIFEST).write_text(json.dumps(manifest, indent=1))
    return manifest
