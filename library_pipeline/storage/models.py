"""SQLAlchemy 2 models of the library database (DuckDB embedded, PostgreSQL at scale).

Authors, narrators, genres and series live as JSON lists / strings on `books` rather than in
tables of their own: every source (tags, folder names, Audiobookshelf, providers) hands them over
as ordered lists of display strings, the gap finder matches them through normalised keys computed
on the fly, and one wide row keeps the 10k-book scan a single bulk upsert on both engines.
The one place a normalised key must be stored, `missing_books.match_key`, has its own column.

Integer primary keys carry an explicit `Sequence`: DuckDB has no SERIAL/IDENTITY.
Lookup indexes on columns that get updated while a foreign key references their row
(`books.asin/isbn/abs_item_id`, `missing_books.status`) are created by the migration on
PostgreSQL only: DuckDB runs such an UPDATE as delete + insert and its foreign-key check
rejects it. They are therefore not declared here.
Every schema change is a hand-written Alembic revision in `storage/migrations/versions/`
(autogenerate does not work on duckdb-engine); `test_migrations` checks they match these models.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Integer,
    Sequence,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy import Text as PlainText
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Every string column stores text both databases accept (lone surrogates, NUL: storage/text.py).
from library_pipeline.storage.text import CleanString as String
from library_pipeline.storage.text import CleanText as Text
from library_pipeline.storage.text import clean_text, repair_instance


def utcnow() -> datetime:
    """Timezone-naive UTC now: both engines store naive timestamps the same way."""
    return datetime.now(UTC).replace(tzinfo=None)


class JSONText(TypeDecorator[Any]):
    """JSON kept as TEXT: portable across DuckDB and PostgreSQL, no JSON extension needed."""

    impl = PlainText
    cache_ok = True
    holds_json = True  # its values are cleaned and recorded like text (storage/text.py)

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return clean_text(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)


class Base(DeclarativeBase):
    pass


# Text repairs are recorded in the row's `text_repairs` column (where the table has one).
event.listen(Base, "before_insert", repair_instance, propagate=True)
event.listen(Base, "before_update", repair_instance, propagate=True)


def _id(table: str) -> Mapped[int]:
    return mapped_column(Integer, Sequence(f"{table}_id_seq"), primary_key=True)


class Book(Base):
    """One audiobook the user owns (a single file or a folder of chapter files)."""

    __tablename__ = "books"

    id: Mapped[int] = _id("books")
    path: Mapped[str] = mapped_column(String, unique=True)
    library_root: Mapped[str | None] = mapped_column(String)
    source: Mapped[str] = mapped_column(String(32), default="folder")  # folder | audiobookshelf
    abs_item_id: Mapped[str | None] = mapped_column(String)
    title: Mapped[str | None] = mapped_column(String)
    subtitle: Mapped[str | None] = mapped_column(String)
    authors: Mapped[list[str]] = mapped_column(JSONText, default=list)
    narrators: Mapped[list[str]] = mapped_column(JSONText, default=list)
    series: Mapped[str | None] = mapped_column(String)
    series_position: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16))
    publisher: Mapped[str | None] = mapped_column(String)
    published_date: Mapped[str | None] = mapped_column(String(32))  # "2014", "2014-05", ...
    description: Mapped[str | None] = mapped_column(Text)
    isbn: Mapped[str | None] = mapped_column(String(32))
    asin: Mapped[str | None] = mapped_column(String(32))
    genres: Mapped[list[str]] = mapped_column(JSONText, default=list)
    duration_seconds: Mapped[float | None] = mapped_column(Double)
    bitrate: Mapped[int | None] = mapped_column(Integer)
    codec: Mapped[str | None] = mapped_column(String(32))
    cover: Mapped[str | None] = mapped_column(String)  # a path or URL
    metadata_source: Mapped[dict[str, str]] = mapped_column(JSONText, default=dict)
    # Field → what another source said where it disagreed with the value kept ("folder: …").
    metadata_alternatives: Mapped[dict[str, str] | None] = mapped_column(JSONText, default=dict)
    # Packaging read from titles ("(Unabridged)", "(Dramatized Adaptation)").
    unabridged: Mapped[bool | None] = mapped_column(Boolean, default=False)
    dramatized: Mapped[bool | None] = mapped_column(Boolean, default=False)
    metadata_completeness_percent: Mapped[float] = mapped_column(Double, default=0.0)
    locked_fields: Mapped[list[str]] = mapped_column(JSONText, default=list)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | removed
    last_enriched_at: Mapped[datetime | None] = mapped_column(DateTime)
    enrichment_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)
    text_repairs: Mapped[list[str] | None] = mapped_column(JSONText)  # storage/text.py


class BookFile(Base):
    """One audio (or extra) file of a book, with the fingerprint that makes re-scans cheap."""

    __tablename__ = "book_files"

    id: Mapped[int] = _id("book_files")
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id"), index=True)
    path: Mapped[str] = mapped_column(String, unique=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    track_index: Mapped[int] = mapped_column(Integer, default=0)
    format: Mapped[str | None] = mapped_column(String(16))
    codec: Mapped[str | None] = mapped_column(String(32))
    duration_seconds: Mapped[float | None] = mapped_column(Double)
    bitrate: Mapped[int | None] = mapped_column(Integer)
    tags: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="active")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ScanIssue(Base):
    """A file or folder the scan could not read, with why; resolved when it reads again."""

    __tablename__ = "scan_issues"

    id: Mapped[int] = _id("scan_issues")
    path: Mapped[str] = mapped_column(String, unique=True)
    reason: Mapped[str] = mapped_column(Text)
    # For an unreadable file: "size:mtime_ns" when it failed; a re-scan skips it while unchanged.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    first_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)


class MetadataCorrection(Base):
    """One field changed on one book by one run: the audit trail and the undo record."""

    __tablename__ = "metadata_corrections"

    id: Mapped[int] = _id("metadata_corrections")
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id"), index=True)
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[Any] = mapped_column(JSONText, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSONText, nullable=True)
    source: Mapped[str] = mapped_column(String(32))
    # The field's `metadata_source` before the change, so a revert restores it too.
    old_source: Mapped[str | None] = mapped_column(String(32))
    run_id: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reverted_at: Mapped[datetime | None] = mapped_column(DateTime)


class CatalogueEntryRow(Base):
    """One provider's record of a book in a series or bibliography (gap finding input)."""

    __tablename__ = "catalogue_entries"
    __table_args__ = (UniqueConstraint("provider", "provider_id"),)

    id: Mapped[int] = _id("catalogue_entries")
    provider: Mapped[str] = mapped_column(String(32))
    provider_id: Mapped[str] = mapped_column(String)
    query_kind: Mapped[str] = mapped_column(String(16))  # series | author
    query_value: Mapped[str] = mapped_column(String, index=True)
    title: Mapped[str] = mapped_column(String)
    subtitle: Mapped[str | None] = mapped_column(String)
    authors: Mapped[list[str]] = mapped_column(JSONText, default=list)
    language: Mapped[str | None] = mapped_column(String(16))
    published_year: Mapped[int | None] = mapped_column(Integer)
    series: Mapped[str | None] = mapped_column(String)
    series_position: Mapped[str | None] = mapped_column(String(32))
    asin: Mapped[str | None] = mapped_column(String(32))
    isbn: Mapped[str | None] = mapped_column(String(32))
    runtime_minutes: Mapped[float | None] = mapped_column(Double)  # the recording's length
    fetched_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    text_repairs: Mapped[list[str] | None] = mapped_column(JSONText)  # storage/text.py


class MissingBookRow(Base):
    """A book the user wants and does not own, from a gap, an author or a top-10 list."""

    __tablename__ = "missing_books"

    id: Mapped[int] = _id("missing_books")
    match_key: Mapped[str] = mapped_column(String, unique=True)
    title: Mapped[str] = mapped_column(String)
    authors: Mapped[list[str]] = mapped_column(JSONText, default=list)
    series: Mapped[str | None] = mapped_column(String)
    series_position: Mapped[str | None] = mapped_column(String(32))
    # The scheme of series_position in a series with two: "publication" | "chronological".
    series_numbering: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16))
    published_year: Mapped[int | None] = mapped_column(Integer)
    asin: Mapped[str | None] = mapped_column(String(32))
    isbn: Mapped[str | None] = mapped_column(String(32))
    reasons: Mapped[list[str]] = mapped_column(JSONText, default=list)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    evidence: Mapped[str | None] = mapped_column(Text)
    catalogue_ids: Mapped[list[str]] = mapped_column(JSONText, default=list)
    # The unabridged recording's length when a catalogue entry says (release size sanity).
    runtime_minutes: Mapped[float | None] = mapped_column(Double)
    # pending | ignored | queued | downloaded | imported | owned (closed: became owned)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    discovery_source: Mapped[str] = mapped_column(String(32))  # series_gaps | author_gaps | top10
    first_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    text_repairs: Mapped[list[str] | None] = mapped_column(JSONText)  # storage/text.py


class Download(Base):
    """One release grabbed (or chosen, in dry-run) for a missing book."""

    __tablename__ = "downloads"

    id: Mapped[int] = _id("downloads")
    missing_book_id: Mapped[int | None] = mapped_column(ForeignKey("missing_books.id"), index=True)
    release_title: Mapped[str] = mapped_column(String)
    indexer: Mapped[str | None] = mapped_column(String)
    source: Mapped[str] = mapped_column(String(16))  # prowlarr | torznab | mam | manual
    score: Mapped[float | None] = mapped_column(Double)
    score_details: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    link: Mapped[str | None] = mapped_column(Text)
    infohash: Mapped[str | None] = mapped_column(String(64), unique=True)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    category: Mapped[str | None] = mapped_column(String)
    # The release's identity at its indexer, so an approved choice is grabbed exactly.
    guid: Mapped[str | None] = mapped_column(Text)
    # chosen (dry-run) | awaiting_approval | approved | vanished (gone from the indexer when
    # approved) | rejected (the user's "wrong release") | adding (being sent to qBittorrent;
    # reconciled by infohash on the next run) | queued | downloading | completed | imported |
    # failed
    status: Mapped[str] = mapped_column(String(24), default="queued", index=True)
    error: Mapped[str | None] = mapped_column(Text)
    save_path: Mapped[str | None] = mapped_column(String)
    imported_path: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(DateTime)  # sent to qBittorrent (limits)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    imported_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_by: Mapped[str | None] = mapped_column(String)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    text_repairs: Mapped[list[str] | None] = mapped_column(JSONText)  # storage/text.py


class BookDecision(Base):
    """The user's decision about a wanted book, kept until undone: `not_wanted`,
    `owned_elsewhere`, `wrong_release` (that release blocklisted for the book), or the
    pipeline's `unimportable` (a release whose download could not be imported, blocklisted)."""

    __tablename__ = "book_decisions"

    id: Mapped[int] = _id("book_decisions")
    missing_book_id: Mapped[int] = mapped_column(ForeignKey("missing_books.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    # The book as it was decided on (an owned-elsewhere book counts as owned by these).
    match_key: Mapped[str] = mapped_column(String)
    title: Mapped[str] = mapped_column(String)
    authors: Mapped[list[str]] = mapped_column(JSONText, default=list)
    series: Mapped[str | None] = mapped_column(String)
    series_position: Mapped[str | None] = mapped_column(String(32))
    # The blocklisted release (wrong_release, unimportable): its identity at its indexer.
    # No foreign key: DuckDB could then no longer update the row's indexed `status`.
    download_id: Mapped[int | None] = mapped_column(Integer)
    release_title: Mapped[str | None] = mapped_column(String)
    release_indexer: Mapped[str | None] = mapped_column(String)
    release_guid: Mapped[str | None] = mapped_column(Text)
    release_infohash: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    previous_status: Mapped[str | None] = mapped_column(String(16))  # the book's, for undo
    decided_by: Mapped[str] = mapped_column(String)
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    undone_by: Mapped[str | None] = mapped_column(String)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)


class Top10Entry(Base):
    """One row of a MAM per-genre top-10 list on one day (kept per day to show trends)."""

    __tablename__ = "top10_entries"
    __table_args__ = (UniqueConstraint("genre", "period", "captured_on", "rank"),)

    id: Mapped[int] = _id("top10_entries")
    genre: Mapped[str] = mapped_column(String)
    genre_id: Mapped[int | None] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(8))  # day | week | month | all
    captured_on: Mapped[date] = mapped_column(Date)
    rank: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String)
    authors: Mapped[list[str]] = mapped_column(JSONText, default=list)
    narrators: Mapped[list[str]] = mapped_column(JSONText, default=list)
    series: Mapped[str | None] = mapped_column(String)
    series_position: Mapped[str | None] = mapped_column(String(32))
    torrent_id: Mapped[str] = mapped_column(String(32))
    asin: Mapped[str | None] = mapped_column(String(32))
    download_link: Mapped[str | None] = mapped_column(Text)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    seeders: Mapped[int | None] = mapped_column(Integer)
    snatched: Mapped[int | None] = mapped_column(Integer)
    freeleech: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    text_repairs: Mapped[list[str] | None] = mapped_column(JSONText)  # storage/text.py


class CrawlPage(Base):
    """The guides crawler's state per page: pending, done or failed (with why)."""

    __tablename__ = "crawl_pages"

    id: Mapped[int] = _id("crawl_pages")
    url: Mapped[str] = mapped_column(String, unique=True)
    title: Mapped[str | None] = mapped_column(String)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | done | failed
    reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    output_path: Mapped[str | None] = mapped_column(String)
    fetched_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class AppState(Base):
    """Small named values the pipeline keeps between runs (e.g. a rotated MAM cookie,
    pending Audiobookshelf scans, crawler run stamps)."""

    __tablename__ = "app_state"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[Any] = mapped_column(JSONText, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
