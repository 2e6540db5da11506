"""`python -m proxy [--host H] [--port P] [--inference-url U] ...`: serves the /api gateway with uvicorn."""

from __future__ import annotations

import sys

import uvicorn

from proxy.app import create_app
from proxy.connections import guarded_protocol
from proxy.settings import load_settings


def main(argv: list[str] | None = None) -> None:
    settings = load_settings(argv)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        server_header=False,
        timeout_graceful_shutdown=5,
        http=guarded_protocol(settings.header_timeout_s),  # 408 for a request head not sent in time
    )


if __name__ == "__main__":
    main(sys.argv[1:])
