"""`HttpClient`: one provider's polite, cached, retrying JSON client, and `ServiceClient`, the
base of the typed service clients built on it."""

from __future__ import annotations

import functools
import json
import logging
import random
import ssl
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Self

import httpx
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

from library_pipeline.clients.http import cache
from library_pipeline.clients.http.circuit import ClientStats
from library_pipeline.clients.http.credentials import (
    ORIGIN_LOCKED,
    CredentialTransport,
    is_loopback,
)
from library_pipeline.clients.http.deadline import DeadlineTransport
from library_pipeline.clients.http.errors import (
    AuthError,
    BadResponse,
    CircuitOpen,
    MalformedResponse,
    NotFound,
    ProviderError,
    ProviderUnavailable,
    RateLimited,
    T,
    Unreachable,
    parse_model,
)
from library_pipeline.clients.http.rate_limit import (
    Limiter,
    PoliteTransport,
    ProviderLimits,
    Unclosable,
    make_limiter,
    parse_retry_after,
)
from library_pipeline.clients.http.redaction import redact, register_secrets, safe_path

USER_AGENT = "library_pipeline/0.1 (personal audiobook library manager)"

Classifier = Callable[[httpx.Response], "ProviderError | None"]

log = logging.getLogger(__name__)


def _retryable(error: BaseException) -> bool:
    return isinstance(error, ProviderError) and error.retryable


@functools.lru_cache(maxsize=1)
def shared_ssl_context() -> ssl.SSLContext:
    """One TLS context for every client: loading the CA bundle costs ~0.2 s each time."""
    return httpx.create_ssl_context()


class HttpClient:
    """One provider's polite, cached, retrying JSON client. Use as an async context manager.

    - rate limits: a per-provider limiter and an optional global one, applied *below* the cache
      so that cache hits cost no tokens; a 429's `Retry-After` pauses every request to that
      provider;
    - retries with exponential backoff and jitter (tenacity) for 429, 5xx, timeouts and refused
      connections, honouring `Retry-After`;
    - an on-disk HTTP cache (hishel) so that an unchanged re-run makes zero network requests;
    - a circuit breaker: a provider that keeps failing is skipped for the rest of the run;
    - typed parsing (pydantic): a malformed body becomes a `MalformedResponse` naming the field;
    - secrets never leave: every error text is redacted, URLs in errors keep only their path.
    """

    def __init__(
        self,
        provider: str,
        base_url: str,
        *,
        limits: ProviderLimits | None = None,
        cache_dir: Path | None = None,
        cache_ttl_seconds: float | None = 7 * 24 * 3600,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        secrets: Iterable[str] = (),
        global_limiter: Limiter | None = None,
        classify: Classifier | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.provider = provider
        self.limits = limits or ProviderLimits()
        self.stats = ClientStats()
        self.secrets = [s for s in secrets if s]
        register_secrets(self.secrets)
        self.classify = classify
        self.cache_ttl = cache_ttl_seconds
        # Headers that hold a secret, and every default query parameter, are credentials: added
        # below the cache, for the configured origin only (clients/http/credentials.py).
        all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
        credential_headers = {k: v for k, v in all_headers.items() if self._is_secret(v)}
        plain_headers = {k: v for k, v in all_headers.items() if k not in credential_headers}
        self.warnings = self._transport_warnings(base_url, credential_headers or params)
        network = transport or httpx.AsyncHTTPTransport(
            verify=shared_ssl_context(),
            limits=httpx.Limits(max_connections=self.limits.max_connections),
        )
        timed = DeadlineTransport(network, self.limits.deadline_seconds)
        self.polite = PoliteTransport(timed, make_limiter(self.limits), self.stats, global_limiter)
        credentialed = CredentialTransport(
            self.polite,
            provider=provider,
            base_url=base_url,
            headers=credential_headers,
            params=params or {},
            secrets=self.secrets,
        )
        self.storage: Any = None
        outer: httpx.AsyncBaseTransport = credentialed
        if cache_dir is not None:
            from hishel.httpx import AsyncCacheTransport

            self.storage = cache.open_storage(cache_dir, provider, cache_ttl_seconds)
            outer = AsyncCacheTransport(next_transport=credentialed, storage=self.storage)
        common: dict[str, Any] = {
            "base_url": base_url.rstrip("/"),
            "timeout": self.limits.timeout_seconds,
            "headers": plain_headers,
            "follow_redirects": True,
        }
        self.client = httpx.AsyncClient(transport=outer, **common)
        # Same polite transport, no cache: for calls whose answers must be fresh.
        self.uncached = httpx.AsyncClient(transport=Unclosable(credentialed), **common)

    def _is_secret(self, value: str) -> bool:
        return bool(self.secrets) and redact(value, self.secrets) != value

    def _transport_warnings(self, base_url: str, has_credentials: object) -> list[str]:
        """A credential sent over plain http to another machine can be read on the way."""
        url = httpx.URL(base_url)
        if has_credentials and url.scheme == "http" and not is_loopback(url.host):
            warning = (
                f"{self.provider}: its key is sent unencrypted (http://{url.host}); "
                "use https:// unless this host is on a network you trust"
            )
            log.warning(warning)
            return [warning]
        return []

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.uncached.aclose()
        await self.client.aclose()

    # --- public calls ------------------------------------------------------------------------

    async def get_json(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
        use_cache: bool = True,
    ) -> Any:
        """GET `path` and return its decoded JSON body (cached on disk when enabled)."""
        response = await self.request(
            "GET", path, params=params, headers=headers, use_cache=use_cache
        )
        try:
            return self.decode_json(response)
        except MalformedResponse as error:
            self.note_failure(error)
            await self.forget(response)
            raise

    async def get_model(
        self,
        path: str,
        model: type[T],
        params: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> T:
        """GET and validate into `model`; a body that fails validation is not kept in the cache
        (a 200 with a broken body would otherwise fail every re-run until its TTL ends)."""
        response = await self.request("GET", path, params=params, headers=headers)
        try:
            return parse_model(self.provider, model, self.decode_json(response))
        except MalformedResponse as error:
            self.note_failure(error)
            await self.forget(response)
            raise

    def note_failure(self, error: ProviderError) -> None:
        """Count a failure found after the HTTP exchange (a body that is not what the contract
        says), so provider health shows it like any other."""
        self.stats.record_failure(error, self.secrets, self.limits.circuit_threshold)

    async def forget(self, response: httpx.Response) -> None:
        """Drop the cached copy of the GET that produced `response` (no-op without a cache)."""
        if self.storage is None:
            return
        request = response.request
        await cache.forget_entries(self.storage, cache.get_key(str(request.url)))

    async def post_json(
        self,
        path: str,
        body: Any,
        *,
        headers: dict[str, str] | None = None,
        cache: bool = False,
        cache_if: Callable[[Any], bool] = lambda _data: True,
    ) -> Any:
        """POST a JSON body; with `cache`, an identical POST is answered from the disk cache.

        hishel caches only GET/HEAD, so POSTs (GraphQL) use its storage directly, keyed by
        URL + body; `cache_if` keeps error answers that come with HTTP 200 out of the cache.
        """
        payload = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        key = None
        if cache and self.storage is not None:
            key = _cache.post_key(f"{self.client.base_url}{path}", payload)
            cached = await _cache.load_json(self.storage, key)
            if cached is not None:
                self.stats.cache_hits += 1
                return cached
        response = await self.request(
            "POST",
            path,
            content=payload,
            headers={"Content-Type": "application/json", **(headers or {})},
            use_cache=False,
        )
        try:
            data = self.decode_json(response)
        except MalformedResponse as error:
            self.note_failure(error)
            raise
        if key is not None and cache_if(data):
            await _cache.store(
                self.storage,
                key,
                method="POST",
                url=f"{self.client.base_url}{path}",
                content=response.content,
                headers={},
                ttl=self.cache_ttl,
            )
        return data

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        data: dict[str, Any] | None = None,
        files: Any = None,
        use_cache: bool = True,
    ) -> httpx.Response:
        """Send with retries; return a 2xx response or raise a `ProviderError`."""
        if self.stats.circuit_open:
            raise CircuitOpen(self.provider, f"skipped: {self.stats.last_error}")
        merged = dict(params or {})
        client = self.client if use_cache else self.uncached
        retrying = AsyncRetrying(
            retry=retry_if_exception(_retryable),
            stop=stop_after_attempt(self.limits.max_attempts),
            wait=self._wait,
            reraise=True,
            before_sleep=lambda _state: self._count_retry(),
        )
        try:
            async for attempt in retrying:
                with attempt:
                    response = await self._send_once(
                        client, method, path, merged, headers, content, data, files
                    )
        except NotFound:
            # An answer ("no such item"), not an outage: the provider is up.
            self.stats.record_answer()
            raise
        except ProviderError as error:
            self.note_failure(error)
            raise
        self.stats.record_answer()
        caching = response.extensions.get("caching") or {}
        if caching.get("from_cache"):
            self.stats.cache_hits += 1
        return response

    def decode_json(self, response: httpx.Response) -> Any:
        """The body as JSON, or a `MalformedResponse` saying what came instead."""
        try:
            return response.json()
        except RecursionError:
            raise MalformedResponse(self.provider, "JSON nested too deeply") from None
        except ValueError:  # JSONDecodeError, UnicodeDecodeError
            kind = response.headers.get("content-type", "unknown type").split(";")[0]
            raise MalformedResponse(
                self.provider, f"expected JSON, got {kind} ({len(response.content)} bytes)"
            ) from None

    def status(self) -> dict[str, Any]:
        """This provider's health for asset metadata: requests, hits, failures, circuit."""
        status = {"provider": self.provider, **self.stats.as_dict()}
        if self.warnings:
            status["warnings"] = list(self.warnings)
        return status

    # --- internals ---------------------------------------------------------------------------

    async def _send_once(
        self,
        client: httpx.AsyncClient,
        method: str,
        path: str,
        params: dict[str, Any],
        headers: dict[str, str] | None,
        content: bytes | None,
        data: dict[str, Any] | None,
        files: Any,
    ) -> httpx.Response:
        request = client.build_request(
            method,
            path,
            params=params or None,
            headers=headers,
            content=content,
            data=data,
            files=files,
            extensions={ORIGIN_LOCKED: True},
        )
        try:
            response = await client.send(request, stream=True)
        except (httpx.HTTPError, httpx.StreamError, httpx.InvalidURL) as error:
            raise self._request_failure(error, path) from None
        try:
            await self._read_body(response, path)
        except (httpx.HTTPError, httpx.StreamError) as error:
            await self.forget(response)
            raise self._request_failure(error, path) from None
        except BadResponse:
            await self.forget(response)
            raise
        if response.headers.get(cache.MISSING_MARKER) and response.extensions.get("caching"):
            self.stats.cache_hits += 1
            raise NotFound(self.provider, f"not found (404, cached) on {self._safe(path)}", 404)
        try:
            self._raise_for_status(response, path)
        except NotFound:
            if client is self.client and method == "GET" and self.storage is not None:
                await cache.remember_missing(
                    self.storage, str(response.request.url), self.cache_ttl
                )
            raise
        except ProviderError:
            if response.is_success:  # a classified 2xx (an error sent as 200) was cached
                await self.forget(response)
            raise
        return response

    def _request_failure(self, error: Exception, path: str) -> ProviderError:
        """Any failure of the exchange as a provider error (counted, with the circuit)."""
        where = self._safe(path)
        if isinstance(error, httpx.TimeoutException):
            return ProviderUnavailable(self.provider, f"timed out on {where}")
        if isinstance(error, httpx.TooManyRedirects):
            return BadResponse(self.provider, f"too many redirects on {where}")
        if isinstance(error, httpx.DecodingError):
            return BadResponse(self.provider, f"undecodable body (broken compression) on {where}")
        if isinstance(error, httpx.ConnectError):
            return Unreachable(self.provider, f"cannot connect (refused, no such host) on {where}")
        if isinstance(error, httpx.TransportError):
            reason = type(error).__name__
            return ProviderUnavailable(self.provider, f"cannot connect ({reason}) on {where}")
        return BadResponse(self.provider, f"request failed ({type(error).__name__}) on {where}")

    async def _read_body(self, response: httpx.Response, path: str) -> None:
        """Read the decoded body, stopping at `max_body_bytes` (a gzip bomb is not inflated
        past the cap), and keep it as the response's content."""
        cap = self.limits.max_body_bytes
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > cap:
                    raise BadResponse(
                        self.provider,
                        f"answer larger than {cap:,} bytes on {self._safe(path)}; not read",
                    )
                chunks.append(chunk)
        finally:
            await response.aclose()
        response._content = b"".join(chunks)

    def _raise_for_status(self, response: httpx.Response, path: str) -> None:
        if self.classify is not None:
            error = self.classify(response)
            if error is not None:
                if isinstance(error, RateLimited) and error.retry_after:
                    self.polite.pause(min(error.retry_after, self.limits.max_retry_after))
                raise error
        status = response.status_code
        if response.is_success:
            return
        where = self._safe(path)
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if retry_after is not None:
                self.polite.pause(min(retry_after, self.limits.max_retry_after))
            raise RateLimited(self.provider, f"rate limited (429) on {where}", retry_after)
        if status >= 500:
            raise ProviderUnavailable(self.provider, f"server error {status} on {where}", status)
        if status in (401, 403):
            raise AuthError(
                self.provider, f"not authorised ({status}) on {where}: check the key", status
            )
        if status == 404:
            raise NotFound(self.provider, f"not found (404) on {where}", status)
        raise ProviderError(self.provider, f"HTTP {status} on {where}", status)

    def _wait(self, state: Any) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RateLimited) and error.retry_after is not None:
            if error.retry_after > self.limits.max_retry_after:
                # Waiting that long would stall the run; give up and let the caller fall back.
                raise error
            return error.retry_after + random.uniform(0, 0.1)
        base = self.limits.backoff_initial * 2 ** (state.attempt_number - 1)
        return float(min(self.limits.backoff_max, base) * random.uniform(0.5, 1.5))

    def _count_retry(self) -> None:
        self.stats.retries += 1

    def _safe(self, path: str) -> str:
        return safe_path(path, self.secrets)


_cache = cache  # `post_json` has a parameter named `cache`


class ServiceClient:
    """Base of the typed service clients built on one `HttpClient` (`self.http`): an async
    context manager that closes it, and `status()` for asset metadata."""

    http: HttpClient

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    def status(self) -> dict[str, Any]:
        """Requests, cache hits, retries, failures and circuit state."""
        return self.http.status()
