"""What the user owns and what the catalogue lists, loaded from the library DB as the gap
finder's value objects (one query each)."""

from __future__ import annotations

import contextlib
import os

from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.domain.gaps.models import CatalogueEntry, OwnedBook
from library_pipeline.storage.models import Book
from library_pipeline.storage.models import CatalogueEntry as CatalogueRow


def load_owned_books(session: Session) -> list[OwnedBook]:
    """Every active book with a title, its path relative to its library root."""
    rows = session.execute(
        select(
            Book.title,
            Book.authors,
            Book.series,
            Book.series_position,
            Book.narrators,
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
        owned.append(
            OwnedBook(
                title=title,
                authors=tuple(authors or ()),
                series=series,
                series_position=position,
                narrators=tuple(narrators or ()),
                path=relative,
                asin=asin,
                isbn=isbn,
            )
        )
    return owned


def catalogue_entry_id(provider: str, provider_id: str) -> str:
    return f"{provider}:{provider_id}"


def load_catalogue(session: Session) -> list[CatalogueEntry]:
    """Every stored catalogue listing, ids as `provider:provider_id`."""
    rows = session.execute(
        select(
            CatalogueRow.provider,
            CatalogueRow.provider_id,
            CatalogueRow.title,
            CatalogueRow.subtitle,
            CatalogueRow.authors,
            CatalogueRow.language,
            CatalogueRow.published_year,
            CatalogueRow.series,
            CatalogueRow.series_position,
            CatalogueRow.asin,
            CatalogueRow.isbn,
        )
    ).all()
    return [
        CatalogueEntry(
            id=catalogue_entry_id(provider, provider_id),
            title=title,
            authors=tuple(authors or ()),
            subtitle=subtitle,
            language=language,
            published_year=year,
            series=series,
            series_position=position,
            asin=asin,
            isbn=isbn,
        )
        for (
            provider,
            provider_id,
            title,
            subtitle,
            authors,
            language,
            year,
            series,
            position,
            asin,
            isbn,
        ) in rows
    ]
