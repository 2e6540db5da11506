"""TorchServe token-auth keys: from explicit settings, else from TorchServe's key_file.json.

TorchServe rewrites key_file.json when a key is regenerated, so the file is re-read whenever it
changes. The keys are only ever put in the Authorization header sent to TorchServe.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger("proxy.keys")


@dataclass(frozen=True)
class TorchServeKeys:
    inference: str | None = None
    management: str | None = None


def parse_key_file(text: str) -> TorchServeKeys:
    """key_file.json as TorchServe 0.12 writes it:
    {"management": {"key": ...}, "inference": {"key": ...}, "API": {...}}."""
    document = json.loads(text)
    if not isinstance(document, dict):
        raise ValueError("key file is not a JSON object")  # noqa: TRY004 (callers catch ValueError)

    def key_of(section: str) -> str | None:
        entry = document.get(section)
        return entry.get("key") if isinstance(entry, dict) and isinstance(entry.get("key"), str) else None

    return TorchServeKeys(inference=key_of("inference"), management=key_of("management"))


def bearer(key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"} if key else {}


class KeySource:
    """Gives the current keys; explicit keys win over the file's."""

    def __init__(self, key_file: Path | None, inference_key: str | None, management_key: str | None):
        self.key_file = key_file
        self.explicit = TorchServeKeys(inference=inference_key, management=management_key)
        self.cached_stamp: tuple[int, int] | None = None
        self.cached_keys = TorchServeKeys()

    def current(self) -> TorchServeKeys:
        from_file = self.file_keys()
        return TorchServeKeys(
            inference=self.explicit.inference or from_file.inference,
            management=self.explicit.management or from_file.management,
        )

    def file_keys(self) -> TorchServeKeys:
        if self.key_file is None:
            return TorchServeKeys()
        try:
            stat = self.key_file.stat()
        except OSError:
            return TorchServeKeys()  # token auth off, or TorchServe not started yet
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self.cached_stamp:
            self.cached_keys = self.read_file()
            self.cached_stamp = stamp
        return self.cached_keys

    def read_file(self) -> TorchServeKeys:
        try:
            return parse_key_file(self.key_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            # The message names the file, never its content.
            logger.warning("cannot read TorchServe key file %s: %s", self.key_file, type(error).__name__)
            return TorchServeKeys()
