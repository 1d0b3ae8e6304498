"""The HTTP machinery every service client shares, so no client repeats it.

- rate limits: a per-provider limiter and an optional global one, applied *below* the cache so
  that cache hits cost no tokens; a 429's `Retry-After` pauses every request to that provider;
- retries with exponential backoff and jitter (tenacity) for 429, 5xx, timeouts and refused
  connections, honouring `Retry-After`;
- an on-disk HTTP cache (hishel) so that an unchanged re-run makes zero network requests; POST
  bodies (GraphQL) are cached by URL + body through the same storage;
- a circuit breaker: a provider that keeps failing is skipped for the rest of the run, visibly;
- typed parsing (pydantic): a malformed body becomes a `MalformedResponse` naming provider
  and field;
- secrets never leave: every error text goes through `redact`, and URLs in errors keep only
  their path.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import hashlib
import json
import random
import sqlite3
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, Self, TypeVar

import httpx
from pydantic import BaseModel, ValidationError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt

T = TypeVar("T", bound=BaseModel)

USER_AGENT = "library_pipeline/0.1 (personal audiobook library manager)"
MISSING_MARKER = "x-library-pipeline-cached-status"


# --- errors --------------------------------------------------------------------------------


class ProviderError(Exception):
    """A provider call failed; the message names the provider and never holds a secret."""

    retryable = False
    # An error that every later call would repeat (an invalid key, a spent daily quota) opens
    # the circuit at once: the rest of the run skips the provider instead of failing N times.
    opens_circuit = False

    def __init__(self, provider: str, message: str, status: int | None = None) -> None:
        self.provider = provider
        self.status = status
        super().__init__(f"{provider}: {message}")


class RateLimited(ProviderError):
    retryable = True

    def __init__(self, provider: str, message: str, retry_after: float | None) -> None:
        super().__init__(provider, message, 429)
        self.retry_after = retry_after


class ProviderUnavailable(ProviderError):
    """5xx, timeout, refused connection, or the circuit breaker is open."""

    retryable = True


class AuthError(ProviderError):
    """Invalid or missing credentials: retrying will not help; the user must act."""


class InvalidCredentials(AuthError):
    """The key or token was refused: no later call can succeed, so the circuit opens."""

    opens_circuit = True


class QuotaExhausted(ProviderError):
    """A quota that does not refill within the run (e.g. per day): the circuit opens."""

    opens_circuit = True


class NotFound(ProviderError):
    pass


class MalformedResponse(ProviderError):
    """The body was not what the provider's contract says (HTML, wrong type, missing field)."""


class CircuitOpen(ProviderUnavailable):
    retryable = False


# --- helpers -------------------------------------------------------------------------------


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret value in `text` by `***`."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def describe_validation_error(error: ValidationError) -> str:
    """`field a.b.0: Input should be a valid string` for the first error (the one to fix)."""
    first = error.errors()[0]
    location = ".".join(str(part) for part in first["loc"]) or "<body>"
    return f"field {location}: {first['msg']}"


def parse_model(provider: str, model: type[T], data: Any) -> T:
    """Validate `data` into `model`, raising a `MalformedResponse` that names the field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise MalformedResponse(provider, describe_validation_error(error)) from None


# --- configuration and statistics ----------------------------------------------------------


@dataclass(frozen=True)
class ProviderLimits:
    """How politely to talk to one provider."""

    requests_per_period: float = 1.0
    period_seconds: float = 1.0
    max_attempts: int = 4
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    # A Retry-After longer than this is not waited out: the call fails and the caller falls back.
    max_retry_after: float = 120.0
    timeout_seconds: float = 15.0
    max_connections: int = 8
    circuit_threshold: int = 5

    @property
    def interval(self) -> float:
        return self.period_seconds / self.requests_per_period


@dataclass
class ClientStats:
    """What a client did in this process: shown in asset metadata as provider status."""

    network_requests: int = 0
    cache_hits: int = 0
    retries: int = 0
    failures: int = 0
    consecutive_failures: int = 0
    circuit_open: bool = False
    last_error: str | None = None
    status_counts: dict[int, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "network_requests": self.network_requests,
            "cache_hits": self.cache_hits,
            "retries": self.retries,
            "failures": self.failures,
            "circuit_open": self.circuit_open,
            "last_error": self.last_error,
        }


# --- transports ----------------------------------------------------------------------------


class PoliteTransport(httpx.AsyncBaseTransport):
    """Rate limits (provider + global), the shared Retry-After pause, and request counting.

    Sits below the cache transport, so only requests that really go out are limited and counted.
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        limiter: Limiter,
        stats: ClientStats,
        global_limiter: Limiter | None = None,
    ) -> None:
        self.inner = inner
        self.limiter = limiter
        self.global_limiter = global_limiter
        self.stats = stats
        self.not_before = 0.0  # monotonic time before which no request may leave

    def pause(self, seconds: float) -> None:
        self.not_before = max(self.not_before, time.monotonic() + seconds)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        while (delay := self.not_before - time.monotonic()) > 0:
            await asyncio.sleep(delay)
        await self.limiter.acquire()
        if self.global_limiter is not None:
            await self.global_limiter.acquire()
        self.stats.network_requests += 1
        response = await self.inner.handle_async_request(request)
        self.stats.status_counts[response.status_code] = (
            self.stats.status_counts.get(response.status_code, 0) + 1
        )
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


class _Unclosable(httpx.AsyncBaseTransport):
    """Shares a transport with a second client without closing it twice."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        pass


class _InlineCursor:
    """anysqlite's cursor API over a plain sqlite3 cursor, run on the calling thread."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def description(self) -> Any:
        return self._cursor.description

    async def execute(self, sql: str, parameters: Any = ()) -> _InlineCursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, seq_of_parameters: Any) -> _InlineCursor:
        self._cursor.executemany(sql, seq_of_parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class InlineSqliteConnection:
    """anysqlite's connection API without the worker thread, for hishel's cache storage.

    anysqlite hops to a thread for every call (a cache write is ~10 calls, each ~0.1-0.3 ms of
    hand-off, serialised on one thread), which capped a cached client at ~60 requests/s. The
    statements themselves take tens of microseconds on a local WAL database, so running them on
    the event loop is ~5x faster (measured: ~300 misses/s, ~1,200 hits/s per client).
    """

    def __init__(self, path: str) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    async def cursor(self) -> _InlineCursor:
        return _InlineCursor(self._connection.cursor())

    async def execute(self, sql: str, parameters: Any = ()) -> _InlineCursor:
        return _InlineCursor(self._connection.execute(sql, parameters))

    async def commit(self) -> None:
        self._connection.commit()

    async def rollback(self) -> None:
        self._connection.rollback()

    async def close(self) -> None:
        self._connection.close()


@functools.lru_cache(maxsize=1)
def shared_ssl_context() -> ssl.SSLContext:
    """One TLS context for every client: loading the CA bundle costs ~0.2 s each time."""
    return httpx.create_ssl_context()


class Limiter(Protocol):
    async def acquire(self) -> None: ...


class SlotLimiter:
    """One acquisition per `interval`, first come first served, without bursts.

    Each caller reserves the next free slot at once and sleeps until it. Slots are fixed when
    reserved, so a wake-up the event loop delivers late does not push the later ones back: the
    long-run rate is the allowed one. (aiolimiter's leaky bucket of capacity 1 counts from the
    late acquisition instead, and drifts below the rate: 500 acquisitions at 10 ms with 64
    waiters took 5.37 s there, 4.99 s here — 7% of a rate-limited run.) No window of W seconds
    holds more than W / interval + 1 acquisitions, and two are never closer than `min_gap` ×
    interval, even right after a late wake-up.
    """

    def __init__(self, interval: float, min_gap: float = 0.8) -> None:
        self.interval = interval
        self.min_gap = interval * min_gap
        self._next = 0.0
        self._last = float("-inf")

    async def acquire(self) -> None:
        loop = asyncio.get_running_loop()
        slot = max(loop.time(), self._next)
        self._next = slot + self.interval
        while (wait := max(slot, self._last + self.min_gap) - loop.time()) > 0:
            await asyncio.sleep(wait)
        self._last = loop.time()


RECLAIM_EVERY_SECONDS = 60.0


@functools.lru_cache(maxsize=1)
def cache_storage_class() -> type[Any]:
    """hishel's SQLite storage, sweeping expired entries once a minute instead of before every
    write (a DELETE and a size query per stored answer: a third of a cache miss's statements).
    The size cap is checked on the same schedule."""
    from hishel import AsyncSqliteStorage

    class Storage(AsyncSqliteStorage):
        _last_reclaim = float("-inf")

        async def _reclaim_space(self, connection: Any, now: float) -> bool:
            if now - self._last_reclaim < RECLAIM_EVERY_SECONDS:
                return True
            self._last_reclaim = now
            return await super()._reclaim_space(connection, now)

    return Storage


def make_limiter(limits: ProviderLimits) -> SlotLimiter:
    """A limiter with no burst: one request per interval never exceeds the published rate in
    any window, which a bursty bucket (N at once, then N more a moment later) can."""
    return SlotLimiter(limits.interval)


# --- the client ----------------------------------------------------------------------------

Classifier = Callable[[httpx.Response], "ProviderError | None"]


class HttpClient:
    """One provider's polite, cached, retrying JSON client. Use as an async context manager."""

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
        self.classify = classify
        self.cache_ttl = cache_ttl_seconds
        self._default_params = params or {}
        network = transport or httpx.AsyncHTTPTransport(
            verify=shared_ssl_context(),
            limits=httpx.Limits(max_connections=self.limits.max_connections),
        )
        limiter = make_limiter(self.limits)
        self.polite = PoliteTransport(network, limiter, self.stats, global_limiter)
        self.storage = None
        outer: httpx.AsyncBaseTransport = self.polite
        if cache_dir is not None:
            from hishel.httpx import AsyncCacheTransport

            cache_dir.mkdir(parents=True, exist_ok=True)
            database = cache_dir / f"{provider}.sqlite"
            self.storage = cache_storage_class()(
                connection=InlineSqliteConnection(str(database)),  # type: ignore[arg-type]
                database_path=database,
                default_ttl=cache_ttl_seconds,
            )
            outer = AsyncCacheTransport(next_transport=self.polite, storage=self.storage)
        common: dict[str, Any] = {
            "base_url": base_url.rstrip("/"),
            "timeout": self.limits.timeout_seconds,
            "headers": {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
            "follow_redirects": True,
        }
        self.client = httpx.AsyncClient(transport=outer, **common)
        # Same polite transport, no cache: for calls whose answers must be fresh.
        self.uncached = httpx.AsyncClient(transport=_Unclosable(self.polite), **common)

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
        self._record_failure(error)

    async def forget(self, response: httpx.Response) -> None:
        """Drop the cached copy of the GET that produced `response` (no-op without a cache)."""
        if self.storage is None:
            return
        request = response.request
        key = hashlib.sha256(f"{request.method} {request.url}".encode()).hexdigest()
        for entry in await self.storage.get_entries(key):
            await self.storage.remove_entry(entry.id)

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
            identity = f"POST {self.client.base_url}{path} ".encode() + payload
            key = hashlib.sha256(identity).hexdigest()
            cached = await self._cache_get(key)
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
            await self._cache_put(key, path, response.content)
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
        merged = {**self._default_params, **(params or {})}
        client = self.client if use_cache else self.uncached
        retrying = AsyncRetrying(
            retry=retry_if_exception_type((RateLimited, ProviderUnavailable)),
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
            self.stats.consecutive_failures = 0
            raise
        except ProviderError as error:
            self._record_failure(error)
            raise
        self.stats.consecutive_failures = 0
        caching = response.extensions.get("caching") or {}
        if caching.get("from_cache"):
            self.stats.cache_hits += 1
        return response

    def decode_json(self, response: httpx.Response) -> Any:
        """The body as JSON, or a `MalformedResponse` saying what came instead."""
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            kind = response.headers.get("content-type", "unknown type").split(";")[0]
            raise MalformedResponse(
                self.provider, f"expected JSON, got {kind} ({len(response.content)} bytes)"
            ) from None

    def status(self) -> dict[str, Any]:
        """This provider's health for asset metadata: requests, hits, failures, circuit."""
        return {"provider": self.provider, **self.stats.as_dict()}

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
        try:
            response = await client.request(
                method,
                path,
                params=params or None,
                headers=headers,
                content=content,
                data=data,
                files=files,
            )
            await response.aread()
        except httpx.TimeoutException:
            raise ProviderUnavailable(self.provider, f"timed out on {self._safe(path)}") from None
        except httpx.TransportError as error:
            reason = type(error).__name__
            raise ProviderUnavailable(
                self.provider, f"cannot connect ({reason}) on {self._safe(path)}"
            ) from None
        if response.headers.get(MISSING_MARKER) and response.extensions.get("caching"):
            self.stats.cache_hits += 1
            raise NotFound(self.provider, f"not found (404, cached) on {self._safe(path)}", 404)
        try:
            self._raise_for_status(response, path)
        except NotFound:
            if client is self.client and method == "GET" and self.storage is not None:
                await self._remember_missing(response)
            raise
        except ProviderError:
            if response.is_success:  # a classified 2xx (an error sent as 200) was cached
                await self.forget(response)
            raise
        return response

    async def _remember_missing(self, response: httpx.Response) -> None:
        """hishel stores only 2xx answers; a 404 ("no such book") is stored in its place as a
        marked entry, so that an unchanged re-run does not ask again either."""
        from hishel import Headers, Request, Response

        assert self.storage is not None
        url = str(response.request.url)
        key = hashlib.sha256(f"GET {url}".encode()).hexdigest()

        async def body() -> Any:
            yield b"{}"

        entry = await self.storage.create_entry(
            Request(method="GET", url=url, headers=Headers({})),
            Response(
                status_code=200,
                headers=Headers({MISSING_MARKER: "404", "content-type": "application/json"}),
                stream=body(),
            ),
            key,
            ttl=self.cache_ttl,
        )
        async for _chunk in entry.response.stream:  # type: ignore[union-attr]
            pass

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
        return min(self.limits.backoff_max, base) * random.uniform(0.5, 1.5)

    def _count_retry(self) -> None:
        self.stats.retries += 1

    def _record_failure(self, error: ProviderError) -> None:
        self.stats.failures += 1
        self.stats.last_error = redact(str(error), self.secrets)
        if error.opens_circuit:
            self.stats.circuit_open = True
        elif isinstance(error, ProviderUnavailable):
            self.stats.consecutive_failures += 1
            if self.stats.consecutive_failures >= self.limits.circuit_threshold:
                self.stats.circuit_open = True

    def _safe(self, path: str) -> str:
        """The path alone, redacted: query strings carry keys."""
        return redact(path.split("?", 1)[0], self.secrets)

    async def _cache_get(self, key: str) -> Any | None:
        assert self.storage is not None
        entries = await self.storage.get_entries(key)
        if not entries:
            return None
        chunks = [chunk async for chunk in entries[0].response.stream]  # type: ignore[union-attr]
        return json.loads(b"".join(chunks))

    async def _cache_put(self, key: str, path: str, content: bytes) -> None:
        from hishel import Headers, Request, Response

        assert self.storage is not None

        async def body() -> Any:
            yield content

        entry = await self.storage.create_entry(
            Request(method="POST", url=f"{self.client.base_url}{path}", headers=Headers({})),
            Response(status_code=200, headers=Headers({}), stream=body()),
            key,
            ttl=self.cache_ttl,
        )
        # hishel saves the body as it is read; read it to the end so the entry is complete.
        async for _chunk in entry.response.stream:  # type: ignore[union-attr]
            pass


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
