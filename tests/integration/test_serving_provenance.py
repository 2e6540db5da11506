"""Content Credentials on a real TorchServe: videos and images signed in the test (c2pa-python's
Builder, a chain made with `cryptography`) go to /predictions; the answer carries `provenance`
next to the detector's verdict, and a broken manifest never costs the prediction."""

from __future__ import annotations

import base64
import csv
import io
import json

import httpx
import pytest
from PIL import Image
from skimage import data as sample_images

from client.__main__ import main as client_main
from tests.fixtures.c2pa_signing import GENERATOR, SIGNER_NAME, change_last_media_byte, corrupt_manifest
from tests.fixtures.media import SHARED_VIDEOS_DIR
from tests.fixtures.torchserve import assert_prediction_contract, predict

pytestmark = pytest.mark.slow

VIDEO = (SHARED_VIDEOS_DIR / "carphone_pristine.mp4").read_bytes()


def jpeg() -> bytes:
    encoded = io.BytesIO()
    Image.fromarray(sample_images.astronaut()).save(encoded, format="JPEG", quality=90)
    return encoded.getvalue()


def predicted(torchserve, body: bytes, route: str = "predictions") -> dict:
    response = predict(torchserve, body, route=route)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_signed_ai_generated_video_is_present_valid_and_declared(torchserve, c2pa_signer):
    answer = predicted(torchserve, c2pa_signer.signed(VIDEO, "video/mp4"))
    assert_prediction_contract(answer)
    credentials = answer["provenance"]
    assert credentials["present"] is True and credentials["signature_valid"] is True, credentials
    assert credentials["ai_generated"] is True
    assert credentials["signer"] == SIGNER_NAME and credentials["claim_generator"] == f"{GENERATOR} 2.0"
    assert credentials["created"] == "2026-11-30T12:00:00Z"
    assert [action["digital_source_type"] for action in credentials["actions"]] == ["trainedAlgorithmicMedia"]
    assert answer["label"] in ("real", "fake")  # the verdict is the detector's, whatever the file declares
    assert "provenance" in answer["timing_ms"]


def test_a_signed_image_is_read_too(torchserve, c2pa_signer):
    answer = predicted(torchserve, c2pa_signer.signed(jpeg(), "image/jpeg", source_type="digitalCapture"))
    assert answer["frames"]["unique"] == 1
    assert answer["provenance"]["present"] is True and answer["provenance"]["signature_valid"] is True
    assert answer["provenance"]["ai_generated"] is False


def test_a_byte_changed_after_signing_reports_an_invalid_signature(torchserve, c2pa_signer):
    answer = predicted(torchserve, change_last_media_byte(c2pa_signer.signed(VIDEO, "video/mp4")))
    assert answer["provenance"]["present"] is True and answer["provenance"]["signature_valid"] is False
    assert "assertion.bmffHash.mismatch" in answer["provenance"]["validation_failures"]


def test_a_file_without_a_manifest_reports_absent(torchserve):
    credentials = predicted(torchserve, VIDEO)["provenance"]
    assert credentials["present"] is False and credentials["checked"] is True and "error" not in credentials


def test_a_corrupt_manifest_reports_an_error_while_the_prediction_answers(torchserve, c2pa_signer):
    answer = predicted(torchserve, corrupt_manifest(c2pa_signer.signed(VIDEO, "video/mp4")))
    assert_prediction_contract(answer)
    assert answer["provenance"]["error"].startswith("malformed Content Credentials"), answer["provenance"]


def test_explanations_carry_provenance_too(torchserve, c2pa_signer):
    answer = predicted(torchserve, c2pa_signer.signed(VIDEO, "video/mp4"), route="explanations")
    assert answer["provenance"]["ai_generated"] is True and "explanation" in answer


def test_frames_sent_as_images_say_provenance_was_not_checked(torchserve):
    frame = base64.b64encode(jpeg()).decode()
    response = httpx.post(
        f"{torchserve.inference_url}/predictions/{torchserve.model_name}",
        content=json.dumps({"frames": [frame] * 2}),
        headers={"Content-Type": "application/json"},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    assert response.json()["provenance"]["checked"] is False


def test_the_worker_never_fetches_a_remote_manifest(torchserve, c2pa_signer, recording_server):
    remote_only = c2pa_signer.signed(VIDEO, "video/mp4", remote_url=f"{recording_server.url}/manifest.c2pa")
    credentials = predicted(torchserve, remote_only)["provenance"]
    assert credentials["present"] is False
    assert credentials["remote_manifest_url"] == f"{recording_server.url}/manifest.c2pa"
    assert recording_server.requests == []


def test_the_client_table_and_the_scan_csv_and_jsonl_say_what_the_file_declares(
    torchserve, c2pa_signer, tmp_path, capsys
):
    folder = tmp_path / "videos"
    folder.mkdir()
    (folder / "declared.mp4").write_bytes(c2pa_signer.signed(VIDEO, "video/mp4"))
    (folder / "plain.mp4").write_bytes(VIDEO)
    declared = f"Content Credentials: declares AI-generated (by {GENERATOR} 2.0)"

    assert (
        client_main([str(folder / "declared.mp4"), str(folder / "plain.mp4"), "--url", torchserve.inference_url]) == 0
    )
    table = capsys.readouterr().out
    assert declared in next(line for line in table.splitlines() if line.startswith("declared.mp4"))
    assert "no Content Credentials" in next(line for line in table.splitlines() if line.startswith("plain.mp4"))

    out_csv, out_jsonl = tmp_path / "results.csv", tmp_path / "results.jsonl"
    for out in (out_csv, out_jsonl):
        scan = ["scan", str(folder), "--out", str(out), "--url", torchserve.inference_url, "--no-progress"]
        assert client_main(scan) == 0
    with out_csv.open(newline="") as stream:
        rows = {row["file"].rsplit("/", 1)[1]: row for row in csv.DictReader(stream)}
    assert rows["declared.mp4"]["content_credentials"] == declared
    assert (rows["declared.mp4"]["c2pa_ai_generated"], rows["declared.mp4"]["c2pa_signature_valid"]) == ("True", "True")
    assert rows["plain.mp4"]["content_credentials"] == "no Content Credentials"
    records = {
        json.loads(line)["file"].rsplit("/", 1)[1]: json.loads(line) for line in out_jsonl.read_text().splitlines()
    }
    assert records["declared.mp4"]["provenance"]["signer"] == SIGNER_NAME
