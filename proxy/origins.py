"""Cross-site guard: a web page may not make the proxy run the model, even blind.

CORS only hides answers from pages; a page can still *send* a "simple" cross-site request (a
multipart/form-data POST needs no preflight) and make the model run. So, before its body is read,
a request is refused 403 `cross_site_refused` when its `Origin` is neither an allowed extension
origin (--cors-origins) nor the proxy's own origin (the upload page), or when the browser says
`Sec-Fetch-Site: cross-site`. Requests without these headers (curl, scripts, the scan client) are
not from a browser page and pass. Following a link to the upload page (a GET navigation) passes;
preflights (OPTIONS) are left to the CORS middleware, which refuses foreign origins itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from proxy.cors import origin_rules
from proxy.errors import error_response, quoted


class OriginGuard:
    def __init__(self, app: ASGIApp, cors_origins: Iterable[str]):
        self.app = app
        exact, regex = origin_rules(cors_origins)
        self.exact = {origin.lower() for origin in exact}
        self.pattern = re.compile(regex) if regex else None

    def extension_origin(self, origin: str | None) -> bool:
        if origin is None:
            return False
        return origin.lower() in self.exact or bool(self.pattern and self.pattern.fullmatch(origin))

    def refusal(self, scope: Scope) -> str | None:
        """Why this request is refused, or None."""
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if self.extension_origin(origin):
            return None
        if scope["method"] in ("GET", "HEAD") and headers.get("sec-fetch-mode") == "navigate":
            return None  # a link to the upload page, followed from anywhere: it only shows the page
        if headers.get("sec-fetch-site") == "cross-site":
            return "requests from other web sites are refused"
        own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}".lower()
        if origin is not None and origin.lower() != own:
            return f"requests from origin {quoted(origin)} are refused"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        reason = self.refusal(scope)
        if reason is None:
            await self.app(scope, receive, send)
            return
        message = f"{reason}: only the upload page and allowed extensions (--cors-origins) may call the API"
        # the body is never read, so the connection closes after the answer
        refusal = error_response(403, "cross_site_refused", message, {"Connection": "close", "Vary": "Origin"})
        await refusal(scope, receive, send)
