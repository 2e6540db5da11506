"""Every error the proxy answers is JSON {"error": message, "code": machine_code, ...} with a 4xx/5xx status."""

from __future__ import annotations

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
