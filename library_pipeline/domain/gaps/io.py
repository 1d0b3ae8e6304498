"""owned.json / catalogue.json → models, and MissingBook list → missing.json shape.

Formats: library_pipeline_tests/contracts/gaps/README.md. Validation is strict: a wrong file raises
``GapsInputError`` naming the file, the entry index and the field. Parsing works on already
decoded JSON values (reading files is the caller's business) so this module stays pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from library_pipeline.domain.gaps.models import CatalogueEntry, MissingBook, OwnedBook


class GapsInputError(ValueError):
    """An input file is not in the contract's shape; the message is one line for the user."""


def _fail(file: str, index: int, field: str, problem: str) -> GapsInputError:
    return GapsInputError(f'{file}: entry {index}: field "{field}" {problem}')


def _str(obj: dict[str, Any], key: str, file: str, i: int, *, required: bool) -> str | None:
    if key not in obj:
        if required:
            raise _fail(file, i, key, "is missing")
        return None
    value = obj[key]
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise _fail(file, i, key, "must be a string" + ("" if required else " or null"))
    return value


def _str_list(
    obj: dict[str, Any], key: str, file: str, i: int, *, required: bool
) -> tuple[str, ...]:
    if key not in obj or (obj[key] is None and not required):
        if required:
            raise _fail(file, i, key, "is missing")
        return ()
    value = obj[key]
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise _fail(file, i, key, "must be a list of strings")
    return tuple(value)


def _entries(data: Any, file: str) -> Sequence[dict[str, Any]]:
    if not isinstance(data, list):
        raise GapsInputError(f"{file}: must be a JSON array of objects, got {type(data).__name__}")
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise GapsInputError(f"{file}: entry {i}: must be an object, got {type(item).__name__}")
    return data


def parse_owned(data: Any, file: str = "owned.json") -> list[OwnedBook]:
    """Decoded owned.json → OwnedBook list (raises GapsInputError)."""
    out: list[OwnedBook] = []
    for i, obj in enumerate(_entries(data, file)):
        out.append(
            OwnedBook(
                title=_str(obj, "title", file, i, required=True) or "",
                authors=_str_list(obj, "authors", file, i, required=True),
                series=_str(obj, "series", file, i, required=False),
                series_position=_str(obj, "series_position", file, i, required=False),
                narrators=_str_list(obj, "narrators", file, i, required=False),
                path=_str(obj, "path", file, i, required=False),
                asin=_str(obj, "asin", file, i, required=False),
                isbn=_str(obj, "isbn", file, i, required=False),
            )
        )
    return out


def parse_catalogue(data: Any, file: str = "catalogue.json") -> list[CatalogueEntry]:
    """Decoded catalogue.json → CatalogueEntry list (raises GapsInputError; ids must be unique)."""
    out: list[CatalogueEntry] = []
    seen: set[str] = set()
    for i, obj in enumerate(_entries(data, file)):
        entry_id = _str(obj, "id", file, i, required=True) or ""
        if entry_id in seen:
            raise _fail(file, i, "id", f"must be unique, {entry_id!r} repeats")
        seen.add(entry_id)
        year = obj.get("published_year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise _fail(file, i, "published_year", "must be an integer or null")
        out.append(
            CatalogueEntry(
                id=entry_id,
                title=_str(obj, "title", file, i, required=True) or "",
                authors=_str_list(obj, "authors", file, i, required=True),
                subtitle=_str(obj, "subtitle", file, i, required=False),
                language=_str(obj, "language", file, i, required=False),
                published_year=year,
                series=_str(obj, "series", file, i, required=False),
                series_position=_str(obj, "series_position", file, i, required=False),
                asin=_str(obj, "asin", file, i, required=False),
                isbn=_str(obj, "isbn", file, i, required=False),
            )
        )
    return out


def missing_to_json(books: Sequence[MissingBook]) -> list[dict[str, Any]]:
    """MissingBook list → the missing.json array (field order as in the contract; the scheme
    of a position in a series with two is named in ``evidence``)."""
    return [
        {
            "title": b.title,
            "authors": list(b.authors),
            "series": b.series,
            "series_position": b.series_position,
            "reasons": list(b.reasons),
            "priority": b.priority,
            "catalogue_ids": list(b.catalogue_ids),
            "evidence": b.evidence,
        }
        for b in books
    ]
