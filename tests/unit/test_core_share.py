"""Torch threads per batch: the cores split among the sibling workers busy at that moment."""

import os
import stat
import subprocess
import sys

import pytest

from serving.core_share import CoreShare, sibling_marks_prefix


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


def test_marks_live_in_a_folder_private_to_the_user(tmp_path):
    prefix = sibling_marks_prefix("deepfake", root=tmp_path)
    folder = prefix.parent
    assert folder.name == f"deepfake-busy-{os.getuid()}"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and folder.stat().st_uid == os.getuid()


@pytest.mark.parametrize("planted", ["open folder", "symlink", "file"])
def test_a_planted_marks_folder_is_not_used(tmp_path, planted):
    target = tmp_path / f"deepfake-busy-{os.getuid()}"
    if planted == "open folder":
        target.mkdir(mode=0o777)
        target.chmod(0o777)  # what another user's mkdir would leave: writable by all
    elif planted == "symlink":
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        target.symlink_to(tmp_path / "elsewhere")
    else:
        target.write_text("")
    assert sibling_marks_prefix("deepfake", root=tmp_path) is None


def test_a_mark_that_cannot_be_removed_never_fails_a_batch(tmp_path, sibling):
    """A mark another user planted (here: a folder, which unlink() cannot remove) costs nothing."""
    (tmp_path / "busy-999999999").mkdir()
    share = CoreShare(cores=2, marks_prefix=tmp_path / "busy-", parent_pid=os.getpid())
    with share.busy():
        assert share.threads_now() == 2
    (tmp_path / "busy-999999999").rmdir()
    share.mark = tmp_path / "missing-folder" / "mark"  # touch() fails: the batch still runs
    with share.busy():
        assert share.threads_now() == 2
