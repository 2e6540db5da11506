"""A bound on the uploads the proxy forwards to TorchServe at once.

Past it, a new upload is answered 503 `busy` with Retry-After at once, before its body is read,
instead of queueing in the proxy: a burst of stalled or slow uploads can then occupy no more than
`--max-forwards` TorchServe connections, and health checks, which use a pool of their own
(proxy/torchserve.py), never wait behind them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from proxy.errors import ApiError

RETRY_AFTER_S = 2


class ForwardSlots:
    def __init__(self, limit: int):
        self.limit = limit
        self.in_use = 0  # one event loop: no lock needed

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        if self.in_use >= self.limit:
            raise ApiError(
                503,
                "busy",
                f"the proxy is forwarding {self.limit} uploads already; send this one again in a moment",
                headers={"Retry-After": str(RETRY_AFTER_S), "Connection": "close"},
            )
        self.in_use += 1
        try:
            yield
        finally:
            self.in_use -= 1
