"""The user's decisions about wanted books (`book_decisions`): recorded with who/when, applied
to the book and its downloads, listed, and undone.

- `not_wanted`: the book is `ignored` (gaps and top-10 never report it again; never searched).
- `owned_elsewhere`: the book is `owned` and counts as owned for gap finding
  (`storage.queries.load_owned_books` adds these books).
- `wrong_release`: that release is blocklisted for the book and the book is searched again.
- `unimportable` (recorded by the import, not the user): the download could not be imported
  (no audio, content vanished, unsafe paths); it ends `failed`, its release is blocklisted,
  and the book is searched again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.storage.models import BookDecision, Download, MissingBookRow, utcnow

NOT_WANTED = "not_wanted"
OWNED_ELSEWHERE = "owned_elsewhere"
WRONG_RELEASE = "wrong_release"
UNIMPORTABLE = "unimportable"
USER_KINDS = (NOT_WANTED, OWNED_ELSEWHERE, WRONG_RELEASE)
RELEASE_KINDS = (WRONG_RELEASE, UNIMPORTABLE)
# The book's status while a decision about the whole book stands.
BOOK_STATUS = {NOT_WANTED: "ignored", OWNED_ELSEWHERE: "owned"}
# Download rows a decision ends: waiting for the user, or chosen and not yet sent.
UNSENT_STATUSES = ("chosen", "awaiting_approval", "approved")
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
    return session.scalar(
        select(Download)
        .where(Download.missing_book_id == book_id, Download.source != "reconciled")
        .order_by(Download.id.desc())
        .limit(1)
    )


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


def _end_unsent(session: Session, book_id: int, reason: str) -> None:
    for row in session.scalars(
        select(Download).where(
            Download.missing_book_id == book_id, Download.status.in_(UNSENT_STATUSES)
        )
    ):
        row.status, row.error = "rejected", reason


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
    _end_unsent(session, book.id, f"{kind.replace('_', ' ')} (decided by {decided_by})")
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
    if download.status != "imported":
        download.status = "failed" if kind == UNIMPORTABLE else "rejected"
        download.error = reason[:2000]
    if book.status not in DONE_STATUSES:
        book.status, book.closed_at = "pending", None
    session.commit()
    return decision


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
    return [
        {
            "decision_id": row.id,
            "missing_book_id": row.missing_book_id,
            "decision": row.kind,
            "book": row.title,
            "authors": ", ".join(row.authors or []),
            "release": row.release_title or "",
            "note": row.note or "",
            "decided_by": row.decided_by,
            "decided_at": f"{row.decided_at:%Y-%m-%d %H:%M}",
            "undone": (
                f"{row.undone_at:%Y-%m-%d %H:%M} by {row.undone_by}" if row.undone_at else ""
            ),
        }
        for row in session.scalars(query)
    ]
