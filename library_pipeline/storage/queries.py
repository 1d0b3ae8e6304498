"""Read queries used by the UI and by several services (add yours; one query per function).

What the user owns and what the catalogue lists, as the gap finder's value objects; counts and
previews of the library for the `library_books` asset and its check.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from typing import Any

from sqlalchemy import Text, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from library_pipeline.domain.gaps.models import CatalogueEntry, OwnedBook
from library_pipeline.storage import decisions
from library_pipeline.storage.models import Book, CatalogueEntryRow

_log = logging.getLogger(__name__)


class CorruptRow(ValueError):
    """A stored JSON column that is not what its rows hold (a list of names)."""


def _names(raw: str | None, column: str) -> tuple[str, ...]:
    """A stored JSON list of names, read from its raw text; `CorruptRow` naming the column
    when the text is not JSON or not a list of strings (a hand edit, another tool's write)."""
    if raw is None:
        return ()
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise CorruptRow(f"{column}: not JSON ({error})") from None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise CorruptRow(f"{column}: not a list of names: {raw[:80]}")
    return tuple(value)


def _skip(skipped: list[str] | None, where: str, error: CorruptRow) -> None:
    """Record a row left out of a load (the caller shows `skipped`; the log always has it)."""
    message = f"{where}: {error} (row skipped)"
    _log.warning(message)
    if skipped is not None:
        skipped.append(message)


def load_owned_books(session: Session, skipped: list[str] | None = None) -> list[OwnedBook]:
    """Every active book with a title, its path relative to its library root; and every book
    the user said they own elsewhere (path `(owned elsewhere)`): gaps and top-10 count both.
    A book whose stored authors/narrators are corrupt is left out and recorded in `skipped`."""
    rows = session.execute(
        select(
            Book.title,
            type_coerce(Book.authors, Text),
            Book.series,
            Book.series_position,
            type_coerce(Book.narrators, Text),
            Book.path,
            Book.library_root,
            Book.asin,
            Book.isbn,
        ).where(Book.status == "active", Book.title.is_not(None))
    ).all()
    owned: list[OwnedBook] = []
    for title, authors, series, position, narrators, path, root, asin, isbn in rows:
        relative = path
        if path and root:
            with contextlib.suppress(ValueError):
                relative = os.path.relpath(path, root)
        try:
            author_names, narrator_names = (
                _names(authors, "authors"),
                _names(narrators, "narrators"),
            )
        except CorruptRow as error:
            _skip(skipped, f"books {path}", error)
            continue
        owned.append(
            OwnedBook(
                title=title or "",
                authors=author_names,
                series=series,
                series_position=position,
                narrators=narrator_names,
                path=relative,
                asin=asin,
                isbn=isbn,
            )
        )
    return owned + owned_elsewhere_books(session)


def owned_elsewhere_books(session: Session) -> list[OwnedBook]:
    """The books the user owns outside the library (their `owned_elsewhere` decisions)."""
    return [
        OwnedBook(
            title=row.title,
            authors=tuple(row.authors or ()),
            series=row.series,
            series_position=row.series_position,
            path="(owned elsewhere)",
        )
        for row in decisions.owned_elsewhere(session)
    ]


def not_wanted_keys(session: Session) -> set[str]:
    """Match keys (`missing_books.match_key`) of the books the user does not want."""
    return decisions.not_wanted_keys(session)


def catalogue_entry_id(provider: str, provider_id: str) -> str:
    return f"{provider}:{provider_id}"


def load_catalogue(session: Session, skipped: list[str] | None = None) -> list[CatalogueEntry]:
    """Every stored catalogue listing, ids as `provider:provider_id`. A listing whose stored
    authors are corrupt is left out and recorded in `skipped`."""
    rows = session.execute(
        select(
            CatalogueEntryRow.provider,
            CatalogueEntryRow.provider_id,
            CatalogueEntryRow.title,
            CatalogueEntryRow.subtitle,
            type_coerce(CatalogueEntryRow.authors, Text),
            CatalogueEntryRow.language,
            CatalogueEntryRow.published_year,
            CatalogueEntryRow.series,
            CatalogueEntryRow.series_position,
            CatalogueEntryRow.asin,
            CatalogueEntryRow.isbn,
        )
    ).all()
    entries: list[CatalogueEntry] = []
    for row in rows:
        listing = catalogue_entry_id(row.provider, row.provider_id)
        try:
            authors = _names(row.authors, "authors")
        except CorruptRow as error:
            _skip(skipped, f"catalogue_entries {listing}", error)
            continue
        entries.append(
            CatalogueEntry(
                id=listing,
                title=row.title,
                authors=authors,
                subtitle=row.subtitle,
                language=row.language,
                published_year=row.published_year,
                series=row.series,
                series_position=row.series_position,
                asin=row.asin,
                isbn=row.isbn,
            )
        )
    return entries


def catalogue_runtimes(session: Session) -> dict[str, float]:
    """Catalogue entry id (`provider:provider_id`) -> the recording's runtime in minutes, for
    the entries that state one."""
    rows = session.execute(
        select(
            CatalogueEntryRow.provider,
            CatalogueEntryRow.provider_id,
            CatalogueEntryRow.runtime_minutes,
        ).where(CatalogueEntryRow.runtime_minutes.is_not(None))
    )
    return {catalogue_entry_id(p, i): float(m) for p, i, m in rows if m is not None}


# --- the library (asset metadata, checks) ---------------------------------------------------


def count_active_books(session: Session) -> int:
    return session.execute(select(func.count()).where(Book.status == "active")).scalar_one()


def books_missing_title_or_author(session: Session, limit: int = 20) -> tuple[int, list[str]]:
    """Active books with no title or no author: their count and a few paths."""
    condition = (Book.status == "active") & or_(
        Book.title.is_(None), Book.title == "", Book.authors.is_(None), Book.authors == []
    )
    count = session.execute(select(func.count()).where(condition)).scalar_one()
    paths = session.execute(select(Book.path).where(condition).order_by(Book.path).limit(limit))
    return count, list(paths.scalars())


def _clock(seconds: float | None) -> str:
    if not seconds:
        return ""
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def library_preview_rows(session: Session, limit: int = 10) -> list[dict[str, Any]]:
    """A few books for the asset's preview table (most recently updated first)."""
    statement = (
        select(
            Book.title,
            Book.authors,
            Book.series,
            Book.series_position,
            Book.narrators,
            Book.duration_seconds,
            Book.codec,
            Book.metadata_source,
            Book.path,
        )
        .where(Book.status == "active")
        .order_by(Book.updated_at.desc(), Book.id.desc())
        .limit(limit)
    )
    out = []
    for row in session.execute(statement):
        series = row.series or ""
        if series and row.series_position:
            series = f"{series} #{row.series_position}"
        sources = sorted(set((row.metadata_source or {}).values()))
        out.append(
            {
                "title": row.title or "",
                "authors": ", ".join(row.authors or []),
                "series": series,
                "narrators": ", ".join(row.narrators or []),
                "duration": _clock(row.duration_seconds),
                "codec": row.codec or "",
                "sources": "+".join(sources),
                "path": row.path,
            }
        )
    return out
