"""Series and author gaps: fetch the catalogue of what the user owns (``catalogue``), find the
missing books and keep `missing_books` in step (``record``); the finder on several processes
(``parallel``).

Entry points: `fetch_gap_catalogue`, `find_missing_books` (and its series/author halves),
`missing_books_owned`.
"""

from library_pipeline.services.gaps.catalogue import (
    CatalogueResult,
    fetch_gap_catalogue,
    last_unchecked,
    store_catalogue,
)
from library_pipeline.services.gaps.record import (
    AUTHOR_SOURCE,
    SERIES_SOURCE,
    GapsResult,
    default_languages,
    find_missing_author_books,
    find_missing_books,
    find_missing_series_books,
    gap_settings,
    last_decisions,
    missing_books_owned,
    record_missing,
    summary,
)

__all__ = [
    "AUTHOR_SOURCE",
    "SERIES_SOURCE",
    "CatalogueResult",
    "GapsResult",
    "default_languages",
    "fetch_gap_catalogue",
    "find_missing_author_books",
    "find_missing_books",
    "find_missing_series_books",
    "gap_settings",
    "last_decisions",
    "last_unchecked",
    "missing_books_owned",
    "record_missing",
    "store_catalogue",
    "summary",
]
