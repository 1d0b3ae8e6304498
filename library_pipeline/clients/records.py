"""The typed records every metadata client returns, whatever its wire format.

- `BookRecord`: one provider's view of one book, for enrichment (every field it can give,
  normalised: ISO 639-1 language, ISO date prefix, plain-text description, ISBN-13 first).
- `CatalogueRecord`: one book of an author's bibliography or a series, for the gap finder; its
  fields are the `catalogue_entries` columns (`as_row` adds the query it answered).
- `Listing`: the records one request (or its pages) listed for many books at once, and whether
  the list is complete (a book not in a complete listing is not at that provider).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from library_pipeline.storage.models import utcnow

QueryKind = Literal["series", "author"]


class CatalogueRecord(BaseModel):
    """One provider's record of a book in a series or bibliography."""

    model_config = ConfigDict(frozen=True)

    provider: str
    provider_id: str
    title: str
    subtitle: str | None = None
    authors: list[str] = Field(default_factory=list)
    language: str | None = None  # ISO 639-1 where known
    published_year: int | None = None
    series: str | None = None
    series_position: str | None = None  # "1", "1.5", "1-3" (omnibus) as the provider says
    asin: str | None = None
    isbn: str | None = None
    runtime_minutes: float | None = None  # the recording's length, when the provider says

    def as_row(self, query_kind: QueryKind, query_value: str) -> dict[str, Any]:
        """Column values of a `CatalogueEntry` for this record."""
        return {
            **self.model_dump(),
            "query_kind": query_kind,
            "query_value": query_value,
            "fetched_at": utcnow(),
        }


class BookRecord(BaseModel):
    """One provider's description of one book (or work), as enrichment uses it."""

    model_config = ConfigDict(frozen=True)

    provider: str
    provider_id: str
    title: str
    subtitle: str | None = None
    authors: list[str] = Field(default_factory=list)
    narrators: list[str] = Field(default_factory=list)
    series: str | None = None
    series_position: str | None = None
    # The record's language when it has one; `languages` lists every language a work-level
    # record (Open Library) has editions in, for matching only.
    language: str | None = None
    languages: list[str] = Field(default_factory=list)
    publisher: str | None = None
    published_date: str | None = None  # "2018", "2018-12", "2018-12-11"
    description: str | None = None
    isbn: str | None = None  # the preferred one (ISBN-13 first)
    isbns: list[str] = Field(default_factory=list)  # every ISBN, for identity matching
    asin: str | None = None
    genres: list[str] = Field(default_factory=list)
    cover: str | None = None
    duration_seconds: float | None = None  # the provider's runtime (matching only)
    # Provider-specific handle for a follow-up call (e.g. Open Library's work key).
    detail_key: str | None = None

    @property
    def published_year(self) -> int | None:
        if self.published_date and self.published_date[:4].isdigit():
            return int(self.published_date[:4])
        return None

    def to_catalogue(self) -> CatalogueRecord:
        return CatalogueRecord(
            provider=self.provider,
            provider_id=self.provider_id,
            title=self.title,
            subtitle=self.subtitle,
            authors=list(self.authors),
            language=self.language,
            published_year=self.published_year,
            series=self.series,
            series_position=self.series_position,
            asin=self.asin,
            isbn=self.isbn,
            runtime_minutes=self.duration_seconds / 60 if self.duration_seconds else None,
        )


class Listing(BaseModel):
    """What an author listing (or a batch) answered: the records, whether they are all of them,
    and the request they came from (for provenance)."""

    model_config = ConfigDict(frozen=True)

    records: list[BookRecord]
    complete: bool
    request: str
