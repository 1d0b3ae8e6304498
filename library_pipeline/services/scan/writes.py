"""The scan's database writes: books and files in batches (bulk insert/update), statuses.

New books and files are bulk-inserted (on DuckDB through columnar `UNNEST` parameters, ~10x
faster than executemany there), changes bulk-updated; the caller commits per batch and retries
a failed batch book by book, so one bad row becomes an issue and the rest is stored.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Table, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from library_pipeline.domain.book_record import (
    FOLDER,
    READING_FIELDS,
    SCAN_FIELDS,
    STREAM_FIELDS,
    ScannedBook,
    differs,
    scan_updates,
    with_completeness,
)
from library_pipeline.domain.completeness import completeness_percent
from library_pipeline.services.scan.books import BookOnDisk
from library_pipeline.storage.bulk import allocate_ids, bulk_insert, bulk_update
from library_pipeline.storage.models import Book, BookFile, ScanIssue

IN_CHUNK = 1000
# What a bad row can raise while being written (a driver that cannot encode a value raises
# UnicodeError/ValueError rather than a database error).
WRITE_ERRORS = (SQLAlchemyError, UnicodeError, ValueError)

BOOKS: Table = Book.__table__  # type: ignore[assignment]
FILES: Table = BookFile.__table__  # type: ignore[assignment]
ISSUES: Table = ScanIssue.__table__  # type: ignore[assignment]

# Every column a re-scan or a merge compares with (scan and stream fields, provenance, state).
BOOK_COLUMNS = [getattr(Book, n) for n in (*SCAN_FIELDS, *STREAM_FIELDS, *READING_FIELDS)] + [
    Book.id,
    Book.path,
    Book.library_root,
    Book.source,
    Book.status,
    Book.abs_item_id,
    Book.metadata_source,
    Book.locked_fields,
    Book.metadata_completeness_percent,
]
_FILE_COLUMNS = (
    BookFile.id,
    BookFile.path,
    BookFile.book_id,
    BookFile.size_bytes,
    BookFile.mtime_ns,
    BookFile.tags,
    BookFile.duration_seconds,
    BookFile.bitrate,
    BookFile.codec,
    BookFile.status,
    BookFile.track_index,
    BookFile.format,
)


class StoredBook(NamedTuple):
    """What the compare needs of a stored book (loaded for every book on every scan)."""

    id: int
    path: str
    fingerprint: str | None
    status: str
    source: str


@dataclass
class ReadBook:
    """A new or changed book, read and reconciled, waiting to be written."""

    book: BookOnDisk
    stored: StoredBook | None
    record: ScannedBook | None  # None: no file was readable (an existing row stays as it was)
    file_rows: list[dict[str, Any]]
    failed_paths: list[str]


@dataclass
class WriteCounts:
    new: int = 0
    changed: int = 0
    restored: int = 0
    written: list[ReadBook] = field(default_factory=list)  # books with a record now stored


def chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def set_values(
    session: Session, table: Table, column: str, ids: Sequence[Any], values: dict[str, Any]
) -> None:
    """`UPDATE table SET values WHERE column IN ids`, in chunks."""
    for chunk in chunks(list(ids)):
        session.execute(update(table).where(table.c[column].in_(chunk)).values(**values))


def under(path: str, prefixes: Sequence[str]) -> bool:
    """Whether `path` is one of `prefixes` or inside one."""
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


def full_rows(session: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Stored books by id, every column of `BOOK_COLUMNS`."""
    rows: dict[int, dict[str, Any]] = {}
    for chunk in chunks(list(ids)):
        for row in session.execute(select(*BOOK_COLUMNS).where(Book.id.in_(chunk))):
            rows[row.id] = dict(row._mapping)
    return rows


def stored_files(session: Session, paths: Sequence[str]) -> dict[str, Any]:
    """Stored `book_files` rows by path."""
    rows: dict[str, Any] = {}
    for chunk in chunks(list(paths)):
        for row in session.execute(select(*_FILE_COLUMNS).where(BookFile.path.in_(chunk))):
            rows[row.path] = row
    return rows


class BookWriter:
    """Writes read books (and their files) in one transaction the caller commits."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now

    def write(self, pending: Sequence[ReadBook], stored: Mapping[str, Any]) -> WriteCounts:
        counts = WriteCounts()
        new_books = [item for item in pending if item.record is not None and not item.stored]
        old_books = [item for item in pending if item.record is not None and item.stored]
        book_ids = self._insert_books(new_books)
        book_ids.update(self._update_books(old_books, counts))
        self._write_files(pending, book_ids, stored)
        counts.new = len(new_books)
        counts.written = [*new_books, *old_books]
        return counts

    def _insert_books(self, new_books: Sequence[ReadBook]) -> dict[str, int]:
        ids = allocate_ids(self.session, BOOKS, len(new_books))
        book_ids: dict[str, int] = {}
        rows = []
        for book_id, item in zip(ids, new_books, strict=True):
            book_ids[item.book.path] = book_id
            rows.append(self.new_book_row(book_id, item))
        bulk_insert(self.session, BOOKS, rows)
        return book_ids

    def _update_books(self, old_books: Sequence[ReadBook], counts: WriteCounts) -> dict[str, int]:
        current = full_rows(self.session, [item.stored.id for item in old_books if item.stored])
        book_ids: dict[str, int] = {}
        rows = []
        for item in old_books:
            assert item.stored is not None
            assert item.record is not None
            book_ids[item.book.path] = item.stored.id
            row = current[item.stored.id]
            changes = with_completeness(row, scan_updates(row, item.record))
            changes.update(
                id=item.stored.id,
                fingerprint=item.book.fingerprint,
                library_root=item.book.root.safe_root,
                source=FOLDER,
                updated_at=self.now,
            )
            if item.stored.status != "active":
                changes.update(status="active", removed_at=None)
                counts.restored += 1
            else:
                counts.changed += 1
            rows.append(changes)
        bulk_update(self.session, BOOKS, rows)
        return book_ids

    def new_book_row(self, book_id: int, item: ReadBook) -> dict[str, Any]:
        assert item.record is not None
        values = item.record.values()
        return {
            "id": book_id,
            "path": item.book.path,
            "library_root": item.book.root.safe_root,
            "source": FOLDER,
            "abs_item_id": None,
            **values,
            "metadata_completeness_percent": completeness_percent(values),
            "locked_fields": [],
            "fingerprint": item.book.fingerprint,
            "status": "active",
            "created_at": self.now,
            "updated_at": self.now,
            "removed_at": None,
        }

    def _write_files(
        self, pending: Sequence[ReadBook], book_ids: Mapping[str, int], stored: Mapping[str, Any]
    ) -> None:
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        unreadable_ids: list[int] = []
        present: set[str] = set()
        for item in pending:
            present.update(item.book.file_paths)
            book_id = book_ids.get(item.book.path)
            if book_id is None:
                continue
            for row in item.file_rows:
                self._file_change(row, book_id, stored.get(row["path"]), inserts, updates)
            for path in item.failed_paths:
                old = stored.get(path)
                if old is not None and old.status == "active":
                    unreadable_ids.append(old.id)
        ids = allocate_ids(self.session, FILES, len(inserts))
        for file_id, row in zip(ids, inserts, strict=True):
            row["id"] = file_id
        bulk_insert(self.session, FILES, inserts)
        bulk_update(self.session, FILES, updates)
        set_values(self.session, FILES, "id", unreadable_ids, {"status": "unreadable"})
        changed_ids = [item.stored.id for item in pending if item.stored and item.record]
        self._remove_departed_files(changed_ids, present)

    def _file_change(
        self,
        row: dict[str, Any],
        book_id: int,
        old: Any,
        inserts: list[dict[str, Any]],
        updates: list[dict[str, Any]],
    ) -> None:
        if old is None:
            inserts.append({**row, "book_id": book_id})
            return
        changes = {
            k: v
            for k, v in {**row, "book_id": book_id}.items()
            if k != "updated_at" and differs(getattr(old, k), v)
        }
        if changes:
            updates.append({"id": old.id, **changes, "updated_at": self.now})

    def _remove_departed_files(self, changed_ids: Sequence[int], present: set[str]) -> None:
        """Files that left a changed book (deleted, renamed, or regrouped elsewhere)."""
        gone: list[int] = []
        for chunk in chunks(changed_ids):
            statement = select(BookFile.id, BookFile.path).where(
                BookFile.book_id.in_(chunk), BookFile.status == "active"
            )
            gone.extend(
                row.id for row in self.session.execute(statement) if row.path not in present
            )
        set_values(self.session, FILES, "id", gone, {"status": "removed", "updated_at": self.now})
