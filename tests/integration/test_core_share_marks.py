"""Issue 11's finding 7 on the real TorchServe: the workers' busy marks lived in the shared temp
directory under predictable names, so another local user could plant one that made every batch
fail when the worker tried to remove it. They now live in a folder private to the server's user,
and a mark that cannot be removed costs nothing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.fixtures.media import SHARED_VIDEOS_DIR
from tests.fixtures.torchserve import predict

pytestmark = pytest.mark.slow

VIDEO = SHARED_VIDEOS_DIR / "carphone_pristine.mp4"


def frontend_pid(torchserve) -> int:
    stat_line = Path(f"/proc/{torchserve.worker_pids()[0]}/stat").read_text()
    return int(stat_line.rsplit(")", 1)[1].split()[1])


def test_planted_marks_fail_no_batch_and_the_marks_folder_is_private(torchserve):
    temp = torchserve.workdir / "tmp"  # the TMPDIR TorchServe and its workers run with
    private = temp / f"deepfake-busy-{os.getuid()}"
    parent = frontend_pid(torchserve)
    # Unremovable "marks" (folders: unlink() fails on them, for root too), where the old code put
    # its marks and where the new code does.
    planted = [temp / f"deepfake-busy-deepfake-{parent}-999999", private / f"deepfake-{parent}-999998"]
    for mark in planted:
        mark.mkdir(parents=True)
    try:
        for _ in range(3):
            answer = predict(torchserve, VIDEO.read_bytes(), "video/mp4")
            assert answer.status_code == 200, answer.text
    finally:
        for mark in planted:
            mark.rmdir()
    mode = private.stat()
    assert stat.S_IMODE(mode.st_mode) == 0o700 and mode.st_uid == os.getuid()
