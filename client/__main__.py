"""`python -m client VIDEO...` (verdicts) or `python -m client scan DIR --out results.csv` (fleet scan)."""

from __future__ import annotations

import sys
from pathlib import Path

from client import scan, verdicts


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["scan"] and not Path("scan").is_file():  # a video named "scan" is still a video
        return scan.main(argv[1:])
    return verdicts.main(argv)


def check_console() -> int:
    """The `deepfake-check` console script: verdicts for videos (pyproject.toml [project.scripts])."""
    return verdicts.main(prog="deepfake-check")


def scan_console() -> int:
    """The `deepfake-scan` console script: a whole folder to CSV/JSONL."""
    return scan.main(prog="deepfake-scan")


if __name__ == "__main__":
    sys.exit(main())
