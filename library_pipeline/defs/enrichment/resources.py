"""The `metadata_providers` resource: the four metadata clients and the enrichment options,
built from typed fields whose defaults are the settings."""

# Clients and services are imported inside methods so run workers start fast: docs/conventions.md

from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
from pydantic import Field

from library_pipeline.defs.resources import from_settings, secret, settings
from library_pipeline.sample_library import is_sample_library

if TYPE_CHECKING:
    from library_pipeline.clients.providers import Providers, ProvidersConfig
    from library_pipeline.clients.sample_catalogue import SampleCatalogue
    from library_pipeline.services.enrichment import EnrichmentOptions


class MetadataProvidersResource(dg.ConfigurableResource):
    """Google Books, Open Library, Hardcover and Audnexus: where they are, their keys (secrets,
    shown as their variable's name), their published rates, which to ask in what order, and the
    enrichment thresholds. `build()` gives a `Providers` to use as an async context manager."""

    google_books_url: str = from_settings("google_books_url")
    google_books_api_key: str = ""
    open_library_url: str = from_settings("open_library_url")
    open_library_contact: str = from_settings("open_library_contact")
    hardcover_url: str = from_settings("hardcover_url")
    hardcover_token: str = ""
    audnexus_url: str = from_settings("audnexus_url")
    audnexus_region: str = from_settings("audnexus_region")
    google_books_requests_per_minute: float = from_settings("google_books_requests_per_minute")
    open_library_requests_per_minute: float = from_settings("open_library_requests_per_minute")
    hardcover_requests_per_minute: float = from_settings("hardcover_requests_per_minute")
    audnexus_requests_per_minute: float = from_settings("audnexus_requests_per_minute")
    global_requests_per_minute: float = from_settings("metadata_global_requests_per_minute")
    provider_precedence: list[str] = from_settings("metadata_provider_precedence")
    field_precedence: dict[str, list[str]] = from_settings("metadata_field_precedence")
    http_cache_dir: str = Field(default_factory=lambda: str(settings().resolved_http_cache_dir))
    http_cache_ttl_days: float = from_settings("http_cache_ttl_days")
    min_confidence: float = from_settings("enrichment_min_confidence")
    freshness_days: float = from_settings("enrichment_freshness_days")
    default_language: str = from_settings("enrichment_default_language")
    # The sample library (nothing configured): the gap catalogue uses its offline catalogue.
    sample_catalogue: bool = Field(
        default_factory=lambda: is_sample_library(settings().library_roots)
    )

    def providers_config(self) -> "ProvidersConfig":
        from library_pipeline.clients.providers import ProvidersConfig

        return ProvidersConfig(
            google_books_url=self.google_books_url,
            open_library_url=self.open_library_url,
            hardcover_url=self.hardcover_url,
            audnexus_url=self.audnexus_url,
            google_books_api_key=self.google_books_api_key,
            open_library_contact=self.open_library_contact,
            hardcover_token=self.hardcover_token,
            audnexus_region=self.audnexus_region,
            google_books_requests_per_minute=self.google_books_requests_per_minute,
            open_library_requests_per_minute=self.open_library_requests_per_minute,
            hardcover_requests_per_minute=self.hardcover_requests_per_minute,
            audnexus_requests_per_minute=self.audnexus_requests_per_minute,
            global_requests_per_minute=self.global_requests_per_minute,
            order=tuple(self.provider_precedence),
            cache_dir=Path(self.http_cache_dir) if self.http_cache_dir.strip() else None,
            cache_ttl_days=self.http_cache_ttl_days,
        )

    def build(self) -> "Providers":
        """The four clients; use as an async context manager."""
        from library_pipeline.clients.providers import build_providers

        return build_providers(self.providers_config())

    def catalogue_source(self) -> "Providers | SampleCatalogue":
        """What the gap catalogue asks: the providers, or with the sample library its offline
        sample catalogue. Use as an async context manager."""
        if self.sample_catalogue:
            from library_pipeline.clients.sample_catalogue import SampleCatalogue

            return SampleCatalogue()
        return self.build()

    def enrichment_options(self) -> "EnrichmentOptions":
        from library_pipeline.services.enrichment import EnrichmentOptions

        return EnrichmentOptions.build(
            self.provider_precedence,
            self.field_precedence,
            min_confidence=self.min_confidence,
            freshness_days=self.freshness_days,
            default_language=self.default_language,
        )


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "metadata_providers": MetadataProvidersResource(
                google_books_api_key=secret("google_books_api_key"),
                hardcover_token=secret("hardcover_token"),
            )
        }
    )
