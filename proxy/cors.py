"""CORS for the extension: an allow-list of exact origins plus `scheme://*` patterns, never `*` with credentials."""

from __future__ import annotations

import re
from collections.abc import Iterable

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response

# What "*" may stand for after a scheme: a Chrome extension id is 32 letters a-p; other schemes get one host label.
WILDCARD_PATTERNS = {"chrome-extension": "[a-p]{32}"}


def origin_rules(origins: Iterable[str]) -> tuple[list[str], str | None]:
    """('chrome-extension://*', 'http://localhost:3000') -> exact origins and one regex for the wildcards."""
    exact, patterns = [], []
    for origin in origins:
        if origin == "*":
            raise ValueError(
                "CORS origin '*' is refused: list the extension origins (chrome-extension://<id> or chrome-extension://*)"
            )
        scheme, separator, rest = origin.partition("://")
        if not separator or not rest:
            raise ValueError(f"CORS origin {origin!r} must look like scheme://host")
        if rest == "*":
            patterns.append(re.escape(scheme) + "://" + WILDCARD_PATTERNS.get(scheme, r"[A-Za-z0-9.-]+"))
        else:
            exact.append(origin.rstrip("/"))
    regex = "|".join(f"(?:{pattern})" for pattern in patterns) or None
    return exact, regex


class JsonCorsMiddleware(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered in the API's JSON error shape."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code == 200:
            return response
        reason = response.body.decode("utf-8", "replace")
        return JSONResponse(
            {"error": reason, "code": "cors_refused"}, status_code=response.status_code, headers={"Vary": "Origin"}
        )


def install_cors(app: FastAPI, origins: Iterable[str]) -> None:
    exact, regex = origin_rules(origins)
    app.add_middleware(
        JsonCorsMiddleware,
        allow_origins=exact,
        allow_origin_regex=regex,
        allow_credentials=False,  # the API uses no cookies; keys to TorchServe stay server-side
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        # Chrome's Private-Network-Access preflight (reaching loopback); granted to allowed origins only.
        allow_private_network=True,
        expose_headers=["X-Request-ID"],
        max_age=600,
    )
