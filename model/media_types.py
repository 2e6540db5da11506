"""File suffixes of videos: the one list the fleet scan, the dataset readers and the tests look for.

Standard library only, so the client (which must not need torch) can use it too. A suffix only says which
files to try: the decoder (model.frames) decides what a file really is.
"""

from pathlib import Path

VIDEO_SUFFIXES = frozenset(
    {
        ".3g2",
        ".3gp",
        ".asf",
        ".avi",
        ".divx",
        ".f4v",
        ".flv",
        ".m2ts",
        ".m4v",
        ".mkv",
        ".mov",
        ".mp4",
        ".mpeg",
        ".mpg",
        ".mts",
        ".mxf",
        ".ogv",
        ".rm",
        ".rmvb",
        ".ts",
        ".vob",
        ".webm",
        ".wmv",
    }
)


def video_files(folder: Path) -> list[Path]:
    """Every file below `folder` (any depth) with a video suffix, sorted."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in VIDEO_SUFFIXES and p.is_file())
