"""TorchServe keys: parsed from key_file.json, re-read when TorchServe rewrites it, explicit keys first."""

import json
import os

from proxy.keys import KeySource, TorchServeKeys, bearer, parse_key_file


def key_file_text(inference, management):
    return json.dumps(
        {
            "management": {"key": management, "expiration time": "2026-01-01T00:00:00Z"},
            "inference": {"key": inference, "expiration time": "2026-01-01T00:00:00Z"},
            "API": {"key": "api-key"},
        }
    )


def test_parse_key_file_as_torchserve_writes_it():
    assert parse_key_file(key_file_text("inf-1", "man-1")) == TorchServeKeys(inference="inf-1", management="man-1")


def test_missing_file_means_no_keys(tmp_path):
    assert KeySource(tmp_path / "absent.json", None, None).current() == TorchServeKeys()
    assert bearer(None) == {}


def test_rewritten_file_is_read_again(tmp_path):
    path = tmp_path / "key_file.json"
    path.write_text(key_file_text("inf-1", "man-1"))
    source = KeySource(path, None, None)
    assert source.current().inference == "inf-1"
    path.write_text(key_file_text("inf-22", "man-22"))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert source.current() == TorchServeKeys(inference="inf-22", management="man-22")


def test_explicit_keys_win_and_broken_file_gives_none(tmp_path):
    path = tmp_path / "key_file.json"
    path.write_text("{not json")
    assert KeySource(path, "explicit", None).current() == TorchServeKeys(inference="explicit", management=None)
    assert bearer("explicit") == {"Authorization": "Bearer explicit"}
