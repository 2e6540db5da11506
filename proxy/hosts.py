"""Host-header guard: a web page that rebinds its DNS name to 127.0.0.1 must not reach the API.

The header is parsed strictly (RFC 3986 host: a DNS name or IPv4 address with an optional numeric
port, or a bracketed IPv6 literal with one): `[::1]evil.example` or `localhost:anything` are no
host at all, so they cannot be read as an allowed one.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from proxy.errors import error_response, quoted

LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
NAME_HOST = re.compile(rf"(?P<name>{LABEL}(?:\.{LABEL})*\.?)(?::(?P<port>[0-9]{{1,5}}))?")
IPV6_HOST = re.compile(r"\[(?P<name>[0-9A-Fa-f:.]+)\](?::(?P<port>[0-9]{1,5}))?")


def host_name(host_header: str) -> str | None:
    """'127.0.0.1:8000' -> '127.0.0.1', '[::1]:8000' -> '::1', 'Example.COM.' -> 'example.com'; None if malformed."""
    bracketed = IPV6_HOST.fullmatch(host_header)
    match = bracketed or NAME_HOST.fullmatch(host_header)
    if match is None or (match["port"] is not None and not 0 < int(match["port"]) < 65536):
        return None
    if bracketed:
        try:
            return str(ipaddress.IPv6Address(match["name"]))
        except ValueError:
            return None
    return match["name"].rstrip(".").lower()


def normalized(name: str) -> str:
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        return name.rstrip(".").lower()


def host_allowed(host_header: str, allowed: Iterable[str]) -> bool:
    allowed = tuple(allowed)
    name = host_name(host_header)
    return "*" in allowed or (name is not None and name in {normalized(entry) for entry in allowed})


class HostGuard:
    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str]):
        self.app = app
        self.allowed_hosts = tuple(allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        host_header = headers.get(b"host", b"").decode("latin-1")
        if host_allowed(host_header, self.allowed_hosts):
            await self.app(scope, receive, send)
            return
        message = f"Host {quoted(host_header)} is not allowed; start the proxy with --allowed-hosts to add it"
        # the body, if any, is never read, so the connection closes after the answer
        refusal = error_response(400, "host_not_allowed", message, {"Connection": "close"})
        await refusal(scope, receive, send)
