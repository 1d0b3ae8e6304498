"""Merge matched provider records into a book, field by field.

**Precedence.** Each field has an ordered list of providers; the first one whose (matched)
record has a value gives it. The default order is `DEFAULT_PROVIDER_ORDER` (Google Books, Open
Library, Hardcover, Audnexus; setting `metadata_provider_precedence` reorders it), except for the
audiobook fields in `AUDIOBOOK_FIELDS` (narrators, ASIN, series and its position), where Audnexus
— the audio edition itself — comes first. `metadata_field_precedence` overrides any field.
A series and its position always come together from one provider.

**What may be replaced.** Never a field in `books.locked_fields`. A present value is replaced
only by a higher-confidence one:

    folder (guessed from folder names) < providers (by the field's order, last lowest)
                                       < tags, Audiobookshelf, anything unknown (read values)

so an empty field is filled, a guessed one is corrected, a value from a lower provider is
upgraded (or refreshed by its own provider), and what the user's files or Audiobookshelf say is
kept. A value is never replaced by an empty one, and equal values (compared normalised) are
not rewritten, so an unchanged re-run writes nothing.

Pure: no I/O.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from library_pipeline.domain.languages import language_code
from library_pipeline.domain.normalize import (
    author_keys,
    clean_title,
    normalize_text,
    parse_series_position,
    series_key,
)
from library_pipeline.domain.tags import clean_text, normalize_asin, normalize_date
from library_pipeline.domain.work_matching import isbn13

DEFAULT_PROVIDER_ORDER = ("google_books", "open_library", "hardcover", "audnexus")
AUDIOBOOK_FIELDS = frozenset({"narrators", "asin", "series", "series_position"})
# The book columns enrichment may set ("series_position" travels with "series").
MERGE_FIELDS = (
    "title",
    "subtitle",
    "authors",
    "narrators",
    "series",
    "series_position",
    "description",
    "publisher",
    "published_date",
    "language",
    "isbn",
    "asin",
    "genres",
    "cover",
)
LIST_FIELDS = frozenset({"authors", "narrators", "genres"})
# What each provider can give (what enrichment asks a fallback provider for). Open Library and
# Hardcover describe works, not editions: their ISBNs are used for matching, never stored.
PROVIDER_FIELDS: dict[str, frozenset[str]] = {
    "google_books": frozenset(
        {"title", "subtitle", "authors", "publisher", "published_date", "description", "isbn",
         "language", "genres", "cover"}
    ),
    "open_library": frozenset(
        {"title", "subtitle", "authors", "series", "series_position", "published_date",
         "language", "description", "genres", "cover"}
    ),
    "hardcover": frozenset(
        {"title", "subtitle", "authors", "series", "series_position", "published_date",
         "description", "genres", "cover"}
    ),
    "audnexus": frozenset(
        {"title", "subtitle", "authors", "narrators", "series", "series_position", "publisher",
         "published_date", "language", "description", "isbn", "asin", "genres", "cover"}
    ),
}  # fmt: skip
GUESSED_SOURCES = frozenset({"folder"})
MAX_GENRES = 10
# Column widths (VARCHAR(n)): a longer value is not taken (PostgreSQL would refuse the row).
COLUMN_LIMITS = {
    "series_position": 32,
    "language": 16,
    "published_date": 32,
    "isbn": 32,
    "asin": 32,
}


@dataclass(frozen=True)
class FieldChange:
    """One field set on one book, with where the new and the old value came from."""

    field: str
    old: Any
    new: Any
    source: str
    old_source: str | None


# --- values ----------------------------------------------------------------------------------

_BLOCK_TAGS = re.compile(r"<\s*(?:br|/p|/div|/li|p|div|li)\b[^>]*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")


def html_to_text(value: str) -> str:
    """Plain text of a provider's HTML description (paragraphs and <br> become line breaks)."""
    if "<" in value:
        value = _BLOCK_TAGS.sub("\n", value)
        value = _TAGS.sub("", value)
    value = html.unescape(value)
    value = _SPACES.sub(" ", value)
    return _BLANK_LINES.sub("\n", value).strip()


def is_empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


def _unique(values: Sequence[str], limit: int | None = None) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        text = clean_text(str(value)) if value is not None else ""
        key = normalize_text(text)
        if text and key not in seen:
            seen.add(key)
            out.append(text)
    return out[:limit] if limit else out


def clean_value(field: str, value: Any, series: str | None = None) -> Any:
    """A provider value as it would be stored, or None when it is unusable."""
    if is_empty(value):
        return None
    if field in LIST_FIELDS:
        items = _unique(list(value), MAX_GENRES if field == "genres" else None)
        return items or None
    if field == "duration_seconds":
        return float(value) if value else None
    text = clean_text(str(value))
    if field == "description":
        text = html_to_text(text)
    elif field == "title":
        text = clean_title(text, series)
    elif field == "language":
        text = language_code(text) or ""
    elif field == "isbn":
        text = isbn13(text) or ""
    elif field == "asin":
        text = normalize_asin(text) or ""
    elif field == "published_date":
        text = normalize_date(text) or ""
    elif field == "cover" and text.startswith("http://"):
        text = "https://" + text[len("http://") :]
    limit = COLUMN_LIMITS.get(field)
    if not text or (limit and len(text) > limit):
        return None
    return text


def same_value(field: str, a: Any, b: Any) -> bool:
    """Whether two values of `field` say the same (so rewriting one by the other is churn)."""
    if is_empty(a) or is_empty(b):
        return is_empty(a) and is_empty(b)
    if field in ("authors", "narrators"):
        return author_keys(a) == author_keys(b)
    if field == "genres":
        return {normalize_text(g) for g in a} == {normalize_text(g) for g in b}
    if field == "series":
        return series_key(a) == series_key(b)
    if field == "series_position":
        pa, pb = parse_series_position(a), parse_series_position(b)
        return pa == pb if pa is not None and pb is not None else str(a).strip() == str(b).strip()
    if field in ("title", "subtitle", "publisher"):
        return normalize_text(a) == normalize_text(b)
    if field == "isbn":
        return isbn13(a) == isbn13(b)
    if field == "language":
        return language_code(a) == language_code(b)
    return str(a).strip() == str(b).strip()


# --- precedence ------------------------------------------------------------------------------


def field_precedence(
    order: Sequence[str] = DEFAULT_PROVIDER_ORDER,
    overrides: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, tuple[str, ...]]:
    """Provider order per field (documented in the module doc); only providers in `order`."""
    base = tuple(order)
    audio_first = (
        ("audnexus", *(p for p in base if p != "audnexus")) if "audnexus" in base else base
    )
    out = {f: (audio_first if f in AUDIOBOOK_FIELDS else base) for f in MERGE_FIELDS}
    for name, providers in (overrides or {}).items():
        if name in out:
            out[name] = tuple(p for p in providers if p in base)
    out["series_position"] = out["series"]
    return out


def _rank(source: str | None, order: Sequence[str]) -> int | None:
    return order.index(source) if source in order else None


def may_replace(
    current: Any, current_source: str | None, new_source: str, order: Sequence[str]
) -> bool:
    """Whether a value from `new_source` may replace `current` (see the module doc)."""
    if is_empty(current) or current_source in GUESSED_SOURCES:
        return True
    new_rank = _rank(new_source, order)
    current_rank = _rank(current_source, order)
    if current_rank is not None and new_rank is not None:
        return new_rank <= current_rank
    # A provider that is no longer trusted for this field ranks below every trusted one.
    return current_source in DEFAULT_PROVIDER_ORDER and new_rank is not None


# --- the merge -------------------------------------------------------------------------------


def _offers(
    field: str, records: Mapping[str, Any], order: Sequence[str], series: str | None
) -> list[tuple[str, Any]]:
    out = []
    for provider in order:
        record = records.get(provider)
        if record is None:
            continue
        value = clean_value(field, getattr(record, field, None), series)
        if not is_empty(value):
            out.append((provider, value))
    return out


def merge_records(
    current: Mapping[str, Any],
    sources: Mapping[str, str],
    locked: Collection[str],
    records: Mapping[str, Any],
    precedence: Mapping[str, Sequence[str]],
) -> list[FieldChange]:
    """The changes that bring `current` (a book's column values) up to the matched `records`
    (provider name → record), following the rules in the module doc."""
    changes: list[FieldChange] = []
    for field in MERGE_FIELDS:
        if field in ("series", "series_position") or field in locked:
            continue
        order = precedence.get(field, ())
        offers = _offers(field, records, order, current.get("series"))
        if not offers:
            continue
        provider, value = offers[0]
        old, old_source = current.get(field), sources.get(field)
        if may_replace(old, old_source, provider, order) and not same_value(field, old, value):
            changes.append(FieldChange(field, old, value, provider, old_source))
    changes.extend(_merge_series(current, sources, locked, records, precedence))
    return changes


def _merge_series(
    current: Mapping[str, Any],
    sources: Mapping[str, str],
    locked: Collection[str],
    records: Mapping[str, Any],
    precedence: Mapping[str, Sequence[str]],
) -> list[FieldChange]:
    if "series" in locked or "series_position" in locked:
        return []
    order = precedence.get("series", ())
    offers = _offers("series", records, order, None)
    if not offers:
        return []
    provider, series = offers[0]
    position = clean_value("series_position", getattr(records[provider], "series_position", None))
    old_series, old_position = current.get("series"), current.get("series_position")
    series_source = sources.get("series")
    position_source = sources.get("series_position")
    out: list[FieldChange] = []
    if same_value("series", old_series, series) or not may_replace(
        old_series, series_source, provider, order
    ):
        # Same series (or one we keep): at most its position is filled or upgraded.
        if (
            position is not None
            and same_value("series", old_series, series)
            and may_replace(old_position, position_source, provider, order)
            and not same_value("series_position", old_position, position)
        ):
            out.append(
                FieldChange("series_position", old_position, position, provider, position_source)
            )
        return out
    if position is None and not is_empty(old_position):
        return []  # the new series would keep the old series' position: take neither
    out.append(FieldChange("series", old_series, series, provider, series_source))
    if not same_value("series_position", old_position, position):
        out.append(
            FieldChange("series_position", old_position, position, provider, position_source)
        )
    return out


def apply_changes(
    current: Mapping[str, Any], sources: Mapping[str, str], changes: Sequence[FieldChange]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The book's values and `metadata_source` after `changes`."""
    values = dict(current)
    new_sources = dict(sources)
    for change in changes:
        values[change.field] = change.new
        new_sources[change.field] = change.source
    return values, new_sources
