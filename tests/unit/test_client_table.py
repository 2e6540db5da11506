"""The client's verdict table: the verdict column, why a verdict is not plain, what the model knows."""

from __future__ import annotations

from client.verdicts import table

MODEL = {"name": "deepfake", "version": "1.0", "trained_on": "synthetic demo data", "demo": True}


def answer(file: str, verdict: str, probability: float, **extra) -> dict:
    return {
        "file": file,
        "status": 200,
        "verdict": verdict,
        "label": "fake" if probability >= 0.5 else "real",
        "probability": probability,
        "confidence": max(probability, 1 - probability),
        "threshold": 0.5,
        "in_distribution": {"available": True, "score": 9.0, "threshold": 2.0, "ok": verdict != "out_of_distribution"},
        "frames": {"count": 16},
        "video": {"duration_s": 4.0},
        "model": MODEL,
        **extra,
    }


def test_the_table_shows_verdicts_notes_and_the_demo_warning_once():
    rows = table(
        [
            answer("/v/flat.mp4", "out_of_distribution", 0.97),
            answer("/v/near.mp4", "uncertain", 0.52),
            answer("/v/ok.mp4", "real", 0.1),
            {"file": "/v/notes.txt", "status": 400, "code": "undecodable", "error": "not a video"},
        ]
    ).splitlines()
    assert rows[0].split()[:3] == ["file", "verdict", "P(fake)"]
    flat, near, ok, refused = rows[2:6]
    assert flat.split()[1] == "out_of_distribution" and "unfamiliar" in flat and "9 > 2" in flat
    assert near.split()[1] == "uncertain" and "near the threshold 0.5" in near
    assert ok.split()[1] == "real" and ok.endswith("4.0 s")
    assert "undecodable: not a video" in refused
    demo_lines = [row for row in rows if "trained on synthetic demo data" in row]
    assert len(demo_lines) == 1 and "demo model" in demo_lines[0]


def test_an_answer_from_before_verdicts_shows_its_label():
    old = answer("/v/a.mp4", "real", 0.2)
    del old["verdict"], old["in_distribution"]
    old["model"] = {"name": "deepfake", "version": "1.0"}
    rows = table([old]).splitlines()
    assert rows[2].split()[1] == "real" and len(rows) == 3
