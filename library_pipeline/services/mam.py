"""MyAnonamouse services: the audiobook genre list, per-genre top-10 lists, and queueing the
top-10 books the user does not own as wanted (`missing_books`, reason `top10`).

Every call goes through `clients.mam.MamClient` (polite pacing, cookie rotation, one clear
not-signed-in error). Writes are short transactions committed per item.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from library_pipeline.clients.http import ProviderError
from library_pipeline.clients.mam import MamClient, MamNotSignedIn
from library_pipeline.domain import mam_parsing as mp
from library_pipeline.domain.gaps.filters import box_set_reason
from library_pipeline.domain.gaps.matching import missing_book_key, owned_listing_ids
from library_pipeline.domain.gaps.models import CatalogueEntry, OwnedBook
from library_pipeline.domain.mam_results import MamSearch, MamTorrent
from library_pipeline.domain.normalize import author_loose_keys, clean_title, title_similarity
from library_pipeline.storage.app_state import get_state, set_state
from library_pipeline.storage.engine import session_scope
from library_pipeline.storage.models import MissingBook, Top10Entry, utcnow
from library_pipeline.storage.queries import load_catalogue, load_owned_books

GENRES_KEY = "mam.genres"
COOKIE_KEY = "mam.session"
TOP10_REASON = "top10"
TOP10_SOURCE = "top10"


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def human_size(size: int | None) -> str | None:
    if size is None:
        return None
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return None  # pragma: no cover


# --- the rotated cookie, in the library DB -------------------------------------------------


class AppStateCookieStore:
    """Keeps the rotated MAM cookie in the library DB's `app_state` table (own short
    transactions, so a rotation is saved even when the caller's work rolls back)."""

    def __init__(self, engine: Engine, key: str = COOKIE_KEY) -> None:
        self.engine = engine
        self.key = key

    def load(self) -> dict[str, Any] | None:
        with session_scope(self.engine) as session:
            value = get_state(session, self.key)
        return value if isinstance(value, dict) else None

    def save(self, record: dict[str, Any]) -> None:
        with session_scope(self.engine) as session:
            set_state(session, self.key, record)


# --- genres --------------------------------------------------------------------------------


async def get_available_genres(
    client: MamClient | None = None, *, probe: bool = True
) -> dict[str, Any]:
    """MAM's audiobook genres: `{genres, genre_ids, timestamp, errors, source}`.

    Starts from MAM's published audiobook categories and, with a client, probes one page of the
    newest audiobooks: a category MAM reports there under a new name or id replaces the known
    one (MAM has no category endpoint in its API). `genres` are display names ("Fantasy"), the
    partition keys of `top10_lists`; `genre_ids` maps them to MAM category ids.
    """
    by_id: dict[int, str] = dict(mp.AUDIOBOOK_CATEGORIES)
    errors: list[str] = []
    source = "built-in"
    if client is not None and probe:
        try:
            result = await client.search(MamSearch(sort_type="dateDesc", per_page=100))
        except MamNotSignedIn as error:
            errors.append(str(error))
        except ProviderError as error:
            errors.append(f"genre probe failed, using the known list: {error}")
        else:
            source = "mam"
            for torrent in result.torrents:
                if torrent.category_id is None or torrent.main_cat not in (
                    None,
                    mp.AUDIOBOOKS_MAIN_CAT,
                ):
                    continue
                name = mp.category_genre(torrent.category_name)
                if name:
                    by_id[torrent.category_id] = name
    genre_ids: dict[str, int] = {}
    for category_id, name in sorted(by_id.items(), key=lambda kv: kv[1].lower()):
        genre_ids.setdefault(name, category_id)
    return {
        "genres": list(genre_ids),
        "genre_ids": genre_ids,
        "timestamp": _now_iso(),
        "errors": errors,
        "source": source,
    }


def save_genres(session: Session, genres: dict[str, Any]) -> None:
    set_state(
        session,
        GENRES_KEY,
        {"genre_ids": genres["genre_ids"], "timestamp": genres.get("timestamp")},
    )


def known_genres() -> list[str]:
    """MAM's published audiobook genres (the list a fresh install starts with), sorted."""
    return sorted(set(mp.AUDIOBOOK_CATEGORIES.values()), key=str.lower)


def saved_genres(session: Session) -> dict[str, Any] | None:
    """The last genre list fetched from MAM (`{genre_ids, timestamp}`), or None before one was."""
    state = get_state(session, GENRES_KEY)
    if isinstance(state, dict) and isinstance(state.get("genre_ids"), dict):
        return state
    return None


def load_genre_ids(session: Session) -> dict[str, int]:
    """The last saved genre list (`mam_genres`), or MAM's published list before the first run."""
    state = saved_genres(session)
    if state is not None:
        return {str(k): int(v) for k, v in state["genre_ids"].items()}
    return {name: cid for cid, name in mp.AUDIOBOOK_CATEGORIES.items()}


# --- top-10 --------------------------------------------------------------------------------


def book_dict(torrent: MamTorrent, rank: int) -> dict[str, Any]:
    series = torrent.first_series
    return {
        "rank": rank,
        "title": torrent.title,
        "author": ", ".join(torrent.authors) or None,
        "authors": list(torrent.authors),
        "narrators": list(torrent.narrators),
        "series": series.name if series else None,
        "series_position": series.position if series else None,
        "torrent_id": str(torrent.id),
        "download_link": torrent.download_url,
        "info_url": torrent.info_url,
        "size": human_size(torrent.size_bytes),
        "size_bytes": torrent.size_bytes,
        "seeders": torrent.seeders,
        "snatched": torrent.snatched,
        "freeleech": torrent.freeleech,
        "vip": torrent.vip,
        "category": torrent.category_name,
        "language": torrent.language_code,
        "asin": torrent.asin,
    }


async def scrape_mam_top10(
    genre: str,
    session: Session,
    client: MamClient,
    *,
    period: str = "week",
    limit: int = 10,
    captured_on: date | None = None,
) -> dict[str, Any]:
    """Fetch one genre's top-10 (most snatched in the period) and store it in `top10_entries`
    for today: `{genre, books_found, books, timestamp, errors, warnings, period, captured_on}`,
    plus `fetch_failed: True` when the request itself failed.

    A failed fetch stores nothing (yesterday's rows and today's earlier rows stay intact); a
    successful one replaces today's rows of this genre and period.
    """
    captured_on = captured_on or datetime.now(UTC).date()
    result: dict[str, Any] = {
        "genre": genre,
        "period": period,
        "captured_on": captured_on.isoformat(),
        "books_found": 0,
        "books": [],
        "timestamp": _now_iso(),
        "errors": [],
        "warnings": [],
    }
    genre_ids = load_genre_ids(session)
    genre_id = genre_ids.get(genre)
    if genre_id is None:
        result["errors"].append(
            f"genre {genre!r} no longer exists on MAM (not in the current audiobook categories); "
            "its partition can be removed"
        )
        return result
    try:
        found = await client.top10(genre_id, period, limit=limit)
    except (ProviderError, ValueError) as error:  # ValueError: an unknown period setting
        result["errors"].append(str(error))
        result["fetch_failed"] = True  # MAM (or the period setting) failed, not an empty list
        return result
    result["warnings"].extend(found.warnings)
    books = [book_dict(t, rank) for rank, t in enumerate(found.torrents, start=1)]
    result["books"] = books
    result["books_found"] = len(books)
    if not books:
        hint = (
            "the category may no longer exist on MAM"
            if period == "all"
            else "nothing was added in this period, or the category is gone"
        )
        result["errors"].append(f"MAM returned no torrents for {genre!r} ({period}): {hint}")
        return result
    session.execute(
        delete(Top10Entry).where(
            Top10Entry.genre == genre,
            Top10Entry.period == period,
            Top10Entry.captured_on == captured_on,
        )
    )
    for book, torrent in zip(books, found.torrents, strict=True):
        session.add(
            Top10Entry(
                genre=genre,
                genre_id=genre_id,
                period=period,
                captured_on=captured_on,
                rank=book["rank"],
                title=torrent.title,
                authors=list(torrent.authors),
                narrators=list(torrent.narrators),
                series=book["series"],
                series_position=book["series_position"],
                torrent_id=str(torrent.id),
                asin=torrent.asin,
                download_link=torrent.download_url,
                size_bytes=torrent.size_bytes,
                seeders=torrent.seeders,
                snatched=torrent.snatched,
                freeleech=torrent.freeleech,
            )
        )
    session.commit()
    return result


def latest_top10(session: Session, genre: str, period: str) -> list[Top10Entry]:
    """The most recent stored top-10 list of a genre and period, by rank."""
    latest = session.scalar(
        select(func.max(Top10Entry.captured_on)).where(
            Top10Entry.genre == genre, Top10Entry.period == period
        )
    )
    if latest is None:
        return []
    return list(
        session.scalars(
            select(Top10Entry)
            .where(
                Top10Entry.genre == genre,
                Top10Entry.period == period,
                Top10Entry.captured_on == latest,
            )
            .order_by(Top10Entry.rank)
        )
    )


def stored_genres(session: Session, period: str) -> list[str]:
    return sorted(
        session.scalars(
            select(Top10Entry.genre).where(Top10Entry.period == period).distinct()
        ).all()
    )


# --- owned and wanted books (the gap finder's matching: domain/gaps/matching.py) -----------


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
                MissingBook.id,
                MissingBook.match_key,
                MissingBook.title,
                MissingBook.authors,
                MissingBook.series,
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
) -> dict[str, Any]:
    """Turn each stored top-10 book (latest list per genre) that the user does not own and
    does not already want into a `missing_books` row (reason and source `top10`, pending).

    Owned books are recognised with the gap finder's matching (normalised titles, author keys,
    ASIN/ISBN), not exact strings. With `skip_existing`, a book already in `missing_books` is
    left as it is; otherwise it gains the `top10` reason and a fresh `last_seen`.
    Box sets / omnibus torrents are not one book and are skipped. Returns
    `{genres_processed, total_books_found, queued_count, duplicates_skipped, owned_skipped,
    bundles_skipped, errors, queued}`.
    """
    genres: Sequence[str] = list(genres_list)
    if "*" in genres:
        genres = stored_genres(session, period)
    result: dict[str, Any] = {
        "genres_processed": 0,
        "total_books_found": 0,
        "queued_count": 0,
        "duplicates_skipped": 0,
        "owned_skipped": 0,
        "bundles_skipped": 0,
        "errors": [],
        "queued": [],
    }
    if not genres:
        return result
    owned = load_owned_books(session)
    catalogue = load_catalogue(session)
    wanted = _WantedIndex(session)
    for genre in genres:
        entries = latest_top10(session, genre, period)
        if not entries:
            result["errors"].append(
                f"{genre}: no stored top-10 list ({period}); materialise top10_lists first"
            )
            continue
        result["genres_processed"] += 1
        result["total_books_found"] += len(entries)
        owned_ids = owned_entry_ids(owned, entries, catalogue)
        for entry in entries:
            if entry.id in owned_ids:
                result["owned_skipped"] += 1
                continue
            if _is_bundle(entry):
                result["bundles_skipped"] += 1
                continue
            try:
                outcome = _queue_one(session, entry, wanted, skip_existing)
            except Exception as error:  # noqa: BLE001 - one bad row must not stop the others
                session.rollback()
                result["errors"].append(f"{genre} #{entry.rank} {entry.title!r}: {error}")
                continue
            if outcome == "queued":
                result["queued_count"] += 1
                result["queued"].append(
                    {
                        "genre": genre,
                        "rank": entry.rank,
                        "title": entry.title,
                        "authors": entry.authors,
                    }
                )
            else:
                result["duplicates_skipped"] += 1
    return result


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
            existing = session.get(MissingBook, existing_id)
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
    book = MissingBook(
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
