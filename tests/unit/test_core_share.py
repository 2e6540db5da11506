"""Torch threads per batch: the cores split among the workers busy at that moment."""

import subprocess
import sys

from handler.core_share import CoreShare


def test_a_lone_worker_gets_every_core_and_leaves_no_mark(tmp_path):
    share = CoreShare(cores=2, folder=tmp_path)
    with share.busy():
        assert share.threads_now() == 2 and share.busy_workers() == 1
    assert list(tmp_path.iterdir()) == []


def test_a_busy_sibling_halves_the_share_and_a_dead_one_does_not_count(tmp_path):
    sibling = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        (tmp_path / str(sibling.pid)).touch()
        share = CoreShare(cores=2, folder=tmp_path)
        with share.busy():
            assert share.threads_now() == 1
    finally:
        sibling.communicate(b"")
    share = CoreShare(cores=2, folder=tmp_path)
    with share.busy():  # its mark is left behind, its process gone
        assert share.threads_now() == 2


def test_more_busy_workers_than_cores_still_get_one_thread(tmp_path):
    sibling = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        (tmp_path / str(sibling.pid)).touch()
        share = CoreShare(cores=1, folder=tmp_path)
        with share.busy():
            assert share.threads_now() == 1
    finally:
        sibling.communicate(b"")
