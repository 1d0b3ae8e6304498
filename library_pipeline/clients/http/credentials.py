"""Credentials are added at the bottom of the stack, and only for the configured origin.

`CredentialTransport` sits below the disk cache and above the network: the cache never sees a
credential header or query parameter (so none is stored in an entry, and cache keys do not
depend on them), and a request to another origin gets none. A request that still carries a
secret to another origin (an absolute URL with a key, a per-call header), or one of our calls
redirected to another origin, is refused with `CrossOriginRefused`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

import httpx

from library_pipeline.clients.http.errors import CrossOriginRefused
from library_pipeline.clients.http.redaction import redact

# Set on every request `HttpClient` sends itself; httpx copies extensions onto redirects, so a
# request with it that is headed elsewhere is one of our calls being redirected.
ORIGIN_LOCKED = "library_pipeline_origin_locked"

Origin = tuple[str, str, int | None]


def origin_of(url: httpx.URL) -> Origin:
    port = url.port or {"http": 80, "https": 443}.get(url.scheme)
    return (url.scheme, url.host, port)


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def carries_secret(request: httpx.Request, secrets: Iterable[str]) -> bool:
    """Whether a secret appears in the request's URL or any header value."""
    texts = [str(request.url), *request.headers.values()]
    return any(redact(text, secrets) != text for text in texts)


class CredentialTransport(httpx.AsyncBaseTransport):
    """Adds credential headers and query parameters to requests for the configured origin."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        provider: str,
        base_url: str,
        headers: Mapping[str, str],
        params: Mapping[str, str],
        secrets: list[str],
    ) -> None:
        self.inner = inner
        self.provider = provider
        self.origin = origin_of(httpx.URL(base_url))
        self.headers = dict(headers)
        self.params = dict(params)
        self.secrets = secrets

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if origin_of(request.url) == self.origin:
            request = self._with_credentials(request)
        elif carries_secret(request, self.secrets) or (
            self.secrets and request.extensions.get(ORIGIN_LOCKED)
        ):
            where = f"{request.url.scheme}://{request.url.host}"
            raise CrossOriginRefused(
                self.provider,
                f"refused to follow a redirect or link to another host ({where}): "
                "credentials are only sent to the configured address",
            )
        return await self.inner.handle_async_request(request)

    def _with_credentials(self, request: httpx.Request) -> httpx.Request:
        """A copy with the credentials (the cache above keeps the original, without them)."""
        if not self.headers and not self.params:
            return request
        headers = request.headers.copy()
        for name, value in self.headers.items():
            headers.setdefault(name, value)
        missing = {k: v for k, v in self.params.items() if k not in request.url.params}
        url = request.url.copy_merge_params(missing) if missing else request.url
        return httpx.Request(
            request.method,
            url,
            headers=headers,
            stream=request.stream,
            extensions=request.extensions,
        )

    async def aclose(self) -> None:
        await self.inner.aclose()
