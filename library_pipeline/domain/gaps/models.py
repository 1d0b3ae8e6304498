"""Value objects of gap detection (frozen, slotted dataclasses: a million of them must be cheap)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

SERIES_GAP = "series_gap"
AUTHOR_GAP = "author_gap"


@dataclass(frozen=True, slots=True)
class OwnedBook:
    """A book the user has, as found in tags or folder names (noise and all)."""

    title: str
    authors: tuple[str, ...]
    series: str | None = None
    series_position: str | None = None
    narrators: tuple[str, ...] = ()
    path: str | None = None
    asin: str | None = None
    isbn: str | None = None


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """One provider listing: an edition, a box set, a translation, a summary..."""

    id: str
    title: str
    authors: tuple[str, ...]
    subtitle: str | None = None
    language: str | None = None
    published_year: int | None = None
    series: str | None = None
    series_position: str | None = None
    asin: str | None = None
    isbn: str | None = None


@dataclass(frozen=True, slots=True)
class MissingBook:
    """One missing book (never one edition), with every catalogue entry that is it."""

    title: str
    authors: tuple[str, ...]
    series: str | None
    series_position: str | None
    reasons: tuple[str, ...]
    priority: int
    catalogue_ids: tuple[str, ...]
    evidence: str
    # The numbering scheme of ``series_position`` when the series has two ("publication" or
    # "chronological"); None when it has one.
    numbering: str | None = None


@dataclass(frozen=True, slots=True)
class GapSettings:
    """What counts as missing.

    ``as_of``: books published after this date's year are "not yet out" (default: today).
    ``languages``: ISO 639-1 codes the user reads. owned.json carries no language, so the
    "languages of the owned books" cannot be observed; the default is therefore ``("en",)``.
    ``min_books_threshold``: owned books by an author before their other books count as gaps.
    ``include_novellas``: whether x.5-style entries between main entries count.
    """

    as_of: date = field(default_factory=date.today)
    languages: tuple[str, ...] = ("en",)
    min_books_threshold: int = 2
    include_novellas: bool = False


MISSING = "missing"
OWNED = "owned"
EXCLUDED = "excluded"


@dataclass(frozen=True, slots=True)
class Decision:
    """One catalogue listing's fate in a run: ``decision`` is "missing", "owned" or "excluded";
    ``book`` the work it was matched to (None when it matched none); ``reason`` why, in words."""

    id: str
    decision: str
    book: str | None
    reason: str
