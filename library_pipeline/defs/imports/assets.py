"""`imported_books`: finished downloads placed in the library, scanned, corrected."""

from typing import TYPE_CHECKING, Any

import dagster as dg
from pydantic import Field
from sqlalchemy.orm import Session

from library_pipeline.defs.downloads.resources import QBittorrentResource
from library_pipeline.defs.enrichment.resources import MetadataProvidersResource
from library_pipeline.defs.imports.metadata import import_metadata
from library_pipeline.defs.imports.resources import ImportOptionsResource
from library_pipeline.defs.library.resources import AudiobookshelfResource
from library_pipeline.defs.optional_services import qbittorrent_not_set_up
from library_pipeline.defs.resources import DB_POOL, LibraryDatabase

if TYPE_CHECKING:
    from library_pipeline.clients.providers import Providers

GROUP = "imports"


class ImportConfig(dg.Config):
    """Which torrents to import: the sensor passes one infohash; none = every finished torrent
    of the category (catch-up)."""

    infohashes: list[str] = Field(default_factory=list)
    discovery_source: str | None = None  # series_gaps | author_gaps | top10 | None = all
    correct_metadata: bool = True


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    deps=["download_requests"],
    kinds={"python"},
    retry_policy=dg.RetryPolicy(max_retries=3, delay=15, backoff=dg.Backoff.EXPONENTIAL),
    description="Finished downloads placed in the library (Audiobookshelf layout, hardlinked "
    "when possible, atomically), scanned by Audiobookshelf, rescanned into library_books, "
    "metadata corrected, rows marked imported. A download the user decided against (wrong "
    "release, book not wanted or owned elsewhere) is not imported while the decision stands "
    "and is left seeding (refused_count, not_imported). Idempotent.",
)
async def imported_books(
    context: dg.AssetExecutionContext,
    config: ImportConfig,
    library_db: LibraryDatabase,
    qbittorrent: QBittorrentResource,
    audiobookshelf: AudiobookshelfResource,
    metadata_providers: MetadataProvidersResource,
    import_options: ImportOptionsResource,
) -> dg.MaterializeResult[None]:
    # Only what the path to the Audiobookshelf scan request needs (the importer, the qBittorrent
    # and Audiobookshelf clients): `rescan_library_folders` imports the library scan and
    # `correct` the enrichment service when they are called, after the scan request.
    from library_pipeline.services.imports import (
        import_completed_downloads,
        rescan_library_folders,
    )

    if (skipped := qbittorrent_not_set_up(qbittorrent)) is not None:
        # Nothing to import from, and no retries against a qBittorrent nobody set up.
        return dg.MaterializeResult(metadata={**skipped, "dagster/row_count": 0})
    options = import_options.options(
        category=qbittorrent.category, abs_library_id=audiobookshelf.library_id
    )
    client = qbittorrent.get_client()
    abs_client = audiobookshelf.client() if audiobookshelf.enabled else None
    # The metadata clients are built on first use, after the books are placed and the scan is
    # requested: they are not on the path from completion to import.
    providers: list[Providers] = []

    async def correct(book_id: int, session: Session) -> dict[str, Any]:
        from library_pipeline.services.enrichment import correct_book_metadata

        if not providers:
            providers.append(metadata_providers.build())
        corrected = await correct_book_metadata(
            book_id,
            session,
            providers=providers[0],
            options=metadata_providers.enrichment_options(),
            run_id=context.run.run_id,
        )
        return corrected.as_dict()

    try:
        with library_db.session() as session:
            result = await import_completed_downloads(
                session,
                client,
                abs_client,
                options=options,
                infohashes=config.infohashes or None,
                discovery_source=config.discovery_source,
                rescan=rescan_library_folders,
                correct=correct if config.correct_metadata else None,
            )
        if providers:
            result.providers["metadata_providers"] = providers[0].status()
    finally:
        for built in providers:
            await built.aclose()
        if abs_client is not None:
            await abs_client.aclose()
        client.close()
    for error in result.errors:
        context.log.warning(f"import: {error}")
    for refused in result.refused:
        context.log.info(f"{refused['name']}: {refused['reason']}")
    if result.pending_scan:
        context.log.warning(f"Audiobookshelf scan pending: {result.pending_scan}")
    return dg.MaterializeResult(metadata=import_metadata(result))
