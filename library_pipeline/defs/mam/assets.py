"""MAM's genres, per-genre top-10 lists and the wanted top-10 books (see the package doc)."""

# Services and clients are imported inside functions so run workers start fast: docs/conventions.md

from typing import Any

import dagster as dg

from library_pipeline.defs.mam.resources import MamResource, no_cookie_message
from library_pipeline.defs.resources import DB_POOL, LibraryDatabase
from library_pipeline.defs.tables import markdown_table
from library_pipeline.settings import env_name

GROUP = "mam"
TOP10_PARTITIONS = dg.DynamicPartitionsDefinition(name="mam_top10_genre")


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    description="MAM's audiobook genres (categories); keeps top10_lists' partitions in step.",
)
async def mam_genres(
    context: dg.AssetExecutionContext, mam: MamResource, library_db: LibraryDatabase
) -> dg.MaterializeResult[None]:
    from library_pipeline.services.mam import get_available_genres, save_genres

    status: dict[str, Any] = {}
    if mam.configured:
        async with mam.client(library_db.get_engine()) as client:
            genres = await get_available_genres(client)
            status = client.status()
    else:
        genres = await get_available_genres(None)
        genres["errors"].append(no_cookie_message() + " Using the known list.")
    with library_db.session() as session:
        save_genres(session, genres)
    name = TOP10_PARTITIONS.name
    assert name is not None
    existing = set(context.instance.get_dynamic_partitions(name))
    added = [g for g in genres["genres"] if g not in existing]
    removed = sorted(existing - set(genres["genres"]))
    if added:
        context.instance.add_dynamic_partitions(name, added)
    for genre in removed:
        context.instance.delete_dynamic_partition(name, genre)
    for error in genres["errors"]:
        context.log.warning(error)
    rows = [{"genre": g, "category id": genres["genre_ids"][g]} for g in genres["genres"]]
    return dg.MaterializeResult(
        metadata={
            "genres": len(genres["genres"]),
            "source": genres["source"],
            "added_partitions": added,
            "removed_partitions": removed,
            "errors": genres["errors"],
            "provider": status,
            "dagster/row_count": len(rows),
            "preview": dg.MetadataValue.md(
                markdown_table(rows, ["genre", "category id"], limit=60)
            ),
        }
    )


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    partitions_def=TOP10_PARTITIONS,
    deps=[mam_genres],
    description="One genre's MAM top-10 (most snatched in the period), stored per day.",
)
async def top10_lists(
    context: dg.AssetExecutionContext, mam: MamResource, library_db: LibraryDatabase
) -> dg.MaterializeResult[None]:
    from library_pipeline.services.mam import scrape_mam_top10

    genre = context.partition_key
    if not mam.configured:
        raise dg.Failure(description=no_cookie_message())
    async with mam.client(library_db.get_engine()) as client:
        with library_db.session() as session:
            result = await scrape_mam_top10(genre, session, client, period=mam.top10_period)
        status = client.status()
        signed_out = client.signed_out
    metadata = {
        "genre": genre,
        "period": result["period"],
        "captured_on": result["captured_on"],
        "books_found": result["books_found"],
        "errors": result["errors"],
        "warnings": result["warnings"],
        "provider": status,
        "dagster/row_count": result["books_found"],
        "preview": dg.MetadataValue.md(
            markdown_table(
                result["books"],
                ["rank", "title", "author", "narrators", "series", "seeders", "snatched", "size"],
            )
        ),
    }
    if signed_out is not None:
        raise dg.Failure(description=str(signed_out), metadata=metadata)
    for error in result["errors"]:
        context.log.warning(error)
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    partitions_def=TOP10_PARTITIONS,
    deps=[top10_lists],
    description="The genre's top-10 books not owned and not yet wanted, added to missing_books "
    "(reason top10) — for the genres in LIBRARY_PIPELINE_MAM_TOP10_QUEUE_GENRES.",
)
async def top10_wanted_books(
    context: dg.AssetExecutionContext, mam: MamResource, library_db: LibraryDatabase
) -> dg.MaterializeResult[None]:
    from library_pipeline.services.mam import queue_top10_downloads

    genre = context.partition_key
    if not mam.wants_queue(genre):
        reason = (
            f"{genre!r} is not in {env_name('mam_top10_queue_genres')} "
            f"(now: {mam.queue_genres or 'empty'}); nothing queued"
        )
        context.log.info(reason)
        return dg.MaterializeResult(
            metadata={"queued_count": 0, "skipped": reason, "dagster/row_count": 0}
        )
    with library_db.session() as session:
        result = await queue_top10_downloads([genre], session, period=mam.top10_period)
    for error in result["errors"]:
        context.log.warning(error)
    return dg.MaterializeResult(
        metadata={
            "genre": genre,
            "total_books_found": result["total_books_found"],
            "queued_count": result["queued_count"],
            "duplicates_skipped": result["duplicates_skipped"],
            "owned_skipped": result["owned_skipped"],
            "errors": result["errors"],
            "dagster/row_count": result["queued_count"],
            "preview": dg.MetadataValue.md(
                markdown_table(result["queued"], ["rank", "title", "authors"])
            ),
        }
    )


mam_genres_job = dg.define_asset_job("mam_genres_job", selection=[mam_genres])
mam_top10_job = dg.define_asset_job("mam_top10_job", selection=[top10_lists, top10_wanted_books])
