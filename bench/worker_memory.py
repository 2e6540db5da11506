"""Peak memory of TorchServe's Python workers: Linux's VmHWM, reset before the work being measured.

Writing "5" to /proc/PID/clear_refs resets a process's peak RSS (VmHWM) to its current RSS, so
the peak read afterwards belongs to the requests sent in between, not to the model's loading.
"""

from __future__ import annotations

from pathlib import Path


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for pid {pid}")


def rss_mb(pid: int) -> float:
    return _status_kb(pid, "VmRSS") / 1024


def peak_rss_mb(pid: int) -> float:
    return _status_kb(pid, "VmHWM") / 1024


def reset_peak_rss(pids: list[int]) -> None:
    """Peak RSS := current RSS for each pid (needs the same user, or root)."""
    for pid in pids:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
