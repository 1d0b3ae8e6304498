"""The import's rows: a torrent's `downloads` row (found by infohash, or created for a torrent
added by hand), its missing book, and what is recorded when it fails or is imported."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from library_pipeline.domain.book_identity import clean_book_fields
from library_pipeline.domain.import_matching import (
    best_title_author_match,
    missing_book_id_from_tags,
    naming_from_torrent_name,
)
from library_pipeline.domain.naming import BookNaming
from library_pipeline.domain.releases import parse_release_text
from library_pipeline.storage.decisions import fail_unimportable, import_refusal
from library_pipeline.storage.models import Download, MissingBookRow, utcnow

if TYPE_CHECKING:
    from library_pipeline.clients.qbittorrent import QbtTorrent
    from library_pipeline.services.imports.placement import Placement

OPEN_STATUSES = ("pending", "queued", "downloaded")


def find_download(session: Session, infohash: str) -> Download | None:
    return session.scalar(select(Download).where(func.lower(Download.infohash) == infohash.lower()))


def record_error(session: Session, infohash: str, reason: str) -> None:
    """Keep the reason on the torrent's row (unless it was imported already)."""
    download = find_download(session, infohash)
    if download is not None and download.status != "imported":
        download.error = reason[:2000]
        session.commit()


def mark_gone(session: Session, infohash: str, reason: str) -> dict[str, Any]:
    """A torrent removed before its import: its row fails, its release is blocklisted for the
    book and the book is searched again (an imported one stays imported; one the user decided
    against keeps the user's reason and changes nothing)."""
    download = find_download(session, infohash)
    entry: dict[str, Any] = {"infohash": infohash, "reason": reason}
    if download is None:
        return entry
    entry["name"] = download.release_title
    if download.status == "imported":
        entry["reason"] = "already imported; torrent removed since (nothing to do)"
    elif (refusal := import_refusal(session, download)) is not None:
        entry["reason"] = f"not imported: {refusal}; torrent removed since (nothing to do)"
    else:
        fail_unimportable(session, download, reason)
    return entry


def torrent_error(torrent: QbtTorrent, reason: str) -> dict[str, Any]:
    return {"infohash": torrent.hash.lower(), "name": torrent.name, "reason": reason}


def missing_book_of(session: Session, download: Download | None) -> MissingBookRow | None:
    if download is None or download.missing_book_id is None:
        return None
    return session.get(MissingBookRow, download.missing_book_id)


def manual_download(
    session: Session, torrent: QbtTorrent
) -> tuple[Download, MissingBookRow | None]:
    """A `downloads` row for a torrent added by hand in the pipeline's category."""
    missing: MissingBookRow | None = None
    book_id = missing_book_id_from_tags(torrent.tags)
    if book_id is not None:
        missing = session.get(MissingBookRow, book_id)
    if missing is None:
        missing = match_missing_book(session, naming_from_torrent_name(torrent.name))
    download = Download(
        missing_book_id=missing.id if missing is not None else None,
        release_title=torrent.name,
        source="manual",
        infohash=torrent.hash.lower(),
        size_bytes=torrent.total_size if torrent.total_size >= 0 else torrent.size,
        category=torrent.category or None,
        status="completed",
        save_path=torrent.save_path,
    )
    session.add(download)
    session.commit()
    return download, missing


def match_missing_book(session: Session, guess: BookNaming) -> MissingBookRow | None:
    """An open missing book whose title and author match a hand-added torrent's name."""
    if not guess.title or not guess.authors:
        return None
    open_books = session.scalars(
        select(MissingBookRow).where(MissingBookRow.status.in_(OPEN_STATUSES))
    ).all()
    return best_title_author_match(
        guess, ((book, book.title, list(book.authors or [])) for book in open_books)
    )


def naming_for(download: Download, missing: MissingBookRow | None) -> BookNaming:
    """The naming fields of a download: its missing book's, narrators from the release title."""
    narrators: tuple[str, ...] = ()
    if download.release_title:
        narrators = parse_release_text(download.release_title).narrators
    if missing is not None:
        return cleaned_naming(
            BookNaming(
                title=missing.title,
                authors=list(missing.authors or []),
                narrators=list(narrators),
                series=missing.series,
                series_position=missing.series_position,
                year=missing.published_year,
                asin=missing.asin,
                isbn=missing.isbn,
                language=missing.language,
            )
        )
    guess = naming_from_torrent_name(download.release_title or "")
    return cleaned_naming(
        BookNaming(
            title=guess.title, authors=guess.authors, narrators=list(narrators) or guess.narrators
        )
    )


def cleaned_naming(naming: BookNaming) -> BookNaming:
    """The naming with its title, series and position cleaned of packaging: the one cleaning
    every source goes through (`book_identity.clean_book_fields`)."""
    chosen = clean_book_fields(
        [("import", naming.title, naming.series, naming.series_position)], naming.authors
    )
    return replace(
        naming,
        title=chosen.title or naming.title,
        series=chosen.series or naming.series,
        series_position=chosen.position or naming.series_position,
        year=naming.year or chosen.year,
    )


def mark_imported(
    session: Session,
    download: Download,
    missing: MissingBookRow | None,
    torrent: QbtTorrent,
    placement: Placement,
) -> None:
    """The download and its missing book are `imported`, at `placement.target`."""
    now = utcnow()
    download.status = "imported"
    download.error = None
    download.imported_path = str(placement.target)
    download.imported_at = now
    download.save_path = download.save_path or torrent.save_path
    if download.completed_at is None:
        download.completed_at = (
            datetime.fromtimestamp(torrent.completion_on, UTC).replace(tzinfo=None)
            if torrent.completion_on > 0
            else now
        )
    if missing is not None:
        missing.status = "imported"
        missing.last_seen = now
    session.commit()
