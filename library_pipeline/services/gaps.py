"""Series and author gaps: fetch the catalogue of what the user owns, find the missing books,
and keep `missing_books` in step (idempotent; the user's `ignored` is final; owned books close).

The seed's entry points: `fetch_gap_catalogue`, `find_missing_series_books`,
`find_missing_author_books`, `missing_books_owned`.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.clients.http import ProviderError
from library_pipeline.clients.providers import Providers
from library_pipeline.clients.records import CatalogueRecord
from library_pipeline.domain.gaps.finder import find_gaps
from library_pipeline.domain.gaps.matching import missing_book_key, owned_listing_ids
from library_pipeline.domain.gaps.models import (
    AUTHOR_GAP,
    SERIES_GAP,
    CatalogueEntry,
    GapSettings,
    OwnedBook,
)
from library_pipeline.domain.gaps.models import MissingBook as FoundBook
from library_pipeline.domain.normalize import (
    author_loose_key,
    author_loose_keys,
    series_key,
    split_authors,
    title_key,
)
from library_pipeline.storage.queries import load_catalogue, load_owned_books
from library_pipeline.storage.models import Book, MissingBook, utcnow
from library_pipeline.storage.models import CatalogueEntry as CatalogueRow

SERIES_SOURCE = "series_gaps"
AUTHOR_SOURCE = "author_gaps"
# Statuses the pipeline may change; the rest are the user's or the downloader's.
OPEN = "pending"
CLOSED = ("owned", "obsolete")


# --- catalogue -----------------------------------------------------------------------------


def display_author(name: str) -> str:
    """`Brown, Pierce` → `Pierce Brown`: providers search by the name as printed."""
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if first and last and " " not in last.strip():
            return f"{first} {last}"
    return name.strip()


def owned_series(owned: Iterable[OwnedBook]) -> dict[str, str]:
    """Series key → the series' most common display name among owned books."""
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for book in owned:
        if book.series:
            names[series_key(book.series)][book.series.strip()] += 1
    return {key: counter.most_common(1)[0][0] for key, counter in names.items() if key}


def owned_authors(owned: Iterable[OwnedBook]) -> dict[str, tuple[str, int]]:
    """Author loose key → (display name, number of distinct owned titles)."""
    names: dict[str, Counter[str]] = defaultdict(Counter)
    titles: dict[str, set[str]] = defaultdict(set)
    for book in owned:
        for raw in book.authors:
            for name in split_authors(raw) or [raw]:
                key = author_loose_key(name)
                if key:
                    names[key][display_author(name)] += 1
                    titles[key].add(title_key(book.title, book.series))
    return {key: (names[key].most_common(1)[0][0], len(titles[key])) for key in names}


def catalogue_queries(
    owned: Sequence[OwnedBook],
    min_books_threshold: int,
    series_names: Sequence[str] | None = None,
    author_names: Sequence[str] | None = None,
) -> tuple[list[str], list[str]]:
    """The series and authors whose books to list.

    Series: every owned series. Authors: those with at least `min_books_threshold` owned books,
    and the authors of owned series too (their bibliographies carry the series entries when
    the series query itself is unavailable, e.g. without a Hardcover token).
    """
    series = owned_series(owned)
    authors = owned_authors(owned)
    wanted_series = {series_key(s) for s in series_names or ()}
    wanted_authors = {author_loose_key(a) for a in author_names or ()}
    series_keys = set(series) if not series_names else set(series) & wanted_series
    author_keys: set[str] = {k for k, (_, n) in authors.items() if n >= min_books_threshold}
    for book in owned:
        if book.series and series_key(book.series) in series_keys:
            author_keys |= {author_loose_key(a) for a in book.authors}
    if author_names:
        author_keys = {k for k in author_keys | wanted_authors if k in wanted_authors}
    if author_names and not series_names:
        series_keys = set()
    if series_names and not author_names:
        author_keys = {
            author_loose_key(a)
            for b in owned
            if b.series and series_key(b.series) in series_keys
            for a in b.authors
        }
    return (
        sorted(series[k] for k in series_keys),
        sorted(authors[k][0] for k in author_keys if k in authors),
    )


async def fetch_gap_catalogue(
    session: Session,
    providers: Providers,
    *,
    min_books_threshold: int = 2,
    series_names: Sequence[str] | None = None,
    author_names: Sequence[str] | None = None,
    concurrency: int = 4,
) -> dict[str, Any]:
    """List the books of every owned series and kept author from the providers, and store them
    in `catalogue_entries`, so that gap finding re-runs without the network."""
    owned = load_owned_books(session)
    series, authors = catalogue_queries(owned, min_books_threshold, series_names, author_names)
    calls: list[tuple[str, str, str, Callable[[], Awaitable[list[CatalogueRecord]]]]] = []
    if providers.available("hardcover"):
        hardcover = providers.hardcover
        calls += [("series", s, "hardcover", lambda s=s: hardcover.series_books(s)) for s in series]
        calls += [
            ("author", a, "hardcover", lambda a=a: hardcover.author_books(a)) for a in authors
        ]
    if providers.available("open_library"):
        library = providers.open_library
        calls += [
            ("author", a, "open_library", lambda a=a: library.author_books(a)) for a in authors
        ]
    if providers.available("google_books"):
        google = providers.google_books
        calls += [
            ("author", a, "google_books", lambda a=a: google.author_books(a)) for a in authors
        ]

    gate = asyncio.Semaphore(concurrency)
    errors: list[dict[str, str]] = []

    async def run(call: tuple[str, str, str, Callable[[], Awaitable[list[CatalogueRecord]]]]):
        kind, value, provider, fetch = call
        async with gate:
            try:
                return kind, value, await fetch()
            except ProviderError as error:
                errors.append(
                    {"query": f"{kind}: {value}", "provider": provider, "error": str(error)}
                )
                return kind, value, []

    results = await asyncio.gather(*(run(call) for call in calls))
    stored = store_catalogue(session, results)
    return {
        "series_queried": len(series),
        "authors_queried": len(authors),
        "requests_planned": len(calls),
        "entries_stored": stored,
        "errors": errors,
        "providers": providers.status(),
    }


def store_catalogue(
    session: Session, results: Iterable[tuple[str, str, list[CatalogueRecord]]]
) -> int:
    """Upsert listings by (provider, provider_id); returns how many were written."""
    existing = {(r.provider, r.provider_id): r for r in session.scalars(select(CatalogueRow))}
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, value, records in results:
        for record in records:
            rows[(record.provider, record.provider_id)] = record.as_row(kind, value)  # type: ignore[arg-type]
    for key, values in rows.items():
        row = existing.get(key)
        if row is None:
            session.add(CatalogueRow(**values))
        else:
            for column, value in values.items():
                setattr(row, column, value)
    session.commit()
    return len(rows)


# --- gap finding ---------------------------------------------------------------------------


def default_languages(session: Session) -> tuple[str, ...]:
    """The languages of the owned books (ISO 639-1), English when none is known."""
    languages = {
        (lang or "").strip().lower()[:2]
        for (lang,) in session.execute(
            select(Book.language).where(Book.status == "active", Book.language.is_not(None))
        )
    }
    languages.discard("")
    return tuple(sorted(languages)) or ("en",)


def gap_settings(
    session: Session,
    *,
    min_books_threshold: int = 2,
    languages: Sequence[str] | None = None,
    include_novellas: bool = False,
    as_of: date | None = None,
) -> GapSettings:
    return GapSettings(
        as_of=as_of or date.today(),
        languages=tuple(languages) if languages else default_languages(session),
        min_books_threshold=min_books_threshold,
        include_novellas=include_novellas,
    )


def _in_series(book: FoundBook, wanted: str | None) -> bool:
    return wanted is None or (book.series is not None and series_key(book.series) == wanted)


def _by_author(book: FoundBook, wanted: str | None) -> bool:
    return wanted is None or wanted in author_loose_keys(book.authors)


async def find_missing_series_books(
    session: Session,
    *,
    series_name: str | None = None,
    settings: GapSettings | None = None,
) -> dict[str, Any]:
    """Books missing from series the user owns ≥ 1 book of → `missing_books` (series_gaps)."""
    found = await find_missing_books(
        session, series_name=series_name, settings=settings, authors=False
    )
    return found["series"]


async def find_missing_author_books(
    session: Session,
    *,
    author_name: str | None = None,
    settings: GapSettings | None = None,
) -> dict[str, Any]:
    """Books missing from authors with ≥ `min_books_threshold` owned books (author_gaps)."""
    found = await find_missing_books(
        session, author_name=author_name, settings=settings, series=False
    )
    return found["authors"]


async def find_missing_books(
    session: Session,
    *,
    series_name: str | None = None,
    author_name: str | None = None,
    settings: GapSettings | None = None,
    series: bool = True,
    authors: bool = True,
) -> dict[str, dict[str, Any]]:
    """Series gaps and/or author gaps from one pass of the gap finder (both assets in one run
    share it): `{"series": ..., "authors": ...}`, each the result of its own function above."""
    settings = settings or gap_settings(session)
    owned, catalogue = load_owned_books(session), load_catalogue(session)
    found = find_gaps(owned, catalogue, settings)
    out: dict[str, dict[str, Any]] = {}
    if series:
        out["series"] = _record_series_gaps(session, found, owned, catalogue, series_name)
    if authors:
        out["authors"] = _record_author_gaps(
            session, found, owned, catalogue, author_name, settings.min_books_threshold
        )
    return out


def _record_series_gaps(
    session: Session,
    all_found: Sequence[FoundBook],
    owned: Sequence[OwnedBook],
    catalogue: Sequence[CatalogueEntry],
    series_name: str | None,
) -> dict[str, Any]:
    wanted = series_key(series_name) if series_name else None
    found = [b for b in all_found if SERIES_GAP in b.reasons and _in_series(b, wanted)]
    series = owned_series(owned)
    checked = [k for k in series if wanted is None or k == wanted]
    changes = record_missing(
        session,
        found,
        SERIES_SOURCE,
        in_scope=lambda row: wanted is None or series_key(row.series or "") == wanted,
        owned=owned,
        catalogue=catalogue,
    )
    return {
        "series_checked": len(checked),
        "missing_books_found": len(found),
        "series_with_gaps": len({series_key(b.series) for b in found if b.series}),
        **changes,
        "top": [summary(b) for b in found[:20]],
    }


def _record_author_gaps(
    session: Session,
    all_found: Sequence[FoundBook],
    owned: Sequence[OwnedBook],
    catalogue: Sequence[CatalogueEntry],
    author_name: str | None,
    min_books_threshold: int,
) -> dict[str, Any]:
    wanted = author_loose_key(author_name) if author_name else None
    found = [b for b in all_found if AUTHOR_GAP in b.reasons and _by_author(b, wanted)]
    kept = [
        key
        for key, (_, count) in owned_authors(owned).items()
        if count >= min_books_threshold and (wanted is None or key == wanted)
    ]
    changes = record_missing(
        session,
        found,
        AUTHOR_SOURCE,
        in_scope=lambda row: wanted is None or wanted in author_loose_keys(row.authors or []),
        owned=owned,
        catalogue=catalogue,
    )
    with_gaps = {k for b in found for k in author_loose_keys(b.authors)} & set(kept)
    return {
        "authors_checked": len(kept),
        "authors_with_gaps": len(with_gaps),
        "missing_books_found": len(found),
        **changes,
        "top": [summary(b) for b in found[:20]],
    }


def summary(book: FoundBook) -> dict[str, Any]:
    return {
        "title": book.title,
        "authors": list(book.authors),
        "series": book.series,
        "series_position": book.series_position,
        "priority": book.priority,
        "reasons": list(book.reasons),
        "evidence": book.evidence,
    }


def record_missing(
    session: Session,
    found: Sequence[FoundBook],
    source: str,
    *,
    in_scope: Callable[[MissingBook], bool],
    owned: Sequence[OwnedBook],
    catalogue: Sequence[CatalogueEntry] = (),
) -> dict[str, int]:
    """Upsert `found` into `missing_books` and close this source's rows no longer found.

    A row the user set to `ignored`, or that is already queued/downloaded/imported, keeps its
    status. A closed row that is found again reopens. A pending row no longer found closes as
    `owned` when the user now owns it, else `obsolete` (the catalogue no longer supports it).
    """
    now = utcnow()
    rows = {row.match_key: row for row in session.scalars(select(MissingBook))}
    new = updated = 0
    seen: set[str] = set()
    for book in found:
        key = missing_book_key(book.title, book.authors, book.series)
        if key in seen:
            continue
        seen.add(key)
        values = {
            "title": book.title,
            "authors": list(book.authors),
            "series": book.series,
            "series_position": book.series_position,
            "reasons": sorted(set(book.reasons)),
            "priority": book.priority,
            "evidence": book.evidence,
            "catalogue_ids": list(book.catalogue_ids),
            "last_seen": now,
        }
        row = rows.get(key)
        if row is None:
            session.add(
                MissingBook(
                    match_key=key, status=OPEN, discovery_source=source, first_seen=now, **values
                )
            )
            new += 1
            continue
        if row.status in CLOSED:
            row.status, row.closed_at = OPEN, None
        if row.discovery_source == "top10":  # a gap is the stronger reason: it takes over
            row.discovery_source = source
        for column, value in values.items():
            if column == "reasons":
                value = sorted(set(row.reasons or []) - {"top10"} | set(value))
            setattr(row, column, value)
        updated += 1
    stale = [
        row
        for key, row in rows.items()
        if key not in seen and row.status == OPEN and row.discovery_source == source
        if in_scope(row)
    ]
    owned_ids = owned_listing_ids(owned, [_as_listing(row) for row in stale], catalogue)
    for row in stale:
        row.status = "owned" if f"missing:{row.id}" in owned_ids else "obsolete"
        row.closed_at = now
    session.commit()
    return {"new": new, "updated": updated, "closed": len(stale)}


def _as_listing(row: MissingBook) -> CatalogueEntry:
    return CatalogueEntry(
        id=f"missing:{row.id}",
        title=row.title,
        authors=tuple(row.authors or ()),
        series=row.series,
        series_position=row.series_position,
        asin=row.asin,
        isbn=row.isbn,
    )


def missing_books_owned(session: Session) -> list[dict[str, Any]]:
    """Pending or queued missing books that match an owned book (must be none)."""
    rows = list(
        session.scalars(select(MissingBook).where(MissingBook.status.in_(("pending", "queued"))))
    )
    owned_ids = owned_listing_ids(
        load_owned_books(session), [_as_listing(r) for r in rows], load_catalogue(session)
    )
    return [
        {"id": r.id, "title": r.title, "authors": r.authors, "status": r.status}
        for r in rows
        if f"missing:{r.id}" in owned_ids
    ]
