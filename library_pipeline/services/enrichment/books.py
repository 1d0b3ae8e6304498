"""The books of a run: what was read at the start, what the providers said, what to write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.clients.records import BookRecord
from library_pipeline.domain.completeness import (
    COMPLETENESS_FIELDS,
    FIELD_COLUMNS,
    completeness_percent,
)
from library_pipeline.domain.metadata_merge import (
    MERGE_FIELDS,
    PROVIDER_FIELDS,
    FieldChange,
    is_empty,
)
from library_pipeline.domain.work_matching import BookQuery
from library_pipeline.services.enrichment.options import EnrichmentOptions
from library_pipeline.services.enrichment.results import BookResult, BookStatus
from library_pipeline.storage.models import Book

READ_COLUMNS = (
    "id",
    *MERGE_FIELDS,
    "duration_seconds",
    "metadata_source",
    "locked_fields",
    "metadata_completeness_percent",
    "last_enriched_at",
)


@dataclass
class BookSnapshot:
    """A book's columns as read at the start of the run."""

    id: int
    values: dict[str, Any]
    sources: dict[str, str]
    locked: list[str]
    stored_completeness: float
    last_enriched_at: datetime | None

    def own(self, name: str) -> Any:
        """The value unless a provider gave it (an identifier a provider derived from a title
        search is no independent evidence, and asking by it would change the requests of an
        otherwise unchanged re-run, which the HTTP cache could not answer)."""
        return None if self.sources.get(name) in PROVIDER_FIELDS else self.values.get(name)

    def query(self) -> BookQuery:
        v = self.values
        return BookQuery(
            title=v.get("title") or "",
            authors=tuple(v.get("authors") or ()),
            series=v.get("series"),
            series_position=v.get("series_position"),
            language=v.get("language"),
            isbn=self.own("isbn"),
            asin=self.own("asin"),
            duration_seconds=v.get("duration_seconds"),
        )


@dataclass
class Lookup:
    """What the providers said about one book.

    `via` names, per matched provider, the request the record came from (provenance: "isbn",
    "title search", "author listing 'Pierce Brown'", "batch of 50 titles" ...).
    """

    records: dict[str, BookRecord] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)  # asked and answered (match or not)
    via: dict[str, str] = field(default_factory=dict)


@dataclass
class BookOutcome:
    """One book's result: the changes to write and what to report."""

    book_id: int
    changes: list[FieldChange]
    values: dict[str, Any]
    sources: dict[str, str]
    completeness_before: float
    completeness_after: float
    errors: list[str]
    notes: list[str]
    matched: list[str]
    complete: bool  # every provider asked answered: the book counts as enriched now
    failed: bool  # nothing could be learned: every provider failed or was skipped
    via: dict[str, str] = field(default_factory=dict)

    @property
    def sources_used(self) -> list[str]:
        return sorted({c.source for c in self.changes})

    def as_result(self, run_id: str, status: BookStatus) -> BookResult:
        return BookResult(
            book_id=self.book_id,
            status=status,
            run_id=run_id,
            fields_updated=[c.field for c in self.changes],
            sources_used=self.sources_used,
            completeness_before=self.completeness_before,
            completeness_after=self.completeness_after,
            errors=list(self.errors),
            notes=list(self.notes),
            matched=list(self.matched),
            via=dict(self.via),
        )

    @classmethod
    def failure(cls, snapshot: BookSnapshot, message: str) -> BookOutcome:
        """A book whose lookup broke: nothing changes, the error is kept."""
        before = completeness_percent(snapshot.values)
        return cls(
            book_id=snapshot.id,
            changes=[],
            values=snapshot.values,
            sources=snapshot.sources,
            completeness_before=before,
            completeness_after=before,
            errors=[message],
            notes=[],
            matched=[],
            complete=False,
            failed=True,
        )


def _snapshot(row: Any) -> BookSnapshot:
    data = row._mapping
    values = {name: data[name] for name in (*MERGE_FIELDS, "duration_seconds")}
    return BookSnapshot(
        id=data["id"],
        values=values,
        sources=dict(data["metadata_source"] or {}),
        locked=list(data["locked_fields"] or []),
        stored_completeness=data["metadata_completeness_percent"] or 0.0,
        last_enriched_at=data["last_enriched_at"],
    )


def load_snapshots(session: Session, book_ids: Sequence[int] | None = None) -> list[BookSnapshot]:
    """The active books (or those of `book_ids`), read in one short transaction."""
    columns = [getattr(Book, name) for name in READ_COLUMNS]
    statement = select(*columns).where(Book.status == "active")
    if book_ids is not None:
        statement = statement.where(Book.id.in_(list(book_ids)))
    rows = session.execute(statement.order_by(Book.id)).all()
    session.commit()  # end the read transaction: nothing is held open during the lookups
    return [_snapshot(row) for row in rows]


def is_fresh(snapshot: BookSnapshot, options: EnrichmentOptions, now: datetime) -> bool:
    enriched = snapshot.last_enriched_at
    return enriched is not None and now - enriched < options.freshness


SERIES_KEEPERS = frozenset({"audnexus", "hardcover"})


def wanted_fields(snapshot: BookSnapshot, records: dict[str, BookRecord]) -> set[str]:
    """Columns still worth asking another provider for: those of every completeness field
    (`domain.completeness`) that neither the book nor a matched record has, and the series."""

    def missing(name: str) -> bool:
        return (
            name not in snapshot.locked
            and is_empty(snapshot.values.get(name))
            and all(is_empty(getattr(r, name, None)) for r in records.values())
        )

    wanted: set[str] = set()
    for name in COMPLETENESS_FIELDS:
        columns = FIELD_COLUMNS[name]
        if all(missing(column) for column in columns):
            wanted.update(columns)
    # A book Audnexus or Hardcover knows and gives no series is a standalone: both keep a
    # book's series with the book (the audio edition's, the curated `book_series`), so there is
    # no need to look further.
    if not records.keys() & SERIES_KEEPERS and missing("series"):
        wanted.add("series")
    return wanted
