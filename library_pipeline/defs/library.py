"""The library part: the `library_books` asset (folder scan + Audiobookshelf), its check, and
the resources that say where the library is."""

# Services and clients are imported inside functions so run workers start fast: docs/conventions.md

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg
from sqlalchemy.orm import Session

from library_pipeline.defs.resources import DB_POOL, LibraryDatabase, setting
from library_pipeline.defs.tables import markdown_table

if TYPE_CHECKING:
    from library_pipeline.clients.audiobookshelf import AudiobookshelfClient

MAX_ISSUE_ROWS = 50


class LibraryRootsResource(dg.ConfigurableResource):
    """The audiobook folders to scan: comma-separated paths (setting `library_roots`)."""

    roots: str = ""

    def paths(self) -> list[Path]:
        parts = self.roots.replace(";", ",").split(",")
        return [Path(p.strip()) for p in parts if p.strip()]


class AudiobookshelfResource(dg.ConfigurableResource):
    """An Audiobookshelf server (settings `abs_url`, `abs_api_key`, `abs_library_id`);
    an empty URL means none is used."""

    url: str = ""
    api_key: str = ""
    library_id: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.url.strip())

    def client(self) -> "AudiobookshelfClient":
        """A new client; use it as an async context manager."""
        from library_pipeline.clients.audiobookshelf import AudiobookshelfClient

        return AudiobookshelfClient(self.url, self.api_key)


async def _scan(
    session: Session, roots: list[Path], audiobookshelf: AudiobookshelfResource
) -> dict[str, Any]:
    from library_pipeline.services.library_scan import scan_library

    if not audiobookshelf.enabled:
        return await scan_library(session, roots)
    async with audiobookshelf.client() as client:
        return await scan_library(
            session,
            roots,
            abs_client=client,
            abs_library_id=audiobookshelf.library_id.strip() or None,
        )


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
) -> dg.MaterializeResult:
    from library_pipeline.services.library_scan import preview_rows

    roots = library_roots.paths()
    if not roots and not audiobookshelf.enabled:
        context.log.warning("no library roots and no Audiobookshelf server configured")
    with library_db.session() as session:
        result = asyncio.run(_scan(session, roots, audiobookshelf))
        preview = preview_rows(session)
    issues = result["issues"]
    for issue in issues[:20]:
        context.log.warning(f"{issue['path']}: {issue['reason']}")
    metadata: dict[str, Any] = {
        "new": result["new"],
        "changed": result["changed"],
        "restored": result["restored"],
        "removed": result["removed"],
        "unchanged": result["unchanged"],
        "unreadable": result["unreadable"],
        "duplicates": result["duplicates"],
        "files_seen": result["files_seen"],
        "files_read": result["files_read"],
        "scan_seconds": result["seconds"],
        "timings": dg.MetadataValue.json(result["timings"]),
        "issue_count": len(issues),
        "issues": dg.MetadataValue.md(markdown_table(issues[:MAX_ISSUE_ROWS], ["path", "reason"])),
        "roots": dg.MetadataValue.json([str(r) for r in roots]),
        "dagster/row_count": result["total_books"],
        "preview": dg.MetadataValue.md(markdown_table(preview)),
    }
    summary = result.get("audiobookshelf")
    if summary is not None:
        status = summary.pop("status", None)
        metadata["audiobookshelf"] = dg.MetadataValue.json(summary)
        if status is not None:
            metadata["provider_status"] = dg.MetadataValue.json(status)
    return dg.MaterializeResult(metadata=metadata)


@dg.asset_check(
    asset=library_books,
    pool=DB_POOL,  # reads the DuckDB file, which a writing run would hold locked
    description="Every book in the library has a title and at least one author.",
)
def library_books_have_title_and_author(library_db: LibraryDatabase) -> dg.AssetCheckResult:
    from library_pipeline.services.library_scan import books_missing_title_or_author

    with library_db.session() as session:
        count, paths = books_missing_title_or_author(session)
    return dg.AssetCheckResult(
        passed=count == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "books_missing_title_or_author": count,
            "examples": dg.MetadataValue.md(markdown_table([{"path": p} for p in paths])),
        },
    )


defs = dg.Definitions(
    assets=[library_books],
    asset_checks=[library_books_have_title_and_author],
    resources={
        "library_roots": LibraryRootsResource(roots=setting("library_roots")),
        "audiobookshelf": AudiobookshelfResource(
            url=setting("abs_url"),
            api_key=setting("abs_api_key", secret=True),
            library_id=setting("abs_library_id"),
        ),
    },
)
