"""The entry points: wanted books of one discovery source → torrents in qBittorrent."""

from __future__ import annotations

from sqlalchemy.orm import Session

from library_pipeline.domain.discovery import AUTHOR_GAPS, SERIES_GAPS, TOP10
from library_pipeline.services.downloads.approval import grab_approved_rows
from library_pipeline.services.downloads.grab import process_book
from library_pipeline.services.downloads.limits import APPROVED, AWAITING, select_books
from library_pipeline.services.downloads.reconcile import reconcile_downloads
from library_pipeline.services.downloads.run import BookOutcome, DownloadResult, DownloadRun


async def download_missing_books(
    session: Session,
    discovery_source: str,
    run: DownloadRun,
    batch_size: int = 10,
    max_priority: int | None = None,
) -> DownloadResult:
    """Grab releases for up to `batch_size` pending wanted books of `discovery_source`
    (only priority >= `max_priority` when given), within the limits `run` shares across calls.

    Approved choices a limit held back are grabbed first (except in a dry run). In `approve`
    and `dry_run` modes books waiting for approval are left alone; in `auto` they are grabbed
    like any other (switching to auto empties the review)."""
    items: list[BookOutcome] = []
    await reconcile_downloads(session, run)
    if not run.policy.dry_run:
        approved = await grab_approved_rows(session, run, discovery_source)
        items.extend(approved)
        run.items.extend(approved)
    held = (APPROVED,) if run.policy.sends_choices else (AWAITING, APPROVED)
    for book in select_books(session, discovery_source, batch_size, max_priority, held=held):
        book_id, title = book.id, book.title
        try:
            item = await process_book(session, run, book)
        except Exception as error:  # noqa: BLE001 - one bad book never stops the batch
            session.rollback()
            item = BookOutcome(
                missing_book_id=book_id,
                title=title,
                author=None,
                source=discovery_source,
                outcome="failed",
                reason=run.redact(f"internal error: {type(error).__name__}: {error}"),
            )
        items.append(item)
        run.items.append(item)
    return run.result(items)


async def download_missing_series_books(
    session: Session, run: DownloadRun, batch_size: int = 10, max_priority: int | None = None
) -> DownloadResult:
    """Series gaps → torrents."""
    return await download_missing_books(session, SERIES_GAPS, run, batch_size, max_priority)


async def download_missing_author_books(
    session: Session, run: DownloadRun, batch_size: int = 10, max_priority: int | None = None
) -> DownloadResult:
    """Author gaps → torrents."""
    return await download_missing_books(session, AUTHOR_GAPS, run, batch_size, max_priority)


async def download_missing_top10_books(
    session: Session, run: DownloadRun, batch_size: int = 10, max_priority: int | None = None
) -> DownloadResult:
    """Wanted MAM top-10 books → torrents."""
    return await download_missing_books(session, TOP10, run, batch_size, max_priority)
