"""One wanted book: search every source, score, and grab the best acceptable release.

Order of a grab — why it is idempotent and crash-safe:
 1. fetch the .torrent (or take the magnet) and compute the infohash from it, before anything
    is added anywhere;
 2. commit a complete `downloads` row with status `adding` (release, indexer, score, infohash);
 3. add the torrent to qBittorrent with category + tags (`library-pipeline`, `lp-missing-<id>`);
    a torrent it already has (`Fails.` on 4.x, HTTP 409 on 5.x) links the row instead of adding
    a duplicate;
 4. commit the row as `queued` (with `queued_at`) and the wanted book as `queued`, together.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.clients.http import AuthError, ProviderError
from library_pipeline.clients.qbittorrent import AddOutcome, AddResult, TorrentRejected
from library_pipeline.domain.normalize import clean_title
from library_pipeline.domain.releases import Release, TorrentPayload, redact_link
from library_pipeline.domain.releases.scoring import (
    Choice,
    ReleaseScore,
    WantedBook,
    choose_release,
)
from library_pipeline.services.downloads.binding import drop_blocked
from library_pipeline.services.downloads.limits import (
    ACTIVE_STATUSES,
    check_qbittorrent,
    limit_reason,
    mam_block,
)
from library_pipeline.services.downloads.run import BookOutcome, DownloadRun, release_fields
from library_pipeline.services.downloads.sources import (
    MAM_NAMES,
    ReleaseSource,
    book_tag,
    is_mam_release,
)
from library_pipeline.storage.decisions import blocked_releases
from library_pipeline.storage.models import Download, MissingBookRow


def wanted_book(book: MissingBookRow) -> WantedBook:
    return WantedBook(
        title=book.title,
        authors=tuple(book.authors or ()),
        series=book.series,
        series_position=book.series_position,
        language=book.language,
        expected_runtime_minutes=book.runtime_minutes,
    )


async def search_sources(
    run: DownloadRun, book: MissingBookRow
) -> tuple[list[Release], dict[str, ReleaseSource], list[str], set[str]]:
    """(releases, release key -> the source that found it, per-source errors, the kinds of
    the sources that answered: prowlarr | torznab | mam)."""
    title = clean_title(book.title, book.series)
    author = book.authors[0] if book.authors else None
    releases: list[Release] = []
    origin: dict[str, ReleaseSource] = {}
    errors: list[str] = []
    answered: set[str] = set()
    for source in run.sources:
        try:
            found = await source.search(title, author)
        except ProviderError as error:
            errors.append(run.redact(str(error)))
            continue
        except Exception as error:  # noqa: BLE001 - a broken source must not stop the batch
            errors.append(run.redact(f"{source.name}: {type(error).__name__}: {error}"))
            continue
        answered.add(str(getattr(source, "source", None) or source.name))
        for release in found:
            origin.setdefault(release.key, source)
        releases.extend(found)
    return releases, origin, errors, answered


def _row_values(score: ReleaseScore, run: DownloadRun, infohash: str | None) -> dict[str, Any]:
    release = score.release
    return {
        "release_title": release.title,
        "indexer": release.indexer,
        "source": release.source[:16],
        "score": score.total,
        "score_details": score.as_dict(),
        "link": redact_link(release.link or release.magnet),
        "guid": release.guid,
        "infohash": infohash,
        "size_bytes": release.size_bytes,
        "category": run.policy.category,
        "error": None,
    }


# Rows of a choice not yet sent; a grab reuses the book's one row of these.
UNSENT = ("chosen", "awaiting_approval", "approved")
RUNNERS_UP = 5


def _chosen_row(session: Session, book: MissingBookRow) -> Download | None:
    return session.scalar(
        select(Download)
        .where(Download.missing_book_id == book.id, Download.status.in_(UNSENT))
        .order_by(Download.id)
        .limit(1)
    )


def runners_up(choice: Choice) -> list[dict[str, Any]]:
    """The releases after the chosen one (accepted first, then rejected), as the review shows
    them: each with its score explanation."""
    return [
        {
            "release": s.release.title,
            "indexer": s.release.indexer or s.release.source,
            "seeders": s.release.seeders,
            "size_bytes": s.release.size_bytes,
            "accepted": s.accepted,
            "summary": s.explain(),
        }
        for s in choice.scored
        if s is not choice.best
    ][:RUNNERS_UP]


def _blocked_runner(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "release": row["release"],
        "indexer": row["indexer"],
        "accepted": False,
        "summary": "; ".join(row["reasons"]),
    }


def record_choice(
    session: Session,
    book: MissingBookRow,
    choice: Choice,
    run: DownloadRun,
    status: str,
    blocked: list[dict[str, Any]] | None = None,
) -> Download:
    """The book's one unsent row (`chosen` in a dry run, `awaiting_approval` in approve mode),
    created or updated, with the runners-up for the review. The advertised infohash is kept
    unless another row holds it (infohashes are unique)."""
    assert choice.best is not None
    score = choice.best
    row = _chosen_row(session, book)
    infohash = score.release.infohash
    if infohash:
        holder = session.scalar(select(Download).where(Download.infohash == infohash))
        if holder is not None and (row is None or holder.id != row.id):
            infohash = None
    values = _row_values(score, run, infohash)
    values["score_details"] = {
        **score.as_dict(),
        "seeders": score.release.seeders,
        "runners_up": runners_up(choice) + [_blocked_runner(b) for b in blocked or []],
    }
    if row is None:
        row = Download(missing_book_id=book.id, status=status, **values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
        row.status = status
    session.commit()
    return row


def _adding_row(
    session: Session, run: DownloadRun, book: MissingBookRow, score: ReleaseScore, infohash: str
) -> Download | str:
    """Step 2: the committed `adding` row of this grab, or why the infohash cannot be used."""
    holder = session.scalar(select(Download).where(Download.infohash == infohash))
    if holder is not None and holder.missing_book_id != book.id:
        return f"already used for wanted book #{holder.missing_book_id}"
    if holder is not None and holder.status in ACTIVE_STATUSES:
        return holder  # a previous run got this far: just finish
    row = holder or _chosen_row(session, book)
    values = _row_values(score, run, infohash)
    if row is None:
        row = Download(missing_book_id=book.id, status="adding", **values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
        row.status = "adding"
    session.commit()
    return row


def _mark_queued(
    session: Session, run: DownloadRun, book: MissingBookRow, row: Download, result: AddResult
) -> None:
    """Step 4: the row and its book `queued`, together; a dry run's preview row removed."""
    row.status, row.queued_at, row.error = "queued", run.clock(), None
    if result.torrent is not None and result.torrent.save_path:
        row.save_path = result.torrent.save_path
    details = dict(row.score_details or {})
    details["qbittorrent"] = result.outcome.value
    row.score_details = details
    book.status = "queued"
    for stale in session.scalars(
        select(Download).where(
            Download.missing_book_id == book.id,
            Download.status == "chosen",
            Download.id != row.id,
        )
    ):
        session.delete(stale)
    session.commit()


async def _send(
    session: Session,
    run: DownloadRun,
    book: MissingBookRow,
    score: ReleaseScore,
    payload: TorrentPayload,
    row: Download,
) -> AddResult | BookOutcome | str:
    """Step 3: add to qBittorrent. An `AddResult`, a final outcome for the book (qBittorrent
    refuses credentials or its answer is ambiguous), or why this release was refused."""
    assert run.qbittorrent is not None
    try:
        return await asyncio.to_thread(
            run.qbittorrent.add_torrent,
            payload,
            category=run.policy.category,
            tags=[*run.policy.tags, book_tag(book.id)],
            save_path=run.policy.save_path,
        )
    except TorrentRejected as error:
        row.status, row.error = "failed", run.redact(str(error))
        session.commit()
        return row.error
    except AuthError as error:
        run.qbt_error = run.redact(str(error))
        row.status, row.error = "failed", run.qbt_error
        session.commit()
        return BookOutcome.of(book, "failed", run.qbt_error, **release_fields(score))
    except ProviderError as error:
        # Ambiguous (it may have been added): the `adding` row is reconciled next run.
        run.qbt_error = run.redact(str(error))
        reason = f"{run.qbt_error} (left 'adding': reconciled by infohash on the next run)"
        return BookOutcome.of(book, "failed", reason, **release_fields(score))


async def grab_releases(
    session: Session,
    run: DownloadRun,
    book: MissingBookRow,
    candidates: list[ReleaseScore],
    origin: dict[str, ReleaseSource],
) -> BookOutcome:
    """Try `candidates` in order (at most `max_attempts_per_book`); the book's outcome."""
    attempts: list[str] = []
    for score in candidates[: run.policy.max_attempts_per_book]:
        release = score.release
        source = origin.get(release.key)
        label = f"{release.title[:60]} ({release.indexer or release.source})"
        if source is None:
            attempts.append(f"{label}: no client for source {release.source}")
            continue
        try:
            payload = await source.fetch(release)
        except ProviderError as error:
            attempts.append(f"{label}: {run.redact(str(error))}")
            continue
        infohash = payload.infohash.lower()
        row = _adding_row(session, run, book, score, infohash)
        if isinstance(row, str):
            attempts.append(f"{label}: {row}")
            continue
        sent = await _send(session, run, book, score, payload, row)
        if isinstance(sent, BookOutcome):
            return sent
        if isinstance(sent, str):
            attempts.append(f"{label}: {sent}")
            continue
        _mark_queued(session, run, book, row, sent)
        run.grabbed += 1
        if run.day_count is not None:
            run.day_count += 1
        if is_mam_release(release) and sent.outcome is AddOutcome.ADDED:
            run.mam_grabbed += 1
        linked = sent.outcome is AddOutcome.ALREADY_PRESENT
        return BookOutcome.of(
            book,
            "linked" if linked else "queued",
            "qBittorrent already had this torrent: linked" if linked else None,
            infohash=infohash,
            download_id=row.id,
            kind=payload.kind,
            **release_fields(score),
        )
    reason = (
        "every acceptable release failed: " + " | ".join(attempts)
        if attempts
        else "no acceptable release"
    )
    return BookOutcome.of(book, "failed", reason, **release_fields(candidates[0]))


def _rejected(choice: Choice) -> list[dict[str, Any]]:
    return [
        {
            "release": s.release.title,
            "indexer": s.release.indexer,
            "score": s.total,
            "reasons": s.rejections,
        }
        for s in choice.scored
        if not s.accepted
    ][:10]


async def choose_for_book(
    session: Session, run: DownloadRun, book: MissingBookRow, releases: list[Release]
) -> tuple[Choice, list[dict[str, Any]]]:
    """Score what a search found for `book`, its blocklisted releases set aside (returned as
    rejected rows) and MAM blocked while its unsatisfied limit is reached."""
    releases, blocked = drop_blocked(releases, blocked_releases(session, book.id))
    policy = run.policy.scoring
    if any(is_mam_release(r) for r in releases):
        block = await mam_block(run)
        if block:
            policy = replace(policy, blocked={**policy.blocked, **dict.fromkeys(MAM_NAMES, block)})
    return choose_release(releases, wanted_book(book), policy), blocked


def record_for_review(
    session: Session,
    run: DownloadRun,
    book: MissingBookRow,
    choice: Choice,
    extra: dict[str, Any],
    blocked: list[dict[str, Any]],
) -> BookOutcome:
    """A choice that is not sent now: `chosen` (dry run) or `awaiting_approval`."""
    assert choice.best is not None
    status = "chosen" if run.policy.dry_run else "awaiting_approval"
    row = record_choice(session, book, choice, run, status, blocked)
    run.grabbed += 1
    if is_mam_release(choice.best.release):
        run.mam_grabbed += 1
    return BookOutcome.of(
        book, status, None, download_id=row.id, **release_fields(choice.best), **extra
    )


async def _ready(session: Session, run: DownloadRun, book: MissingBookRow) -> BookOutcome | None:
    """Why the book cannot be processed now (limits, qBittorrent, no source); None = it can."""
    sending = run.policy.sends_choices
    limit = limit_reason(session, run, sending=sending)
    if limit:
        return BookOutcome.of(book, "skipped", limit)
    qbt_error = await check_qbittorrent(run) if sending else None
    if qbt_error:
        return BookOutcome.of(book, "failed", qbt_error)
    if not run.sources:
        return BookOutcome.of(
            book, "failed", "no release source configured (Prowlarr, Torznab or MAM)"
        )
    return None


async def process_book(session: Session, run: DownloadRun, book: MissingBookRow) -> BookOutcome:
    """Search, score and grab (auto), or record the choice for approval (approve) or as a
    preview (dry run), for one wanted book."""
    not_ready = await _ready(session, run, book)
    if not_ready is not None:
        return not_ready
    releases, origin, errors, answered = await search_sources(run, book)
    if not answered:
        return BookOutcome.of(book, "failed", "every release source failed: " + " | ".join(errors))
    choice, blocked = await choose_for_book(session, run, book, releases)
    extra: dict[str, Any] = {"rejected": blocked + _rejected(choice), "source_errors": errors}
    if choice.best is None:
        reason = choice.rejection_summary()
        if errors:
            reason += " (some sources failed: " + " | ".join(errors) + ")"
        return BookOutcome.of(book, "skipped", run.redact(reason), **extra)
    if not run.policy.sends_choices:
        return record_for_review(session, run, book, choice, extra, blocked)
    outcome = await grab_releases(session, run, book, choice.accepted, origin)
    outcome.rejected, outcome.source_errors = extra["rejected"], errors
    return outcome
