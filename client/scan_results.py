"""The output file of `scan`: CSV or JSONL (chosen by its extension), one record per file.

Records are appended and flushed one at a time, so a killed scan loses only the files in flight.
Reading it back tells a resumed scan which files are done. A record cut short by a kill (the
last line without its newline) is ignored when read and removed before appending.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Self

from client.credentials import credentials_text

CSV_COLUMNS = (
    "file",
    "status",
    "label",
    "probability",
    "confidence",
    "threshold",
    "frames",
    "duration_s",
    "width",
    "height",
    "model_version",
    "content_credentials",  # in words (client/credentials.py); the JSONL keeps the whole `provenance`
    "c2pa_present",
    "c2pa_signature_valid",
    "c2pa_ai_generated",
    "c2pa_claim_generator",
    "c2pa_signer",
    "code",
    "error",
    "scanned_at",
)
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


class ResultsError(ValueError):
    """The output file cannot be used (unknown extension, foreign columns, corrupt line)."""


def output_format(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise ResultsError(f"{path}: the output must end in .csv or .jsonl (or .ndjson)") from None


def csv_row(record: dict) -> dict:
    """A record (the server's answer plus file/status/scanned_at) flattened to CSV_COLUMNS."""
    video, frames, model, provenance = (
        record.get(key) if isinstance(record.get(key), dict) else {}
        for key in ("video", "frames", "model", "provenance")
    )
    refused = record.get("status") != 200
    nested = {
        "frames": frames.get("count"),
        "duration_s": video.get("duration_s"),
        "width": video.get("width"),
        "height": video.get("height"),
        "model_version": model.get("version"),
        "content_credentials": credentials_text(provenance) if provenance else None,
        "c2pa_present": provenance.get("present"),
        "c2pa_signature_valid": provenance.get("signature_valid"),
        "c2pa_ai_generated": provenance.get("ai_generated"),
        "c2pa_claim_generator": provenance.get("claim_generator"),
        "c2pa_signer": provenance.get("signer"),
        "code": record.get("code") if refused else None,
        "error": record.get("error") if refused else None,
    }
    values = {column: nested[column] if column in nested else record.get(column) for column in CSV_COLUMNS}
    return {column: "" if value is None else value for column, value in values.items()}


def complete_text(path: Path) -> str:
    """The file's text up to its last newline: a record is complete only once its newline is written."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ""
    return data[: data.rfind(b"\n") + 1].decode("utf-8")


def read_records(path: Path) -> list[dict]:
    text = complete_text(path)
    if output_format(path) == "csv":
        return read_csv(path, text)
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except ValueError:
            raise ResultsError(f"{path}:{number} is not a JSON record: fix or remove that line") from None
    return records


def read_csv(path: Path, text: str) -> list[dict]:
    if not text:
        return []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
        raise ResultsError(
            f"{path} has the columns {reader.fieldnames}, not a scan's {list(CSV_COLUMNS)}: choose another --out"
        )
    return [{**row, "status": int(row["status"]) if row["status"].isdigit() else None} for row in reader]


def latest_status(records: list[dict]) -> dict[str, int | None]:
    """file -> HTTP status of its latest record (None: the file could not be read)."""
    return {record["file"]: record.get("status") for record in records if record.get("file")}


def rewrite(path: Path, records: list[dict]) -> None:
    """Replace the file by these records, as read (atomically: a kill leaves the old or the new file)."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8", newline="") as stream:
        if output_format(path) == "csv":
            writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(
                {**record, "status": "" if record["status"] is None else record["status"]} for record in records
            )
        else:
            stream.writelines(json.dumps(record) + "\n" for record in records)
    os.replace(temporary, path)


class ResultsWriter:
    """Appends records to the output file, each flushed to the OS as soon as it is written."""

    def __init__(self, path: Path):
        self.format = output_format(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        complete_bytes = len(complete_text(path).encode("utf-8"))
        self.stream = path.open("a", encoding="utf-8", newline="")
        self.stream.truncate(complete_bytes)  # drop a record cut short by a kill
        self.csv = (
            csv.DictWriter(self.stream, fieldnames=CSV_COLUMNS, lineterminator="\n") if self.format == "csv" else None
        )
        if self.csv and complete_bytes == 0:
            self.csv.writeheader()

    def write(self, record: dict) -> None:
        if self.csv:
            self.csv.writerow(csv_row(record))
        else:
            self.stream.write(json.dumps(record) + "\n")
        self.stream.flush()

    def close(self) -> None:
        self.stream.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()
