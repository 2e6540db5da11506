"""An answer's `provenance` (the file's C2PA Content Credentials, serving/provenance.py) in words,
for the verdict table and the scan's CSV: what the file declares, next to the detector's verdict,
neither overriding the other."""

from __future__ import annotations


def credentials_text(provenance: dict | None) -> str:
    """ "Content Credentials: declares AI-generated (by <generator>)", "no Content Credentials", ..."""
    if not isinstance(provenance, dict):
        return ""  # a server without the provenance check
    if provenance.get("checked") is False:
        return f"Content Credentials not checked ({provenance.get('reason') or provenance.get('error')})"
    if provenance.get("error"):
        return f"Content Credentials unreadable: {provenance['error']}"
    if not provenance.get("present"):
        url = provenance.get("remote_manifest_url")
        return f"no embedded Content Credentials (points to {url}, not fetched)" if url else "no Content Credentials"
    generator = provenance.get("claim_generator") or "an unnamed tool"
    declared = "declares AI-generated" if provenance.get("ai_generated") else "no AI generation declared"
    text = f"Content Credentials: {declared} (by {generator})"
    if provenance.get("signature_valid") is False:
        text += "; signature INVALID: the file was changed after signing"
    return text
