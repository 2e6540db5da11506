"""Content Credentials (C2PA) embedded in an uploaded video or image, read from memory and offline.

The answer's `provenance` says what the file's own signed manifest declares, next to the
detector's verdict; neither overrides the other. `ai_generated` comes from the active
manifest's `c2pa.actions` digitalSourceType (IPTC trainedAlgorithmicMedia,
compositeWithTrainedAlgorithmicMedia). `signature_valid` means the claim signature and the
content hashes verify (the file was not changed after signing); `trusted` means the signer's
certificate chains to a trust anchor, and none is configured here, so it stays false: the signer
name is what the certificate says, not a verified identity.

Never on the network: remote manifests and OCSP are not fetched, and c2pa's own HTTP allow-list
is empty, so any fetch the library might try is refused inside it. A file that only points at a
remote manifest reports `present: false` with the URL it names. Reading runs in a separate
process with a deadline and a memory limit (`serving/provenance_process.py`); this module is
what both sides share.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

import c2pa

AI_SOURCE_TYPES = ("trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia")
ACTION_LABELS = ("c2pa.actions", "c2pa.actions.v2")
MAX_ACTIONS = 32
MAX_TEXT = 200
# c2pa-rs settings: nothing leaves the machine (remote manifests, OCSP, any other HTTP fetch).
OFFLINE = {
    "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
    "core": {"allowed_network_hosts": []},
}
URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class ProvenanceLimits:
    """How much reading one upload's Content Credentials may cost (serving/settings.py sets them)."""

    max_bytes: int  # larger files are not checked (the answer says so)
    timeout_s: float  # per file with a manifest, in the reader's child process
    max_manifest_mb: int  # c2pa's cap on a decompressed manifest store
    memory_mb: int  # the child's address-space limit


def provenance(present: bool, **fields) -> dict:
    """The answer's `provenance` object: every key always there (null when unknown)."""
    answer = {
        "present": present,
        "checked": True,  # False: no file to read, or a limit or format kept it from being read
        "signature_valid": None,
        "trusted": None,
        "signer": None,
        "claim_generator": None,
        "created": None,
        "ai_generated": None,
        "actions": [],
        "validation_failures": [],
    }
    answer.update(fields)
    return answer


def not_checked(reason: str) -> dict:
    """No file to read (frames sent as images) or a limit reached: unknown, said so."""
    return provenance(False, checked=False, reason=reason)


def offline_settings(max_manifest_mb: int, verify: bool) -> dict:
    core = {**OFFLINE["core"], "max_decompressed_manifest_size_in_mb": max_manifest_mb}
    return {**OFFLINE, "core": core, "verify": {**OFFLINE["verify"], "verify_after_reading": verify}}


class ByteView(io.RawIOBase):
    """A read-only, seekable stream over bytes or a bytearray without copying it (io.BytesIO copies a
    bytearray, which is what TorchServe hands the handler)."""

    def __init__(self, data: bytes | bytearray | memoryview):
        super().__init__()
        self._view = memoryview(data).cast("B")
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = max(0, min(len(buffer), len(self._view) - self._position))
        memoryview(buffer).cast("B")[:count] = self._view[self._position : self._position + count]
        self._position += count
        return count

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: len(self._view)}[whence]
        self._position = max(0, base + offset)
        return self._position

    def tell(self) -> int:
        return self._position


def read_store(data: bytes | bytearray, settings: dict) -> dict | None:
    """The file's manifest store as c2pa's JSON, or None when it has none. Raises c2pa.C2paError."""
    context = c2pa.Context(c2pa.Settings.from_dict(settings))
    try:
        with c2pa.Reader(None, ByteView(data), context=context) as reader:
            return json.loads(reader.json())
    except c2pa.C2paError.ManifestNotFound:
        return None
    finally:
        context.close()


def remote_manifest_url(error: Exception) -> str | None:
    """The URL of a remote manifest the file points to, from c2pa's refusal to fetch it."""
    message = str(error)
    if not message.startswith("Remote"):
        return None
    found = URL.search(message)
    return found.group(0) if found else ""


def summarise(store: dict) -> dict:
    """c2pa's manifest-store JSON -> the answer's `provenance` (bounded in size)."""
    manifest = store.get("manifests", {}).get(store.get("active_manifest") or "", {})
    state = store.get("validation_state")
    signature = manifest.get("signature_info") or {}
    actions = [summarise_action(action) for action in manifest_actions(manifest)][:MAX_ACTIONS]
    return provenance(
        True,
        checked=True,
        signature_valid=state in ("Valid", "Trusted"),
        trusted=state == "Trusted",
        signer=text(signature.get("common_name") or signature.get("issuer")),
        claim_generator=claim_generator(manifest),
        created=text(signature.get("time") or next((a["when"] for a in actions if a["when"]), None)),
        ai_generated=any(action["digital_source_type"] in AI_SOURCE_TYPES for action in actions),
        actions=actions,
        validation_failures=failure_codes(store),
    )


def manifest_actions(manifest: dict) -> list[dict]:
    return [
        action
        for assertion in manifest.get("assertions", [])
        if assertion.get("label") in ACTION_LABELS
        for action in (assertion.get("data") or {}).get("actions", [])
        if isinstance(action, dict)
    ]


def summarise_action(action: dict) -> dict:
    agent = action.get("softwareAgent")
    return {
        "action": text(action.get("action")),
        # IPTC digital source types are IRIs (http://cv.iptc.org/newscodes/digitalsourcetype/<name>).
        "digital_source_type": text(str(action.get("digitalSourceType") or "").rstrip("/").rsplit("/", 1)[-1] or None),
        "software_agent": text(agent.get("name") if isinstance(agent, dict) else agent),
        "when": text(action.get("when")),
    }


def claim_generator(manifest: dict) -> str | None:
    info = manifest.get("claim_generator_info") or []
    if info and isinstance(info[0], dict) and info[0].get("name"):
        first = info[0]
        return text(" ".join(str(part) for part in (first["name"], first.get("version")) if part))
    return text(manifest.get("claim_generator"))


def failure_codes(store: dict) -> list[str]:
    """Why validation failed, minus the untrusted-signer code (no trust list is configured)."""
    failures = ((store.get("validation_results") or {}).get("activeManifest") or {}).get("failure") or []
    codes = [str(item.get("code")) for item in failures if isinstance(item, dict)]
    return [code for code in codes if code != "signingCredential.untrusted"][:MAX_ACTIONS]


def text(value) -> str | None:
    return None if value is None else str(value)[:MAX_TEXT]
