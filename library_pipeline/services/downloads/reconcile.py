"""Reconciliation: finish or undo grabs a crash interrupted, adopt tagged torrents without a row.

A crash after the `adding` row was committed leaves it behind: the next run asks qBittorrent for
its infohash — present: the row becomes `queued` (and its book); absent: `failed`, and the book
is searched again. A torrent with our `lp-missing-<id>` tag but no row at all (e.g. a restored
DB) is adopted as `queued`.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.clients.http import ProviderError
from library_pipeline.clients.qbittorrent import QbtTorrent
from library_pipeline.domain.releases import redact_link
from library_pipeline.services.downloads.limits import check_qbittorrent
from library_pipeline.services.downloads.run import DownloadRun
from library_pipeline.services.downloads.sources import book_id_from_tags
from library_pipeline.storage.models import Download, MissingBookRow


async def reconcile_downloads(session: Session, run: DownloadRun) -> dict[str, int]:
    """Finish or undo grabs a crash interrupted, and adopt tagged torrents without a row.

    `adding` rows: in qBittorrent → `queued` (+ book `queued`); absent → `failed`.
    Torrents tagged `lp-missing-<id>` (and our first tag) with no row → a `queued` row.
    """
    counts = {"confirmed": 0, "abandoned": 0, "adopted": 0}
    if run.reconciled is not None or run.policy.dry_run or run.qbittorrent is None:
        return counts
    run.reconciled = counts
    if await check_qbittorrent(run):
        return counts
    try:
        await _reconcile(session, run, counts)
    except ProviderError as error:
        session.rollback()
        run.qbt_error = run.redact(str(error))
    return counts


async def _reconcile(session: Session, run: DownloadRun, counts: dict[str, int]) -> None:
    assert run.qbittorrent is not None
    filter_tag = run.policy.tags[0] if run.policy.tags else None
    torrents = await asyncio.to_thread(
        run.qbittorrent.torrents,
        tag=filter_tag,
        category=None if filter_tag else run.policy.category,
    )
    await _settle_adding_rows(session, run, torrents, counts)
    _adopt_tagged_torrents(session, run, torrents, counts)


async def _settle_adding_rows(
    session: Session, run: DownloadRun, torrents: list[QbtTorrent], counts: dict[str, int]
) -> None:
    """`adding` rows: in qBittorrent → `queued` (+ book `queued`); absent → `failed`."""
    assert run.qbittorrent is not None
    adding = list(session.scalars(select(Download).where(Download.status == "adding")))
    by_hash = {t.hash.lower(): t for t in torrents}
    now = run.clock()
    for row in adding:
        torrent = by_hash.get((row.infohash or "").lower())
        if torrent is None and row.infohash:
            found = await asyncio.to_thread(run.qbittorrent.torrents, hashes=[row.infohash])
            torrent = found[0] if found else None
        book = session.get(MissingBookRow, row.missing_book_id) if row.missing_book_id else None
        if torrent is not None:
            row.status, row.queued_at, row.error = "queued", now, None
            row.save_path = torrent.save_path or row.save_path
            if book is not None and book.status == "pending":
                book.status = "queued"
            counts["confirmed"] += 1
        else:
            row.status = "failed"
            row.error = "not in qBittorrent after an interrupted run; the book will be retried"
            counts["abandoned"] += 1
        session.commit()


def _adopt_tagged_torrents(
    session: Session, run: DownloadRun, torrents: list[QbtTorrent], counts: dict[str, int]
) -> None:
    """Torrents tagged `lp-missing-<id>` (and our first tag) with no row → a `queued` row."""
    known = {
        h.lower()
        for h in session.scalars(select(Download.infohash).where(Download.infohash.is_not(None)))
        if h
    }
    now = run.clock()
    for torrent in torrents:
        book_id = book_id_from_tags(torrent.tags)
        if book_id is None or torrent.hash.lower() in known:
            continue
        book = session.get(MissingBookRow, book_id)
        if book is None:
            continue
        session.add(
            Download(
                missing_book_id=book.id,
                release_title=torrent.name,
                indexer=None,
                source="reconciled",
                score=None,
                score_details={"note": "adopted from qBittorrent by its lp-missing tag"},
                link=redact_link(torrent.magnet_uri) or None,
                infohash=torrent.hash.lower(),
                size_bytes=torrent.total_size if torrent.total_size >= 0 else None,
                category=torrent.category or None,
                status="queued",
                save_path=torrent.save_path or None,
                queued_at=now,
            )
        )
        if book.status == "pending":
            book.status = "queued"
        session.commit()
        counts["adopted"] += 1
