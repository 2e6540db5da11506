"""The .mar carries exactly what serving needs: the handler entry, serving/ and model/, the .pth and the manifest."""

from __future__ import annotations

import json
import zipfile

from tests.fixtures.torchserve import REPO_ROOT

PACKED = ("serving", "model")


def test_the_archive_holds_serving_model_the_checkpoint_and_the_manifest_only(served_mar):
    mar_path, _ = served_mar
    with zipfile.ZipFile(mar_path) as archive:
        members = {name for name in archive.namelist() if not name.endswith("/")}
        manifest = json.loads(archive.read("MAR-INF/MANIFEST.json"))
        entry = archive.read(manifest["model"]["handler"])
    packages = {name for name in members if name.split("/")[0] in PACKED}
    assert members - packages == {"MAR-INF/MANIFEST.json", manifest["model"]["serializedFile"], "deepfake_handler.py"}
    assert entry == (REPO_ROOT / "serving" / "deepfake_handler.py").read_bytes()  # the archiver's copy of the entry
    in_repo = {
        path.relative_to(REPO_ROOT).as_posix() for package in PACKED for path in (REPO_ROOT / package).rglob("*.py")
    }
    assert packages == in_repo, "the .mar must carry every module of serving/ and model/, and nothing else of them"
