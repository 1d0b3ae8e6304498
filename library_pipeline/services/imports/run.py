"""The import service: finished torrents → placed books → Audiobookshelf scan → `books` →
corrected metadata → rows marked `imported`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from library_pipeline.clients.http import NotFound, ProviderUnavailable
from library_pipeline.domain.import_plan import ImportPlan, TorrentFile, plan_import
from library_pipeline.domain.naming import TemplateError, render_book_path
from library_pipeline.services.imports import records
from library_pipeline.services.imports.audiobookshelf_scan import (
    read_pending_scan,
    request_audiobookshelf_scan,
)
from library_pipeline.services.imports.options import (
    CorrectFn,
    ImportOptions,
    ImportResult,
    RescanFn,
)
from library_pipeline.services.imports.placement import Placement, PlacementError, place_book
from library_pipeline.services.imports.staging import clean_staging
from library_pipeline.storage.decisions import fail_unimportable, import_refusal, mark_refused

# Placement failures that are the release's fault (no audio, files gone, paths escaping the
# library): the release is blocklisted and the book searched again. Others (disk full, no
# library, target exists) are retried as they are.
UNIMPORTABLE_CODES = frozenset({"nothing_to_import", "unsafe_path", "source_missing"})

if TYPE_CHECKING:
    from library_pipeline.clients.audiobookshelf import AudiobookshelfClient
    from library_pipeline.clients.qbittorrent import QBittorrentClient, QbtTorrent
    from library_pipeline.storage.models import Download, MissingBookRow


@dataclass
class _Outcome:
    """One torrent's import: placed (with its summary), already there, refused (the user
    decided against it) or an error entry."""

    placement: Placement | None = None
    summary: dict[str, Any] | None = None
    already_imported: bool = False
    error: dict[str, Any] | None = None
    refused: dict[str, Any] | None = None


async def import_completed_downloads(
    session: Session,
    qbittorrent: QBittorrentClient,
    audiobookshelf: AudiobookshelfClient | None = None,
    *,
    options: ImportOptions,
    infohashes: Sequence[str] | None = None,
    discovery_source: str | None = None,
    rescan: RescanFn | None = None,
    correct: CorrectFn | None = None,
) -> ImportResult:
    """Import finished torrents of the pipeline's category (or just `infohashes`).

    Per torrent (one short transaction each; one bad torrent never stops the others): find its
    `downloads` row by infohash (or, for a torrent added by hand, its `lp-missing-<id>` tag or
    its name, creating a `manual` row), plan its files, place them in the library, mark the
    download and its missing book `imported`. A download the user decided against (its release
    marked wrong, its book not wanted or owned elsewhere: `storage.decisions.import_refusal`)
    is not imported: its row stays `rejected` with the reason, its torrent is left seeding
    untouched (`ImportResult.refused`). Then one Audiobookshelf scan (or a pending-scan
    marker, retried by the next run), a rescan of the new folders into `books`, and metadata
    correction of those books. Re-running for an imported torrent changes nothing.

    `discovery_source` limits the import to downloads of missing books found that way
    (`series_gaps`, `author_gaps`, `top10`); hand-added torrents are then left alone.
    """
    started = time.perf_counter()
    result = ImportResult()
    if options.library_root is not None:
        removed = await asyncio.to_thread(clean_staging, options.library_root)
        result.staging_cleaned = [str(p) for p in removed]
    torrents = await _torrents_to_import(session, qbittorrent, options, infohashes, result)
    placed = await _import_torrents(
        session, qbittorrent, torrents, options, discovery_source, result
    )
    result.audiobookshelf_scan = await _scan_audiobookshelf(
        session, audiobookshelf, options, placed
    )
    if placed and rescan is not None and options.library_root is not None:
        result.rescanned_books = await _rescan(
            session, rescan, placed, options.library_root, result
        )
    if correct is not None:
        await _correct(session, correct, result)
    result.pending_scan = read_pending_scan(session)
    result.providers["qbittorrent"] = qbittorrent.status()
    if audiobookshelf is not None:
        result.providers["audiobookshelf"] = audiobookshelf.status()
    result.seconds = round(time.perf_counter() - started, 3)
    return result


async def import_and_correct_series(
    session: Session,
    qbittorrent: QBittorrentClient,
    audiobookshelf: AudiobookshelfClient | None = None,
    **kwargs: Any,
) -> ImportResult:
    """The seed design's name: import finished downloads of series gaps, then correct them."""
    return await import_completed_downloads(
        session, qbittorrent, audiobookshelf, discovery_source="series_gaps", **kwargs
    )


async def import_and_correct_authors(
    session: Session,
    qbittorrent: QBittorrentClient,
    audiobookshelf: AudiobookshelfClient | None = None,
    **kwargs: Any,
) -> ImportResult:
    """The seed design's name: import finished downloads of author gaps, then correct them."""
    return await import_completed_downloads(
        session, qbittorrent, audiobookshelf, discovery_source="author_gaps", **kwargs
    )


# --- the steps -------------------------------------------------------------------------------


async def _torrents_to_import(
    session: Session,
    qbittorrent: QBittorrentClient,
    options: ImportOptions,
    infohashes: Sequence[str] | None,
    result: ImportResult,
) -> list[QbtTorrent]:
    """The torrents asked for (or every finished one of the category); an infohash qBittorrent
    no longer lists is recorded as removed before its import."""
    torrents: list[QbtTorrent] = await _qbt(
        options, _list_torrents, qbittorrent, options.category, infohashes
    )
    if infohashes:
        found = {t.hash.lower() for t in torrents}
        for infohash in infohashes:
            if infohash.lower() not in found:
                result.errors.append(
                    records.mark_gone(session, infohash.lower(), "torrent removed before import")
                )
    return torrents


async def _import_torrents(
    session: Session,
    qbittorrent: QBittorrentClient,
    torrents: list[QbtTorrent],
    options: ImportOptions,
    discovery_source: str | None,
    result: ImportResult,
) -> list[Placement]:
    """Import each finished torrent in its own transaction; return the new placements."""
    placed: list[Placement] = []
    for torrent in torrents:
        if not torrent.is_complete:
            result.skipped.append({"infohash": torrent.hash, "reason": "not finished"})
            continue
        result.completed_downloads += 1
        try:
            outcome = await _import_one(
                session, qbittorrent, torrent, options=options, discovery_source=discovery_source
            )
        except Exception as error:  # noqa: BLE001 - per torrent: recorded, never fails the run
            session.rollback()
            result.errors.append(records.torrent_error(torrent, str(error)))
            records.record_error(session, torrent.hash, str(error))
            continue
        if outcome is None:
            result.skipped.append(
                {"infohash": torrent.hash, "reason": f"not from {discovery_source}"}
            )
        elif outcome.error is not None:
            result.errors.append(outcome.error)
        elif outcome.refused is not None:
            result.refused.append(outcome.refused)
        elif outcome.already_imported or (outcome.placement and outcome.placement.already_present):
            result.already_imported += 1
        elif outcome.placement is not None and outcome.summary is not None:
            result.imported_count += 1
            result.imported.append(outcome.summary)
            placed.append(outcome.placement)
    return placed


async def _scan_audiobookshelf(
    session: Session,
    audiobookshelf: AudiobookshelfClient | None,
    options: ImportOptions,
    placed: list[Placement],
) -> dict[str, Any]:
    """One scan request for the new books, or the retry of a scan a previous run left pending."""
    if not placed and not read_pending_scan(session):
        return {"requested": False, "reason": "nothing new"}
    return await request_audiobookshelf_scan(
        session,
        audiobookshelf,
        reason="import" if placed else "retry",
        options=options,
        paths=[str(p.target) for p in placed],
    )


async def _rescan(
    session: Session,
    rescan: RescanFn,
    placed: list[Placement],
    library_root: Path,
    result: ImportResult,
) -> list[int]:
    try:
        return await rescan(session, [p.target for p in placed], library_root)
    except Exception as error:  # noqa: BLE001 - the books are placed; the next scan finds them
        session.rollback()
        result.errors.append({"stage": "rescan", "reason": f"rescan into library_books: {error}"})
        return []


async def _correct(session: Session, correct: CorrectFn, result: ImportResult) -> None:
    """Correct the metadata of each rescanned book; one failure is recorded, not raised."""
    for book_id in result.rescanned_books:
        try:
            outcome = await correct(book_id, session)
        except Exception as error:  # noqa: BLE001 - per book: recorded, never fails the run
            session.rollback()
            result.errors.append({"book_id": book_id, "stage": "correct", "reason": str(error)})
            continue
        if _corrected(outcome):
            result.corrected_count += 1
        if isinstance(outcome, Mapping) and outcome.get("errors"):
            result.errors.append(
                {"book_id": book_id, "stage": "correct", "reason": outcome["errors"]}
            )


def _corrected(outcome: Any) -> bool:
    """Whether a correction changed the book (`correct_book_metadata`: `fields_updated`)."""
    if not isinstance(outcome, Mapping):
        return bool(outcome)
    return bool(outcome.get("fields_updated")) or outcome.get("status") == "updated"


# --- one torrent -----------------------------------------------------------------------------


async def _import_one(
    session: Session,
    qbittorrent: QBittorrentClient,
    torrent: QbtTorrent,
    *,
    options: ImportOptions,
    discovery_source: str | None,
) -> _Outcome | None:
    """Plan, place and record one finished torrent (None: not from `discovery_source`)."""
    infohash = torrent.hash.lower()
    download = records.find_download(session, infohash)
    missing = records.missing_book_of(session, download)
    if discovery_source is not None and (
        missing is None or missing.discovery_source != discovery_source
    ):
        return None
    if download is not None and download.status == "imported" and download.imported_path:
        return _Outcome(Placement(Path(download.imported_path), "existing"), already_imported=True)
    if download is not None and (refused := _refused(session, torrent, download)) is not None:
        return refused
    if options.library_root is None:
        return _Outcome(
            error=records.torrent_error(torrent, "no library: set import_root or library_roots")
        )
    if download is None:
        download, missing = records.manual_download(session, torrent)
        if (refused := _refused(session, torrent, download)) is not None:
            return refused
    try:
        files = await _qbt(options, qbittorrent.files, infohash)
    except NotFound:
        return _Outcome(error=records.mark_gone(session, infohash, "torrent removed before import"))
    plan = plan_import(TorrentFile(f.name, f.size, f.progress, f.priority, f.index) for f in files)
    return await _place(session, torrent, download, missing, plan, options, options.library_root)


def _refused(session: Session, torrent: QbtTorrent, download: Download) -> _Outcome | None:
    """A download the user decided against: marked so, never placed; the torrent untouched."""
    reason = import_refusal(session, download)
    if reason is None:
        return None
    mark_refused(session, download, reason)
    entry = records.torrent_error(torrent, f"not imported: {reason}; left seeding in qBittorrent")
    return _Outcome(refused=entry)


async def _place(
    session: Session,
    torrent: QbtTorrent,
    download: Download,
    missing: MissingBookRow | None,
    plan: ImportPlan,
    options: ImportOptions,
    library_root: Path,
) -> _Outcome:
    try:
        book_dir = render_book_path(records.naming_for(download, missing), options.naming_template)
    except TemplateError as error:
        return _Outcome(error=records.torrent_error(torrent, f"naming template: {error}"))
    try:
        placement = await asyncio.to_thread(
            place_book,
            plan,
            Path(torrent.save_path),
            library_root,
            book_dir,
            allow_hardlink=options.hardlink,
        )
    except PlacementError as error:
        download.error = str(error)[:2000]
        if error.code in UNIMPORTABLE_CODES:  # the release's fault: blocklisted, searched again
            fail_unimportable(session, download, str(error))
        session.commit()
        entry = records.torrent_error(torrent, str(error))
        entry["code"] = error.code
        return _Outcome(error=entry)
    records.mark_imported(session, download, missing, torrent, placement)
    summary = {
        "infohash": torrent.hash.lower(),
        "title": missing.title if missing is not None else download.release_title,
        "path": str(placement.target),
        "mode": placement.mode,
        "files": len(placement.files),
        "bytes": placement.bytes,
        "skipped_files": [f"{s.source}: {s.reason}" for s in plan.skipped][:20],
        "seconds": round(placement.seconds, 3),
    }
    return _Outcome(placement, summary)


# --- qBittorrent -----------------------------------------------------------------------------


async def _qbt(options: ImportOptions, fn: Callable[..., Any], *args: Any) -> Any:
    """A qBittorrent call in a thread, retried while qBittorrent is unreachable (a restart
    takes a few seconds); other errors are raised at once."""
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type(ProviderUnavailable),
        stop=stop_after_attempt(max(1, options.qbittorrent_attempts)),
        wait=wait_exponential(multiplier=options.qbittorrent_retry_wait, max=30),
        reraise=True,
    ):
        with attempt:
            return await asyncio.to_thread(fn, *args)
    raise AssertionError("unreachable")  # pragma: no cover


def _list_torrents(
    client: QBittorrentClient, category: str, infohashes: Sequence[str] | None
) -> list[QbtTorrent]:
    if infohashes:
        return client.torrents(hashes=[h.lower() for h in infohashes])
    return client.torrents(category=category, status_filter="completed")
