"""The four metadata clients of a run, sharing one global rate limiter.

    async with build_providers(ProvidersConfig(...)) as providers:
        records = await providers.google_books.search_title_author("Dark Age", ["Pierce Brown"])
        providers.status()  # {"google_books": {...network_requests, circuit_open...}, ...}

Each provider gets its published rate (`*_requests_per_minute`) on its own limiter and every
request also passes the global one (`global_requests_per_minute`); answers are cached on disk
under `cache_dir` for `cache_ttl_days`. Keys and tokens are only ever headers, and are redacted
from every error. The `metadata_providers` resource (`defs/enrichment/`) fills the config from
the settings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from library_pipeline.clients import audnexus, google_books, hardcover, open_library
from library_pipeline.clients.audnexus import AudnexusClient
from library_pipeline.clients.google_books import GoogleBooksClient
from library_pipeline.clients.hardcover import HardcoverClient
from library_pipeline.clients.http import USER_AGENT, HttpClient, ProviderLimits, SlotLimiter
from library_pipeline.clients.open_library import OpenLibraryClient

PROVIDER_NAMES = ("google_books", "open_library", "hardcover", "audnexus")

Client = GoogleBooksClient | OpenLibraryClient | HardcoverClient | AudnexusClient


class Providers:
    """The metadata clients of one run; use as an async context manager."""

    def __init__(
        self,
        google_books: GoogleBooksClient,
        open_library: OpenLibraryClient,
        hardcover: HardcoverClient,
        audnexus: AudnexusClient,
        order: tuple[str, ...] = PROVIDER_NAMES,
    ) -> None:
        self.google_books = google_books
        self.open_library = open_library
        self.hardcover = hardcover
        self.audnexus = audnexus
        self.order = order
        self._all: dict[str, Client] = {
            "google_books": google_books,
            "open_library": open_library,
            "hardcover": hardcover,
            "audnexus": audnexus,
        }

    def __iter__(self) -> Iterator[Client]:
        return iter(self._all.values())

    def get(self, name: str) -> Client | None:
        """The client when it is in the precedence list and usable (Hardcover needs a token)."""
        client = self._all.get(name)
        if client is None or name not in self.order:
            return None
        if isinstance(client, HardcoverClient) and not client.enabled:
            return None
        return client

    def available(self, name: str) -> bool:
        """Usable and its circuit is closed (an open circuit means: skip, fall back)."""
        client = self.get(name)
        return client is not None and not client.http.stats.circuit_open

    def status(self) -> dict[str, dict[str, Any]]:
        """Each provider's health: requests, cache hits, retries, failures, open circuit."""
        return {name: client.status() for name, client in self._all.items()}

    @property
    def network_requests(self) -> int:
        return sum(client.http.stats.network_requests for client in self)

    async def aclose(self) -> None:
        for client in self:
            await client.aclose()

    async def __aenter__(self) -> Providers:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def provider_limits(
    requests_per_minute: float, template: ProviderLimits | None = None
) -> ProviderLimits:
    # Few connections: at these rates one or two are busy at a time, and httpcore checks every
    # pooled connection on each request.
    return dataclasses.replace(
        template or ProviderLimits(max_connections=4),
        requests_per_period=requests_per_minute,
        period_seconds=60.0,
    )


@dataclass(frozen=True)
class ProvidersConfig:
    """Where the four providers are, their keys, their published rates, the cache."""

    google_books_url: str
    open_library_url: str
    hardcover_url: str
    audnexus_url: str
    google_books_api_key: str = ""
    open_library_contact: str = ""
    hardcover_token: str = ""
    audnexus_region: str = "us"
    google_books_requests_per_minute: float = 60.0
    open_library_requests_per_minute: float = 60.0
    hardcover_requests_per_minute: float = 60.0
    audnexus_requests_per_minute: float = 100.0
    global_requests_per_minute: float = 600.0
    order: tuple[str, ...] = PROVIDER_NAMES  # providers asked, most trusted first
    cache_dir: Path | None = None  # None: no disk cache
    cache_ttl_days: float = 30.0

    def __repr__(self) -> str:  # never show the key or the token
        return f"ProvidersConfig(order={self.order!r}, cache_dir={self.cache_dir!r})"


def build_providers(
    config: ProvidersConfig,
    *,
    rate_scale: float = 1.0,
    limits_template: ProviderLimits | None = None,
) -> Providers:
    """All four clients from `config`.

    `rate_scale` multiplies every published rate (benchmarks against local stubs only);
    `limits_template` sets retries/timeouts/backoff (tests make them short).
    """
    c = config
    global_limiter = SlotLimiter(60.0 / (c.global_requests_per_minute * rate_scale))

    def http(
        provider: str, base_url: str, rpm: float, secrets: list[str], **kwargs: Any
    ) -> HttpClient:
        return HttpClient(
            provider,
            base_url,
            limits=provider_limits(rpm * rate_scale, limits_template),
            cache_dir=c.cache_dir,
            cache_ttl_seconds=c.cache_ttl_days * 86400,
            secrets=secrets,
            global_limiter=global_limiter,
            **kwargs,
        )

    google_key = c.google_books_api_key.strip()
    google = GoogleBooksClient(
        http(
            google_books.PROVIDER,
            c.google_books_url,
            c.google_books_requests_per_minute,
            [google_key],
            headers={"X-Goog-Api-Key": google_key} if google_key else None,
            classify=google_books.classify,
        )
    )

    contact = c.open_library_contact.strip()
    library = OpenLibraryClient(
        http(
            open_library.PROVIDER,
            c.open_library_url,
            c.open_library_requests_per_minute,
            [],
            headers={"User-Agent": f"{USER_AGENT[: USER_AGENT.index(' (')]} ({contact})"}
            if contact
            else None,
        )
    )

    token = HardcoverClient.clean_token(c.hardcover_token)
    parts = urlsplit(c.hardcover_url)
    cover = HardcoverClient(
        http(
            hardcover.PROVIDER,
            f"{parts.scheme}://{parts.netloc}",
            c.hardcover_requests_per_minute,
            [c.hardcover_token, token],
            headers=HardcoverClient.auth_headers(token) if token else None,
            classify=hardcover.classify,
        ),
        path=parts.path or "/",
        enabled=bool(token),
    )

    nexus = AudnexusClient(
        http(
            audnexus.PROVIDER,
            c.audnexus_url,
            c.audnexus_requests_per_minute,
            [],
            classify=audnexus.classify,
        ),
        region=c.audnexus_region,
    )
    return Providers(google, library, cover, nexus, order=c.order)
