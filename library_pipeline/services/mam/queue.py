"""Queueing the stored top-10 books the user does not own as wanted (`missing_books`, reason
`top10`); owned and wanted are decided by the gap finder's matching (domain/gaps/matching.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from library_pipeline.domain.gaps.filters import box_set_reason
from library_pipeline.domain.gaps.matching import missing_book_key, owned_listing_ids
from library_pipeline.domain.gaps.models import CatalogueEntry, OwnedBook
from library_pipeline.domain.normalize import author_loose_keys, clean_title, title_similarity
from library_pipeline.services.mam.results import QueuedBook, QueueResult
from library_pipeline.services.mam.top10 import latest_top10, stored_genres
from library_pipeline.storage.models import MissingBookRow, Top10Entry, utcnow
from library_pipeline.storage.queries import load_catalogue, load_owned_books

TOP10_REASON = "top10"
TOP10_SOURCE = "top10"


def owned_entry_ids(
    owned: Sequence[OwnedBook],
    entries: Sequence[Top10Entry],
    catalogue: Sequence[CatalogueEntry] = (),
) -> set[int]:
    """Ids of the top-10 rows the user owns, decided by the gap finder's matching (ASIN/ISBN,
    author + title keys, weak and near-identical titles, series positions)."""
    listings = [
        CatalogueEntry(
            id=str(entry.id),
            title=entry.title,
            authors=tuple(entry.authors or ()),
            series=entry.series,
            series_position=entry.series_position,
            asin=entry.asin,
        )
        for entry in entries
    ]
    return {int(i) for i in owned_listing_ids(owned, listings, catalogue)}


class _WantedIndex:
    """Books already in `missing_books` (any source), by match key and by author: a top-10
    book is "already wanted" when its key is there, or a book of the same author has a
    near-identical title (the gap finder may have keyed it differently)."""

    def __init__(self, session: Session) -> None:
        self.keys: dict[str, int] = {}
        self.by_author: dict[str, list[tuple[str, int]]] = {}
        rows = session.execute(
            select(
                MissingBookRow.id,
                MissingBookRow.match_key,
                MissingBookRow.title,
                MissingBookRow.authors,
                MissingBookRow.series,
            )
        ).all()
        for row_id, key, title, authors, series in rows:
            self.add(row_id, key, title, authors or [], series)

    def add(
        self, row_id: int, key: str, title: str, authors: Sequence[str], series: str | None
    ) -> None:
        self.keys[key] = row_id
        for author in author_loose_keys(authors):
            self.by_author.setdefault(author, []).append((clean_title(title, series), row_id))

    def find(self, key: str, title: str, authors: Sequence[str], series: str | None) -> int | None:
        if key in self.keys:
            return self.keys[key]
        cleaned = clean_title(title, series)
        for author in author_loose_keys(authors):
            for other, row_id in self.by_author.get(author, ()):
                if title_similarity(cleaned, other) >= 0.9:
                    return row_id
        return None


def _priority(rank: int) -> int:
    # Popularity is a weaker reason than a gap in the user's own series: 39 (rank 1) .. 30.
    return max(1, 40 - rank)


async def queue_top10_downloads(
    genres_list: Iterable[str],
    session: Session,
    skip_existing: bool = True,
    *,
    period: str = "week",
) -> QueueResult:
    """Turn each stored top-10 book (latest list per genre) that the user does not own and
    does not already want into a `missing_books` row (reason and source `top10`, pending).

    Owned books are recognised with the gap finder's matching (normalised titles, author keys,
    ASIN/ISBN), not exact strings. With `skip_existing`, a book already in `missing_books` is
    left as it is; otherwise it gains the `top10` reason and a fresh `last_seen`.
    Box sets / omnibus torrents are not one book and are skipped. "*" = every stored genre.
    """
    genres: Sequence[str] = list(genres_list)
    if "*" in genres:
        genres = stored_genres(session, period)
    result = QueueResult()
    if not genres:
        return result
    owned = load_owned_books(session)
    catalogue = load_catalogue(session)
    wanted = _WantedIndex(session)
    for genre in genres:
        entries = latest_top10(session, genre, period)
        if not entries:
            result.errors.append(
                f"{genre}: no stored top-10 list ({period}); materialise top10_lists first"
            )
            continue
        result.genres_processed += 1
        result.total_books_found += len(entries)
        owned_ids = owned_entry_ids(owned, entries, catalogue)
        for entry in entries:
            _queue_entry(session, entry, entry.id in owned_ids, wanted, skip_existing, result)
    return result


def _queue_entry(
    session: Session,
    entry: Top10Entry,
    owned: bool,
    wanted: _WantedIndex,
    skip_existing: bool,
    result: QueueResult,
) -> None:
    """Queue one top-10 row (or count why not) into `result`."""
    if owned:
        result.owned_skipped += 1
        return
    if _is_bundle(entry):
        result.bundles_skipped += 1
        return
    try:
        outcome = _queue_one(session, entry, wanted, skip_existing)
    except Exception as error:  # noqa: BLE001 - one bad row must not stop the others
        session.rollback()
        result.errors.append(f"{entry.genre} #{entry.rank} {entry.title!r}: {error}")
        return
    if outcome == "queued":
        result.queued.append(
            QueuedBook(
                genre=entry.genre, rank=entry.rank, title=entry.title, authors=list(entry.authors)
            )
        )
    else:
        result.duplicates_skipped += 1


def _is_bundle(entry: Top10Entry) -> bool:
    """A box set / omnibus torrent ("Books 1-16") is not one book to want."""
    probe = CatalogueEntry(
        id="", title=entry.title, authors=(), series_position=entry.series_position
    )
    return box_set_reason(probe) is not None


def _queue_one(
    session: Session, entry: Top10Entry, wanted: _WantedIndex, skip_existing: bool
) -> str:
    key = missing_book_key(entry.title, entry.authors, entry.series)
    existing_id = wanted.find(key, entry.title, entry.authors, entry.series)
    if existing_id is not None:
        if not skip_existing:
            existing = session.get(MissingBookRow, existing_id)
            if existing is not None:
                if TOP10_REASON not in (existing.reasons or []):
                    existing.reasons = [*(existing.reasons or []), TOP10_REASON]
                existing.last_seen = utcnow()
                session.commit()
        return "duplicate"
    evidence = (
        f"MAM top-10 {entry.genre} ({entry.period}) #{entry.rank} on "
        f"{entry.captured_on.isoformat()}: {entry.snatched or 0} snatches, torrent "
        f"{entry.torrent_id}"
    )
    book = MissingBookRow(
        match_key=key,
        title=clean_title(entry.title, entry.series),
        authors=list(entry.authors),
        series=entry.series,
        series_position=entry.series_position,
        reasons=[TOP10_REASON],
        priority=_priority(entry.rank),
        evidence=evidence,
        asin=entry.asin,
        catalogue_ids=[f"mam:{entry.torrent_id}"],
        status="pending",
        discovery_source=TOP10_SOURCE,
    )
    session.add(book)
    try:
        session.commit()
    except IntegrityError:  # another run queued it a moment ago
        session.rollback()
        return "duplicate"
    wanted.add(book.id, key, entry.title, entry.authors, entry.series)
    return "queued"
