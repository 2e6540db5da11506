"""Reads Content Credentials with a deadline and a memory limit the native c2pa library cannot pass.

c2pa's reader is native code: a Python thread cannot stop it. So the handler first asks, in its
own process, only whether the file carries a manifest at all (c2pa without verification: about
1 ms, and it is the answer for every file without Content Credentials); only a file that has one
is sent to a child process (`python -m serving.provenance_process`, one per worker, started with
the handler) that verifies it under an address-space limit. Past the deadline the child is
killed and the next file starts a new one; the prediction answers either way.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

import c2pa

from serving.provenance import (
    ProvenanceLimits,
    not_checked,
    offline_settings,
    provenance,
    read_store,
    remote_manifest_url,
    summarise,
)

logger = logging.getLogger(__name__)
HEADER_BYTES = 8
CHUNK_BYTES = 1 << 20
MAX_ANSWER_BYTES = 1 << 20
READY = b"ready\n"  # the child's first line, once c2pa is loaded: its start-up is not a file's time
STARTUP_TIMEOUT_S = 60.0
UNSUPPORTED = (
    "a format that cannot carry Content Credentials readable here (WebM, Matroska, Ogg, FLV, ASF, RealMedia, ...)"
)
PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # holds serving/ (the .mar's unpacked folder)


class ProvenanceReader:
    """One per worker: `read(data)` -> the answer's `provenance`. Never raises for a bad file."""

    def __init__(self, limits: ProvenanceLimits):
        self.limits = limits
        self._child: subprocess.Popen | None = None
        self._lock = threading.Lock()

    @property
    def child_pid(self) -> int | None:
        return None if self._child is None else self._child.pid

    def start(self) -> None:
        """Starts the child now (the handler's initialize), so no request waits for it to load."""
        with self._lock:
            try:
                self._ensure_child()
            except OSError:
                logger.warning(
                    "the provenance reader did not start; the next file with a manifest retries", exc_info=True
                )

    def close(self) -> None:
        with self._lock:
            self._stop_child()

    def read(self, data: bytes) -> dict:
        if len(data) > self.limits.max_bytes:
            return not_checked(f"not checked: the file is larger than {self.limits.max_bytes // 2**20} MiB")
        try:
            store = read_store(data, offline_settings(self.limits.max_manifest_mb, verify=False))
        except c2pa.C2paError.NotSupported:
            return not_checked(UNSUPPORTED)
        except c2pa.C2paError as error:
            url = remote_manifest_url(error)
            if url is not None:
                return provenance(False, remote_manifest_url=url)
            return malformed(error)
        if store is None:
            return provenance(False)
        with self._lock:
            return self._verify_in_child(data)

    def _verify_in_child(self, data: bytes) -> dict:
        try:
            child = self._ensure_child()
        except OSError as error:
            return provenance(True, error=f"reading Content Credentials failed: {error}")
        deadline = time.monotonic() + self.limits.timeout_s
        try:
            send(child, len(data).to_bytes(HEADER_BYTES, "big") + data, deadline)
            return json.loads(receive_line(child, deadline))
        except TimeoutError:
            self._stop_child()
            return provenance(True, error=f"reading Content Credentials took over {self.limits.timeout_s:g} s")
        except (OSError, ValueError) as error:  # the child died (memory limit) or answered garbage
            self._stop_child()
            return provenance(True, error=f"reading Content Credentials failed: {error}")

    def _ensure_child(self) -> subprocess.Popen:
        if self._child is None or self._child.poll() is not None:
            settings = json.dumps(offline_settings(self.limits.max_manifest_mb, verify=True))
            environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PACKAGE_ROOT), *sys.path])}
            self._child = subprocess.Popen(
                [sys.executable, "-m", "serving.provenance_process", str(self.limits.memory_mb), settings],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=environment,
            )
            try:
                started = receive_line(self._child, time.monotonic() + STARTUP_TIMEOUT_S)
            except (TimeoutError, OSError, ValueError) as error:
                self._stop_child()
                raise OSError(f"the provenance reader did not start: {error or 'timed out'}") from error
            if started != READY:
                self._stop_child()
                raise OSError(f"the provenance reader did not start: {started[:200]!r}")
        return self._child

    def _stop_child(self) -> None:
        if self._child is not None:
            self._child.kill()
            self._child.wait(timeout=10)
            for pipe in (self._child.stdin, self._child.stdout):
                pipe.close()
        self._child = None


def malformed(error: Exception) -> dict:
    return provenance(True, error=f"malformed Content Credentials: {str(error)[:200]}")


def send(child: subprocess.Popen, payload: bytes, deadline: float) -> None:
    descriptor = child.stdin.fileno()
    os.set_blocking(descriptor, False)
    view, sent = memoryview(payload), 0
    while sent < len(view):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([], [descriptor], [], remaining)[1]:
            raise TimeoutError
        try:
            sent += os.write(descriptor, view[sent : sent + CHUNK_BYTES])
        except BlockingIOError:
            continue


def receive_line(child: subprocess.Popen, deadline: float) -> bytes:
    descriptor, received = child.stdout.fileno(), b""
    while not received.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([descriptor], [], [], remaining)[0]:
            raise TimeoutError
        chunk = os.read(descriptor, 65536)
        if not chunk:
            raise OSError("the provenance reader exited")
        received += chunk
        if len(received) > MAX_ANSWER_BYTES:
            raise ValueError("the provenance reader's answer is too long")
    return received


def verify_one(data: bytes, settings: dict) -> dict:
    """In the child: full verification of a file known to carry a manifest."""
    try:
        store = read_store(data, settings)
    except c2pa.C2paError as error:
        return malformed(error)
    return summarise(store) if store is not None else provenance(False)


def read_exactly(stream, size: int) -> bytes:
    chunks, remaining = [], size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def main() -> None:
    """The child: length-prefixed files on stdin, one JSON line per file on stdout, until EOF."""
    memory_bytes = int(sys.argv[1]) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    settings = json.loads(sys.argv[2])
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    sink.write(READY)
    sink.flush()
    while True:
        try:
            data = read_exactly(source, int.from_bytes(read_exactly(source, HEADER_BYTES), "big"))
        except EOFError:
            return
        sink.write(json.dumps(verify_one(data, settings)).encode() + b"\n")
        sink.flush()


if __name__ == "__main__":
    main()
