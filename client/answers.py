"""What TorchServe answered, in the project's shape: one reading for the client and the proxy.

The handler answers refusals as {"error", "code"} already; TorchServe's own errors are
{"code": 503, "type": "ServiceUnavailableException", "message": "..."}, whose message may itself
carry the handler's JSON; other bodies are plain text or nothing. Standard library only.
"""

from __future__ import annotations

import json
from typing import Any


def error_body(status: int, content: bytes) -> dict[str, Any]:
    """TorchServe's error answer as {"error", "code", ...}, keeping what it said."""
    document = parse_json(content)
    if isinstance(document, dict) and isinstance(document.get("error"), str):
        return {**document, "code": str(document.get("code") or f"torchserve_{status}")}
    if isinstance(document, dict) and isinstance(document.get("message"), str):
        inner = parse_json(document["message"].encode())
        if isinstance(inner, dict) and isinstance(inner.get("error"), str):
            return error_body(status, document["message"].encode())
        return {"error": document["message"], "code": torchserve_code(document.get("type"), status)}
    text = content.decode("utf-8", "replace").strip()[:500]
    return {"error": text or f"TorchServe answered HTTP {status} without a body", "code": f"torchserve_{status}"}


def answer_body(status: int, content: bytes) -> dict[str, Any]:
    """A successful answer's JSON object as it is; anything else as error_body says."""
    document = parse_json(content)
    if 200 <= status < 300 and isinstance(document, dict):
        return document
    return error_body(status, content)


def parse_json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None


def torchserve_code(error_type: Any, status: int) -> str:
    """'ModelNotFoundException' -> 'model_not_found'; missing type -> 'torchserve_<status>'."""
    if not isinstance(error_type, str) or not error_type:
        return f"torchserve_{status}"
    name = error_type.removesuffix("Exception").removesuffix("Error") or error_type
    snake = "".join("_" + char.lower() if char.isupper() else char for char in name).lstrip("_")
    return snake
