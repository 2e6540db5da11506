"""`python -m stack.archive --checkpoint checkpoints/deepfake.pth` -> model_store/deepfake.mar.

Validates the checkpoint, stages the code it needs and runs torch-model-archiver. The archive is
self-contained: the handler entry file at its root, the `serving` and `model` packages beside it
(TorchServe unpacks the .mar and puts that folder on the worker's path), and the .pth. Any
TorchServe host with the Python dependencies serves it without this repository.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from model.checkpoint import CheckpointError, build_from_checkpoint, read_checkpoint
from model.defaults import DEFAULT_CHECKPOINT

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("serving", "model")  # copied whole into the archive
HANDLER_ENTRY = REPO_ROOT / "serving" / "deepfake_handler.py"
MODEL_NAME = "deepfake"
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "README.md", "docs")


class ArchiveError(RuntimeError):
    pass


def validate_checkpoint(checkpoint_path: Path) -> dict:
    """Refuse a checkpoint the handler could not load: read it and build the network once."""
    checkpoint = read_checkpoint(checkpoint_path)
    build_from_checkpoint(checkpoint)
    return checkpoint


def archiver_command(
    checkpoint_path: Path, staged: Path, export_path: Path, model_name: str, version: str
) -> list[str]:
    archiver = Path(sys.executable).with_name("torch-model-archiver")
    return [
        str(archiver if archiver.exists() else "torch-model-archiver"),
        "--model-name",
        model_name,
        "--version",
        version,
        "--serialized-file",
        str(checkpoint_path),
        "--handler",
        str(HANDLER_ENTRY),
        # a folder given here has its *contents* copied to the archive root: so stage the packages
        "--extra-files",
        str(staged),
        "--export-path",
        str(export_path),
        "--force",
    ]


def stage_packages(folder: Path) -> Path:
    staged = folder / "extra"
    for package in PACKAGES:
        shutil.copytree(REPO_ROOT / package, staged / package, ignore=SKIPPED)
    return staged


def build_archive(checkpoint_path: Path, export_path: Path, model_name: str = MODEL_NAME) -> Path:
    checkpoint = validate_checkpoint(checkpoint_path)
    export_path.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mar-stage-") as folder:
        staged = stage_packages(Path(folder))
        command = archiver_command(checkpoint_path, staged, export_path, model_name, str(checkpoint["version"]))
        # torch-model-archiver assembles every archive in $TMPDIR/<model name> and deletes that folder
        # first: two builds at once (tests, helpers) would mix their files without a TMPDIR of their own.
        environment = {**os.environ, "TMPDIR": folder}
        result = subprocess.run(command, check=False, capture_output=True, text=True, env=environment)
    if result.returncode != 0:
        raise ArchiveError(
            f"torch-model-archiver failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}"
        )
    mar_path = export_path / f"{model_name}.mar"
    if not mar_path.is_file():
        raise ArchiveError(f"torch-model-archiver did not write {mar_path}")
    return mar_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stack.archive", description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", type=Path, default=DEFAULT_CHECKPOINT)
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
