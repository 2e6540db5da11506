"""Dataset readers on small fixture trees of each layout (empty files stand in for videos:
readers only list and label them)."""

import json
from pathlib import Path

import pytest

from train.datasets import FAKE, REAL, DatasetError, detect_layout, read_dataset


def touch(root: Path, *relative: str) -> None:
    for name in relative:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")


def by_name(items) -> dict:
    return {item.path.name: item for item in items}


def test_plain_layout_labels_and_pairs_same_named_files(tmp_path):
    touch(tmp_path, "real/a.mp4", "real/sub/b.mov", "fake/a.mp4", "fake/c.webm", "real/notes.txt")
    layout, items = read_dataset(tmp_path)
    assert layout == "plain"
    assert sorted((i.path.relative_to(tmp_path).as_posix(), i.label) for i in items) == [
        ("fake/a.mp4", FAKE),
        ("fake/c.webm", FAKE),
        ("real/a.mp4", REAL),
        ("real/sub/b.mov", REAL),
    ]
    groups = {i.path.relative_to(tmp_path).as_posix(): i.group for i in items}
    assert groups["real/a.mp4"] == groups["fake/a.mp4"]
    assert len({groups["real/sub/b.mov"], groups["fake/c.webm"], groups["real/a.mp4"]}) == 3


def test_faceforensics_layout_groups_target_and_donor(tmp_path):
    touch(
        tmp_path,
        "original_sequences/youtube/c23/videos/000.mp4",
        "original_sequences/youtube/c23/videos/003.mp4",
        "original_sequences/youtube/c23/videos/010.mp4",
        "manipulated_sequences/Deepfakes/c23/videos/000_003.mp4",
        "manipulated_sequences/Face2Face/c23/videos/003_000.mp4",
        "manipulated_sequences/Deepfakes/c40/videos/010_011.mp4",
        "manipulated_sequences/Deepfakes/masks/videos/000_003.mp4",  # masks are not samples
        "original_sequences/actors/c23/videos/01__walking.mp4",
        "manipulated_sequences/DeepFakeDetection/c23/videos/01_02__walking__ABC123.mp4",
    )
    layout, items = read_dataset(tmp_path)
    assert layout == "ffpp"
    named = by_name(items)
    assert named["000.mp4"].label == REAL and named["000_003.mp4"].label == FAKE
    assert named["000.mp4"].group == named["003.mp4"].group == named["000_003.mp4"].group == named["003_000.mp4"].group
    assert named["010.mp4"].group != named["000.mp4"].group
    assert named["01__walking.mp4"].group == named["01_02__walking__ABC123.mp4"].group
    assert not [i for i in items if "masks" in i.path.parts]


def test_faceforensics_quality_filter(tmp_path):
    touch(
        tmp_path,
        "original_sequences/youtube/c23/videos/000.mp4",
        "original_sequences/youtube/c40/videos/000.mp4",
        "manipulated_sequences/Deepfakes/c23/videos/000_003.mp4",
        "manipulated_sequences/Deepfakes/c40/videos/000_003.mp4",
    )
    _, items = read_dataset(tmp_path, ffpp_quality="c40")
    assert {i.path.parent.parent.name for i in items} == {"c40"}
    with pytest.raises(DatasetError, match="quality c0"):
        read_dataset(tmp_path, ffpp_quality="c0")


def test_celebdf_layout_uses_the_testing_list_as_test_split(tmp_path):
    touch(
        tmp_path,
        "Celeb-real/id0_0000.mp4",
        "Celeb-real/id1_0001.mp4",
        "YouTube-real/00170.mp4",
        "Celeb-synthesis/id0_id16_0000.mp4",
        "Celeb-synthesis/id1_id2_0001.mp4",
    )
    (tmp_path / "List_of_testing_videos.txt").write_text(
        "1 YouTube-real/00170.mp4\n0 Celeb-synthesis/id1_id2_0001.mp4\n\n"
    )
    layout, items = read_dataset(tmp_path)
    assert layout == "celebdf"
    named = by_name(items)
    assert named["id0_0000.mp4"].label == REAL and named["00170.mp4"].label == REAL
    assert named["id0_id16_0000.mp4"].label == FAKE
    assert named["id0_id16_0000.mp4"].group == named["id0_0000.mp4"].group
    assert {n for n, i in named.items() if i.split == "test"} == {"00170.mp4", "id1_id2_0001.mp4"}


def test_celebdf_testing_list_naming_a_missing_video_is_refused(tmp_path):
    touch(tmp_path, "Celeb-real/id0_0000.mp4", "Celeb-synthesis/id0_id1_0000.mp4")
    (tmp_path / "List_of_testing_videos.txt").write_text("0 Celeb-synthesis/id9_id1_0000.mp4\n")
    with pytest.raises(DatasetError, match="not found"):
        read_dataset(tmp_path)


def test_dfdc_layout_reads_labels_and_originals_from_metadata(tmp_path):
    part = tmp_path / "dfdc_train_part_0"
    touch(part, "aaa.mp4", "bbb.mp4", "ccc.mp4")
    metadata = {
        "aaa.mp4": {"label": "REAL", "split": "train", "original": None},
        "bbb.mp4": {"label": "FAKE", "split": "train", "original": "aaa.mp4"},
        "ccc.mp4": {"label": "FAKE", "split": "train", "original": "zzz.mp4"},
        "missing.mp4": {"label": "FAKE", "split": "train", "original": "aaa.mp4"},
    }
    (part / "metadata.json").write_text(json.dumps(metadata))
    layout, items = read_dataset(tmp_path)
    assert layout == "dfdc"
    named = by_name(items)
    assert set(named) == {"aaa.mp4", "bbb.mp4", "ccc.mp4"}  # listed but absent videos are skipped
    assert named["aaa.mp4"].label == REAL and named["bbb.mp4"].label == FAKE
    assert named["aaa.mp4"].group == named["bbb.mp4"].group != named["ccc.mp4"].group


def test_dfdc_unknown_label_is_refused(tmp_path):
    touch(tmp_path, "x.mp4")
    (tmp_path / "metadata.json").write_text(json.dumps({"x.mp4": {"label": "MAYBE"}}))
    with pytest.raises(DatasetError, match="expected REAL or FAKE"):
        read_dataset(tmp_path, layout="dfdc")


def test_explicit_layout_overrides_detection(tmp_path):
    touch(tmp_path, "real/a.mp4", "fake/b.mp4")
    (tmp_path / "metadata.json").write_text("{}")
    assert detect_layout(tmp_path) == "plain"
    with pytest.raises(DatasetError, match="none of the videos"):
        read_dataset(tmp_path, layout="dfdc")


def test_unknown_folder_says_which_layouts_exist(tmp_path):
    touch(tmp_path, "videos/a.mp4")
    with pytest.raises(DatasetError, match="real/ \\+ fake/"):
        read_dataset(tmp_path)


def test_one_class_only_is_refused(tmp_path):
    touch(tmp_path, "real/a.mp4", "real/b.mp4")
    (tmp_path / "fake").mkdir()
    with pytest.raises(DatasetError, match="2 real and 0 fake"):
        read_dataset(tmp_path)


def test_missing_folder_is_refused(tmp_path):
    with pytest.raises(DatasetError, match="not found"):
        read_dataset(tmp_path / "nowhere")
