"""Every error the proxy answers is JSON {"error": message, "code": machine_code, ...} with a 4xx/5xx status."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger("proxy.errors")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **details: Any):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        return {"error": self.message, "code": self.code, **self.details}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "code": code}, status_code=status, headers=headers)


HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


def upstream_error_body(status: int, content: bytes) -> dict[str, Any]:
    """TorchServe's error answer in the project's error shape, keeping what it said.

    The handler answers {"error", "code"} already; TorchServe's own errors are
    {"code": 503, "type": "...", "message": "..."}, whose message may itself carry the handler's JSON.
    """
    document = parse_json(content)
    if isinstance(document, dict) and isinstance(document.get("error"), str):
        return {**document, "code": str(document.get("code") or f"torchserve_{status}")}
    if isinstance(document, dict) and isinstance(document.get("message"), str):
        inner = parse_json(document["message"].encode())
        if isinstance(inner, dict) and isinstance(inner.get("error"), str):
            return upstream_error_body(status, document["message"].encode())
        return {"error": document["message"], "code": torchserve_code(document.get("type"), status)}
    text = content.decode("utf-8", "replace").strip()[:500]
    return {"error": text or f"TorchServe answered HTTP {status} without a body", "code": f"torchserve_{status}"}


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


async def api_error_handler(request: Request, error: ApiError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status)


def http_error_message(status: int, method: str, path: str, detail: str) -> str:
    if status == 404:
        return (
            f"no route {path}: the API is /api/health, /api/model, /api/predict, /api/explain (schema at /openapi.json)"
        )
    if status == 405:
        return f"{method} is not allowed on {path}"
    return detail


async def http_error_handler(request: Request, error: StarletteHTTPException) -> JSONResponse:
    code = HTTP_CODES.get(error.status_code, f"http_{error.status_code}")
    message = http_error_message(error.status_code, request.method, request.url.path, str(error.detail))
    return error_response(error.status_code, code, message, headers=error.headers)


async def validation_error_handler(request: Request, error: RequestValidationError) -> JSONResponse:
    problems = "; ".join(f"{'.'.join(map(str, item['loc']))}: {item['msg']}" for item in error.errors())
    return error_response(422, "invalid_request", problems)


async def unexpected_error_handler(request: Request, error: Exception) -> JSONResponse:
    # Logged with its traceback here; the client gets a short JSON answer, never a stack trace.
    logger.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", "the proxy failed unexpectedly; see its log")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(Exception, unexpected_error_handler)
