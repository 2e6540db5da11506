"""The proxy's only way to TorchServe: one shared httpx client, keys added per call, transport failures as ApiError."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from proxy.errors import ApiError
from proxy.keys import KeySource, bearer
from proxy.settings import Settings

CONNECT_TIMEOUT_S = 3.0


def timeout_of(seconds: float) -> httpx.Timeout:
    # read = how long TorchServe may think before answering. Connecting has its own bound: a closed
    # port is refused at once anyway, and a short read timeout must not turn a busy accept into "down".
    return httpx.Timeout(seconds, connect=CONNECT_TIMEOUT_S)


def new_http_client(settings: Settings) -> httpx.AsyncClient:
    # trust_env=False: an HTTP(S)_PROXY meant for the internet must not capture loopback TorchServe calls.
    return httpx.AsyncClient(timeout=timeout_of(settings.timeout_s), trust_env=False, follow_redirects=False)


@contextmanager
def transport_errors_as_api_errors(api_name: str, url: str, timeout_s: float) -> Iterator[None]:
    try:
        yield
    except (httpx.ConnectError, httpx.ConnectTimeout):
        raise ApiError(503, "torchserve_unavailable", f"TorchServe {api_name} API at {url} is not reachable") from None
    except httpx.TimeoutException:
        raise ApiError(
            504, "torchserve_timeout", f"TorchServe {api_name} API did not answer within {timeout_s:g} s"
        ) from None
    except httpx.TransportError as error:
        raise ApiError(
            502, "torchserve_connection_error", f"TorchServe {api_name} API connection failed: {type(error).__name__}"
        ) from None


def refused_key(response: httpx.Response) -> bool:
    """TorchServe 0.12 answers a missing or wrong token with 400 InvalidKeyException (not 401)."""
    if response.status_code not in (400, 401, 403):
        return False
    try:
        return response.json().get("type") == "InvalidKeyException"
    except (ValueError, AttributeError):
        return False


def model_description(response: httpx.Response) -> dict[str, Any] | None:
    """The model's description in TorchServe's answer to `GET /models/<name>` (a list, one entry per
    version; the first is the default); None when the answer holds none."""
    try:
        descriptions = response.json()
    except ValueError:
        return None
    if not isinstance(descriptions, list) or not descriptions or not isinstance(descriptions[0], dict):
        return None
    return descriptions[0]


class TorchServe:
    def __init__(self, http: httpx.AsyncClient, settings: Settings, keys: KeySource):
        self.http = http
        self.settings = settings
        self.keys = keys

    async def ping(self) -> httpx.Response:
        return await self.call("inference", "GET", "/ping", timeout=self.settings.health_timeout_s)

    async def describe_model(self, timeout_s: float | None = None) -> httpx.Response:
        return await self.call("management", "GET", f"/models/{self.settings.model_name}", timeout=timeout_s)

    async def describe_checkpoint(self) -> httpx.Response:
        """The handler's metadata answer to the JSON body {"describe": true} (agreed with the serving engineer)."""
        return await self.call("inference", "POST", f"/predictions/{self.settings.model_name}", json={"describe": True})

    async def infer(self, kind: str, body: AsyncIterable[bytes], headers: dict[str, str]) -> httpx.Response:
        """kind is 'predictions' or 'explanations'; body is streamed, never buffered here."""
        return await self.call(
            "inference", "POST", f"/{kind}/{self.settings.model_name}", content=body, headers=headers
        )

    async def call(
        self,
        api_name: str,
        method: str,
        path: str,
        timeout: float | None = None,
        headers: dict[str, str] | None = None,
        **request: Any,
    ) -> httpx.Response:
        base = self.settings.inference_url if api_name == "inference" else self.settings.management_url
        keys = self.keys.current()
        key = keys.inference if api_name == "inference" else keys.management
        timeout_s = timeout or self.settings.timeout_s
        with transport_errors_as_api_errors(api_name, base, timeout_s):
            response = await self.http.request(
                method,
                base + path,
                headers={**(headers or {}), **bearer(key)},
                timeout=timeout_of(timeout_s),
                **request,
            )
        if refused_key(response):
            # The client cannot fix this, and TorchServe's text would suggest the client's token is wrong.
            raise ApiError(
                502,
                "torchserve_unauthorized",
                f"TorchServe {api_name} API refused the proxy's key: check --key-file or the key variables",
            )
        return response
