"""Approving a choice: the grab uses exactly the approved release, or the book goes back to
review.

An approved row (`approved`, with who/when) is grabbed by a new search of the sources (links
are never stored: they carry keys), recognising the release by its identity (`binding.py`):
- found: it alone is fetched and sent (`grab.grab_releases`), within the daily limit and MAM's
  unsatisfied reserve; a limit, qBittorrent down or its source not answering keeps the
  approval for the next run;
- gone from the source that listed it (the source answered): the row ends `vanished` and a new
  choice from the same search waits for approval — never another release grabbed silently.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.domain.releases import Release
from library_pipeline.domain.releases.scoring import score_release
from library_pipeline.services.downloads.binding import find_bound
from library_pipeline.services.downloads.grab import (
    choose_for_book,
    grab_releases,
    record_choice,
    search_sources,
    wanted_book,
)
from library_pipeline.services.downloads.limits import (
    APPROVED,
    AWAITING,
    check_qbittorrent,
    limit_reason,
    mam_block,
)
from library_pipeline.services.downloads.run import BookOutcome, DownloadRun
from library_pipeline.services.downloads.sources import is_mam_release
from library_pipeline.storage.models import Download, MissingBookRow


def awaiting_ids(session: Session, min_score: float | None = None) -> list[int]:
    """Ids of the rows waiting for approval (score >= `min_score` when given), best first."""
    query = select(Download.id).where(Download.status == AWAITING)
    if min_score is not None:
        query = query.where(Download.score >= min_score)
    return list(session.scalars(query.order_by(Download.score.desc(), Download.id)))


def approved_rows(session: Session, discovery_source: str | None = None) -> list[Download]:
    """Approved rows not grabbed yet (a limit or an outage held them), oldest approval first."""
    query = select(Download).where(Download.status == APPROVED)
    if discovery_source is not None:
        query = query.join(MissingBookRow, MissingBookRow.id == Download.missing_book_id).where(
            MissingBookRow.discovery_source == discovery_source
        )
    return list(session.scalars(query.order_by(Download.approved_at, Download.id)))


async def approve_downloads(
    session: Session, run: DownloadRun, download_ids: list[int], approved_by: str
) -> list[BookOutcome]:
    """Approve each waiting row and grab exactly its release; one outcome per row."""
    outcomes = []
    for download_id in download_ids:
        try:
            outcome = await _approve_one(session, run, download_id, approved_by)
        except Exception as error:  # noqa: BLE001 - one bad row never stops the others
            session.rollback()
            outcome = BookOutcome(
                missing_book_id=0,
                title=f"download #{download_id}",
                author=None,
                source="",
                outcome="failed",
                reason=run.redact(f"internal error: {type(error).__name__}: {error}"),
                download_id=download_id,
            )
        outcomes.append(outcome)
        run.items.append(outcome)
    return outcomes


async def _approve_one(
    session: Session, run: DownloadRun, download_id: int, approved_by: str
) -> BookOutcome:
    row = session.get(Download, download_id)
    book = session.get(MissingBookRow, row.missing_book_id) if row and row.missing_book_id else None
    if row is None or book is None:
        return BookOutcome(
            missing_book_id=0,
            title=f"download #{download_id}",
            author=None,
            source="",
            outcome="skipped",
            reason="no such choice waiting for approval",
            download_id=download_id,
        )
    if row.status == AWAITING:
        row.status, row.approved_by, row.approved_at = APPROVED, approved_by, run.clock()
        session.commit()
    elif row.status != APPROVED:
        return BookOutcome.of(
            book, "skipped", f"not waiting for approval (status {row.status})", download_id=row.id
        )
    return await grab_approved(session, run, row, book)


async def grab_approved(
    session: Session, run: DownloadRun, row: Download, book: MissingBookRow
) -> BookOutcome:
    """Grab an approved row's release exactly (see the module doc)."""
    held = limit_reason(session, run) or await check_qbittorrent(run)
    if held:
        return BookOutcome.of(book, "skipped", f"{held}; approval kept", download_id=row.id)
    releases, origin, errors, answered = await search_sources(run, book)
    release = find_bound(releases, row)
    if release is None:
        if row.source not in answered:
            reason = f"{row.source} did not answer ({' | '.join(errors)}); approval kept"
            return BookOutcome.of(book, "skipped", run.redact(reason), download_id=row.id)
        return await _vanished(session, run, row, book, releases)
    if is_mam_release(release):
        block = await mam_block(run)
        if block:
            return BookOutcome.of(book, "skipped", f"{block}; approval kept", download_id=row.id)
    score = score_release(release, wanted_book(book), run.policy.scoring)
    outcome = await grab_releases(session, run, book, [score], origin)
    outcome.source_errors = errors
    return outcome


async def _vanished(
    session: Session,
    run: DownloadRun,
    row: Download,
    book: MissingBookRow,
    releases: list[Release],
) -> BookOutcome:
    """The approved release is gone: the row ends `vanished`; a new choice waits for review."""
    row.status = "vanished"
    row.error = f"no longer listed by {row.indexer or row.source} when approved; back to review"
    session.commit()
    choice, blocked = await choose_for_book(session, run, book, releases)
    reason = row.error
    if choice.best is not None:
        new = record_choice(session, book, choice, run, AWAITING, blocked)
        reason += f"; new choice #{new.id} waits: {choice.best.release.title}"
    else:
        reason += "; no other acceptable release now (searched again next run)"
    return BookOutcome.of(book, "vanished", reason, download_id=row.id)


async def grab_approved_rows(
    session: Session, run: DownloadRun, discovery_source: str | None = None
) -> list[BookOutcome]:
    """Grab the approved rows a limit or an outage held back (oldest approval first)."""
    outcomes = []
    for row in approved_rows(session, discovery_source):
        book = session.get(MissingBookRow, row.missing_book_id)
        if book is None:
            continue
        try:
            outcome = await grab_approved(session, run, row, book)
        except Exception as error:  # noqa: BLE001 - one bad row never stops the others
            session.rollback()
            reason = run.redact(f"internal error: {type(error).__name__}: {error}")
            outcome = BookOutcome.of(book, "failed", reason, download_id=row.id)
        outcomes.append(outcome)
    return outcomes
