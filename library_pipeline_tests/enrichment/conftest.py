"""Fixtures for enrichment: the four provider stubs, settings pointing at them, fast limits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine

from library_pipeline.clients.http import ProviderLimits
from library_pipeline.clients.providers import Providers, ProvidersConfig, build_providers
from library_pipeline.services.enrichment import EnrichmentOptions
from library_pipeline.settings import Settings
from library_pipeline.storage.engine import make_engine, session_scope
from library_pipeline.storage.models import Book
from library_pipeline_tests.support.stubs.audnexus import AudnexusStub
from library_pipeline_tests.support.stubs.google_books import GoogleBooksStub
from library_pipeline_tests.support.stubs.hardcover import HardcoverStub
from library_pipeline_tests.support.stubs.open_library import OpenLibraryStub

GOOGLE_KEY = "AIzaSy-test-google-key-0001"
HARDCOVER_TOKEN = "hc-test-token-0002-secret"
SECRETS = (GOOGLE_KEY, HARDCOVER_TOKEN)

# Published limits are tiny; tests scale them up, and make retries and timeouts short.
FAST = ProviderLimits(
    max_attempts=3,
    backoff_initial=0.01,
    backoff_max=0.05,
    max_retry_after=2.0,
    timeout_seconds=1.0,
    circuit_threshold=50,
)


@dataclass
class Stubs:
    google: GoogleBooksStub
    library: OpenLibraryStub
    hardcover: HardcoverStub
    audnexus: AudnexusStub

    def all(self) -> list[Any]:
        return [self.google, self.library, self.hardcover, self.audnexus]

    def requests(self) -> int:
        return sum(len(stub.requests) for stub in self.all())

    def reset(self) -> None:
        for stub in self.all():
            stub.reset_log()


@pytest.fixture
def stubs() -> Iterator[Stubs]:
    with (
        GoogleBooksStub(api_key=GOOGLE_KEY) as google,
        OpenLibraryStub() as library,
        HardcoverStub(token=HARDCOVER_TOKEN) as hardcover,
        AudnexusStub() as audnexus,
    ):
        yield Stubs(google, library, hardcover, audnexus)


def make_settings(stubs: Stubs, data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "google_books_url": stubs.google.base_url,
        "google_books_api_key": SecretStr(GOOGLE_KEY),
        "open_library_url": stubs.library.url,
        "hardcover_url": stubs.hardcover.base_url,
        "hardcover_token": SecretStr(HARDCOVER_TOKEN),
        "audnexus_url": stubs.audnexus.url,
        "google_books_requests_per_minute": 60_000,
        "open_library_requests_per_minute": 60_000,
        "hardcover_requests_per_minute": 60_000,
        "audnexus_requests_per_minute": 60_000,
        "metadata_global_requests_per_minute": 600_000,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(stubs: Stubs, tmp_path: Path) -> Settings:
    return make_settings(stubs, tmp_path / "data")


def provider_config(settings: Settings, *, cache: bool = True) -> ProvidersConfig:
    """What the `metadata_providers` resource would build from these settings."""
    s = settings
    return ProvidersConfig(
        google_books_url=s.google_books_url,
        open_library_url=s.open_library_url,
        hardcover_url=s.hardcover_url,
        audnexus_url=s.audnexus_url,
        google_books_api_key=s.google_books_api_key.get_secret_value(),
        open_library_contact=s.open_library_contact,
        hardcover_token=s.hardcover_token.get_secret_value(),
        audnexus_region=s.audnexus_region,
        google_books_requests_per_minute=s.google_books_requests_per_minute,
        open_library_requests_per_minute=s.open_library_requests_per_minute,
        hardcover_requests_per_minute=s.hardcover_requests_per_minute,
        audnexus_requests_per_minute=s.audnexus_requests_per_minute,
        global_requests_per_minute=s.metadata_global_requests_per_minute,
        order=tuple(s.metadata_provider_precedence),
        cache_dir=s.resolved_http_cache_dir if cache else None,
        cache_ttl_days=s.http_cache_ttl_days,
    )


def options_for(settings: Settings) -> EnrichmentOptions:
    s = settings
    return EnrichmentOptions.build(
        s.metadata_provider_precedence,
        s.metadata_field_precedence,
        min_confidence=s.enrichment_min_confidence,
        freshness_days=s.enrichment_freshness_days,
        default_language=s.enrichment_default_language,
    )


def providers_for(
    settings: Settings, limits: ProviderLimits = FAST, *, cache: bool = True
) -> Providers:
    return build_providers(provider_config(settings, cache=cache), limits_template=limits)


def add_books(engine: Engine, *books: dict[str, Any]) -> list[int]:
    """Insert books (column values) the way the scanner would; returns their ids."""
    with session_scope(engine) as session:
        rows = [Book(path=f"/library/{i}/{b['title']}", **b) for i, b in enumerate(books)]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


@pytest.fixture
def duck_engine(duckdb_url: str) -> Iterator[Engine]:
    engine = make_engine(duckdb_url)
    yield engine
    engine.dispose()


def assert_no_secret(*texts: Any) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in str(text), f"secret leaked into: {str(text)[:200]}"
