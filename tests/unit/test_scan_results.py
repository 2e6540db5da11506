"""The scan's output file: flattening answers to CSV, records cut short by a kill, foreign files."""

from __future__ import annotations

import json

import pytest

from client.scan_results import CSV_COLUMNS, ResultsError, ResultsWriter, csv_row, latest_status, read_records, rewrite

ANSWER = {
    "file": "/videos/a.mp4",
    "status": 200,
    "scanned_at": "2026-01-01T00:00:00+00:00",
    "label": "fake",
    "probability": 0.8,
    "confidence": 0.8,
    "threshold": 0.5,
    "frames": {"count": 16, "scores": [0.8] * 16},
    "video": {"width": 640, "height": 360, "duration_s": 4.0},
    "model": {"name": "deepfake", "version": "1.0"},
    "timing_ms": {"decode": 1.0},
}
REFUSAL = {
    "file": "/videos/b.mp4",
    "status": 400,
    "scanned_at": "2026-01-01T00:00:01+00:00",
    "error": "not a video",
    "code": "undecodable",
}


def test_csv_row_flattens_an_answer_and_keeps_errors_only_for_refusals():
    row = csv_row(ANSWER)
    assert tuple(row) == CSV_COLUMNS
    assert (row["frames"], row["width"], row["duration_s"], row["model_version"], row["code"]) == (
        16,
        640,
        4.0,
        "1.0",
        "",
    )
    refused = csv_row(REFUSAL)
    assert (refused["code"], refused["error"], refused["label"], refused["frames"]) == (
        "undecodable",
        "not a video",
        "",
        "",
    )


@pytest.mark.parametrize("name", ["results.csv", "results.jsonl"])
def test_a_record_cut_short_by_a_kill_is_ignored_then_replaced(tmp_path, name):
    path = tmp_path / name
    with ResultsWriter(path) as writer:
        writer.write(ANSWER)
    complete = path.read_text()
    with path.open("a") as stream:
        stream.write(complete.splitlines()[-1][:20])  # the kill: half a line, no newline
    assert latest_status(read_records(path)) == {"/videos/a.mp4": 200}
    with ResultsWriter(path) as writer:
        writer.write(REFUSAL)
    assert latest_status(read_records(path)) == {"/videos/a.mp4": 200, "/videos/b.mp4": 400}
    assert path.read_text().startswith(complete) and path.read_text().count("\n") == complete.count("\n") + 1


def test_jsonl_keeps_the_whole_answer(tmp_path):
    path = tmp_path / "results.jsonl"
    with ResultsWriter(path) as writer:
        writer.write(ANSWER)
    assert json.loads(path.read_text()) == ANSWER


@pytest.mark.parametrize("name", ["results.csv", "results.jsonl"])
def test_rewrite_keeps_the_records_as_read(tmp_path, name):
    path = tmp_path / name
    with ResultsWriter(path) as writer:
        writer.write(ANSWER)
        writer.write(REFUSAL)
    records = read_records(path)
    rewrite(path, records[:1])
    assert read_records(path) == records[:1]


def test_foreign_or_unknown_outputs_are_refused(tmp_path):
    foreign = tmp_path / "other.csv"
    foreign.write_text("name,score\nx,1\n")
    with pytest.raises(ResultsError, match="not a scan's"):
        read_records(foreign)
    corrupt = tmp_path / "bad.jsonl"
    corrupt.write_text('{"file": "a"}\nnot json\n')
    with pytest.raises(ResultsError, match="bad.jsonl:2"):
        read_records(corrupt)
    with pytest.raises(ResultsError, match=".csv or .jsonl"):
        read_records(tmp_path / "results.xlsx")
