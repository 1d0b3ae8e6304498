"""The jobs that correct one book's metadata and revert an enrichment run."""

# Services are imported inside ops so run workers start fast: docs/conventions.md

import asyncio
from typing import TYPE_CHECKING, Any

import dagster as dg

from library_pipeline.defs.enrichment.resources import MetadataProvidersResource
from library_pipeline.defs.resources import DB_POOL, LibraryDatabase
from library_pipeline.defs.tables import markdown_table

if TYPE_CHECKING:
    from library_pipeline.services.enrichment import BookResult, RevertResult

MAX_ROWS = 50


def book_metadata(result: "BookResult") -> dict[str, Any]:
    """One book's correction as the op's output metadata."""
    return {
        "book_id": result.book_id,
        "status": result.status,
        "fields_updated": dg.MetadataValue.json(result.fields_updated),
        "sources_used": dg.MetadataValue.json(result.sources_used),
        "completeness_before": result.completeness_before,
        "completeness_after": result.completeness_after,
        "result": dg.MetadataValue.json(result.as_dict()),
    }


def revert_metadata(result: "RevertResult") -> dict[str, Any]:
    """A revert as the op's output metadata: counts and the kept corrections' top rows."""
    from library_pipeline.services.enrichment.results import as_rows

    return {
        "run_id": result.run_id,
        "corrections_reverted": result.corrections_reverted,
        "corrections_skipped": result.corrections_skipped,
        "books_reverted": result.books_reverted,
        "skipped": dg.MetadataValue.md(markdown_table(as_rows(result.skipped[:MAX_ROWS]))),
        "errors": dg.MetadataValue.json(as_rows(result.errors)),
    }


class CorrectBookConfig(dg.Config):
    book_id: int
    force_refresh: bool = False


@dg.op(pool=DB_POOL, description="Look one book up at the providers and store what they add.")
def correct_book(
    context: dg.OpExecutionContext,
    config: CorrectBookConfig,
    library_db: LibraryDatabase,
    metadata_providers: MetadataProvidersResource,
) -> dict[str, Any]:
    from library_pipeline.services.enrichment import correct_book_metadata

    async def run() -> "BookResult":
        async with metadata_providers.build() as providers:
            with library_db.session() as session:
                return await correct_book_metadata(
                    config.book_id,
                    session,
                    providers=providers,
                    options=metadata_providers.enrichment_options(),
                    force_refresh=config.force_refresh,
                    run_id=context.run.run_id,
                )

    result = asyncio.run(run())
    for error in result.errors:
        context.log.warning(f"book {config.book_id}: {error}")
    context.add_output_metadata(book_metadata(result))
    return result.as_dict()


@dg.job(description="Correct one book's metadata (run config: book_id, force_refresh).")
def correct_book_job() -> None:
    correct_book()


class RevertRunConfig(dg.Config):
    run_id: str  # the run whose corrections to undo (an enrichment run's Dagster run id)


@dg.op(pool=DB_POOL, description="Undo the metadata corrections one run made.")
def revert_enrichment_run(
    context: dg.OpExecutionContext, config: RevertRunConfig, library_db: LibraryDatabase
) -> dict[str, Any]:
    from library_pipeline.services.enrichment import revert_run

    with library_db.session() as session:
        result = revert_run(session, config.run_id)
    for row in result.skipped[:20]:
        context.log.info(f"kept book {row.book_id} {row.field}: {row.reason}")
    context.add_output_metadata(revert_metadata(result))
    return result.as_dict()


@dg.job(description="Revert the metadata corrections of one run (run config: run_id).")
def revert_enrichment_run_job() -> None:
    revert_enrichment_run()
