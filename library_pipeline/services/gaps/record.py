"""Gap finding over the stored catalogue, and `missing_books` kept in step with it (idempotent;
the user's `ignored` is final; owned books close; nothing closes because a provider was silent).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.domain.gaps.explain import decisions_as_json
from library_pipeline.domain.gaps.matching import missing_book_key, owned_listing_ids
from library_pipeline.domain.gaps.models import (
    AUTHOR_GAP,
    SERIES_GAP,
    CatalogueEntry,
    Decision,
    GapSettings,
    OwnedBook,
)
from library_pipeline.domain.gaps.models import MissingBook as FoundBook
from library_pipeline.domain.gaps.queries import owned_authors, owned_series
from library_pipeline.domain.languages import language_code
from library_pipeline.domain.normalize import author_loose_key, author_loose_keys, series_key
from library_pipeline.services.gaps.catalogue import last_unchecked
from library_pipeline.services.gaps.parallel import find_and_explain
from library_pipeline.storage.app_state import get_state, set_state
from library_pipeline.storage.models import Book, MissingBookRow, utcnow
from library_pipeline.storage.queries import (
    catalogue_runtimes,
    load_catalogue,
    load_owned_books,
    not_wanted_keys,
)

# app_state key: every catalogue listing's fate in the last gap run.
DECISIONS_STATE = "gaps.decisions"
SERIES_SOURCE = "series_gaps"
AUTHOR_SOURCE = "author_gaps"
# Statuses the pipeline may change; the rest are the user's or the downloader's.
OPEN = "pending"
CLOSED = ("owned", "obsolete")


@dataclass(slots=True)
class GapsResult:
    """What one gap asset found and changed in `missing_books`."""

    kind: str  # "series" | "authors"
    checked: int  # series or authors looked at
    with_gaps: int  # of those, how many have a missing book
    missing_books_found: int
    new: int
    updated: int
    closed: int
    top: list[dict[str, Any]]
    # Series or authors the last catalogue refresh could not check (their gaps are kept).
    unchecked: list[str] = field(default_factory=list)
    # The top books' listings: which each came from, which were set aside and why.
    sources: list[dict[str, Any]] = field(default_factory=list)
    # Stored rows left out because a column is corrupt ("books <path>: authors: …").
    skipped_rows: list[str] = field(default_factory=list)


def default_languages(session: Session) -> tuple[str, ...]:
    """The languages of the owned books (ISO 639-1), English when none is known."""
    languages = {
        language_code(lang)
        for (lang,) in session.execute(
            select(Book.language).where(Book.status == "active", Book.language.is_not(None))
        )
    }
    return tuple(sorted(code for code in languages if code)) or ("en",)


def gap_settings(
    session: Session,
    *,
    min_books_threshold: int = 2,
    languages: Sequence[str] | None = None,
    include_novellas: bool = False,
    as_of: date | None = None,
) -> GapSettings:
    """The finder's settings: configured languages, else those of the owned books."""
    return GapSettings(
        as_of=as_of or date.today(),
        languages=tuple(languages) if languages else default_languages(session),
        min_books_threshold=min_books_threshold,
        include_novellas=include_novellas,
    )


async def find_missing_series_books(
    session: Session, *, series_name: str | None = None, settings: GapSettings | None = None
) -> GapsResult:
    """Books missing from series the user owns ≥ 1 book of → `missing_books` (series_gaps)."""
    found = await find_missing_books(
        session, series_name=series_name, settings=settings, authors=False
    )
    return found["series"]


async def find_missing_author_books(
    session: Session, *, author_name: str | None = None, settings: GapSettings | None = None
) -> GapsResult:
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
) -> dict[str, GapsResult]:
    """Series gaps and/or author gaps from one pass of the gap finder (both assets in one run
    share it): `{"series": ..., "authors": ...}`."""
    settings = settings or gap_settings(session)
    skipped: list[str] = []  # rows with a corrupt column cost only themselves
    owned, catalogue = load_owned_books(session, skipped), load_catalogue(session, skipped)
    found, decisions = find_and_explain(owned, catalogue, settings)
    remember_decisions(session, decisions)
    if unwanted := not_wanted_keys(session):  # the user's "not wanted": never reported again
        found = [b for b in found if missing_book_key(b.title, b.authors, b.series) not in unwanted]
    blind_series, blind_authors = last_unchecked(session)
    run = _Recorder(session, owned, catalogue, decisions)
    out: dict[str, GapsResult] = {}
    if series:
        out["series"] = run.series_gaps(found, series_name, blind_series)
    if authors:
        out["authors"] = run.author_gaps(
            found, author_name, settings.min_books_threshold, blind_authors
        )
    for result in out.values():
        result.skipped_rows = skipped
    return out


def summary(book: FoundBook) -> dict[str, Any]:
    """A missing book as the assets' metadata shows it."""
    return {
        "title": book.title,
        "authors": list(book.authors),
        "series": book.series,
        "series_position": book.series_position,
        "series_numbering": book.numbering,
        "priority": book.priority,
        "reasons": list(book.reasons),
        "evidence": book.evidence,
    }


def remember_decisions(session: Session, decisions: Sequence[Decision]) -> None:
    """Keep this run's decision for every listing (the last run's only)."""
    set_state(
        session,
        DECISIONS_STATE,
        {"at": utcnow().isoformat(), "decisions": decisions_as_json(list(decisions))},
    )
    session.commit()


def last_decisions(session: Session) -> list[dict[str, Any]]:
    """The last gap run's decisions: ``{id, decision, book, reason}`` per catalogue listing."""
    state = get_state(session, DECISIONS_STATE, {}) or {}
    return list(state.get("decisions", []))


def book_sources(
    books: Sequence[FoundBook], decisions: Sequence[Decision], limit: int = 10
) -> list[dict[str, Any]]:
    """For the first ``limit`` books: every listing of the same work, its fate and reason (the
    listings a gap came from, and those set aside)."""
    by_book: dict[str, list[Decision]] = {}
    for d in decisions:
        if d.book is not None:
            by_book.setdefault(d.book, []).append(d)
    rows: list[dict[str, Any]] = []
    for book in books[:limit]:
        ids = set(book.catalogue_ids)
        listed = [d for d in by_book.get(book.title, ()) if d.id in ids or d.decision != "missing"]
        rows += [
            {"book": book.title, "listing": d.id, "decision": d.decision, "reason": d.reason}
            for d in sorted(listed, key=lambda d: (d.decision != "missing", d.id))
        ]
    return rows


@dataclass(slots=True)
class _Recorder:
    """Records one run's series or author gaps."""

    session: Session
    owned: Sequence[OwnedBook]
    catalogue: Sequence[CatalogueEntry]
    decisions: Sequence[Decision]

    def series_gaps(
        self, all_found: Sequence[FoundBook], series_name: str | None, blind: Sequence[str]
    ) -> GapsResult:
        wanted = series_key(series_name) if series_name else None
        blind_keys = {series_key(s) for s in blind}
        found = [b for b in all_found if SERIES_GAP in b.reasons and _in_series(b, wanted)]
        checked = [k for k in owned_series(self.owned) if wanted is None or k == wanted]

        def in_scope(row: MissingBookRow) -> bool:
            key = series_key(row.series or "")
            return (wanted is None or key == wanted) and key not in blind_keys

        changes = record_missing(
            self.session,
            found,
            SERIES_SOURCE,
            in_scope=in_scope,
            owned=self.owned,
            catalogue=self.catalogue,
        )
        return GapsResult(
            kind="series",
            checked=len(checked),
            with_gaps=len({series_key(b.series) for b in found if b.series}),
            missing_books_found=len(found),
            new=changes["new"],
            updated=changes["updated"],
            closed=changes["closed"],
            top=[summary(b) for b in found[:20]],
            unchecked=[s for s in blind if wanted is None or series_key(s) == wanted],
            sources=book_sources(found, self.decisions),
        )

    def author_gaps(
        self,
        all_found: Sequence[FoundBook],
        author_name: str | None,
        min_books_threshold: int,
        blind: Sequence[str],
    ) -> GapsResult:
        wanted = author_loose_key(author_name) if author_name else None
        blind_keys = {author_loose_key(a) for a in blind}
        found = [b for b in all_found if AUTHOR_GAP in b.reasons and _by_author(b, wanted)]
        kept = [
            key
            for key, (_, count) in owned_authors(self.owned).items()
            if count >= min_books_threshold and (wanted is None or key == wanted)
        ]

        def in_scope(row: MissingBookRow) -> bool:
            keys = author_loose_keys(row.authors or [])
            return (wanted is None or wanted in keys) and keys.isdisjoint(blind_keys)

        changes = record_missing(
            self.session,
            found,
            AUTHOR_SOURCE,
            in_scope=in_scope,
            owned=self.owned,
            catalogue=self.catalogue,
        )
        with_gaps = {k for b in found for k in author_loose_keys(b.authors)} & set(kept)
        return GapsResult(
            kind="authors",
            checked=len(kept),
            with_gaps=len(with_gaps),
            missing_books_found=len(found),
            new=changes["new"],
            updated=changes["updated"],
            closed=changes["closed"],
            top=[summary(b) for b in found[:20]],
            unchecked=[a for a in blind if wanted is None or author_loose_key(a) == wanted],
            sources=book_sources(found, self.decisions),
        )


def _in_series(book: FoundBook, wanted: str | None) -> bool:
    return wanted is None or (book.series is not None and series_key(book.series) == wanted)


def _by_author(book: FoundBook, wanted: str | None) -> bool:
    return wanted is None or wanted in author_loose_keys(book.authors)


def _row_values(book: FoundBook, now: Any) -> dict[str, Any]:
    return {
        "title": book.title,
        "authors": list(book.authors),
        "series": book.series,
        "series_position": book.series_position,
        "series_numbering": book.numbering,
        "reasons": sorted(set(book.reasons)),
        "priority": book.priority,
        "evidence": book.evidence,
        "catalogue_ids": list(book.catalogue_ids),
        "last_seen": now,
    }


def _update_row(row: MissingBookRow, values: dict[str, Any], source: str) -> None:
    """A found book's existing row: reopened when closed, refreshed, the user's status kept."""
    if row.status in CLOSED:
        row.status, row.closed_at = OPEN, None
    if row.discovery_source == "top10":  # a gap is the stronger reason: it takes over
        row.discovery_source = source
    for column, value in values.items():
        if column == "reasons":
            value = sorted(set(row.reasons or []) - {"top10"} | set(value))
        setattr(row, column, value)


def record_missing(
    session: Session,
    found: Sequence[FoundBook],
    source: str,
    *,
    in_scope: Callable[[MissingBookRow], bool],
    owned: Sequence[OwnedBook],
    catalogue: Sequence[CatalogueEntry] = (),
) -> dict[str, int]:
    """Upsert `found` into `missing_books` and close this source's rows no longer found.

    A row the user set to `ignored`, or that is already queued/downloaded/imported, keeps its
    status. A closed row that is found again reopens. A pending row in scope and no longer found
    closes as `owned` when the user now owns it, else `obsolete` (the catalogue no longer
    supports it); rows out of scope (another series, or one no provider could check) stay.
    """
    now = utcnow()
    rows = {row.match_key: row for row in session.scalars(select(MissingBookRow))}
    runtimes = catalogue_runtimes(session)
    new = updated = 0
    seen: set[str] = set()
    for book in found:
        key = missing_book_key(book.title, book.authors, book.series)
        if key in seen:
            continue
        seen.add(key)
        values = _row_values(book, now)
        values["runtime_minutes"] = next(
            (runtimes[i] for i in book.catalogue_ids if i in runtimes), None
        )
        row = rows.get(key)
        if row is None:
            session.add(
                MissingBookRow(
                    match_key=key, status=OPEN, discovery_source=source, first_seen=now, **values
                )
            )
            new += 1
        else:
            _update_row(row, values, source)
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


def _as_listing(row: MissingBookRow) -> CatalogueEntry:
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
        session.scalars(
            select(MissingBookRow).where(MissingBookRow.status.in_(("pending", "queued")))
        )
    )
    owned_ids = owned_listing_ids(
        load_owned_books(session), [_as_listing(r) for r in rows], load_catalogue(session)
    )
    return [
        {"id": r.id, "title": r.title, "authors": r.authors, "status": r.status}
        for r in rows
        if f"missing:{r.id}" in owned_ids
    ]
