"""`python -m client scan DIR`: a folder of real videos and a broken one through the real
TorchServe (and the real proxy), written as CSV/JSONL, resumed from what the output already holds."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import pytest

from client.__main__ import main as client_main
from tests.fixtures.proxy import closed_url
from tests.fixtures.torchserve import REPO_ROOT

pytestmark = pytest.mark.slow

VIDEOS = ("carphone_pristine.mp4", "sample-mov.mov", "sample-webm.webm")


@pytest.fixture
def scan_folder(tmp_path, shared_videos_dir):
    """Three real videos (one in a subfolder), a broken .mp4, and files a scan must not send."""
    folder = tmp_path / "videos"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(shared_videos_dir / VIDEOS[0], folder / VIDEOS[0])
    shutil.copy(shared_videos_dir / VIDEOS[1], folder / VIDEOS[1])
    shutil.copy(shared_videos_dir / VIDEOS[2], folder / "sub" / VIDEOS[2])
    (folder / "broken.mp4").write_text("not a video at all")
    (folder / "notes.txt").write_text("not a video extension: skipped")
    (folder / "._carphone_pristine.mp4").write_bytes(b"\x00\x05\x16\x07 macOS resource fork")
    return folder


def scan(folder, out, *flags: str) -> int:
    return client_main(["scan", str(folder), "--out", str(out), "--no-progress", *flags])


def csv_rows(path) -> dict[str, dict]:
    with path.open(newline="") as stream:
        return {row["file"]: row for row in csv.DictReader(stream)}


def test_scan_records_every_video_and_a_second_run_sends_nothing(torchserve, scan_folder, tmp_path, capsys):
    out = tmp_path / "results.csv"
    assert (
        scan(scan_folder, out, "--url", torchserve.inference_url, "--concurrency", "3") == 1
    )  # broken.mp4 was refused
    rows = csv_rows(out)
    names = sorted(path.rsplit("/", 1)[1] for path in rows)
    assert names == sorted([*VIDEOS, "broken.mp4"])
    for name in VIDEOS:
        row = next(row for file, row in rows.items() if file.endswith("/" + name))
        assert row["status"] == "200", row
        assert row["label"] in ("real", "fake") and 0.0 <= float(row["probability"]) <= 1.0
        assert row["frames"] == "16" and float(row["duration_s"]) > 0 and row["model_version"] == "1.0"
        assert row["code"] == "" and row["error"] == ""
    broken = rows[str(scan_folder / "broken.mp4")]
    assert (broken["status"], broken["code"], broken["label"]) == ("400", "undecodable", "")
    assert "refused broken.mp4: undecodable" in capsys.readouterr().out

    before = out.read_text()
    assert scan(scan_folder, out, "--url", torchserve.inference_url) == 0
    assert "4 already in" in capsys.readouterr().out
    assert out.read_text() == before, "a resumed scan must not send or append anything"


def test_refused_files_are_sent_again_only_with_retry_errors_and_keep_one_row(torchserve, tmp_path, capsys):
    folder = tmp_path / "videos"
    folder.mkdir()
    (folder / "broken.mp4").write_text("not a video at all")
    out = tmp_path / "results.csv"
    assert scan(folder, out, "--url", torchserve.inference_url) == 1
    assert scan(folder, out, "--url", torchserve.inference_url) == 0  # recorded as refused: skipped
    assert "0 to scan" in capsys.readouterr().out
    assert scan(folder, out, "--url", torchserve.inference_url, "--retry-errors") == 1
    assert "1 to scan" in capsys.readouterr().out
    rows = list(csv.DictReader(out.open(newline="")))
    assert [(row["file"], row["code"]) for row in rows] == [(str(folder / "broken.mp4"), "undecodable")]


def test_a_killed_scan_resumes_with_the_files_it_had_not_finished(torchserve, shared_videos_dir, tmp_path):
    folder = tmp_path / "videos"
    folder.mkdir()
    for name in VIDEOS[:2]:
        shutil.copy(shared_videos_dir / name, folder / name)
    done, cut = (str(folder / name) for name in VIDEOS[:2])
    out = tmp_path / "results.jsonl"
    finished = {
        "file": done,
        "status": 200,
        "label": "fake",
        "probability": 0.999,
        "scanned_at": "2026-01-01T00:00:00+00:00",
    }
    # the kill hit while the second record was being written: its line has no newline
    out.write_text(json.dumps(finished) + "\n" + json.dumps({"file": cut, "status": 200})[:25])

    assert scan(folder, out, "--url", torchserve.inference_url) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records[0] == finished, "the finished file was sent again"
    assert [record["file"] for record in records] == [done, cut]
    assert records[1]["status"] == 200 and records[1]["frames"]["count"] == 16  # JSONL keeps the whole answer


def test_scan_through_the_proxy(proxy, shared_videos_dir, tmp_path):
    folder = tmp_path / "videos"
    folder.mkdir()
    shutil.copy(shared_videos_dir / "sample-mov.mov", folder / "clip.mov")
    out = tmp_path / "results.jsonl"
    assert scan(folder, out, "--proxy-url", proxy.url) == 0
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["status"] == 200 and record["label"] in ("real", "fake")


@pytest.mark.parametrize("server_flag", ["--url", "--proxy-url"])
def test_an_unreachable_server_is_a_clear_error_without_traceback(server_flag, shared_videos_dir, tmp_path):
    folder = tmp_path / "videos"
    folder.mkdir()
    shutil.copy(shared_videos_dir / "sample-mov.mov", folder / "clip.mov")
    out = tmp_path / "results.csv"
    command = [
        sys.executable,
        "-m",
        "client",
        "scan",
        str(folder),
        "--out",
        str(out),
        server_flag,
        closed_url(),
    ]
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2, result
    assert "error: cannot reach" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert not out.exists(), "nothing was scanned: no output file"


def test_an_output_of_another_kind_is_refused(shared_videos_dir, tmp_path, capsys):
    out = tmp_path / "results.csv"
    out.write_text("name,score\nx,1\n")
    assert scan(shared_videos_dir, out, "--url", closed_url()) == 2
    assert "not a scan's" in capsys.readouterr().err
    assert out.read_text() == "name,score\nx,1\n"
