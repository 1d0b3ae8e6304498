"""The enrichment part: the `enriched_metadata` asset, the provider-health check it reports,
the jobs that correct one book and revert a run, and the `metadata_providers` resource (also
used by the gap finder)."""

# Services and clients are imported inside functions so run workers start fast: docs/conventions.md

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg
from pydantic import SecretStr

from library_pipeline.defs.resources import DB_POOL, LibraryDatabase, setting
from library_pipeline.defs.tables import markdown_table
from library_pipeline.settings import Settings, get_settings

if TYPE_CHECKING:
    from library_pipeline.clients.providers import Providers

MAX_ROWS = 50
HEALTH_CHECK = "metadata_providers_healthy"


class MetadataProvidersResource(dg.ConfigurableResource):
    """Google Books, Open Library, Hardcover and Audnexus (settings `google_books_*`,
    `open_library_*`, `hardcover_*`, `audnexus_*`; rate limits, precedence and cache from the
    settings). Empty values fall back to the settings. `build()` gives a `Providers` to use as
    an async context manager."""

    google_books_url: str = ""
    google_books_api_key: str = ""
    open_library_url: str = ""
    open_library_contact: str = ""
    hardcover_url: str = ""
    hardcover_token: str = ""
    audnexus_url: str = ""
    audnexus_region: str = ""
    http_cache_dir: str = ""

    def settings(self) -> Settings:
        update: dict[str, Any] = {}
        for name in ("google_books_url", "open_library_url", "open_library_contact",
                     "hardcover_url", "audnexus_url", "audnexus_region"):  # fmt: skip
            if getattr(self, name).strip():
                update[name] = getattr(self, name).strip()
        for name in ("google_books_api_key", "hardcover_token"):
            if getattr(self, name).strip():
                update[name] = SecretStr(getattr(self, name))
        if self.http_cache_dir.strip():
            update["http_cache_dir"] = Path(self.http_cache_dir.strip())
        return get_settings().model_copy(update=update)

    def build(self) -> "Providers":
        from library_pipeline.clients.providers import build_providers

        return build_providers(self.settings())


def metadata_providers_resource() -> MetadataProvidersResource:
    return MetadataProvidersResource(
        google_books_url=setting("google_books_url"),
        google_books_api_key=setting("google_books_api_key", secret=True),
        open_library_url=setting("open_library_url"),
        open_library_contact=setting("open_library_contact"),
        hardcover_url=setting("hardcover_url"),
        hardcover_token=setting("hardcover_token", secret=True),
        audnexus_url=setting("audnexus_url"),
        audnexus_region=setting("audnexus_region"),
        http_cache_dir=setting("http_cache_dir"),
    )


def provider_health(status: dict[str, dict[str, Any]]) -> tuple[bool, list[dict[str, Any]]]:
    """Healthy = no provider failed or has an open circuit; rows for a table."""
    rows = [
        {
            "provider": name,
            "requests": s.get("network_requests"),
            "cache_hits": s.get("cache_hits"),
            "retries": s.get("retries"),
            "failures": s.get("failures"),
            "circuit_open": s.get("circuit_open"),
            "last_error": s.get("last_error") or s.get("disabled") or "",
        }
        for name, s in status.items()
    ]
    healthy = all(not r["failures"] and not r["circuit_open"] for r in rows)
    return healthy, rows


# --- the asset --------------------------------------------------------------------------------


class EnrichedMetadataConfig(dg.Config):
    limit: int | None = None  # at most this many books (None: all)
    filter_incomplete_only: bool = True  # only books below 100 % completeness
    batch_size: int = 10  # books looked up at once
    force_refresh: bool = False  # ignore the freshness window


@dg.asset(
    pool=DB_POOL,
    group_name="enrichment",
    deps=["library_books"],
    kinds={"python"},
    check_specs=[
        dg.AssetCheckSpec(
            HEALTH_CHECK,
            asset="enriched_metadata",
            description="Every metadata provider answered (no failures, no open circuit).",
        )
    ],
    description=(
        "Every book's metadata completed from Google Books, Open Library, Hardcover and "
        "Audnexus: matched by ISBN/ASIN or title+author with a confidence threshold, merged "
        "field by field by precedence (locked fields untouched), each change recorded as a "
        "metadata correction of this run."
    ),
)
def enriched_metadata(
    context: dg.AssetExecutionContext,
    config: EnrichedMetadataConfig,
    library_db: LibraryDatabase,
    metadata_providers: MetadataProvidersResource,
) -> dg.MaterializeResult:
    from library_pipeline.services.enrichment import correct_all_books

    async def run() -> dict[str, Any]:
        async with metadata_providers.build() as providers:
            with library_db.session() as session:
                return await correct_all_books(
                    session,
                    limit=config.limit,
                    filter_incomplete_only=config.filter_incomplete_only,
                    batch_size=config.batch_size,
                    providers=providers,
                    force_refresh=config.force_refresh,
                    run_id=context.run.run_id,
                )

    result = asyncio.run(run())
    healthy, health_rows = provider_health(result["provider_status"])
    for row in health_rows:
        if row["failures"] or row["circuit_open"]:
            context.log.warning(
                f"{row['provider']}: {row['failures']} failures, circuit "
                f"{'open' if row['circuit_open'] else 'closed'}: {row['last_error']}"
            )
    metadata: dict[str, Any] = {
        key: result[key]
        for key in (
            "total_processed",
            "succeeded",
            "failed",
            "skipped",
            "total_fields_updated",
            "average_completeness_before",
            "average_completeness_after",
            "books_updated",
            "unmatched_total",
            "errors_total",
            "network_requests",
            "seconds",
        )
    }
    metadata.update(
        {
            "enrichment_run_id": result["run_id"],
            "dagster/row_count": result["total_processed"],
            "result": dg.MetadataValue.json(result),
            "provider_status": dg.MetadataValue.json(result["provider_status"]),
            "providers": dg.MetadataValue.md(markdown_table(health_rows)),
            "errors": dg.MetadataValue.md(markdown_table(result["errors"][:MAX_ROWS])),
            "unmatched": dg.MetadataValue.md(markdown_table(result["unmatched"][:MAX_ROWS])),
            "preview": dg.MetadataValue.md(markdown_table(result["updates"][:MAX_ROWS])),
        }
    )
    check = dg.AssetCheckResult(
        check_name=HEALTH_CHECK,
        passed=healthy,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"providers": dg.MetadataValue.md(markdown_table(health_rows))},
    )
    return dg.MaterializeResult(metadata=metadata, check_results=[check])


# --- jobs: one book, revert a run --------------------------------------------------------------


class CorrectBookConfig(dg.Config):
    book_id: int
    force_refresh: bool = False


@dg.op(pool=DB_POOL, description="Look one book up at the providers and store what they add.")
def correct_book(
    context: dg.OpExecutionContext,
    config: CorrectBookConfig,
    library_db: LibraryDatabase,
    metadata_providers: MetadataProvidersResource,
) -> dict:
    from library_pipeline.services.enrichment import correct_book_metadata

    async def run() -> dict[str, Any]:
        async with metadata_providers.build() as providers:
            with library_db.session() as session:
                return await correct_book_metadata(
                    config.book_id,
                    session,
                    config.force_refresh,
                    providers=providers,
                    run_id=context.run.run_id,
                )

    result = asyncio.run(run())
    for error in result["errors"]:
        context.log.warning(f"book {config.book_id}: {error}")
    context.add_output_metadata(
        {
            "book_id": config.book_id,
            "status": result["status"],
            "fields_updated": dg.MetadataValue.json(result["fields_updated"]),
            "sources_used": dg.MetadataValue.json(result["sources_used"]),
            "completeness_before": result["completeness_before"],
            "completeness_after": result["completeness_after"],
            "result": dg.MetadataValue.json(result),
        }
    )
    return result


@dg.job(description="Correct one book's metadata (run config: book_id, force_refresh).")
def correct_book_job() -> None:
    correct_book()


class RevertRunConfig(dg.Config):
    run_id: str  # the run whose corrections to undo (an enrichment run's Dagster run id)


@dg.op(pool=DB_POOL, description="Undo the metadata corrections one run made.")
def revert_enrichment_run(
    context: dg.OpExecutionContext, config: RevertRunConfig, library_db: LibraryDatabase
) -> dict:
    from library_pipeline.services.enrichment import revert_run

    with library_db.session() as session:
        result = revert_run(session, config.run_id)
    for row in result["skipped"][:20]:
        context.log.info(f"kept book {row['book_id']} {row['field']}: {row['reason']}")
    context.add_output_metadata(
        {
            "run_id": config.run_id,
            "corrections_reverted": result["corrections_reverted"],
            "corrections_skipped": result["corrections_skipped"],
            "books_reverted": result["books_reverted"],
            "skipped": dg.MetadataValue.md(markdown_table(result["skipped"][:MAX_ROWS])),
            "errors": dg.MetadataValue.json(result["errors"]),
        }
    )
    return result


@dg.job(description="Revert the metadata corrections of one run (run config: run_id).")
def revert_enrichment_run_job() -> None:
    revert_enrichment_run()


defs = dg.Definitions(
    assets=[enriched_metadata],
    jobs=[correct_book_job, revert_enrichment_run_job],
    resources={"metadata_providers": metadata_providers_resource()},
)
