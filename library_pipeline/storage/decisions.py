"""The user's decisions about wanted books (`book_decisions`): recorded with who/when, applied
to the book and its downloads, listed, and undone.

- `not_wanted`: the book is `ignored` (gaps and top-10 never report it again; never searched).
- `owned_elsewhere`: the book is `owned` and counts as owned for gap finding
  (`storage.queries.load_owned_books` adds these books).
- `wrong_release`: that release is blocklisted for the book and the book is searched again.
- `unimportable` (recorded by the import, not the user): the download could not be imported
  (no audio, content vanished, unsafe paths); it ends `failed`, its release is blocklisted,
  and the book is searched again.

A download the user decided against is not imported while the decision stands
(`import_refusal`, asked by the import before it places anything): a `wrong_release` on that
download, or a `not_wanted` / `owned_elsewhere` on its book. Choices not sent yet end
`rejected`; a download already in qBittorrent (`adding` … `completed`) ends `rejected` too, with
the reason ("release marked wrong by <who>", "book marked not wanted by <who>"), and its torrent
is left alone: not imported, never paused, removed or moved, its files never touched, so it
keeps seeding (ratio trackers count on that; removing it is the user's call, in qBittorrent).
The book's new search (wrong release) goes on meanwhile. A download imported before the
decision stays imported: its library copy is never deleted, the row's `error` notes that it
came from a release marked wrong afterwards, the decisions page shows it, and the book
(imported) is not searched again. Undoing the decision lifts the refusal: a finished torrent
still in qBittorrent is imported by the next catch-up import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from library_pipeline.storage.models import BookDecision, Download, MissingBookRow, utcnow

NOT_WANTED = "not_wanted"
OWNED_ELSEWHERE = "owned_elsewhere"
WRONG_RELEASE = "wrong_release"
UNIMPORTABLE = "unimportable"
USER_KINDS = (NOT_WANTED, OWNED_ELSEWHERE, WRONG_RELEASE)
# Decisions about the whole book: its downloads are not imported while one stands.
BOOK_KINDS = (NOT_WANTED, OWNED_ELSEWHERE)
RELEASE_KINDS = (WRONG_RELEASE, UNIMPORTABLE)
# The book's status while a decision about the whole book stands.
BOOK_STATUS = {NOT_WANTED: "ignored", OWNED_ELSEWHERE: "owned"}
# Download rows a decision ends: waiting for the user, or chosen and not yet sent.
UNSENT_STATUSES = ("chosen", "awaiting_approval", "approved")
# Download rows sent to qBittorrent and not imported yet: a decision ends them, never the torrent.
IN_FLIGHT_STATUSES = ("adding", "queued", "downloading", "completed")
LEFT_SEEDING = "not imported; its torrent stays in qBittorrent, seeding"
# Book statuses that mean "searched again" is pointless (it is in the library already).
DONE_STATUSES = ("imported", "owned", "ignored")


class DecisionError(ValueError):
    """A decision that cannot be applied (unknown book, no release to blocklist, ...)."""


@dataclass(frozen=True)
class BlockedRelease:
    """A release blocklisted for one book, as identities to compare search hits with."""

    title: str | None
    indexer: str | None
    guid: str | None
    infohash: str | None
    reason: str


def _active(session: Session, book_id: int, kind: str) -> BookDecision | None:
    return session.scalar(
        select(BookDecision).where(
            BookDecision.missing_book_id == book_id,
            BookDecision.kind == kind,
            BookDecision.undone_at.is_(None),
        )
    )


def _latest_release(session: Session, book_id: int) -> Download | None:
    """The book's newest download: the torrent in flight when there is one, also when it was
    adopted from qBittorrent (`reconciled`), which the user sees there."""
    return session.scalar(
        select(Download)
        .where(Download.missing_book_id == book_id)
        .order_by(Download.id.desc())
        .limit(1)
    )


def refusal_reason(kind: str, decided_by: str) -> str:
    """The words a download decided against carries: "release marked wrong by <who>"."""
    if kind == WRONG_RELEASE:
        return f"release marked wrong by {decided_by}"
    return f"book marked {kind.replace('_', ' ')} by {decided_by}"


def _new_decision(book: MissingBookRow, kind: str, by: str, note: str | None) -> BookDecision:
    return BookDecision(
        missing_book_id=book.id,
        kind=kind,
        match_key=book.match_key,
        title=book.title,
        authors=list(book.authors or []),
        series=book.series,
        series_position=book.series_position,
        note=note,
        previous_status=book.status,
        decided_by=by,
        decided_at=utcnow(),
    )


def _end_downloads(session: Session, book_id: int, reason: str) -> None:
    """The book's choices not sent yet and its downloads in flight end `rejected` (the torrents
    in flight are left seeding, not imported while the decision stands: `import_refusal`)."""
    for row in session.scalars(
        select(Download).where(
            Download.missing_book_id == book_id,
            Download.status.in_(UNSENT_STATUSES + IN_FLIGHT_STATUSES),
        )
    ):
        sent = row.status in IN_FLIGHT_STATUSES
        row.status, row.error = "rejected", f"{reason}; {LEFT_SEEDING}" if sent else reason


def decide(
    session: Session,
    missing_book_id: int,
    kind: str,
    decided_by: str,
    *,
    note: str | None = None,
    download_id: int | None = None,
) -> BookDecision:
    """Record and apply one decision (committed). Deciding again what stands changes nothing."""
    if kind not in USER_KINDS:
        raise DecisionError(f"unknown decision {kind!r} (one of {', '.join(USER_KINDS)})")
    book = session.get(MissingBookRow, missing_book_id)
    if book is None:
        raise DecisionError(f"no wanted book #{missing_book_id}")
    if kind == WRONG_RELEASE:
        return _wrong_release(session, book, decided_by, note, download_id)
    standing = _active(session, book.id, kind)
    if standing is not None:
        return standing
    decision = _new_decision(book, kind, decided_by, note)
    session.add(decision)
    book.status = BOOK_STATUS[kind]
    book.closed_at = utcnow()
    _end_downloads(session, book.id, refusal_reason(kind, decided_by))
    session.commit()
    return decision


def _wrong_release(
    session: Session, book: MissingBookRow, by: str, note: str | None, download_id: int | None
) -> BookDecision:
    download = (
        session.get(Download, download_id)
        if download_id is not None
        else _latest_release(session, book.id)
    )
    if download is None or download.missing_book_id != book.id:
        raise DecisionError(f"wanted book #{book.id} has no release to blocklist")
    return blocklist_release(session, download, WRONG_RELEASE, by, note or "wrong release")


def blocklist_release(
    session: Session, download: Download, kind: str, by: str, reason: str
) -> BookDecision:
    """Blocklist `download`'s release for its book and send the book back to searching
    (committed). Its row ends `rejected` (the user's call) or `failed` (unimportable)."""
    book = session.get(MissingBookRow, download.missing_book_id)
    if book is None:
        raise DecisionError(f"download #{download.id} belongs to no wanted book")
    standing = session.scalar(
        select(BookDecision).where(
            BookDecision.download_id == download.id,
            BookDecision.kind == kind,
            BookDecision.undone_at.is_(None),
        )
    )
    if standing is not None:  # e.g. the hourly import retrying the same torrent
        return standing
    decision = _new_decision(book, kind, by, reason)
    decision.download_id = download.id
    decision.release_title = download.release_title
    decision.release_indexer = download.indexer or download.source
    decision.release_guid = download.guid
    decision.release_infohash = (download.infohash or "").lower() or None
    session.add(decision)
    _end_download(download, kind, by, reason)
    if book.status not in DONE_STATUSES:
        book.status, book.closed_at = "pending", None
    session.commit()
    return decision


def _end_download(download: Download, kind: str, by: str, reason: str) -> None:
    """The blocklisted release's row: `failed` (unimportable) or `rejected` (the user's call,
    its torrent left seeding when it was sent); imported already: it stays imported, its
    library copy is kept, and the row says the release was marked wrong afterwards."""
    if kind == UNIMPORTABLE:
        if download.status != "imported":
            download.status, download.error = "failed", reason[:2000]
        return
    marked = refusal_reason(kind, by)
    if download.status == "imported":
        download.error = (
            f"{marked} after its import ({utcnow():%Y-%m-%d}): the library copy at "
            f"{download.imported_path} is kept and the book is not searched again"
        )
    elif download.status in IN_FLIGHT_STATUSES:
        download.status, download.error = "rejected", f"{marked}; {LEFT_SEEDING}"
    else:
        download.status, download.error = "rejected", marked


def import_refusal(session: Session, download: Download) -> str | None:
    """Why `download` must not be imported (None: it may): a decision in force against its
    release (`wrong_release` on this download or its infohash) or its book (`not_wanted`,
    `owned_elsewhere`). The import's own `unimportable` verdict never refuses a later try."""
    against = [and_(BookDecision.kind == WRONG_RELEASE, BookDecision.download_id == download.id)]
    if download.missing_book_id is not None:
        book = BookDecision.missing_book_id == download.missing_book_id
        against.append(and_(BookDecision.kind.in_(BOOK_KINDS), book))
        if download.infohash:
            same_torrent = BookDecision.release_infohash == download.infohash.lower()
            against.append(and_(BookDecision.kind == WRONG_RELEASE, book, same_torrent))
    decision = session.scalar(
        select(BookDecision)
        .where(BookDecision.undone_at.is_(None), or_(*against))
        .order_by(BookDecision.decided_at, BookDecision.id)
        .limit(1)
    )
    return None if decision is None else refusal_reason(decision.kind, decision.decided_by)


def mark_refused(session: Session, download: Download, reason: str) -> None:
    """A finished download refused by `import_refusal`: `rejected` with the reason (committed
    only when that changes, so the hourly catch-up leaves the row as it is)."""
    error = f"{reason}; {LEFT_SEEDING}"
    if (download.status, download.error) != ("rejected", error):
        download.status, download.error = "rejected", error
        session.commit()


def fail_unimportable(session: Session, download: Download, reason: str) -> BookDecision | None:
    """An unimportable download (no audio, content vanished, unsafe paths): `failed` with its
    reason, its release blocklisted for the book, the book searched again. The import calls
    this; a download of no wanted book only fails."""
    if download.missing_book_id is None:
        download.status, download.error = "failed", reason[:2000]
        session.commit()
        return None
    return blocklist_release(session, download, UNIMPORTABLE, "import", reason)


def undo(session: Session, decision_id: int, undone_by: str) -> BookDecision:
    """Reverse a decision (committed): the book's status comes back when the decision set it,
    a blocklisted release may be chosen again."""
    decision = session.get(BookDecision, decision_id)
    if decision is None:
        raise DecisionError(f"no decision #{decision_id}")
    if decision.undone_at is not None:
        return decision
    decision.undone_at, decision.undone_by = utcnow(), undone_by
    book = session.get(MissingBookRow, decision.missing_book_id)
    status = BOOK_STATUS.get(decision.kind)
    if book is not None and status is not None and book.status == status:
        restored = decision.previous_status or "pending"
        book.status = "pending" if restored in BOOK_STATUS.values() else restored
        book.closed_at = None
    session.commit()
    return decision


# --- queries ---------------------------------------------------------------------------------


def blocked_releases(session: Session, missing_book_id: int) -> list[BlockedRelease]:
    """The releases blocklisted for one book (decisions in force)."""
    rows = session.scalars(
        select(BookDecision).where(
            BookDecision.missing_book_id == missing_book_id,
            BookDecision.kind.in_(RELEASE_KINDS),
            BookDecision.undone_at.is_(None),
        )
    )
    return [
        BlockedRelease(
            title=row.release_title,
            indexer=row.release_indexer,
            guid=row.release_guid,
            infohash=row.release_infohash,
            reason=f"blocklisted: {row.note or row.kind} ({row.decided_by}, "
            f"{row.decided_at:%Y-%m-%d})",
        )
        for row in rows
    ]


def not_wanted_keys(session: Session) -> set[str]:
    """Match keys of the books the user does not want (decisions in force)."""
    return set(
        session.scalars(
            select(BookDecision.match_key).where(
                BookDecision.kind == NOT_WANTED, BookDecision.undone_at.is_(None)
            )
        )
    )


def owned_elsewhere(session: Session) -> list[BookDecision]:
    """The books the user owns outside the library (decisions in force)."""
    return list(
        session.scalars(
            select(BookDecision).where(
                BookDecision.kind == OWNED_ELSEWHERE, BookDecision.undone_at.is_(None)
            )
        )
    )


def decision_rows(session: Session, *, include_undone: bool = True) -> list[dict[str, Any]]:
    """Every decision, newest first, as rows for the decisions page."""
    query = select(BookDecision).order_by(BookDecision.decided_at.desc(), BookDecision.id.desc())
    if not include_undone:
        query = query.where(BookDecision.undone_at.is_(None))
    decided = list(session.scalars(query))
    ids = {row.download_id for row in decided if row.download_id is not None}
    downloads = (
        {d.id: d for d in session.scalars(select(Download).where(Download.id.in_(ids)))}
        if ids
        else {}
    )
    return [
        {
            "decision_id": row.id,
            "missing_book_id": row.missing_book_id,
            "decision": row.kind,
            "book": row.title,
            "authors": ", ".join(row.authors or []),
            "release": row.release_title or "",
            "note": row.note or "",
            "download": _download_outcome(row, downloads.get(row.download_id or -1)),
            "decided_by": row.decided_by,
            "decided_at": f"{row.decided_at:%Y-%m-%d %H:%M}",
            "undone": (
                f"{row.undone_at:%Y-%m-%d %H:%M} by {row.undone_by}" if row.undone_at else ""
            ),
        }
        for row in decided
    ]


def _download_outcome(decision: BookDecision, download: Download | None) -> str:
    """What became of the decided release's download (imported before the decision: kept)."""
    if download is None:
        return ""
    if download.status != "imported":
        return f"{download.status}: not imported"
    before = download.imported_at is not None and download.imported_at <= decision.decided_at
    when = "before" if before else "after"
    return f"imported {when} this decision: {download.imported_path} (kept in the library)"
