"""The library scan's entry point: `scan_library(session, config, audiobookshelf=client)`.

Scans the library roots (`scanner`), then optionally merges an Audiobookshelf server's items
(`audiobookshelf`), then upserts the issues found into `scan_issues` (`issues`): unreadable files
and folders, bad names, symlink loops, duplicates. Per-file and per-folder problems are issues,
never exceptions. Hidden entries, `@eaDir` and folders holding a `.ignore` file are skipped, as
Audiobookshelf does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from library_pipeline.services.scan.audiobookshelf import merge_audiobookshelf
from library_pipeline.services.scan.issues import save_issues
from library_pipeline.services.scan.reading import default_workers
from library_pipeline.services.scan.results import ScanResult
from library_pipeline.services.scan.scanner import LibraryScanner
from library_pipeline.storage.queries import count_active_books

if TYPE_CHECKING:
    from library_pipeline.clients.audiobookshelf import AudiobookshelfClient


@dataclass(frozen=True)
class ScanConfig:
    """What to scan: the library folders, and which Audiobookshelf library to merge."""

    roots: list[str] = field(default_factory=list)
    # The Audiobookshelf library to read (None: every book library on the server).
    abs_library_id: str | None = None
    # Tag-reading processes when many files must be read (None: one per core, at most 4;
    # 1: none); as many folder-walk processes share a big root.
    workers: int | None = None


async def scan_library(
    session: Session,
    config: ScanConfig,
    *,
    audiobookshelf: AudiobookshelfClient | None = None,
) -> ScanResult:
    """Scan the library roots (and, with a client, an Audiobookshelf server) into `books`."""
    started = time.perf_counter()
    workers = config.workers if config.workers is not None else default_workers()
    scanner = LibraryScanner(session, config.roots, workers=workers)
    result = scanner.run()
    if audiobookshelf is not None:
        summary = await merge_audiobookshelf(
            session, audiobookshelf, config.abs_library_id, scanner.now
        )
        result.audiobookshelf = summary
        result.new += summary.new
        result.removed += summary.removed
        scanner.lap("audiobookshelf")
    save_issues(
        session,
        result.issues,
        scanner.issue_rows,
        listed=scanner.listed_roots,
        blocked=scanner.blocked_dirs,
        now=scanner.now,
    )
    if scanner.active_books is not None and audiobookshelf is None:
        result.total_books = scanner.active_books
    else:
        result.total_books = count_active_books(session)
    scanner.lap("issues")
    result.seconds = time.perf_counter() - started
    return result
