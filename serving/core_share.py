"""How many torch threads a worker may use for its current batch: the host's cores shared by the
workers busy at that moment. A lone request gets every core (latency at concurrency 1); under
load each busy worker gets its share, so the workers never oversubscribe the cores.

Workers of one TorchServe are sibling processes (same parent: the frontend). Each marks itself
busy with an empty file in the temp dir, named by the model, the frontend's pid and its own pid
(no folder: nothing is left behind when the server stops). A mark whose process is gone or is no
sibling (a killed worker's, its pid reused) does not count and is removed. Linux only (/proc):
elsewhere every worker counts itself alone, so set DEEPFAKE_TORCH_THREADS there.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def sibling_marks_prefix(model_name: str) -> Path:
    """Shared by the workers of one model in one TorchServe (their parent is its frontend)."""
    return Path(tempfile.gettempdir()) / f"deepfake-busy-{model_name}-{os.getppid()}-"


class CoreShare:
    def __init__(self, cores: int, marks_prefix: Path, parent_pid: int | None = None):
        self.cores = cores
        self.prefix = marks_prefix  # a mark is this path + a pid
        self.parent_pid = os.getppid() if parent_pid is None else parent_pid  # whose children count
        self.mark = Path(f"{marks_prefix}{os.getpid()}")

    @contextmanager
    def busy(self) -> Iterator[None]:
        """While inside (a whole batch, decoding included): this worker counts as busy."""
        self.mark.touch()
        try:
            yield
        finally:
            self.mark.unlink(missing_ok=True)

    def threads_now(self) -> int:
        """This worker's share, asked just before the forward: by then a sibling that started a
        batch at the same moment has marked itself too."""
        return max(1, self.cores // self.busy_workers())

    def busy_workers(self) -> int:
        busy = 0
        for mark in self.prefix.parent.glob(self.prefix.name + "*"):
            if mark == self.mark or _parent_of(mark.name[len(self.prefix.name) :]) == self.parent_pid:
                busy += 1
            else:
                mark.unlink(missing_ok=True)
        return max(1, busy)


def _parent_of(pid_name: str) -> int | None:
    """The parent pid of a running process (Linux /proc), None when there is no such process."""
    try:
        stat = Path(f"/proc/{int(pid_name)}/stat").read_text()
    except (ValueError, OSError):
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # after "(comm)": state, ppid
