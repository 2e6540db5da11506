"""The model's configuration: everything needed to rebuild the network and its preprocessing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from model.temporal import TEMPORAL_ENCODERS

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

SUPPORTED_ARCHS = ("resnet18",)


@dataclass(frozen=True)
class ModelConfig:
    arch: str = "resnet18"
    temporal: str = "mean"
    num_frames: int = 16
    image_size: int = 224
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD
    face_crop: bool = False
    dropout: float = 0.3

    @property
    def arch_name(self) -> str:
        """Human name used in answers, e.g. "resnet18-temporal-mean"."""
        return f"{self.arch}-temporal-{self.temporal}"

    def to_dict(self) -> dict:
        # Lists, not tuples: checkpoints must load with torch.load(weights_only=True).
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, values: dict) -> ModelConfig:
        known = {f.name for f in fields(cls)}
        missing = known - set(values)
        unknown = set(values) - known
        if missing or unknown:
            raise ValueError(
                f"model config does not match this code: missing {sorted(missing)}, unknown {sorted(unknown)}"
            )
        if values["arch"] not in SUPPORTED_ARCHS:
            raise ValueError(f"unsupported architecture {values['arch']!r}; supported: {SUPPORTED_ARCHS}")
        if values["temporal"] not in TEMPORAL_ENCODERS:
            raise ValueError(
                f"unsupported temporal encoder {values['temporal']!r}; supported: {tuple(TEMPORAL_ENCODERS)}"
            )
        converted = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
        return cls(**converted)
