"""One scan of the library folders into the database: walk, compare, read, reconcile, write.

1. **Walk** every root (`walk`: one listing per folder, one `stat` per audio file; a big root
   is shared with a helper process per extra core), grouping audio files into books the way
   Audiobookshelf does and fingerprinting each (its files' relative names, sizes and mtimes).
2. **Compare** each book's fingerprint with the one stored: an unchanged book costs a dict
   lookup and no tag read. For a changed book only its new or changed files are read; the tags
   of the others come from `book_files.tags`. A file that could not be read is remembered with
   its size and mtime (`scan_issues.fingerprint`) and not read again until it changes.
3. **Read** each new or changed file once (`reading`), then reconcile tags with folder names
   (`domain.book_record`).
4. **Write** in batches (`writes`: a few statements per 2,500 books, one commit each). A batch
   that fails is retried book by book, so one bad row becomes an issue and the rest is stored.
   Books that vanished are marked `removed` (never deleted); a book that comes back is restored
   with its history. A scan that finds nothing changed writes nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.domain.book_record import (
    FOLDER,
    FileFacts,
    ScannedBook,
    build_book_record,
    identity_keys,
)
from library_pipeline.domain.duplicates import DUPLICATE_OF, Identity, duplicate_issues
from library_pipeline.domain.folder_names import book_folder_parts, parse_book_folder
from library_pipeline.domain.tags import TAG_VALUE_NOTE, fields_from_tags
from library_pipeline.services.scan.books import BookOnDisk, file_fingerprint, file_unchanged
from library_pipeline.services.scan.issues import STORED_ISSUES_SQL
from library_pipeline.services.scan.library_credits import LIKELY_NARRATOR, settle_library_credits
from library_pipeline.services.scan.reading import FileReading, TagReader, quiet_gc
from library_pipeline.services.scan.results import ScanResult
from library_pipeline.services.scan.walk import RootWalk, WalkedFile, Walker
from library_pipeline.services.scan.writes import (
    BOOKS,
    FILES,
    WRITE_ERRORS,
    BookWriter,
    ReadBook,
    StoredBook,
    chunks,
    set_values,
    stored_files,
    under,
)
from library_pipeline.storage.models import Book, utcnow

BATCH_BOOKS = 2500
EMPTY_FILE = "unreadable audio: empty file (0 bytes)"


def normalized_roots(roots: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Absolute, normalised, each once, in the order given."""
    out: list[str] = []
    for root in roots:
        normalized = os.path.normpath(os.path.abspath(os.fspath(root)))
        if normalized not in out:
            out.append(normalized)
    return out


class LibraryScanner:
    """One scan of the library folders into the DB (see the module docstring)."""

    def __init__(
        self, session: Session, roots: Sequence[str], workers: int, now: datetime | None = None
    ) -> None:
        self.session = session
        self.workers = workers  # tag-reading processes for big reads (1 = none)
        self.roots = normalized_roots(roots)
        self.now = now or utcnow()
        self.result = ScanResult()
        self.reader = TagReader(workers)
        self.writer = BookWriter(session, self.now)
        self.walks: list[RootWalk] = []
        self.known_bad: dict[str, str] = {}
        self.known_reasons: dict[str, str] = {}
        self.issue_rows: dict[str, Any] = {}  # stored scan_issues by path
        self.seen_books: set[str] = set()
        self.unchanged_paths: list[str] = []
        self.reread: set[str] = set()  # stored paths of the files read this scan
        self.wrote = False  # anything written to books/book_files
        self.active_books: int | None = None  # known without a query when nothing changed
        self._last_lap = time.perf_counter()

    @property
    def listed_roots(self) -> list[str]:
        """Roots that were listed (their vanished books and issues may be resolved)."""
        return [w.safe_root for w in self.walks if w.ok]

    @property
    def blocked_dirs(self) -> list[str]:
        """Folders that could not be listed: nothing under them is marked gone."""
        return [d for w in self.walks for d in w.unreadable_dirs]

    def run(self) -> ScanResult:
        with quiet_gc():
            try:
                return self._run()
            finally:
                self.reader.close()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.result.timings[name] = round(now - self._last_lap, 3)
        self._last_lap = now

    def _run(self) -> ScanResult:
        started = self._last_lap = time.perf_counter()
        existing = self._walk_and_load()
        pending = self._compare(existing)
        self.lap("compare")
        for batch in chunks(pending, BATCH_BOOKS):
            self._process_batch(list(batch), existing)
        self.lap("read_and_write")
        self._mark_removed(existing)
        self._keep_tag_value_issues()
        self._settle_credits()  # before duplicates: it may change authors
        self._find_duplicates()
        if self.wrote:
            self.session.commit()
        else:  # nothing changed: the active books are the ones that were
            self.active_books = sum(1 for book in existing.values() if book.status == "active")
        self.lap("finish")
        self.result.seconds = time.perf_counter() - started
        return self.result

    # --- walking and loading -------------------------------------------------------------

    def _walk_and_load(self) -> dict[str, StoredBook]:
        # Helper processes walk part of a big root when this scan may use more than one core.
        walker = Walker(helpers=self.workers - 1)
        # The database loads while the folders are walked: the walk waits on the file system
        # (the GIL is released in its system calls), the load on the database, and a no-change
        # re-scan is little more than these two.
        with ThreadPoolExecutor(1, thread_name_prefix="scan-load") as loader:
            loading = loader.submit(self._load_stored)
            self.walks = [walker.walk(root) for root in self.roots]
            self.lap("walk")
            existing = loading.result()
        for path, reason in walker.issues:
            self.result.add_issue(path, reason)
        self.result.unreadable += walker.unreadable
        self.lap("load")
        return existing

    def _load_stored(self) -> dict[str, StoredBook]:
        """The stored books by path; also the stored issues (the session is not used by
        anything else meanwhile). Plain queries: they run on every scan, over every book."""
        connection = self.session.connection()
        rows = connection.exec_driver_sql(
            "SELECT id, path, fingerprint, status, source FROM books"
        ).fetchall()
        existing = {row[1]: row for row in map(StoredBook._make, rows)}
        self.issue_rows = {row.path: row for row in connection.exec_driver_sql(STORED_ISSUES_SQL)}
        open_rows = [row for row in self.issue_rows.values() if row.resolved_at is None]
        self.known_reasons = {row.path: row.reason for row in open_rows}
        # An unreadable file is not read again while its fingerprint stays the same.
        self.known_bad = {
            row.path: row.fingerprint for row in open_rows if row.fingerprint is not None
        }
        return existing

    # --- comparing -----------------------------------------------------------------------

    def _compare(self, existing: Mapping[str, StoredBook]) -> list[BookOnDisk]:
        """The new and changed books; the unchanged ones are only counted."""
        pending: list[BookOnDisk] = []
        unchanged = self.unchanged_paths
        for walk in self.walks:
            # Every folder's audio belongs to exactly one book.
            self.result.files_seen += sum(len(folder.files) for folder in walk.dirs.values())
            for listing in walk.books:  # found, with their fingerprints, by the walk
                path = listing[0]
                current = existing.get(path)
                self.seen_books.add(path)
                if (
                    current is not None
                    and current.fingerprint == listing[1]
                    and current.status == "active"
                ):
                    unchanged.append(path)
                    continue
                pending.append(BookOnDisk.from_listing(walk, listing))
        self.result.unchanged += len(unchanged)
        # Unreadable files nobody re-read this time (their books are unchanged) are still there.
        for path, fingerprint in self.known_bad.items():
            walked = self._find(path)
            if walked is not None and file_fingerprint(walked) == fingerprint:
                self._count_known_bad(path)
        return pending

    def _find(self, path: str) -> WalkedFile | None:
        for walk in self.walks:
            found = walk.find(path)
            if found is not None:
                return found
        return None

    def _count_known_bad(self, path: str) -> None:
        self.result.unreadable += 1
        reason = self.known_reasons.get(path, "unreadable audio")
        self.result.add_issue(path, reason, self.known_bad[path])

    # --- reading and reconciling ---------------------------------------------------------

    def _needs_read(self, walked: WalkedFile, path: str, stored: Mapping[str, Any]) -> bool:
        if file_unchanged(stored.get(path), walked):
            return False  # its tags are in book_files
        if self.known_bad and self.known_bad.get(path) == file_fingerprint(walked):
            return False  # failed before and has not changed since
        return walked.size > 0

    def _reading_of(
        self, walked: WalkedFile, path: str, old: Any, read: FileReading | str | None
    ) -> FileReading | str | None:
        """This scan's reading of a file, else the stored one, else why there is none (None:
        a known unreadable file, already counted)."""
        if read is not None:
            return read
        if file_unchanged(old, walked):
            return FileReading(old.tags or {}, old.duration_seconds, old.bitrate, old.codec)
        if self.known_bad.get(path) == file_fingerprint(walked):
            return None
        return EMPTY_FILE

    def _read_book(
        self,
        book: BookOnDisk,
        stored: Mapping[str, Any],
        reads: Mapping[str, FileReading | str],
    ) -> tuple[list[FileFacts], list[dict[str, Any]], list[str]]:
        """The book's readable files (as facts and `book_files` rows) and its failed paths."""
        facts: list[FileFacts] = []
        rows: list[dict[str, Any]] = []
        failed: list[str] = []
        for index, (name, walked, real, path) in enumerate(
            zip(book.names, book.files, book.reals, book.file_paths, strict=True)
        ):
            fresh = reads.get(real)
            if fresh is not None:
                self.reread.add(path)
            read = self._reading_of(walked, path, stored.get(path), fresh)
            if not isinstance(read, FileReading):
                if read is not None:
                    self.result.unreadable += 1
                    self.result.add_issue(path, read, file_fingerprint(walked))
                failed.append(path)
                continue
            if read.notes:  # read this scan, with values that had to be cleaned
                self.result.add_issue(path, "; ".join(dict.fromkeys(read.notes)))
            tags = fields_from_tags(read.tags)
            facts.append(FileFacts(name, tags, read.duration, read.bitrate, read.codec))
            rows.append(self._file_row(path, walked, index, read))
        return facts, rows, failed

    def _file_row(
        self, path: str, walked: WalkedFile, index: int, read: FileReading
    ) -> dict[str, Any]:
        dot = path.rfind(".")
        return {
            "path": path,
            "size_bytes": walked.size,
            "mtime_ns": walked.mtime_ns,
            "track_index": index,
            "format": path[dot + 1 :].lower()[:16] if dot > 0 else None,
            "codec": read.codec,
            "duration_seconds": read.duration,
            "bitrate": read.bitrate,
            "tags": read.tags,
            "status": "active",
            "updated_at": self.now,
        }

    def _record_for(self, book: BookOnDisk, facts: Sequence[FileFacts]) -> ScannedBook:
        parts = book_folder_parts(book.key, book.single_root_file)
        return build_book_record(parse_book_folder(parts), facts, book.cover)

    # --- writing -------------------------------------------------------------------------

    def _process_batch(self, books: list[BookOnDisk], existing: Mapping[str, StoredBook]) -> None:
        all_paths = [p for book in books for p in book.file_paths]
        stored = stored_files(self.session, all_paths) if existing else {}
        wanted = [
            real
            for book in books
            for walked, real, path in zip(book.files, book.reals, book.file_paths, strict=True)
            if self._needs_read(walked, path, stored)
        ]
        self.result.files_read += len(wanted)
        reads = self.reader.read(wanted)
        self.wrote = True
        pending: list[ReadBook] = []
        for book in books:
            facts, rows, failed = self._read_book(book, stored, reads)
            record = self._record_for(book, facts) if facts else None
            pending.append(ReadBook(book, existing.get(book.path), record, rows, failed))
        try:
            self._write(pending, stored)
            self.session.commit()
        except WRITE_ERRORS:
            self.session.rollback()
            for item in pending:  # one by one: a bad row costs only its own book
                try:
                    self._write([item], stored_files(self.session, item.book.file_paths))
                    self.session.commit()
                except WRITE_ERRORS as error:
                    self.session.rollback()
                    reason = str(getattr(error, "orig", None) or error).splitlines()[0]
                    self.result.add_issue(item.book.path, f"database error: {reason}")

    def _write(self, pending: Sequence[ReadBook], stored: Mapping[str, Any]) -> None:
        counts = self.writer.write(pending, stored)
        self.result.new += counts.new
        self.result.changed += counts.changed
        self.result.restored += counts.restored

    def _mark_removed(self, existing: Mapping[str, StoredBook]) -> None:
        listed, blocked = self.listed_roots, self.blocked_dirs
        gone = [
            book.id
            for book in existing.values()
            if book.status == "active"
            and book.source == FOLDER
            and book.path not in self.seen_books
            and under(book.path, listed)
            and not under(book.path, blocked)
        ]
        values = {"status": "removed", "removed_at": self.now, "updated_at": self.now}
        self.wrote = self.wrote or bool(gone)
        set_values(self.session, BOOKS, "id", gone, values)
        set_values(self.session, FILES, "book_id", gone, {"status": "removed"})
        self.result.removed += len(gone)

    def _settle_credits(self) -> None:
        """Library-wide credits (`library_credits`); with nothing written, the flags stored
        last time still hold."""
        if self.wrote:
            settled = settle_library_credits(self.session, self.now)
            self.result.narrators_from_library += settled.moved
            flagged = settled.flagged
        else:
            flagged = self._stored_issues(LIKELY_NARRATOR)
        for path, reason in flagged:
            self.result.add_issue(path, reason)

    def _find_duplicates(self) -> None:
        """Copies of a book in one root or across roots, over every active book on disk; with
        nothing written, the duplicates stored last time still hold."""
        if self.wrote:
            rows = self.session.execute(
                select(Book.path, Book.library_root, Book.title, Book.authors).where(
                    Book.status == "active", Book.source == FOLDER
                )
            ).all()
            identities: list[Identity] = [
                (row.path, row.library_root or "", identity_keys(row.title, row.authors or []))
                for row in rows
            ]
            found = duplicate_issues(identities, [w.safe_root for w in self.walks])
        else:
            found = self._stored_issues(DUPLICATE_OF)
        for path, reason in found:
            self.result.add_issue(path, reason)
            self.result.duplicates += 1

    def _keep_tag_value_issues(self) -> None:
        """A file whose tag values had to be cleaned keeps its issue while it is not read
        again (unchanged); a re-read reports it afresh, or not when it was fixed."""
        reported = {issue.path for issue in self.result.issues}
        for path, reason in self._stored_issues(TAG_VALUE_NOTE):
            if path not in reported and path not in self.reread and self._find(path) is not None:
                self.result.add_issue(path, reason)

    def _stored_issues(self, prefix: str) -> list[tuple[str, str]]:
        """The open stored issues whose reason starts with `prefix` (findings about the whole
        library that stand while nothing changed)."""
        return [
            (row.path, row.reason)
            for row in self.issue_rows.values()
            if row.resolved_at is None and row.reason.startswith(prefix)
        ]
