"""Owned books as the finder sees them: author keys, title keys, series slots (from tags, else
from the folder path) and identifiers, computed once per book."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from library_pipeline.domain.gaps.grouping import SeriesSlot
from library_pipeline.domain.gaps.keys import normalize_id, series_slots, title_keys_each
from library_pipeline.domain.gaps.models import OwnedBook
from library_pipeline.domain.normalize import author_keys, author_loose_keys

# ruff: noqa: RUF001  # an en dash separates a position from a title in folder names

_PATH_POSITION_RE = re.compile(r"^(?:book\s*)?(\d{1,3}(?:\.\d+)?)\s*[-–.:]\s*\S", re.IGNORECASE)


def series_from_path(path: str | None) -> tuple[str | None, str | None]:
    """Series and position from a folder path "Author/Series/2.0 - Title" (else None, None)."""
    if not path:
        return None, None
    parts = [p for p in path.replace("\\", "/").split("/") if p.strip()]
    if len(parts) < 3:
        return None, None
    m = _PATH_POSITION_RE.match(parts[-1].strip())
    if not m:
        return None, None
    return parts[-2].strip(), m.group(1)


@dataclass(slots=True)
class OwnedInfo:
    """One owned book's matching features: full and loose author keys, strong and weak title
    keys, series slots and normalised ASIN/ISBN."""

    book: OwnedBook
    full: frozenset[str]
    loose: frozenset[str]
    strong: frozenset[str]
    weak: frozenset[str]
    slots: tuple[SeriesSlot, ...]
    ids: tuple[str, ...]


def owned_infos(owned: Sequence[OwnedBook]) -> list[OwnedInfo]:
    """Matching features of the owned books (titles keyed in bulk)."""
    places: list[tuple[str | None, str | None]] = []
    for book in owned:
        series, position = book.series, book.series_position
        if not series and book.path:
            series, path_position = series_from_path(book.path)
            position = position or path_position
        places.append((series, position))
    titles = title_keys_each(
        [(book.title, None, series) for book, (series, _pos) in zip(owned, places, strict=True)]
    )
    authors: dict[tuple[str, ...], tuple[frozenset[str], frozenset[str]]] = {}
    slots: dict[tuple[str | None, str | None], tuple[SeriesSlot, ...]] = {}
    out: list[OwnedInfo] = []
    for book, place, (strong, weak) in zip(owned, places, titles, strict=True):
        keys = authors.get(book.authors)
        if keys is None:
            keys = authors[book.authors] = (
                author_keys(book.authors),
                author_loose_keys(book.authors),
            )
        book_slots = slots.get(place)
        if book_slots is None:
            book_slots = slots[place] = series_slots(*place)
        ids = tuple(i for i in (normalize_id(book.asin), normalize_id(book.isbn)) if i)
        out.append(OwnedInfo(book, keys[0], keys[1], strong, weak, book_slots, ids))
    return out
