"""The scan's output file: flattening answers to CSV, records cut short by a kill, foreign files."""

from __future__ import annotations

import json

import pytest

from client.scan_results import CSV_COLUMNS, ResultsError, ResultsWriter, csv_row, latest_status, read_records, rewrite

ANSWER = {
    "file": "/videos/a.mp4",
    "status": 200,
    "scanned_at": "2026-01-01T00:00:00+00:00",
    "verdict": "out_of_distribution",
    "label": "fake",
    "probability": 0.8,
    "probability_raw": 0.9,
    "confidence": 0.8,
    "threshold": 0.5,
    "in_distribution": {"available": True, "score": 3.5, "threshold": 2.0, "ok": False},
    "frames": {"count": 16, "scores": [0.8] * 16},
    "video": {"width": 640, "height": 360, "duration_s": 4.0},
    "model": {"name": "deepfake", "version": "1.0", "trained_on": "synthetic demo data", "demo": True},
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
    assert (row["verdict"], row["probability_raw"], row["in_distribution_ok"], row["in_distribution_score"]) == (
        "out_of_distribution",
        0.9,
        False,
        3.5,
    )
    assert (row["trained_on"], row["demo_model"]) == ("synthetic demo data", True)
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


OLDER_SCAN_CSV = (
    "file,status,label,probability,confidence,threshold,frames,duration_s,width,height,model_version,code,error,scanned_at\n"
    "/videos/old.mp4,200,real,0.41,0.59,0.5,16,4.0,176,144,1.0,,,2026-01-01T00:00:00+00:00\n"
)


def test_an_older_scans_csv_is_resumed_and_upgraded_to_the_new_columns(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(OLDER_SCAN_CSV)
    assert latest_status(read_records(path)) == {"/videos/old.mp4": 200}
    with ResultsWriter(path) as writer:
        writer.write(ANSWER)
    lines = path.read_text().splitlines()
    assert lines[0] == ",".join(CSV_COLUMNS) and len(lines) == 3
    records = read_records(path)
    assert [r["file"] for r in records] == ["/videos/old.mp4", "/videos/a.mp4"]
    assert (records[0]["label"], records[0]["verdict"], records[1]["verdict"]) == ("real", "", "out_of_distribution")


def test_a_coverage_answer_records_its_flagged_spans_and_most_suspicious_segment():
    covered = {
        **ANSWER,
        "coverage": {
            "mode": "full",
            "windows": 29,
            "flagged": [[10.0, 16.0], [30.0, 34.0]],
            "most_suspicious": {"start_s": 12.0, "end_s": 16.0, "probability": 0.98},
        },
    }
    row = csv_row(covered)
    assert (row["coverage"], row["windows"], row["flagged_segments"]) == ("full", 29, "10.0-16.0 30.0-34.0")
    assert (row["top_segment_start_s"], row["top_segment_end_s"], row["top_segment_probability"]) == (12.0, 16.0, 0.98)
    plain = csv_row(ANSWER)
    assert (plain["coverage"], plain["flagged_segments"], plain["top_segment_start_s"]) == ("sampled", "", "")
    assert csv_row(REFUSAL)["coverage"] == ""
