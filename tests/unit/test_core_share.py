"""Torch threads per batch: the cores split among the sibling workers busy at that moment."""

import os
import subprocess
import sys

import pytest

from serving.core_share import CoreShare


@pytest.fixture
def sibling():
    """A live process whose parent is this one: stands for a second worker."""
    process = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    yield process
    process.communicate(b"")


def test_a_lone_worker_gets_every_core_and_leaves_no_mark(tmp_path):
    share = CoreShare(cores=2, marks_prefix=tmp_path / "busy-", parent_pid=os.getpid())
    with share.busy():
        assert share.threads_now() == 2 and share.busy_workers() == 1
    assert list(tmp_path.iterdir()) == []


def test_a_busy_sibling_halves_the_share(tmp_path, sibling):
    (tmp_path / f"busy-{sibling.pid}").touch()
    share = CoreShare(cores=2, marks_prefix=tmp_path / "busy-", parent_pid=os.getpid())
    with share.busy():
        assert share.threads_now() == 1
    one_core = CoreShare(cores=1, marks_prefix=tmp_path / "busy-", parent_pid=os.getpid())
    with one_core.busy():
        assert one_core.busy_workers() == 2 and one_core.threads_now() == 1  # more busy than cores: still one


def test_marks_of_dead_or_unrelated_processes_do_not_count_and_are_removed(tmp_path, sibling):
    (tmp_path / f"busy-{sibling.pid}").touch()
    share = CoreShare(
        cores=2, marks_prefix=tmp_path / "busy-", parent_pid=os.getppid()
    )  # the sibling is no child of our parent
    (tmp_path / "busy-999999999").touch()  # no such process
    (tmp_path / "other-file").touch()  # not a mark: left alone
    with share.busy():
        assert share.threads_now() == 2
    assert [path.name for path in tmp_path.iterdir()] == ["other-file"]
