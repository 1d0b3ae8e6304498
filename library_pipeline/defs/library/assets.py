"""The `library_books` asset: the library folders scanned, plus an Audiobookshelf server."""

# Services and clients are imported inside functions so run workers start fast: docs/conventions.md

import asyncio
from typing import TYPE_CHECKING, Any

import dagster as dg
from sqlalchemy.orm import Session

from library_pipeline.defs.library.resources import AudiobookshelfResource, LibraryRootsResource
from library_pipeline.defs.optional_services import skipped_metadata
from library_pipeline.defs.resources import DB_POOL, LibraryDatabase
from library_pipeline.defs.tables import markdown_table

if TYPE_CHECKING:
    from library_pipeline.services.scan.results import ScanResult

MAX_ISSUE_ROWS = 50
LOGGED_ISSUES = 20


async def _scan(
    session: Session, roots: list[str], audiobookshelf: AudiobookshelfResource
) -> "ScanResult":
    from library_pipeline.services.scan.service import ScanConfig, scan_library

    config = ScanConfig(roots=roots, abs_library_id=audiobookshelf.library_id.strip() or None)
    if not audiobookshelf.enabled:
        return await scan_library(session, config)
    async with audiobookshelf.client() as client:
        return await scan_library(session, config, audiobookshelf=client)


def scan_metadata(
    result: "ScanResult", roots: list[str], preview: list[dict[str, Any]]
) -> dict[str, Any]:
    """The asset's metadata for one scan."""
    issues = [issue.as_dict() for issue in result.distinct_issues()]
    metadata: dict[str, Any] = {
        "new": result.new,
        "changed": result.changed,
        "restored": result.restored,
        "removed": result.removed,
        "unchanged": result.unchanged,
        "unreadable": result.unreadable,
        "duplicates": result.duplicates,
        "files_seen": result.files_seen,
        "files_read": result.files_read,
        "scan_seconds": round(result.seconds, 3),
        "timings": dg.MetadataValue.json(result.timings),
        "issue_count": len(issues),
        "issues": dg.MetadataValue.md(markdown_table(issues[:MAX_ISSUE_ROWS], ["path", "reason"])),
        "roots": dg.MetadataValue.json(roots),
        "dagster/row_count": result.total_books,
        "preview": dg.MetadataValue.md(markdown_table(preview)),
    }
    summary = result.audiobookshelf
    if summary is not None:
        metadata["audiobookshelf"] = dg.MetadataValue.json(summary.as_dict())
        if summary.status is not None:
            metadata["provider_status"] = dg.MetadataValue.json(summary.status)
    return metadata


@dg.asset(
    pool=DB_POOL,
    group_name="library",
    kinds={"python"},
    description=(
        "Every audiobook the user owns: the library roots scanned (tags read with mutagen, "
        "folder names parsed as Audiobookshelf does, incremental by file size and mtime), "
        "plus an Audiobookshelf server's items when one is configured."
    ),
)
def library_books(
    context: dg.AssetExecutionContext,
    library_db: LibraryDatabase,
    library_roots: LibraryRootsResource,
    audiobookshelf: AudiobookshelfResource,
) -> dg.MaterializeResult[None]:
    from library_pipeline.storage.queries import library_preview_rows

    roots = [r.strip() for r in library_roots.roots if r.strip()]
    if not roots and not audiobookshelf.enabled:
        context.log.warning("no library roots and no Audiobookshelf server configured")
    with library_db.session() as session:
        result = asyncio.run(_scan(session, roots, audiobookshelf))
        preview = library_preview_rows(session)
    for issue in result.distinct_issues()[:LOGGED_ISSUES]:
        context.log.warning(f"{issue.path}: {issue.reason}")
    metadata = scan_metadata(result, roots, preview)
    if not audiobookshelf.enabled:
        metadata.update(skipped_metadata("audiobookshelf"))
    return dg.MaterializeResult(metadata=metadata)
