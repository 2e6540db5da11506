"""The provenance reader on files signed in the test with c2pa-python's Builder: the real native
library, the real child process, from memory. Network: a loopback server stands where a remote
manifest and an OCSP responder would be, and must see no request (the library's defaults do
fetch the remote manifest, which the first test shows)."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path

import c2pa
import pytest

from serving.provenance_process import ProvenanceLimits, ProvenanceReader
from tests.fixtures.c2pa_signing import (
    GENERATOR,
    SIGNER_NAME,
    ContentSigner,
    change_last_media_byte,
    corrupt_manifest,
    make_chain,
)
from tests.fixtures.media import SHARED_VIDEOS_DIR

pytestmark = pytest.mark.slow

LIMITS = ProvenanceLimits(max_bytes=64 * 2**20, timeout_s=20.0, max_manifest_mb=16, memory_mb=2048)
REPO_ROOT = Path(__file__).resolve().parents[2]
VIDEO = (SHARED_VIDEOS_DIR / "sample-mp4.mp4").read_bytes()


@pytest.fixture(scope="module")
def reader():
    reader = ProvenanceReader(LIMITS)
    reader.start()
    yield reader
    reader.close()


def test_a_signed_ai_generated_video_is_present_valid_and_declares_it(reader, c2pa_signer):
    answer = reader.read(c2pa_signer.signed(VIDEO, "video/mp4"))
    assert answer["present"] is True and answer["checked"] is True, answer
    assert answer["signature_valid"] is True and answer["trusted"] is False
    assert answer["ai_generated"] is True
    assert answer["signer"] == SIGNER_NAME
    assert answer["claim_generator"] == f"{GENERATOR} 2.0"
    assert answer["created"] == "2026-11-30T12:00:00Z"
    assert answer["actions"] == [
        {
            "action": "c2pa.created",
            "digital_source_type": "trainedAlgorithmicMedia",
            "software_agent": GENERATOR,
            "when": "2026-11-30T12:00:00Z",
        }
    ]
    assert answer["validation_failures"] == [] and "error" not in answer


def test_a_camera_capture_is_not_called_ai_generated(reader, c2pa_signer):
    answer = reader.read(c2pa_signer.signed(VIDEO, "video/mp4", source_type="digitalCapture"))
    assert answer["present"] is True and answer["signature_valid"] is True
    assert answer["ai_generated"] is False


@pytest.mark.parametrize("mime", ["image/jpeg", "image/png"])
def test_signed_images_are_read_too(reader, c2pa_signer, mime):
    from PIL import Image
    from skimage import data as sample_images

    encoded = io.BytesIO()
    Image.fromarray(sample_images.astronaut()).save(encoded, format=mime.split("/")[1].upper())
    signed = c2pa_signer.signed(encoded.getvalue(), mime, source_type="compositeWithTrainedAlgorithmicMedia")
    answer = reader.read(signed)
    assert answer["present"] is True and answer["signature_valid"] is True, answer
    assert answer["ai_generated"] is True
    assert reader.read(change_last_media_byte(signed))["signature_valid"] is False


def test_a_byte_changed_after_signing_reports_an_invalid_signature(reader, c2pa_signer):
    answer = reader.read(change_last_media_byte(c2pa_signer.signed(VIDEO, "video/mp4")))
    assert answer["present"] is True and answer["signature_valid"] is False
    assert "assertion.bmffHash.mismatch" in answer["validation_failures"]
    assert answer["ai_generated"] is True  # what it declares is still shown, flagged by signature_valid


def test_a_file_without_a_manifest_is_absent(reader):
    answer = reader.read(VIDEO)
    assert answer["present"] is False and answer["checked"] is True
    assert answer["signature_valid"] is None and answer["ai_generated"] is None and "error" not in answer


@pytest.mark.parametrize("name", ["sample-webm.webm", "sample-mkv.mkv", "sample-ogg.ogv"])
def test_formats_c2pa_cannot_carry_are_not_checked_rather_than_called_malformed(reader, name):
    answer = reader.read((SHARED_VIDEOS_DIR / name).read_bytes())
    assert answer["present"] is False and answer["checked"] is False and "error" not in answer, answer


def test_a_corrupt_manifest_reports_an_error(reader, c2pa_signer):
    answer = reader.read(corrupt_manifest(c2pa_signer.signed(VIDEO, "video/mp4")))
    assert answer["present"] is True
    assert answer["error"].startswith("malformed Content Credentials"), answer


def test_a_remote_manifest_and_the_ocsp_responder_are_never_fetched(reader, recording_server):
    signer = ContentSigner(*make_chain(ocsp_url=f"{recording_server.url}/ocsp"))
    embedded = signer.signed(VIDEO, "video/mp4")
    remote_only = signer.signed(VIDEO, "video/mp4", remote_url=f"{recording_server.url}/manifest.c2pa")

    # The library's defaults do fetch it: this is what the reader must not do.
    with pytest.raises(c2pa.C2paError):
        c2pa.Reader("video/mp4", io.BytesIO(remote_only))
    assert recording_server.requests == ["/manifest.c2pa"]
    recording_server.requests.clear()

    answer = reader.read(remote_only)
    assert answer["present"] is False and answer["remote_manifest_url"] == f"{recording_server.url}/manifest.c2pa"
    assert reader.read(embedded)["signature_valid"] is True
    assert recording_server.requests == []


def test_a_file_over_the_size_limit_is_not_checked_and_says_so(c2pa_signer):
    small = ProvenanceReader(ProvenanceLimits(max_bytes=1000, timeout_s=5, max_manifest_mb=16, memory_mb=2048))
    answer = small.read(c2pa_signer.signed(VIDEO, "video/mp4"))
    assert answer["checked"] is False and "larger than" in answer["reason"]
    small.close()


def test_the_deadline_kills_a_slow_check_and_the_next_file_is_read_again(c2pa_signer):
    signed = c2pa_signer.signed(VIDEO, "video/mp4")
    hurried = ProvenanceReader(ProvenanceLimits(max_bytes=2**30, timeout_s=0.001, max_manifest_mb=16, memory_mb=2048))
    hurried.start()
    started = time.monotonic()
    answer = hurried.read(signed)
    assert "took over" in answer["error"] and time.monotonic() - started < 5
    hurried.limits = LIMITS  # a new child starts for the next file
    assert hurried.read(signed)["signature_valid"] is True
    hurried.close()


def test_the_child_runs_under_the_address_space_limit(reader):
    limits = Path(f"/proc/{reader.child_pid}/limits").read_text()
    line = next(line for line in limits.splitlines() if line.startswith("Max address space"))
    assert line.split()[3:5] == [str(LIMITS.memory_mb * 2**20)] * 2, line


def test_a_child_that_dies_fails_the_check_not_the_caller(c2pa_signer):
    starved = ProvenanceReader(ProvenanceLimits(max_bytes=2**30, timeout_s=20, max_manifest_mb=16, memory_mb=16))
    answer = starved.read(c2pa_signer.signed(VIDEO, "video/mp4"))
    assert answer["present"] is True and answer["error"].startswith("reading Content Credentials failed"), answer
    starved.close()


def test_the_child_loads_no_torch_so_it_starts_in_a_moment():
    check = "import sys, serving.provenance_process; print('torch' in sys.modules)"
    shown = subprocess.run(
        [sys.executable, "-c", check], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert shown.stdout.strip() == "False", shown.stderr
