"""The `enriched_metadata` asset and the provider-health check it reports."""

# Services and clients are imported inside functions so run workers start fast: docs/conventions.md

import asyncio
from typing import TYPE_CHECKING, Any

import dagster as dg

from library_pipeline.defs.enrichment.resources import MetadataProvidersResource
from library_pipeline.defs.optional_services import skipped_metadata
from library_pipeline.defs.resources import DB_POOL, LibraryDatabase
from library_pipeline.defs.tables import markdown_table

if TYPE_CHECKING:
    from library_pipeline.services.enrichment import EnrichmentResult

MAX_ROWS = 50
HEALTH_CHECK = "metadata_providers_healthy"
COUNTS = (
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


def run_metadata(result: "EnrichmentResult", health_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A run's result as the asset's metadata: counts, the tables of its top rows."""
    from library_pipeline.services.enrichment.results import as_rows

    metadata: dict[str, Any] = {key: getattr(result, key) for key in COUNTS}
    metadata.update(
        {
            "enrichment_run_id": result.run_id,
            "dagster/row_count": result.total_processed,
            "result": dg.MetadataValue.json(result.as_dict()),
            "provider_status": dg.MetadataValue.json(result.provider_status),
            "prefetch": dg.MetadataValue.json(result.prefetch),
            "providers": dg.MetadataValue.md(markdown_table(health_rows)),
            "errors": dg.MetadataValue.md(markdown_table(as_rows(result.errors[:MAX_ROWS]))),
            "unmatched": dg.MetadataValue.md(markdown_table(as_rows(result.unmatched[:MAX_ROWS]))),
            "preview": dg.MetadataValue.md(markdown_table(as_rows(result.updates[:MAX_ROWS]))),
        }
    )
    return metadata


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
            description="Every metadata provider answered (no failures, no open circuit); "
            "an error naming the providers when most books could not be enriched.",
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

    async def run() -> "EnrichmentResult":
        async with metadata_providers.build() as providers:
            with library_db.session() as session:
                return await correct_all_books(
                    session,
                    providers=providers,
                    options=metadata_providers.enrichment_options(),
                    limit=config.limit,
                    filter_incomplete_only=config.filter_incomplete_only,
                    batch_size=config.batch_size,
                    force_refresh=config.force_refresh,
                    run_id=context.run.run_id,
                )

    result = asyncio.run(run())
    healthy, health_rows = provider_health(result.provider_status)
    for row in health_rows:
        if row["failures"] or row["circuit_open"]:
            context.log.warning(
                f"{row['provider']}: {row['failures']} failures, circuit "
                f"{'open' if row['circuit_open'] else 'closed'}: {row['last_error']}"
            )
    check = health_check(
        processed=result.total_processed,
        failed=result.failed,
        healthy=healthy,
        health_rows=health_rows,
    )
    metadata = run_metadata(result, health_rows)
    if not metadata_providers.hardcover_token:
        metadata.update(skipped_metadata("hardcover"))
    return dg.MaterializeResult(metadata=metadata, check_results=[check])


def health_check(
    *, processed: int, failed: int, healthy: bool, health_rows: list[dict[str, Any]]
) -> dg.AssetCheckResult:
    """Failing when a provider failed, naming it; an error (not a warning) when most books
    could not be enriched: degraded shows in the asset graph, not only in the logs."""
    failing = [r for r in health_rows if r["failures"] or r["circuit_open"]]
    degraded = processed > 0 and failed * 2 > processed
    names = ", ".join(r["provider"] for r in failing)
    description = f"providers failing: {names}" if failing else "every provider answered"
    if degraded:
        description = f"{failed} of {processed} books failed; {description}"
    if failing:
        description += f" (last error: {failing[0]['last_error']})"
    return dg.AssetCheckResult(
        check_name=HEALTH_CHECK,
        passed=healthy and not degraded,
        severity=dg.AssetCheckSeverity.ERROR if degraded else dg.AssetCheckSeverity.WARN,
        description=description,
        metadata={
            "failing_providers": [r["provider"] for r in failing],
            "books_failed": failed,
            "books_processed": processed,
            "providers": dg.MetadataValue.md(markdown_table(health_rows)),
        },
    )
