"""Synthetic ground truth for *where* and *who* (issue 14): partial fakes and two-face scenes.

- Partial fakes: a face scene seen by a slowly moving virtual camera for the whole clip (the
  views of train/synth/views.py), and the same clip with the face self-blended
  (train/synth/manipulation.py) only inside one time range; the range is saved. What edited
  interviews look like, and what LAV-DF / AV-Deepfake1M measure.
- Short clips manipulated throughout (`--clips`, OUT/clips): material to train a model on the
  same kind of faces and blends (tests train one in about a minute).
- Two-face scenes: two face photos side by side (each half square), each seen by its own camera;
  in the fake, one of the two faces is blended in every frame. Each face's box per frame and blend mask per frame are
  saved (the untouched face's mask is all zero).

Written in the plain layout under OUT/partial and OUT/two_faces (`real/<name>.mp4`,
`fake/<name>.mp4`: a fake and its real share a name and everything but the blend), so
`python -m train` and analysis.localisation read them; OUT/<part>/truth.json holds the ranges,
boxes and the recipe, OUT/two_faces/masks/<name>.npz the masks (uint8, 255 = fully blended).
Frames are encoded as they are rendered (H.264, repeatable settings): a long clip is never held
in memory. The face photos are the single-face ones of train/synth/sources.py (dlib's aligned
chips, scikit-image's astronaut, matplotlib's Grace Hopper): group photos would put other faces
in view, and the tracks would then have more than the two faces the truth knows.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import av
import numpy as np
from tqdm import tqdm

from train.h264 import repeatable_x264_options
from train.synth.manipulation import manipulate_frame, random_manipulation
from train.synth.sources import FaceSource, load_face_sources
from train.synth.views import Native, ViewPath, capture, random_capture, render

TRUTH = "truth.json"
GENERATOR = "train.synth.localisation"


@dataclass(frozen=True)
class LocalisationSettings:
    out_dir: Path
    partial: int = 10  # partial-fake pairs
    two_faces: int = 10  # two-face pairs
    seed: int = 0
    duration_s: float = 60.0  # of a partial fake
    fake_span_s: float = 6.0  # its manipulated range
    two_face_duration_s: float = 4.0
    clips: int = 0  # short pairs manipulated throughout (training material for localisation models)
    clip_duration_s: float = 2.0
    fps: int = 10
    size: int = 240  # a partial fake is size x size; a two-face scene 2 size x size
    strength: tuple[float, float] = (5.0, 7.0)
    crf: int = 20


class StreamingH264:
    """An H.264 MP4 written frame by frame (train.h264's repeatable options)."""

    def __init__(self, path: Path, width: int, height: int, fps: int, crf: int):
        self.container = av.open(str(path), mode="w")
        self.stream = self.container.add_stream("libx264", rate=fps)
        self.stream.width, self.stream.height, self.stream.pix_fmt = width, height, "yuv420p"
        self.stream.options = repeatable_x264_options(crf)
        self.stream.codec_context.thread_count = 1

    def write(self, frame: np.ndarray) -> None:
        for packet in self.stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")):
            self.container.mux(packet)

    def close(self) -> None:
        for packet in self.stream.encode():
            self.container.mux(packet)
        self.container.close()


def _face_in_view(source: FaceSource, matrix: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    """Centre and half-axes of the source's face box in view pixels."""
    x, y, w, h = source.box
    centre = matrix @ np.array([x + w / 2, y + h / 2, 1.0])
    scale = float(np.hypot(matrix[0, 0], matrix[0, 1]))
    return (float(centre[0]), float(centre[1])), (scale * w / 2, scale * h / 2)


def _scene_of(source: FaceSource):
    from train.synth.scenes import Scene

    return Scene(source.name, "face", source.image, source.box)


def single_face_sources() -> list[FaceSource]:
    singles = ("dlib:johns/", "skimage:astronaut", "matplotlib:grace_hopper")
    return [source for source in load_face_sources() if source.name.startswith(singles)]


def face_path(rng: np.random.Generator, source: FaceSource, motion: float) -> ViewPath:
    """A square view around the face, inside the photo (no mirrored border to look like a face),
    drifting, zooming and rolling a little over the clip."""
    x, y, w, h = source.box
    height, width = source.image.shape[:2]
    window = min(height, width, max(w, h) * float(rng.uniform(1.45, 1.7)))
    cx = float(np.clip(x + w / 2, window / 2, width - window / 2))
    cy = float(np.clip(y + h / 2, window / 2, height - window / 2))
    drift = motion * window * rng.uniform(-0.04, 0.04, 2)
    start = (cx, cy, window, float(rng.uniform(-3, 3)))
    end = (
        cx + drift[0],
        cy + drift[1],
        window * (1 - motion * rng.uniform(0, 0.08)),
        start[3] + motion * rng.uniform(-2, 2),
    )
    return ViewPath(start, end, shake=float(rng.uniform(0, 0.004) * window))


def _fake_span(rng: np.random.Generator, settings: LocalisationSettings) -> tuple[float, float]:
    """Somewhere inside the clip, not at its very start or end (a frame grid on both sides)."""
    margin = min(settings.duration_s * 0.1, 2.0)
    start = float(rng.uniform(margin, settings.duration_s - settings.fake_span_s - margin))
    start = round(start * settings.fps) / settings.fps  # on a frame boundary: the truth is exact
    return start, start + settings.fake_span_s


def write_partial_pair(index: int, sources: list[FaceSource], settings: LocalisationSettings, out: Path) -> dict:
    rng = np.random.default_rng([settings.seed, 14, index])
    return _write_face_clip(f"partial{index:03d}", rng, sources, settings.duration_s, settings, out, partial=True)


def write_clip_pair(index: int, sources: list[FaceSource], settings: LocalisationSettings, out: Path) -> dict:
    """A short pair manipulated from its first frame to its last: training material."""
    rng = np.random.default_rng([settings.seed, 23, index])
    return _write_face_clip(f"clip{index:04d}", rng, sources, settings.clip_duration_s, settings, out, partial=False)


def _write_face_clip(
    name: str,
    rng,
    sources: list[FaceSource],
    duration_s: float,
    settings: LocalisationSettings,
    out: Path,
    partial: bool,
) -> dict:
    source = sources[int(rng.integers(len(sources)))]
    scene = _scene_of(source)
    native = Native(settings.size, settings.size)
    path = face_path(rng, source, motion=float(rng.uniform(0.3, 1.0)))
    effects = random_capture(rng, scene, lighting=False)
    effects = type(effects)(effects.gain, effects.noise_sigma, effects.blur, None)  # the codec compresses
    manipulation = random_manipulation(rng, float(rng.uniform(*settings.strength)))
    span = _fake_span(rng, settings) if partial else (0.0, duration_s)
    frames = round(duration_s * settings.fps)
    writers = {
        label: StreamingH264(out / label / f"{name}.mp4", *native_size(native), settings.fps, settings.crf)
        for label in ("real", "fake")
    }
    try:
        for number in range(frames):
            matrix = path.matrix(number / max(frames - 1, 1), number, native)
            view = render(scene, matrix, native)
            noise = rng.standard_normal(view.shape).astype(np.float32) if effects.noise_sigma > 0 else None
            writers["real"].write(capture(view, effects, noise))
            if span[0] <= number / settings.fps < span[1]:
                centre, half_axes = _face_in_view(source, matrix)
                view, _ = manipulate_frame(view, centre, half_axes, manipulation, rng)
            writers["fake"].write(capture(view, effects, noise))
    finally:
        for writer in writers.values():
            writer.close()
    return {
        "name": name,
        "scene": source.name,
        "duration_s": frames / settings.fps,
        "fps": settings.fps,
        "frames": frames,
        "fake_spans_s": [list(span)],
        "manipulation": manipulation.describe(),
    }


def native_size(native: Native) -> tuple[int, int]:
    return native.width, native.height


def write_two_face_pair(index: int, sources: list[FaceSource], settings: LocalisationSettings, out: Path) -> dict:
    rng = np.random.default_rng([settings.seed, 41, index])
    picks = rng.choice(len(sources), 2, replace=False)
    faces = [sources[int(i)] for i in picks]
    half = Native(settings.size, settings.size)
    paths = [face_path(rng, face, motion=float(rng.uniform(0.3, 1.0))) for face in faces]
    effects = random_capture(rng, _scene_of(faces[0]), lighting=False)
    effects = type(effects)(effects.gain, effects.noise_sigma, effects.blur, None)
    manipulated = int(rng.integers(2))
    manipulation = random_manipulation(rng, float(rng.uniform(*settings.strength)))
    name = f"twofaces{index:03d}"
    frames = round(settings.two_face_duration_s * settings.fps)
    size = (2 * half.width, half.height)
    writers = {
        label: StreamingH264(out / label / f"{name}.mp4", *size, settings.fps, settings.crf)
        for label in ("real", "fake")
    }
    boxes: list[list[list[float]]] = [[], []]
    masks = np.zeros((2, frames, half.height, 2 * half.width), np.uint8)
    try:
        for number in range(frames):
            t = number / max(frames - 1, 1)
            real_halves, fake_halves = [], []
            for side, (face, path) in enumerate(zip(faces, paths)):
                matrix = path.matrix(t, number, half)
                view = render(_scene_of(face), matrix, half)
                (cx, cy), (ax, ay) = _face_in_view(face, matrix)
                boxes[side].append(
                    [round(cx - ax + side * half.width, 1), round(cy - ay, 1), round(2 * ax, 1), round(2 * ay, 1)]
                )
                real_halves.append(view)
                if side == manipulated:
                    view, mask = manipulate_frame(view, (cx, cy), (ax, ay), manipulation, rng)
                    masks[side, number, :, side * half.width : (side + 1) * half.width] = np.round(mask * 255)
                fake_halves.append(view)
            noise = (
                rng.standard_normal((half.height, 2 * half.width, 3)).astype(np.float32)
                if effects.noise_sigma > 0
                else None
            )
            writers["real"].write(capture(np.concatenate(real_halves, axis=1), effects, noise))
            writers["fake"].write(capture(np.concatenate(fake_halves, axis=1), effects, noise))
    finally:
        for writer in writers.values():
            writer.close()
    np.savez_compressed(out / "masks" / f"{name}.npz", masks=masks)
    return {
        "name": name,
        "duration_s": frames / settings.fps,
        "fps": settings.fps,
        "frames": frames,
        "faces": [
            {"scene": face.name, "manipulated": side == manipulated, "boxes": boxes[side]}
            for side, face in enumerate(faces)
        ],
        "manipulated_face": manipulated,
        "manipulation": manipulation.describe(),
    }


def _write_part(part: str, count: int, writer, sources, settings: LocalisationSettings) -> None:
    if count <= 0:
        return
    out = settings.out_dir / part
    for folder in ("real", "fake", *(["masks"] if part == "two_faces" else [])):
        (out / folder).mkdir(parents=True, exist_ok=True)
    records = [writer(i, sources, settings, out) for i in tqdm(range(count), desc=part, unit="pair", file=sys.stderr)]
    recipe = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(settings).items()}
    truth = {"generator": GENERATOR, "settings": recipe, "videos": {record["name"]: record for record in records}}
    (out / TRUTH).write_text(json.dumps(truth, indent=1))


def write_localisation_data(settings: LocalisationSettings) -> None:
    sources = single_face_sources()
    if len(sources) < 2:
        raise RuntimeError("no face photos found: install the Debian package libdlib19.1 (make setup does)")
    _write_part("partial", settings.partial, write_partial_pair, sources, settings)
    _write_part("two_faces", settings.two_faces, write_two_face_pair, sources, settings)
    _write_part("clips", settings.clips, write_clip_pair, sources, settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {GENERATOR}", description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--partial", type=int, default=10, help="partial-fake pairs (default 10)")
    parser.add_argument("--two-faces", type=int, default=10, help="two-face pairs (default 10)")
    parser.add_argument(
        "--clips", type=int, default=0, help="short pairs manipulated throughout, to train on (OUT/clips; default 0)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of a partial fake (default 60)")
    parser.add_argument("--fake-span", type=float, default=6.0, help="its manipulated seconds (default 6)")
    parser.add_argument("--fps", type=int, default=10)
    parser.add_argument("--size", type=int, default=240, help="side of a partial fake; a two-face scene is 2 x that")
    parser.add_argument("--strength", type=float, nargs=2, default=(5.0, 7.0), metavar=("LOW", "HIGH"))
    args = parser.parse_args(argv)
    if args.fake_span <= 0 or args.duration < args.fake_span + 2:
        parser.error("--duration must exceed --fake-span by at least 2 s")
    settings = LocalisationSettings(
        out_dir=args.out_dir,
        partial=args.partial,
        two_faces=args.two_faces,
        clips=args.clips,
        seed=args.seed,
        duration_s=args.duration,
        fake_span_s=args.fake_span,
        fps=args.fps,
        size=args.size,
        strength=tuple(args.strength),
    )
    started = time.monotonic()
    write_localisation_data(settings)
    seconds = time.monotonic() - started
    counts = f"{args.partial} partial-fake, {args.two_faces} two-face and {args.clips} clip pairs"
    print(f"wrote {counts} to {args.out_dir} in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
