"""How complete a book's metadata is: `books.metadata_completeness_percent`.

The percentage of these fields that have a value, each counting equally:

    title, authors, narrators, description, publisher, published_date, language, genres,
    cover, identifier (an ISBN or an ASIN)

Left out on purpose: `series` (a standalone book has none, and must not look incomplete),
`subtitle` (most books have none) and the audio facts (`duration_seconds`, `bitrate`, `codec`),
which the scanner reads from the files rather than describes.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from library_pipeline.domain.metadata_merge import is_empty

COMPLETENESS_FIELDS = (
    "title",
    "authors",
    "narrators",
    "description",
    "publisher",
    "published_date",
    "language",
    "genres",
    "cover",
    "identifier",
)
# The book columns behind each field: one of them with a value makes the field present.
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    name: ("isbn", "asin") if name == "identifier" else (name,) for name in COMPLETENESS_FIELDS
}


def _present(values: Mapping[str, Any], field: str) -> bool:
    return any(not is_empty(values.get(column)) for column in FIELD_COLUMNS[field])


def missing_fields(values: Mapping[str, Any]) -> list[str]:
    """The completeness fields `values` lacks, in the documented order."""
    return [f for f in COMPLETENESS_FIELDS if not _present(values, f)]


def completeness_percent(values: Mapping[str, Any]) -> float:
    """Share of `COMPLETENESS_FIELDS` present, 0.0-100.0, one decimal."""
    present = len(COMPLETENESS_FIELDS) - len(missing_fields(values))
    return round(100.0 * present / len(COMPLETENESS_FIELDS), 1)
