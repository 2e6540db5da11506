"""Dataset readers: turn a dataset folder into a list of labelled videos with pairing groups.

Layouts (`--layout`, or detected):
- plain:   real/ and fake/ (videos anywhere below). A fake with the same relative file name as a
           real is its manipulated copy (as `python -m train.synth` writes them).
- ffpp:    FaceForensics++: original_sequences/<source>/<quality>/videos/*.mp4 (real),
           manipulated_sequences/<method>/<quality>/videos/*.mp4 (fake, "000_003" = target 000,
           face from 003; DeepFakeDetection "01_02__scene__ID").
- celebdf: Celeb-DF-v2: Celeb-real/ and YouTube-real/ (real), Celeb-synthesis/ (fake,
           "id0_id16_0000" = video id0_0000 with id16's face); List_of_testing_videos.txt names the
           test split.
- dfdc:    DFDC: folders with metadata.json {"x.mp4": {"label": "REAL"|"FAKE", "original": ...}}.

`group` ties a fake to the real it was made from: a group never straddles train and validation,
otherwise the model is graded on faces and scenes it trained on.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from model.media_types import video_files

LAYOUTS = ("plain", "ffpp", "celebdf", "dfdc")
GENUINE_ONLY_LAYOUT = "genuine"  # a folder of genuine videos alone: analysis.evaluate reads it, training cannot
REAL, FAKE = 0, 1
CELEBDF_TEST_LIST = "List_of_testing_videos.txt"


class DatasetError(ValueError):
    """The folder is not a dataset this reader understands; the message says what was expected."""


@dataclass(frozen=True)
class VideoItem:
    path: Path
    label: int  # REAL (0) or FAKE (1)
    group: str  # videos of one group (a fake and its source) stay in the same split
    split: str | None = None  # "test" when the dataset fixes it (Celeb-DF), else None


def read_dataset(
    root: str | Path, layout: str = "auto", ffpp_quality: str | None = None, require_both: bool = True
) -> tuple[str, list[VideoItem]]:
    """(layout used, videos sorted by path). Raises DatasetError with what is wrong. Training
    needs both classes; evaluation (`require_both=False`) accepts a folder of one class."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"dataset folder not found: {root}")
    layout = detect_layout(root) if layout == "auto" else layout
    readers = {
        "plain": read_plain,
        "ffpp": lambda r: read_ffpp(r, ffpp_quality),
        "celebdf": read_celebdf,
        "dfdc": read_dfdc,
    }
    if layout not in readers:
        raise DatasetError(f"unknown layout {layout!r}; choose from auto, {', '.join(LAYOUTS)}")
    items = sorted(readers[layout](root), key=lambda item: str(item.path))
    if require_both:
        _require_both_classes(items, root, layout)
    return layout, items


def detect_layout(root: Path) -> str:
    if (root / "original_sequences").is_dir() and (root / "manipulated_sequences").is_dir():
        return "ffpp"
    if (root / "Celeb-synthesis").is_dir():
        return "celebdf"
    if (root / "real").is_dir() and (root / "fake").is_dir():
        return "plain"
    if (root / "metadata.json").is_file() or any(root.glob("*/metadata.json")):
        return "dfdc"
    raise DatasetError(
        f"cannot tell the layout of {root}: expected real/ + fake/ (plain), original_sequences/ + "
        "manipulated_sequences/ (FaceForensics++), Celeb-synthesis/ (Celeb-DF-v2) or metadata.json "
        "files (DFDC); or pass --layout"
    )


def _require_both_classes(items: list[VideoItem], root: Path, layout: str) -> None:
    counts = Counter(item.label for item in items)
    if not counts[REAL] or not counts[FAKE]:
        raise DatasetError(
            f"{root} ({layout} layout) holds {counts[REAL]} real and {counts[FAKE]} fake videos: training needs both"
        )


def read_plain(root: Path) -> list[VideoItem]:
    items = []
    for folder, label in (("real", REAL), ("fake", FAKE)):
        base = root / folder
        if not base.is_dir():
            raise DatasetError(f"plain layout needs {base}/")
        for path in video_files(base):
            items.append(VideoItem(path, label, "plain:" + path.relative_to(base).with_suffix("").as_posix()))
    return items


def read_ffpp(root: Path, quality: str | None = None) -> list[VideoItem]:
    """Groups join a manipulated video with both of its source videos (target and face donor)."""
    found: list[tuple[Path, int]] = []
    for folder, label in (("original_sequences", REAL), ("manipulated_sequences", FAKE)):
        for videos_dir in sorted((root / folder).rglob("videos")):
            is_mask = "masks" in videos_dir.relative_to(root).parts  # manipulation masks, not samples
            if videos_dir.is_dir() and not is_mask and (quality is None or videos_dir.parent.name == quality):
                found += [(path, label) for path in video_files(videos_dir)]
    if not found:
        wanted = f" of quality {quality}" if quality else ""
        raise DatasetError(f"no FaceForensics++ videos{wanted} under {root}/*_sequences/*/*/videos/")
    groups = _UnionFind()
    keys = {path: _ffpp_keys(path.stem) for path, _ in found}
    for path_keys in keys.values():
        groups.join(path_keys)
    return [VideoItem(path, label, "ffpp:" + groups.root(keys[path][0])) for path, label in found]


def _ffpp_keys(stem: str) -> list[str]:
    """Source-video keys of an FF++ file name: "000" -> [000]; "000_003" -> [000, 003];
    DeepFakeDetection "01__scene" -> [01__scene]; "01_02__scene__X1Y2" -> [01__scene]."""
    if match := re.fullmatch(r"(\d+)_(\d+)__(.+?)__\w+", stem):
        return [f"{match[1]}__{match[3]}"]
    if match := re.fullmatch(r"(\d+)_(\d+)", stem):
        return [match[1], match[2]]
    return [stem]


class _UnionFind:
    def __init__(self):
        self.parent: dict[str, str] = {}

    def root(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, keys: list[str]) -> None:
        roots = sorted(self.root(k) for k in keys)
        for other in roots[1:]:
            self.parent[other] = roots[0]


def read_celebdf(root: Path) -> list[VideoItem]:
    test_names = _celebdf_test_list(root)
    items = []
    for folder, label in (("Celeb-real", REAL), ("YouTube-real", REAL), ("Celeb-synthesis", FAKE)):
        for path in video_files(root / folder) if (root / folder).is_dir() else []:
            relative = path.relative_to(root).as_posix()
            split = "test" if relative in test_names else None
            items.append(VideoItem(path, label, _celebdf_group(folder, path.stem), split))
    listed_missing = test_names - {item.path.relative_to(root).as_posix() for item in items}
    if listed_missing:
        raise DatasetError(
            f"{CELEBDF_TEST_LIST} lists {len(listed_missing)} videos not found, e.g. {min(listed_missing)}"
        )
    return items


def _celebdf_group(folder: str, stem: str) -> str:
    """ "id0_id16_0000" (id16's face on id0's video 0000) belongs with real "id0_0000"."""
    if folder == "Celeb-synthesis" and (match := re.fullmatch(r"(id\d+)_id\d+_(\d+)", stem)):
        return f"celebdf:{match[1]}_{match[2]}"
    return f"celebdf:{'youtube/' if folder == 'YouTube-real' else ''}{stem}"


def _celebdf_test_list(root: Path) -> set[str]:
    """Relative paths named in List_of_testing_videos.txt ("1 YouTube-real/00170.mp4" per line)."""
    listing = root / CELEBDF_TEST_LIST
    if not listing.is_file():
        return set()
    names = set()
    for number, line in enumerate(listing.read_text().splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2 or parts[0] not in ("0", "1"):
            raise DatasetError(f"{listing}:{number}: expected '<0|1> <relative path>', got {line!r}")
        names.add(parts[1])
    return names


def read_dfdc(root: Path) -> list[VideoItem]:
    metadata_files = sorted(root.rglob("metadata.json"))
    if not metadata_files:
        raise DatasetError(f"no metadata.json under {root} (DFDC layout)")
    items = []
    for metadata_file in metadata_files:
        items += _dfdc_part(metadata_file)
    if not items:
        raise DatasetError(f"none of the videos listed in {len(metadata_files)} metadata.json files exist under {root}")
    return items


def _dfdc_part(metadata_file: Path) -> list[VideoItem]:
    try:
        entries = json.loads(metadata_file.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DatasetError(f"{metadata_file} is not valid JSON: {error}") from error
    if not isinstance(entries, dict):
        raise DatasetError(f"{metadata_file} must map video file names to {{'label': 'REAL'|'FAKE'}}")
    items = []
    for name, entry in sorted(entries.items()):
        label = str(entry.get("label", "")).upper() if isinstance(entry, dict) else ""
        if label not in ("REAL", "FAKE"):
            raise DatasetError(f"{metadata_file}: {name} has label {label or 'none'!r}, expected REAL or FAKE")
        path = metadata_file.parent / name
        if path.is_file():  # DFDC parts are often downloaded partially: list what is there
            source = entry.get("original") or name
            items.append(VideoItem(path, FAKE if label == "FAKE" else REAL, f"dfdc:{Path(source).stem}"))
    return items


def summarize(items: list[VideoItem]) -> dict:
    counts = Counter(item.label for item in items)
    return {"videos": len(items), "real": counts[REAL], "fake": counts[FAKE], "groups": len({i.group for i in items})}
