"""Series and author gaps: `gap_catalogue`, `series_gaps`, `author_gaps`, and the check that no
missing book is one the user owns."""

# Services and clients are imported inside functions so run workers start fast: docs/conventions.md

import asyncio
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

import dagster as dg

from library_pipeline.defs.enrichment import MetadataProvidersResource
from library_pipeline.defs.resources import DB_POOL, LibraryDatabase
from library_pipeline.defs.tables import markdown_table
from library_pipeline.settings import get_settings

if TYPE_CHECKING:
    from library_pipeline.services.gaps import GapSettings

GAP_ASSETS = ("series_gaps", "author_gaps")


class CatalogueConfig(dg.Config):
    """Narrow the catalogue refresh (empty: everything the user owns)."""

    series_name: str = ""
    author_name: str = ""
    min_books_threshold: int = 0  # 0: the `gap_min_books` setting


class GapConfig(dg.Config):
    series_name: str = ""
    author_name: str = ""
    min_books_threshold: int = 0  # 0: the `gap_min_books` setting
    include_novellas: bool = False
    as_of: str = ""  # YYYY-MM-DD; empty: today


def _threshold(value: int) -> int:
    return value or get_settings().gap_min_books


def _settings(session, config: GapConfig) -> "GapSettings":
    from library_pipeline.services import gaps

    configured = get_settings()
    return gaps.gap_settings(
        session,
        min_books_threshold=_threshold(config.min_books_threshold),
        languages=configured.gap_languages or None,
        include_novellas=config.include_novellas or configured.gap_include_novellas,
        as_of=date.fromisoformat(config.as_of) if config.as_of else None,
    )


def _top_table(rows: list[dict]) -> str:
    shown = [
        {**row, "series": f"{row['series']} #{row['series_position']}" if row["series"] else ""}
        for row in rows
    ]
    return markdown_table(shown, ["priority", "title", "authors", "series", "evidence"], limit=15)


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
) -> dg.MaterializeResult:
    """Every book of the owned series and kept authors, as the providers list them (cached)."""
    from library_pipeline.services import gaps

    async def run() -> dict:
        async with metadata_providers.build() as providers:
            with library_db.session() as session:
                return await gaps.fetch_gap_catalogue(
                    session,
                    providers,
                    min_books_threshold=_threshold(config.min_books_threshold),
                    series_names=[config.series_name] if config.series_name else None,
                    author_names=[config.author_name] if config.author_name else None,
                )

    result = asyncio.run(run())
    for error in result["errors"][:20]:
        context.log.warning(f"catalogue: {error['query']} on {error['provider']}: {error['error']}")
    return dg.MaterializeResult(
        metadata={
            "series_queried": result["series_queried"],
            "authors_queried": result["authors_queried"],
            "entries_stored": result["entries_stored"],
            "errors": len(result["errors"]),
            "error_samples": dg.MetadataValue.json(result["errors"][:20]),
            "providers": dg.MetadataValue.json(result["providers"]),
            "dagster/row_count": result["entries_stored"],
        }
    )


SERIES_COUNTS = ("series_checked", "missing_books_found", "series_with_gaps")
AUTHOR_COUNTS = ("authors_checked", "authors_with_gaps", "missing_books_found")


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
    context: dg.AssetExecutionContext, config: GapConfig, library_db: LibraryDatabase
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
                settings=_settings(session, config),
                series="series_gaps" in selected,
                authors="author_gaps" in selected,
            )
        )
    if "series" in result:
        yield _result("series_gaps", result["series"], SERIES_COUNTS)
    if "authors" in result:
        yield _result("author_gaps", result["authors"], AUTHOR_COUNTS)


def _result(key: str, result: dict, counts: tuple[str, ...]) -> dg.MaterializeResult:
    return dg.MaterializeResult(
        asset_key=key,
        metadata={
            **{name: result[name] for name in counts},
            "new": result["new"],
            "updated": result["updated"],
            "closed": result["closed"],
            "top_gaps": dg.MetadataValue.md(_top_table(result["top"])),
            "dagster/row_count": result["missing_books_found"],
        },
    )


def _owned_check(library_db: LibraryDatabase) -> dg.AssetCheckResult:
    from library_pipeline.services import gaps

    with library_db.session() as session:
        owned = gaps.missing_books_owned(session)
    return dg.AssetCheckResult(
        passed=not owned,
        metadata={"owned_but_missing": len(owned), "samples": dg.MetadataValue.json(owned[:20])},
    )


@dg.asset_check(asset="series_gaps", blocking=False)
def no_missing_book_is_owned(library_db: LibraryDatabase) -> dg.AssetCheckResult:
    """Fails if any pending or queued missing book matches a book the user owns."""
    return _owned_check(library_db)


@dg.asset_check(asset="author_gaps", blocking=False, name="no_missing_book_is_owned")
def no_author_gap_is_owned(library_db: LibraryDatabase) -> dg.AssetCheckResult:
    """Fails if any pending or queued missing book matches a book the user owns."""
    return _owned_check(library_db)


defs = dg.Definitions(
    assets=[gap_catalogue, gap_assets],
    asset_checks=[no_missing_book_is_owned, no_author_gap_is_owned],
)
