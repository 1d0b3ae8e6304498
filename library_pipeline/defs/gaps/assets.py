"""Series and author gaps: `gap_catalogue`, then `series_gaps` and `author_gaps` (one multi-asset:
one pass of the finder serves both)."""

# Services and clients are imported inside functions so run workers start fast: docs/conventions.md

import asyncio
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import dagster as dg

from library_pipeline.defs.enrichment import MetadataProvidersResource
from library_pipeline.defs.gaps.resources import GapPolicyResource
from library_pipeline.defs.resources import DB_POOL, LibraryDatabase
from library_pipeline.defs.tables import markdown_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from library_pipeline.domain.gaps.models import GapSettings
    from library_pipeline.services.gaps import CatalogueResult, GapsResult


class CatalogueConfig(dg.Config):
    """Narrow the catalogue refresh (empty: everything the user owns)."""

    series_name: str = ""
    author_name: str = ""
    min_books_threshold: int = 0  # 0: the gap_policy resource's min_books


class GapConfig(dg.Config):
    series_name: str = ""
    author_name: str = ""
    min_books_threshold: int = 0  # 0: the gap_policy resource's min_books
    include_novellas: bool = False
    as_of: str = ""  # YYYY-MM-DD; empty: today


def _gap_settings(
    session: "Session", policy: GapPolicyResource, config: GapConfig
) -> "GapSettings":
    from library_pipeline.services import gaps

    return gaps.gap_settings(
        session,
        min_books_threshold=config.min_books_threshold or policy.min_books,
        languages=policy.languages or None,
        include_novellas=config.include_novellas or policy.include_novellas,
        as_of=date.fromisoformat(config.as_of) if config.as_of else None,
    )


def _top_table(rows: list[dict[str, Any]]) -> str:
    shown = [
        {**row, "series": f"{row['series']} #{row['series_position']}" if row["series"] else ""}
        for row in rows
    ]
    return markdown_table(shown, ["priority", "title", "authors", "series", "evidence"], limit=15)


def catalogue_metadata(result: "CatalogueResult") -> dict[str, Any]:
    """The catalogue refresh as asset metadata."""
    return {
        "series_queried": result.series_queried,
        "authors_queried": result.authors_queried,
        "entries_stored": result.entries_stored,
        "errors": len(result.errors),
        "error_samples": dg.MetadataValue.json(result.errors[:20]),
        "unchecked_series": dg.MetadataValue.json(result.unchecked_series),
        "unchecked_authors": dg.MetadataValue.json(result.unchecked_authors),
        "providers": dg.MetadataValue.json(result.providers),
        "dagster/row_count": result.entries_stored,
    }


@dg.asset(
    pool=DB_POOL,
    group_name="gaps",
    deps=["enriched_metadata"],
    retry_policy=dg.RetryPolicy(max_retries=1, delay=60),
)
def gap_catalogue(
    context: dg.AssetExecutionContext,
    config: CatalogueConfig,
    library_db: LibraryDatabase,
    metadata_providers: MetadataProvidersResource,
    gap_policy: GapPolicyResource,
) -> dg.MaterializeResult:
    """Every book of the owned series and kept authors, as the providers list them (cached)."""
    from library_pipeline.services import gaps

    async def run() -> "CatalogueResult":
        async with metadata_providers.catalogue_source() as providers:
            with library_db.session() as session:
                return await gaps.fetch_gap_catalogue(
                    session,
                    providers,
                    min_books_threshold=config.min_books_threshold or gap_policy.min_books,
                    series_names=[config.series_name] if config.series_name else None,
                    author_names=[config.author_name] if config.author_name else None,
                )

    result = asyncio.run(run())
    for error in result.errors[:20]:
        context.log.warning(f"catalogue: {error['query']} on {error['provider']}: {error['error']}")
    return dg.MaterializeResult(metadata=catalogue_metadata(result))


@dg.multi_asset(
    name="gaps",
    specs=[
        dg.AssetSpec(
            "series_gaps",
            deps=[gap_catalogue],
            group_name="gaps",
            skippable=True,
            description="Books missing from series the user owns at least one book of "
            "(`missing_books`).",
        ),
        dg.AssetSpec(
            "author_gaps",
            deps=[gap_catalogue],
            group_name="gaps",
            skippable=True,
            description="Books missing from authors with at least `min_books_threshold` owned "
            "books (`missing_books`).",
        ),
    ],
    can_subset=True,
    pool=DB_POOL,
)
def gap_assets(
    context: dg.AssetExecutionContext,
    config: GapConfig,
    library_db: LibraryDatabase,
    gap_policy: GapPolicyResource,
) -> Iterator[dg.MaterializeResult]:
    """`series_gaps` and `author_gaps`: one pass of the gap finder serves both (either may be
    materialized alone); `series_name` narrows the series, `author_name` the authors."""
    from library_pipeline.services import gaps

    selected = {key.to_user_string() for key in context.selected_asset_keys}
    with library_db.session() as session:
        result = asyncio.run(
            gaps.find_missing_books(
                session,
                series_name=config.series_name or None,
                author_name=config.author_name or None,
                settings=_gap_settings(session, gap_policy, config),
                series="series_gaps" in selected,
                authors="author_gaps" in selected,
            )
        )
    if "series" in result:
        yield gaps_result("series_gaps", result["series"])
    if "authors" in result:
        yield gaps_result("author_gaps", result["authors"])


def gaps_metadata(result: "GapsResult") -> dict[str, Any]:
    """One gap asset's result as metadata (counts named as the asset's kind)."""
    noun = "series" if result.kind == "series" else "authors"
    return {
        f"{noun}_checked": result.checked,
        f"{noun}_with_gaps": result.with_gaps,
        "missing_books_found": result.missing_books_found,
        "new": result.new,
        "updated": result.updated,
        "closed": result.closed,
        f"unchecked_{noun}": dg.MetadataValue.json(result.unchecked),
        "skipped_rows": dg.MetadataValue.json(result.skipped_rows[:50]),
        "top_gaps": dg.MetadataValue.md(_top_table(result.top)),
        "gap_sources": dg.MetadataValue.md(
            markdown_table(result.sources, ["book", "listing", "decision", "reason"], limit=80)
        ),
        "dagster/row_count": result.missing_books_found,
    }


def gaps_result(key: str, result: "GapsResult") -> dg.MaterializeResult:
    return dg.MaterializeResult(asset_key=key, metadata=gaps_metadata(result))
