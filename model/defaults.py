"""The defaults and choices the command lines show, in a module without torch, so that
`python -m train --help` and `python -m analysis.evaluate --help` answer at once. Each is defined
here alone; the modules that use one import it from here."""

from pathlib import Path

DEFAULT_CHECKPOINT = Path("checkpoints/deepfake.pth")  # relative to the repository root
DEFAULT_COVERAGE = 0.99  # of familiar held-out clips the in-distribution check accepts
PRECISIONS = ("auto", "fp32", "bf16")
DEFAULT_PRECISION = "auto"  # what serving, training and the offline tools use unless told otherwise
IMAGENET = "imagenet"  # the `--pretrained` value that asks for torchvision's own weights
TEMPORAL_ENCODER_NAMES = ("mean", "tcn", "gru", "transformer")  # model.temporal.TEMPORAL_ENCODERS
