"""Which scenes train the model and which stay out of training as the held-out genuine content.

Whole sources and one whole kind are held out, never trained on: the false-positive rate the
threshold is chosen for is measured on content the model has not seen, as it will be in use.
- held-out photo sources: scikit-learn's two photos, Debian's ukui-wallpapers, scikit-image's
  coffee and rocket, and one face photo in five (by a hash of its name: the same on every machine);
- held-out kind: charts (plots and dashboards) are never trained on.
Everything else is the training part; its validation clips are new views of the same sources.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from train.synth.scenes import GENERATED_KINDS, Scene, overlay_scene, photo_scenes

HELDOUT_SOURCES = ("sklearn:", "debian-ukui:", "skimage:coffee", "skimage:rocket")
HELDOUT_KINDS = ("chart",)
HELDOUT_FACE_SHARE = 5  # one face photo in five

# How often each kind is drawn (the photos' share is split among their sources at random).
TRAIN_KINDS = {
    "photo": 0.22,
    "face": 0.18,
    "gray": 0.05,
    "texture": 0.04,
    "screen": 0.13,
    "cartoon": 0.14,
    "overlay": 0.08,
    "procedural": 0.1,
    "noise": 0.06,
}
HELDOUT_PARTS = {"photo": 0.45, "face": 0.2, "chart": 0.35}
PARTS = ("train", "heldout")


def is_heldout(scene: Scene) -> bool:
    if scene.kind in HELDOUT_KINDS or scene.name.startswith(HELDOUT_SOURCES):
        return True
    photo = scene.name.split("#")[0]  # every face of one photo goes the same way
    return scene.kind == "face" and zlib.crc32(photo.encode()) % HELDOUT_FACE_SHARE == 0


@dataclass(frozen=True)
class SceneCatalog:
    """The packaged scenes of one part, by kind, and how often each kind is drawn."""

    part: str
    by_kind: dict[str, tuple[Scene, ...]]
    weights: dict[str, float]

    @classmethod
    def load(cls, part: str) -> SceneCatalog:
        if part not in PARTS:
            raise ValueError(f"part must be one of {PARTS}, not {part!r}")
        wanted = part == "heldout"
        by_kind: dict[str, list[Scene]] = {}
        for scene in photo_scenes():
            if is_heldout(scene) == wanted:
                by_kind.setdefault(scene.kind, []).append(scene)
        weights = dict(HELDOUT_PARTS if wanted else TRAIN_KINDS)
        available = {k: w for k, w in weights.items() if k in GENERATED_KINDS or k == "overlay" or k in by_kind}
        if "overlay" in available and not by_kind.get("photo") and not by_kind.get("face"):
            available.pop("overlay")
        return cls(part, {k: tuple(v) for k, v in by_kind.items()}, available)

    def kinds(self) -> list[str]:
        return sorted(self.weights)

    def draw(self, rng: np.random.Generator, kind: str | None = None) -> Scene:
        """One scene: a packaged image of the kind, or a freshly generated one."""
        if kind is None:
            names = list(self.weights)
            probabilities = np.array([self.weights[k] for k in names])
            kind = names[int(rng.choice(len(names), p=probabilities / probabilities.sum()))]
        if kind in GENERATED_KINDS:
            return GENERATED_KINDS[kind](rng)
        if kind == "overlay":
            backgrounds = self.by_kind.get("photo", ()) + self.by_kind.get("face", ())
            return overlay_scene(rng, backgrounds[int(rng.integers(len(backgrounds)))])
        scenes = self.by_kind[kind]
        return scenes[int(rng.integers(len(scenes)))]

    def describe(self) -> dict:
        return {
            "part": self.part,
            "kinds": {k: round(w, 3) for k, w in self.weights.items()},
            "packaged_sources": {k: len(v) for k, v in self.by_kind.items()},
        }
