"""Which series and authors to ask the providers about: built from the owned books alone."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from library_pipeline.domain.gaps.models import OwnedBook
from library_pipeline.domain.normalize import author_loose_key, series_key, split_authors, title_key


def owned_series(owned: Iterable[OwnedBook]) -> dict[str, str]:
    """Series key → the series' most common display name among owned books."""
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for book in owned:
        if book.series:
            names[series_key(book.series)][book.series.strip()] += 1
    return {key: counter.most_common(1)[0][0] for key, counter in names.items() if key}


def owned_authors(owned: Iterable[OwnedBook]) -> dict[str, tuple[str, int]]:
    """Author loose key → (display name, number of distinct owned titles).

    Names come from ``split_authors``, already in "First Last" order (the one "Last, First"
    rule): providers search by the name as printed.
    """
    names: dict[str, Counter[str]] = defaultdict(Counter)
    titles: dict[str, set[str]] = defaultdict(set)
    for book in owned:
        for raw in book.authors:
            for name in split_authors(raw):
                key = author_loose_key(name)
                if key:
                    names[key][name] += 1
                    titles[key].add(title_key(book.title, book.series))
    return {key: (names[key].most_common(1)[0][0], len(titles[key])) for key in names}


def _series_authors(owned: Iterable[OwnedBook], series_keys: set[str]) -> set[str]:
    """Loose keys of the authors of owned books in these series."""
    return {
        author_loose_key(a)
        for b in owned
        if b.series and series_key(b.series) in series_keys
        for a in b.authors
    }


def catalogue_queries(
    owned: Sequence[OwnedBook],
    min_books_threshold: int,
    series_names: Sequence[str] | None = None,
    author_names: Sequence[str] | None = None,
) -> tuple[list[str], list[str]]:
    """The series and authors whose books to list.

    Series: every owned series. Authors: those with at least `min_books_threshold` owned books,
    and the authors of owned series too (their bibliographies carry the series entries when
    the series query itself is unavailable, e.g. without a Hardcover token). ``series_names``
    / ``author_names`` narrow the lists to those (one alone: only its own kind, plus a series'
    authors).
    """
    series = owned_series(owned)
    authors = owned_authors(owned)
    wanted_series = {series_key(s) for s in series_names or ()}
    wanted_authors = {author_loose_key(a) for a in author_names or ()}
    series_keys = set(series) if not series_names else set(series) & wanted_series
    author_keys = {k for k, (_, n) in authors.items() if n >= min_books_threshold}
    author_keys |= _series_authors(owned, series_keys)
    if author_names:
        author_keys = {k for k in author_keys | wanted_authors if k in wanted_authors}
        if not series_names:
            series_keys = set()
    elif series_names:
        author_keys = _series_authors(owned, series_keys)
    return (
        sorted(series[k] for k in series_keys),
        sorted(authors[k][0] for k in author_keys if k in authors),
    )


def series_author_names(owned: Sequence[OwnedBook]) -> dict[str, set[str]]:
    """Each owned series' display name (as ``catalogue_queries`` lists it) → the display names
    of its authors (as listed there too)."""
    series = owned_series(owned)
    authors = owned_authors(owned)
    out: dict[str, set[str]] = defaultdict(set)
    for book in owned:
        name = series.get(series_key(book.series)) if book.series else None
        if name is None:
            continue
        for raw in book.authors:
            for person in split_authors(raw):
                key = author_loose_key(person)
                if key in authors:
                    out[name].add(authors[key][0])
    return dict(out)
