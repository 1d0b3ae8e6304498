"""MAM's genres, per-genre top-10 lists and the wanted top-10 books (see the package doc)."""

# Services and clients are imported inside functions so run workers start fast: docs/conventions.md

import dataclasses
import warnings
from typing import TYPE_CHECKING, Any

import dagster as dg

from library_pipeline.defs.mam.resources import MamResource
from library_pipeline.defs.optional_services import SKIPPED, skipped_metadata
from library_pipeline.defs.resources import DB_POOL, LibraryDatabase
from library_pipeline.defs.tables import markdown_table
from library_pipeline.settings import env_name

if TYPE_CHECKING:
    from library_pipeline.services.mam import GenresResult, QueueResult, Top10Result

GROUP = "mam"
# The top-10 assets' single-run backfill policy is chosen deliberately; its "beta" notice is
# console noise for every process that loads the code location.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=dg.BetaWarning)
TOP10_PARTITIONS = dg.DynamicPartitionsDefinition(name="mam_top10_genre")


def sync_genre_partitions(
    instance: dg.DagsterInstance, genres: list[str], *, remove: bool
) -> tuple[list[str], list[str]]:
    """Add the genres without a partition; with `remove`, delete the partitions of genres no
    longer in the list (only after MAM itself answered: an outage never deletes). Returns
    (added, removed)."""
    name = TOP10_PARTITIONS.name
    assert name is not None
    existing = set(instance.get_dynamic_partitions(name))
    added = [g for g in genres if g not in existing]
    removed = sorted(existing - set(genres)) if remove else []
    if added:
        instance.add_dynamic_partitions(name, added)
    for genre in removed:
        instance.delete_dynamic_partition(name, genre)
    return added, removed


async def _fetch_genres(
    mam: MamResource, library_db: LibraryDatabase
) -> tuple["GenresResult", dict[str, Any]]:
    """MAM's genres (source "mam"), or, when MAM is off or failed, the last list MAM gave
    (source "saved") or the built-in one (source "built-in"); the saved list is then kept.
    Returns (genres, provider metadata: the client's status, or why MAM was skipped)."""
    from library_pipeline.services.mam import get_available_genres, save_genres, saved_genres

    provider: dict[str, Any]
    if mam.configured:
        async with mam.client(library_db.get_engine()) as client:
            genres = await get_available_genres(client)
            provider = {"provider": client.status()}
    else:
        genres = await get_available_genres(None)
        provider = {**skipped_metadata("mam", "empty cookie: MAM is off"), "provider": {}}
    with library_db.session() as session:
        if genres.source == "mam":
            save_genres(session, genres)
        elif (last := saved_genres(session)) is not None:
            genres = dataclasses.replace(last, errors=genres.errors)
    return genres, provider


def _genres_metadata(
    genres: "GenresResult", provider: dict[str, Any], added: list[str], removed: list[str]
) -> dict[str, Any]:
    rows = [{"genre": g, "category id": cid} for g, cid in genres.genre_ids.items()]
    return {
        "genres": len(rows),
        "source": genres.source,
        "added_partitions": added,
        "removed_partitions": removed,
        "errors": genres.errors,
        **provider,
        "dagster/row_count": len(rows),
        "preview": dg.MetadataValue.md(markdown_table(rows, ["genre", "category id"], limit=60)),
    }


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    description="MAM's audiobook genres (categories); keeps top10_lists' partitions in step. "
    "Without a MAM cookie, or while MAM fails, the last good list (or the built-in one) stays.",
)
async def mam_genres(
    context: dg.AssetExecutionContext, mam: MamResource, library_db: LibraryDatabase
) -> dg.MaterializeResult[None]:
    genres, provider = await _fetch_genres(mam, library_db)
    added, removed = sync_genre_partitions(
        context.instance, genres.genres, remove=genres.source == "mam"
    )
    for error in genres.errors:
        context.log.warning(error)
    return dg.MaterializeResult(metadata=_genres_metadata(genres, provider, added, removed))


TOP10_COLUMNS = ["genre", "rank", "title", "author", "narrators", "series", "seeders", "snatched"]


def _genre_label(genres: list[str]) -> str:
    return ", ".join(genres) if len(genres) <= 3 else f"{len(genres)} genres"


def _top10_metadata(results: list["Top10Result"], status: dict[str, Any]) -> dict[str, Any]:
    books = [{**dataclasses.asdict(book), "genre": r.genre} for r in results for book in r.books]
    found = sum(r.books_found for r in results)
    return {
        "genre": _genre_label([r.genre for r in results]),
        "period": results[0].period if results else "",
        "captured_on": results[0].captured_on.isoformat() if results else "",
        "books_found": found,
        "errors": [e for r in results for e in r.errors],
        "warnings": [w for r in results for w in r.warnings],
        "provider": status,
        "dagster/row_count": found,
        "preview": dg.MetadataValue.md(markdown_table(books, TOP10_COLUMNS, limit=60)),
    }


async def _scrape_genres(
    genres: list[str], mam: MamResource, library_db: LibraryDatabase
) -> tuple[list["Top10Result"], dict[str, Any], Exception | None]:
    """Each genre's top-10, stored; stops at a sign-out. (results, provider status, sign-out)."""
    from library_pipeline.services.mam import scrape_mam_top10

    results: list[Top10Result] = []
    async with mam.client(library_db.get_engine()) as client:
        for genre in genres:
            with library_db.session() as session:
                results.append(
                    await scrape_mam_top10(genre, session, client, period=mam.top10_period)
                )
            if client.signed_out is not None:
                break
        return results, client.status(), client.signed_out


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    partitions_def=TOP10_PARTITIONS,
    # "Materialize all" is one run for every genre, not one run (process start) per genre.
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=[mam_genres],
    description="Each genre's MAM top-10 (most snatched in the period), stored per day.",
)
async def top10_lists(
    context: dg.AssetExecutionContext, mam: MamResource, library_db: LibraryDatabase
) -> dg.MaterializeResult[None]:
    genres = list(context.partition_keys)
    if not mam.configured:
        return dg.MaterializeResult(
            metadata={
                "genre": _genre_label(genres),
                "dagster/row_count": 0,
                **skipped_metadata("mam"),
            }
        )
    results, status, signed_out = await _scrape_genres(genres, mam, library_db)
    metadata = _top10_metadata(results, status)
    if signed_out is not None:
        raise dg.Failure(description=str(signed_out), metadata=metadata)
    failed = [r for r in results if r.fetch_failed]
    if failed:
        # MAM is configured and failed: red, naming MAM (the lists stored before stay).
        raise dg.Failure(
            description=f"MAM top-10 failed for {_genre_label([r.genre for r in failed])}: "
            + "; ".join(failed[0].errors),
            metadata=metadata,
        )
    for error in metadata["errors"]:
        context.log.warning(error)
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    partitions_def=TOP10_PARTITIONS,
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=[top10_lists],
    description="The genre's top-10 books not owned and not yet wanted, added to missing_books "
    "(reason top10) — for the genres in LIBRARY_PIPELINE_MAM_TOP10_QUEUE_GENRES.",
)
async def top10_wanted_books(
    context: dg.AssetExecutionContext, mam: MamResource, library_db: LibraryDatabase
) -> dg.MaterializeResult[None]:
    from library_pipeline.services.mam import queue_top10_downloads

    genres = list(context.partition_keys)
    wanted = [g for g in genres if mam.wants_queue(g)]
    if not wanted:
        reason = (
            f"{_genre_label(genres)!r} not in {env_name('mam_top10_queue_genres')} "
            f"(now: {mam.queue_genres or 'empty'}): nothing queued. Set it to genres (or *) "
            "to add their top-10 books to the wanted list"
        )
        context.log.info(reason)
        return dg.MaterializeResult(
            metadata={"queued_count": 0, SKIPPED: reason, "dagster/row_count": 0}
        )
    with library_db.session() as session:
        result = await queue_top10_downloads(wanted, session, period=mam.top10_period)
    for error in result.errors:
        context.log.warning(error)
    return dg.MaterializeResult(metadata=_queue_metadata(wanted, result))


def _queue_metadata(genres: list[str], result: "QueueResult") -> dict[str, Any]:
    queued = [dataclasses.asdict(book) for book in result.queued]
    return {
        "genre": _genre_label(genres),
        "total_books_found": result.total_books_found,
        "queued_count": result.queued_count,
        "duplicates_skipped": result.duplicates_skipped,
        "owned_skipped": result.owned_skipped,
        "bundles_skipped": result.bundles_skipped,
        "errors": result.errors,
        "dagster/row_count": result.queued_count,
        "preview": dg.MetadataValue.md(markdown_table(queued, ["rank", "title", "authors"])),
    }


mam_genres_job = dg.define_asset_job("mam_genres_job", selection=[mam_genres])
mam_top10_job = dg.define_asset_job("mam_top10_job", selection=[top10_lists, top10_wanted_books])
