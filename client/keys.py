"""TorchServe's token-auth keys as it writes them to key_file.json: one reading for the client,
the proxy, the stack and the tests. Standard library only.

With token authorization on (TorchServe's default, and config.properties'), TorchServe writes
key_file.json in its working directory, readable by its owner only: an inference key for :8080,
a management key for :8081 (both expire after `token_expiration_min`) and an API key that makes
new ones (`POST :8081/token?type=inference`). Every call sends `Authorization: Bearer <key>`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

KEY_FILE_NAME = "key_file.json"
INFERENCE_KEY_ENVIRONMENT = "TORCHSERVE_INFERENCE_KEY"  # the names the proxy and the client read
MANAGEMENT_KEY_ENVIRONMENT = "TORCHSERVE_MANAGEMENT_KEY"


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


def read_key_file(path: Path) -> TorchServeKeys:
    """The keys in the file; no keys while it is absent (token auth off, or TorchServe not started).
    Raises ValueError (malformed) or OSError (unreadable, e.g. another user's)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return TorchServeKeys()
    return parse_key_file(text)


def bearer(key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"} if key else {}


def inference_headers(key_file: Path | None, environ: dict[str, str]) -> dict[str, str]:
    """The Authorization header for TorchServe's inference API: TORCHSERVE_INFERENCE_KEY, else the
    key file's inference key, else none (token auth off). Only ever sent to TorchServe itself."""
    key = environ.get(INFERENCE_KEY_ENVIRONMENT)
    if not key and key_file is not None:
        try:
            key = read_key_file(key_file).inference
        except (OSError, ValueError) as error:
            raise ValueError(f"cannot read the TorchServe key file {key_file}: {type(error).__name__}") from None
    return bearer(key)
