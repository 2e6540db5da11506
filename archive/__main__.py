"""`python -m archive --checkpoint checkpoints/deepfake.pth` -> model_store/deepfake.mar."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from model.checkpoint import CheckpointError

from .build import MODEL_NAME, ArchiveError, build_archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archive", description=__doc__)
    parser.add_argument("--checkpoint", type=Path, default=Path("checkpoints/deepfake.pth"))
    parser.add_argument("--export-path", type=Path, default=Path("model_store"), help="folder for the .mar")
    parser.add_argument("--model-name", default=MODEL_NAME)
    args = parser.parse_args(argv)
    try:
        mar_path = build_archive(args.checkpoint, args.export_path, args.model_name)
    except (CheckpointError, ArchiveError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {mar_path} ({mar_path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
