"""How many torch threads a worker may use for its current batch: the host's cores shared by the
workers busy at that moment. A lone request gets every core (latency at concurrency 1); under
load each busy worker gets its share, so the workers never oversubscribe the cores.

Workers of one TorchServe are sibling processes (same parent: the frontend). Each marks itself
busy with an empty file named by the model, the frontend's pid and its own pid, in a directory
private to the server's user (`deepfake-busy-<uid>` in the temp dir, mode 0700, checked to be
ours and no symlink): another local user can neither plant nor remove marks. A mark whose process
is gone or is no sibling (a killed worker's, its pid reused) does not count and is removed. Any
OSError on the marks only costs the sharing (the worker then counts itself alone), never a batch.
Linux only (/proc): elsewhere every worker counts itself alone, so set DEEPFAKE_TORCH_THREADS there.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)


def private_marks_dir(root: Path | None = None) -> Path | None:
    """`deepfake-busy-<uid>` under the temp dir, made 0700 if missing; None unless it is ours alone."""
    folder = Path(root or tempfile.gettempdir()) / f"deepfake-busy-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        status = os.lstat(folder)
    except OSError as error:
        logger.warning("no private folder for busy marks (%s): workers will not share cores", error)
        return None
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid() or status.st_mode & 0o077:
        logger.warning("%s is not a folder private to this user: workers will not share cores", folder)
        return None
    return folder


def sibling_marks_prefix(model_name: str, root: Path | None = None) -> Path | None:
    """Shared by the workers of one model in one TorchServe (their parent is its frontend)."""
    folder = private_marks_dir(root)
    return None if folder is None else folder / f"{model_name}-{os.getppid()}-"


class CoreShare:
    def __init__(self, cores: int, marks_prefix: Path, parent_pid: int | None = None):
        self.cores = cores
        self.prefix = marks_prefix  # a mark is this path + a pid
        self.parent_pid = os.getppid() if parent_pid is None else parent_pid  # whose children count
        self.mark = Path(f"{marks_prefix}{os.getpid()}")

    @contextmanager
    def busy(self) -> Iterator[None]:
        """While inside (a whole batch, decoding included): this worker counts as busy."""
        _quietly(self.mark.touch)
        try:
            yield
        finally:
            _quietly(self.mark.unlink, missing_ok=True)

    def threads_now(self) -> int:
        """This worker's share, asked just before the forward: by then a sibling that started a
        batch at the same moment has marked itself too."""
        return max(1, self.cores // self.busy_workers())

    def busy_workers(self) -> int:
        busy = 0
        try:
            marks = list(self.prefix.parent.glob(self.prefix.name + "*"))
        except OSError:
            return 1
        for mark in marks:
            if mark == self.mark or _parent_of(mark.name[len(self.prefix.name) :]) == self.parent_pid:
                busy += 1
            else:
                _quietly(mark.unlink, missing_ok=True)
        return max(1, busy)


def _quietly(action, **arguments) -> None:
    try:
        action(**arguments)
    except OSError as error:
        logger.debug("busy mark: %s", error)


def _parent_of(pid_name: str) -> int | None:
    """The parent pid of a running process (Linux /proc), None when there is no such process."""
    try:
        stat_line = Path(f"/proc/{int(pid_name)}/stat").read_text()
    except (ValueError, OSError):
        return None
    return int(stat_line.rsplit(")", 1)[1].split()[1])  # after "(comm)": state, ppid
