"""The library scan: walk the library roots, read tags, reconcile, upsert incrementally.

`scan_library(session, roots, abs_client=...)` is what the `library_books` asset calls:

1. **Walk** every root (`services.folder_walk`: one listing per folder, one `stat` per audio
   file; a big root is shared with a helper process per extra core). Hidden entries, `@eaDir`
   and folders holding a `.ignore` file are skipped, as Audiobookshelf does; symlink loops,
   unreadable folders and names that are not UTF-8 are issues, and nothing under a folder that
   could not be listed is marked removed.
2. **Group** audio files into books the way Audiobookshelf does (`domain.book_folders`), and
   fingerprint each book; the walk does both, each process for its share of the tree.
3. **Compare** each book's fingerprint (its files' relative names, sizes and mtimes) with the one
   stored: an unchanged book costs a dict lookup and no tag read. For a changed book only its new
   or changed files are read; the tags of the others come from `book_files.tags`. A file that
   could not be read is remembered with its size and mtime (`scan_issues.fingerprint`) and not
   read again until it changes.
4. **Read** each new or changed file once with `mutagen.File(path, easy=False)`, then
   reconcile tags with folder names (`domain.book_record`). Mutagen is pure Python (one core):
   when hundreds of files must be read (a first scan), worker processes read them, one per
   core; a re-scan of a few changed files reads them in this process.
5. **Write** in batches (a few statements per 2,500 books, one commit each): new books and files
   are bulk-inserted (on DuckDB through columnar `UNNEST` parameters, ~10x faster than
   executemany there), changes bulk-updated. A batch that fails is retried book by book, so one
   bad row becomes an issue and the rest is stored. Books that vanished are marked `removed`
   (never deleted); a book that comes back is restored with its history. A scan that finds
   nothing changed writes nothing (open issues only get their `last_seen` touched).
6. Optionally **merge Audiobookshelf**: its items fill fields nothing local gave, link books to
   their item (`abs_item_id`), and books only the server knows are recorded with
   source "audiobookshelf".
7. **Issues** (unreadable files and folders, bad names, loops, duplicates across roots) are
   upserted into `scan_issues` and resolved when they go away.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import mutagen
from mutagen.flac import FLAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from sqlalchemy import (
    Table,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from library_pipeline.domain.book_folders import natural_key
from library_pipeline.domain.book_record import (
    AUDIOBOOKSHELF,
    FOLDER,
    SCAN_FIELDS,
    STREAM_FIELDS,
    BookRecord,
    FileFacts,
    audiobookshelf_updates,
    build_book_record,
    differs,
    identity_keys,
    record_from_audiobookshelf,
    scan_updates,
)
from library_pipeline.domain.completeness import completeness_percent
from library_pipeline.domain.folder_names import book_folder_parts, parse_book_folder
from library_pipeline.domain.tags import FlatTags, codec_name, fields_from_tags, flatten_tags
from library_pipeline.services.folder_walk import (
    FoundBook,
    Rel,
    RootWalk,
    WalkedDir,
    WalkedFile,
    Walker,
    os_reason,
)
from library_pipeline.storage.bulk import allocate_ids, bulk_insert, bulk_update
from library_pipeline.storage.models import Book, BookFile, ScanIssue, utcnow

if TYPE_CHECKING:
    from library_pipeline.clients.audiobookshelf import AbsLibraryItem, AudiobookshelfClient

BATCH_BOOKS = 2500
# Reading this many files or more at once uses worker processes (one per core, at most 4);
# starting them costs about a second, which fewer files would not win back.
PARALLEL_MIN_FILES = 1500
MAX_READ_WORKERS = 4
IN_CHUNK = 1000
# What a bad row can raise while being written (a driver that cannot encode a value raises
# UnicodeError/ValueError rather than a database error).
_WRITE_ERRORS = (SQLAlchemyError, UnicodeError, ValueError)
MAX_REASON = 500

# Same text as JSONText's own encoding (sort_keys, ensure_ascii=False), without per-call setup.
_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
# The formats the scan reads: mutagen.File then scores only these.
MUTAGEN_KINDS = [MP4, MP3, FLAC, OggVorbis, OggOpus, OggFLAC]

BOOKS: Table = Book.__table__  # type: ignore[assignment]
FILES: Table = BookFile.__table__  # type: ignore[assignment]
ISSUES: Table = ScanIssue.__table__  # type: ignore[assignment]


class UnreadableAudio(Exception):
    """A file with an audio extension that mutagen cannot read as audio."""


# --- results -------------------------------------------------------------------------------


@dataclass
class Issue:
    path: str
    reason: str
    fingerprint: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


@dataclass
class ScanResult:
    new: int = 0
    changed: int = 0
    restored: int = 0
    removed: int = 0
    unchanged: int = 0
    unreadable: int = 0
    files_read: int = 0
    files_seen: int = 0
    duplicates: int = 0
    total_books: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    audiobookshelf: dict[str, Any] | None = None

    def add_issue(self, path: str, reason: str, fingerprint: str | None = None) -> None:
        self.issues.append(Issue(path, reason[:MAX_REASON], fingerprint))

    def as_dict(self) -> dict[str, Any]:
        seen: set[str] = set()
        issues = []
        for issue in self.issues:
            if issue.path not in seen:
                seen.add(issue.path)
                issues.append(issue.as_dict())
        return {
            "new": self.new,
            "changed": self.changed,
            "restored": self.restored,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "unreadable": self.unreadable,
            "files_read": self.files_read,
            "files_seen": self.files_seen,
            "duplicates": self.duplicates,
            "total_books": self.total_books,
            "seconds": round(self.seconds, 3),
            "timings": dict(self.timings),
            "issues": issues,
            "audiobookshelf": self.audiobookshelf,
        }


def _under(path: str, prefixes: Iterable[str]) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


# --- books from the walk -------------------------------------------------------------------


@dataclass
class WalkedBook:
    root: RootWalk
    key: Rel
    parts: list[tuple[Rel, WalkedDir]]  # member folders (relative to the book)
    cover: str | None
    single_root_file: bool
    fingerprint: str
    path: str  # as stored

    @classmethod
    def found(cls, walk: RootWalk, book: FoundBook) -> WalkedBook:
        path, fingerprint, key, members, cover, single_root_file = book
        if single_root_file:  # a file in the root: a folder of its own, holding only it
            root = walk.dirs[()]
            walked = next(f for f in root.files if f.safe == key[0])
            parts = [((), WalkedDir(root.real, [walked], []))]
        else:
            parts = [(member, walk.dirs[key + member]) for member in members]
        return cls(walk, key, parts, cover, single_root_file, fingerprint, path)

    @cached_property
    def ordered(self) -> tuple[list[str], list[WalkedFile], list[str]]:
        """(names relative to the book, files, paths to open) in natural track order.

        Computed only for books that are read: an unchanged book never needs it."""
        names: list[str] = []
        files: list[WalkedFile] = []
        reals: list[str] = []
        for member, folder in self.parts:
            prefix = "/".join(member) + "/" if member else ""
            chosen = folder.files
            if len(chosen) > 1:
                chosen = sorted(chosen, key=lambda f: natural_key(f.safe))
            for walked in chosen:
                names.append(prefix + walked.safe)
                files.append(walked)
                reals.append(f"{folder.real}/{walked.name}")
        return names, files, reals

    @property
    def names(self) -> list[str]:
        return self.ordered[0]

    @property
    def files(self) -> list[WalkedFile]:
        return self.ordered[1]

    @property
    def reals(self) -> list[str]:
        return self.ordered[2]

    @cached_property
    def file_paths(self) -> list[str]:
        """The files' stored (safe) paths, in track order."""
        if self.single_root_file:
            return [self.path]
        return [f"{self.path}/{name}" for name in self.names]


# --- reading -------------------------------------------------------------------------------


@dataclass
class ReadFile:
    tags: FlatTags
    duration: float | None
    bitrate: int | None
    codec: str | None


def read_audio_file(path: str) -> ReadFile:
    """One tag read: `mutagen.File(path, easy=False)` (scoring only the formats we read);
    raises `UnreadableAudio` (or whatever
    mutagen raises) when the file is not readable audio."""
    audio = mutagen.File(path, easy=False, options=MUTAGEN_KINDS)
    if audio is None:
        raise UnreadableAudio("not an audio file (no format recognised)")
    info = audio.info
    length = getattr(info, "length", None)
    if not length or length != length or length <= 0:
        raise UnreadableAudio("no audio (duration 0)")
    bitrate = getattr(info, "bitrate", None)
    return ReadFile(
        tags=flatten_tags(audio.tags),
        duration=float(length),
        bitrate=int(bitrate) if bitrate else None,
        codec=codec_name(type(audio).__name__, getattr(info, "codec", None)),
    )


def read_or_reason(path: str) -> ReadFile | str:
    """`read_audio_file`, with a failure turned into its reason (runs in pool workers too)."""
    try:
        return read_audio_file(path)
    except Exception as error:  # mutagen raises many kinds on bad input
        return _unreadable_reason(error)


def _unreadable_reason(error: Exception) -> str:
    if isinstance(error, UnreadableAudio):
        return f"unreadable audio: {error}"
    if isinstance(error, OSError):
        return f"unreadable file: {os_reason(error)}"
    message = str(error).strip() or "no details"
    return f"unreadable audio ({type(error).__name__}: {message})"


def _file_fingerprint(walked: WalkedFile) -> str:
    return f"{walked.size}:{walked.mtime_ns}"


# --- bulk database writes ------------------------------------------------------------------


def _chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _set_status(session: Session, table: Table, column: str, ids: Sequence[Any], values: dict):
    for chunk in _chunks(list(ids)):
        session.execute(update(table).where(table.c[column].in_(chunk)).values(**values))


@contextmanager
def quiet_gc() -> Iterator[None]:
    """Bulk reading makes many short-lived objects; with a large heap (Dagster, SQLAlchemy)
    the collector's passes over every live object would cost more than the reading. Freeze the
    objects that exist, collect young objects less often, and restore both afterwards."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(threshold[0], 20_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


# --- the scan ------------------------------------------------------------------------------

_BOOK_FULL = [getattr(Book, n) for n in (*SCAN_FIELDS, *STREAM_FIELDS)] + [
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


def _with_completeness(row: Mapping[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`changes`, plus the book's new `metadata_completeness_percent` when it moved."""
    if any(name in changes for name in SCAN_FIELDS):
        percent = completeness_percent({**row, **changes})
        if differs(row.get("metadata_completeness_percent"), percent):
            changes["metadata_completeness_percent"] = percent
    return changes


class _Existing(NamedTuple):
    id: int
    path: str
    fingerprint: str | None
    status: str
    source: str


@dataclass
class _Pending:
    """A new or changed book, read and reconciled, waiting to be written."""

    book: WalkedBook
    existing: _Existing | None
    record: BookRecord | None
    file_rows: list[dict[str, Any]]
    failed_paths: list[str]


class LibraryScanner:
    """One scan of the library folders into the DB (see the module docstring)."""

    def __init__(
        self,
        session: Session,
        roots: Sequence[str | Path],
        now: datetime | None = None,
        workers: int | None = None,
    ):
        self.session = session
        # Tag-reading worker processes for big reads: None = one per core (at most 4), 1 = none.
        self.workers = (
            workers if workers is not None else min(MAX_READ_WORKERS, os.cpu_count() or 1)
        )
        self.roots = []
        for root in roots:
            normalized = os.path.normpath(os.path.abspath(os.fspath(root)))
            if normalized not in self.roots:
                self.roots.append(normalized)
        self.now = now or utcnow()
        self.result = ScanResult()
        self.walks: list[RootWalk] = []
        self.known_bad: dict[str, str] = {}
        self.seen_books: set[str] = set()
        self.unchanged_paths: list[str] = []
        self.identities: list[tuple[str, str, tuple[str, frozenset[str]] | None]] = []
        self._executor: ProcessPoolExecutor | None = None
        self._pool_broken = False
        self.issue_rows: dict[str, Any] = {}
        self.wrote = False  # anything written to books/book_files
        self.active_books: int | None = None  # known without a query when nothing changed

    # --- entry point ---------------------------------------------------------------------

    def run(self) -> ScanResult:
        with quiet_gc():
            try:
                return self._run()
            finally:
                self._close_pool()

    def _lap(self, name: str) -> None:
        now = time.perf_counter()
        self.result.timings[name] = round(now - self._last_lap, 3)
        self._last_lap = now

    def _run(self) -> ScanResult:
        started = self._last_lap = time.perf_counter()
        # Helper processes walk part of a big root when this scan may use more than one core.
        walker = Walker(helpers=self.workers - 1)
        # The database loads while the folders are walked: the walk waits on the file system
        # (the GIL is released in its system calls), the load on the database, and a no-change
        # re-scan is little more than these two.
        with ThreadPoolExecutor(1, thread_name_prefix="scan-load") as loader:
            loading = loader.submit(self._load_stored)
            self.walks = [walker.walk(root) for root in self.roots]
            self._lap("walk")
            existing = loading.result()
        for path, reason in walker.issues:
            self.result.add_issue(path, reason)
        self.result.unreadable += walker.unreadable
        self._lap("load")
        pending: list[WalkedBook] = []
        unchanged = self.unchanged_paths
        for walk in self.walks:
            # Every folder's audio belongs to exactly one book.
            self.result.files_seen += sum(len(folder.files) for folder in walk.dirs.values())
            for book in walk.books:  # found, with their fingerprints, by the walk
                path = book[0]
                current = existing.get(path)
                self.seen_books.add(path)
                if (
                    current is not None
                    and current.fingerprint == book[1]
                    and current.status == "active"
                ):
                    unchanged.append(path)
                    continue
                pending.append(WalkedBook.found(walk, book))
        self.result.unchanged += len(unchanged)
        # Unreadable files nobody re-read this time (their books are unchanged) are still there.
        for path, fingerprint in self.known_bad.items():
            walked = self._find(path)
            if walked is not None and _file_fingerprint(walked) == fingerprint:
                self._count_known_bad(path)
        self._unchanged_identities()
        self._lap("compare")
        for batch in _chunks(pending, BATCH_BOOKS):
            self._process_batch(list(batch), existing)
        self._lap("read_and_write")
        self._mark_removed(existing)
        self._find_duplicates()
        if self.wrote:
            self.session.commit()
        else:  # nothing changed: the active books are the ones that were
            self.active_books = sum(1 for book in existing.values() if book.status == "active")
        self._lap("finish")
        self.result.seconds = time.perf_counter() - started
        return self.result

    def _find(self, path: str) -> WalkedFile | None:
        for walk in self.walks:
            found = walk.find(path)
            if found is not None:
                return found
        return None

    # --- loading -------------------------------------------------------------------------

    def _load_stored(self) -> dict[str, _Existing]:
        """The stored books by path; also fills ``known_bad`` (the session is not used by
        anything else meanwhile)."""
        existing = self._load_existing()
        self.known_bad = self._load_known_bad()
        return existing

    def _load_existing(self) -> dict[str, _Existing]:
        # One plain query (no ORM row processing): this runs on every scan, over every book.
        rows = (
            self.session.connection()
            .exec_driver_sql("SELECT id, path, fingerprint, status, source FROM books")
            .fetchall()
        )
        return {row[1]: row for row in map(_Existing._make, rows)}

    def _load_known_bad(self) -> dict[str, str]:
        """Stored issues (kept for `save_issues`); of the open ones, the unreadable files'
        fingerprints: such a file is not read again while it stays the same."""
        # A plain query, as above: compiling the ORM statement alone took ~25 ms of every scan.
        rows = self.session.connection().exec_driver_sql(
            "SELECT id, path, reason, fingerprint, resolved_at FROM scan_issues"
        )
        self.issue_rows = {row.path: row for row in rows}
        open_rows = [row for row in self.issue_rows.values() if row.resolved_at is None]
        self._known_reasons = {row.path: row.reason for row in open_rows}
        return {row.path: row.fingerprint for row in open_rows if row.fingerprint is not None}

    def _count_known_bad(self, path: str) -> None:
        self.result.unreadable += 1
        reason = self._known_reasons.get(path, "unreadable audio")
        self.result.add_issue(path, reason, self.known_bad[path])

    def _unchanged_identities(self) -> None:
        """Title/author keys of the unchanged books, for duplicate detection across roots."""
        if len(self.walks) < 2:
            return
        unchanged = set(self.unchanged_paths)
        rows = self.session.execute(
            select(Book.path, Book.library_root, Book.title, Book.authors).where(
                Book.status == "active"
            )
        ).all()
        for row in rows:
            if row.path in unchanged:
                self.identities.append(
                    (row.path, row.library_root or "", identity_keys(row.title, row.authors or []))
                )

    # --- reading and reconciling ---------------------------------------------------------

    def _stored_files(self, paths: Sequence[str]) -> dict[str, Any]:
        rows: dict[str, Any] = {}
        for chunk in _chunks(list(paths)):
            statement = select(
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
            ).where(BookFile.path.in_(chunk))
            for row in self.session.execute(statement):
                rows[row.path] = row
        return rows

    def _needs_read(self, walked: WalkedFile, path: str, stored: Mapping[str, Any]) -> bool:
        old = stored.get(path)
        if (
            old is not None
            and old.status == "active"
            and old.size_bytes == walked.size
            and old.mtime_ns == walked.mtime_ns
        ):
            return False  # its tags are in book_files
        if self.known_bad and self.known_bad.get(path) == _file_fingerprint(walked):
            return False  # failed before and has not changed since
        return walked.size > 0

    def _read_book(
        self, book: WalkedBook, stored: Mapping[str, Any], reads: Mapping[str, ReadFile | str]
    ) -> tuple[list[FileFacts], list[dict[str, Any]], list[str]]:
        """The book's readable files (as facts and `book_files` rows) and its failed paths."""
        facts: list[FileFacts] = []
        rows: list[dict[str, Any]] = []
        failed: list[str] = []
        for index, (name, walked, real, path) in enumerate(
            zip(book.names, book.files, book.reals, book.file_paths, strict=True)
        ):
            read = reads.get(real)
            if read is None:
                fingerprint = _file_fingerprint(walked)
                old = stored.get(path)
                if (
                    old is not None
                    and old.status == "active"
                    and old.size_bytes == walked.size
                    and old.mtime_ns == walked.mtime_ns
                ):
                    read = ReadFile(old.tags or {}, old.duration_seconds, old.bitrate, old.codec)
                elif self.known_bad.get(path) == fingerprint:
                    failed.append(path)  # counted with the other known unreadable files
                    continue
                else:
                    read = "unreadable audio: empty file (0 bytes)"
            if isinstance(read, str):
                self._unreadable(path, read, _file_fingerprint(walked))
                failed.append(path)
                continue
            facts.append(
                FileFacts(
                    name, fields_from_tags(read.tags), read.duration, read.bitrate, read.codec
                )
            )
            dot = path.rfind(".")
            rows.append(
                {
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
            )
        return facts, rows, failed

    def _read_files(self, reals: list[str]) -> dict[str, ReadFile | str]:
        """Read these files' tags: in this process, or, for many files on a multi-core
        machine, in a pool of worker processes (mutagen is pure Python: one core each)."""
        self.result.files_read += len(reals)
        results: dict[str, ReadFile | str] = {}
        if len(reals) >= PARALLEL_MIN_FILES and self._pool() is not None:
            try:
                pool = self._pool()
                assert pool is not None
                reads = pool.map(read_or_reason, reals, chunksize=32)
                results.update(zip(reals, reads, strict=True))
                return results
            except (BrokenProcessPool, OSError):
                self._close_pool(broken=True)  # carry on in this process
        for real in reals:
            if real not in results:
                results[real] = read_or_reason(real)
        return results

    def _pool(self) -> ProcessPoolExecutor | None:
        if self._executor is None and not self._pool_broken:
            if self.workers < 2:
                self._pool_broken = True
                return None
            # forkserver: workers never inherit the threads and locks of the Dagster process.
            # The server preloads `__main__` (so workers do not re-run it; scripts need the
            # usual `if __name__ == "__main__"` guard) and this module.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["__main__", __name__])
            self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._executor

    def _close_pool(self, broken: bool = False) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=not broken, cancel_futures=True)
            self._executor = None
        self._pool_broken = self._pool_broken or broken

    def _unreadable(self, path: str, reason: str, fingerprint: str) -> None:
        self.result.unreadable += 1
        self.result.add_issue(path, reason, fingerprint)

    def _record_for(self, book: WalkedBook, facts: Sequence[FileFacts]) -> BookRecord:
        parts = book_folder_parts(book.key, book.single_root_file)
        return build_book_record(parse_book_folder(parts), facts, book.cover)

    # --- writing -------------------------------------------------------------------------

    def _process_batch(self, books: list[WalkedBook], existing: Mapping[str, _Existing]) -> None:
        all_paths = [p for book in books for p in book.file_paths]
        stored = self._stored_files(all_paths) if existing else {}
        wanted = [
            real
            for book in books
            for walked, real, path in zip(book.files, book.reals, book.file_paths, strict=True)
            if self._needs_read(walked, path, stored)
        ]
        reads = self._read_files(wanted)
        self.wrote = True
        pending: list[_Pending] = []
        for book in books:
            facts, rows, failed = self._read_book(book, stored, reads)
            record = self._record_for(book, facts) if facts else None
            pending.append(_Pending(book, existing.get(book.path), record, rows, failed))
        try:
            self._write(pending, stored)
            self.session.commit()
        except _WRITE_ERRORS:
            self.session.rollback()
            for item in pending:  # one by one: a bad row costs only its own book
                try:
                    self._write([item], self._stored_files(item.book.file_paths))
                    self.session.commit()
                except _WRITE_ERRORS as error:
                    self.session.rollback()
                    reason = str(error.orig if hasattr(error, "orig") else error).splitlines()[0]
                    self.result.add_issue(item.book.path, f"database error: {reason}")

    def _write(self, pending: Sequence[_Pending], stored: Mapping[str, Any]) -> None:
        new_books: list[_Pending] = []
        old_books: list[_Pending] = []
        for item in pending:
            if item.record is None:
                continue  # nothing readable: an existing row stays as it was
            (old_books if item.existing else new_books).append(item)

        ids = allocate_ids(self.session, BOOKS, len(new_books))
        book_ids: dict[str, int] = {}
        insert_rows = []
        for book_id, item in zip(ids, new_books, strict=True):
            assert item.record is not None
            book_ids[item.book.path] = book_id
            insert_rows.append(self._new_book_row(book_id, item))
        bulk_insert(self.session, BOOKS, insert_rows)

        current = self._full_rows([item.existing.id for item in old_books if item.existing])
        update_rows = []
        restored = changed = 0
        for item in old_books:
            assert item.existing is not None and item.record is not None
            book_ids[item.book.path] = item.existing.id
            row = current[item.existing.id]
            updates = _with_completeness(row, scan_updates(row, item.record))
            updates.update(
                id=item.existing.id,
                fingerprint=item.book.fingerprint,
                library_root=item.book.root.safe_root,
                source=FOLDER,
                updated_at=self.now,
            )
            if item.existing.status != "active":
                updates.update(status="active", removed_at=None)
                restored += 1
            else:
                changed += 1
            update_rows.append(updates)
        bulk_update(self.session, BOOKS, update_rows)

        self._write_files(pending, book_ids, stored)
        self.result.new += len(new_books)
        self.result.changed += changed
        self.result.restored += restored
        for item in (*new_books, *old_books):
            record = item.record
            assert record is not None
            self.identities.append(
                (
                    item.book.path,
                    item.book.root.safe_root,
                    identity_keys(record.title, record.authors),
                )
            )

    def _new_book_row(self, book_id: int, item: _Pending) -> dict[str, Any]:
        assert item.record is not None
        return {
            "id": book_id,
            "path": item.book.path,
            "library_root": item.book.root.safe_root,
            "source": FOLDER,
            "abs_item_id": None,
            **item.record.values(),
            "metadata_completeness_percent": completeness_percent(item.record.values()),
            "locked_fields": [],
            "fingerprint": item.book.fingerprint,
            "status": "active",
            "created_at": self.now,
            "updated_at": self.now,
            "removed_at": None,
        }

    def _full_rows(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        rows: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(list(ids)):
            for row in self.session.execute(select(*_BOOK_FULL).where(Book.id.in_(chunk))):
                rows[row.id] = dict(row._mapping)
        return rows

    def _write_files(
        self, pending: Sequence[_Pending], book_ids: Mapping[str, int], stored: Mapping[str, Any]
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
                old = stored.get(row["path"])
                if old is None:
                    inserts.append({**row, "book_id": book_id})
                    continue
                changes = {
                    k: v
                    for k, v in {**row, "book_id": book_id}.items()
                    if k != "updated_at" and differs(getattr(old, k), v)
                }
                if changes:
                    updates.append({"id": old.id, **changes, "updated_at": self.now})
            for path in item.failed_paths:
                old = stored.get(path)
                if old is not None and old.status == "active":
                    unreadable_ids.append(old.id)
        ids = allocate_ids(self.session, FILES, len(inserts))
        for file_id, row in zip(ids, inserts, strict=True):
            row["id"] = file_id
        bulk_insert(self.session, FILES, inserts)
        bulk_update(self.session, FILES, updates)
        _set_status(self.session, FILES, "id", unreadable_ids, {"status": "unreadable"})
        # Files that left a changed book (deleted, renamed, or regrouped elsewhere).
        changed_ids = [item.existing.id for item in pending if item.existing and item.record]
        gone = []
        for chunk in _chunks(changed_ids):
            statement = select(BookFile.id, BookFile.path).where(
                BookFile.book_id.in_(chunk), BookFile.status == "active"
            )
            gone.extend(
                row.id for row in self.session.execute(statement) if row.path not in present
            )
        _set_status(self.session, FILES, "id", gone, {"status": "removed", "updated_at": self.now})

    def _mark_removed(self, existing: Mapping[str, _Existing]) -> None:
        listed = [w.safe_root for w in self.walks if w.ok]
        blocked = [d for w in self.walks for d in w.unreadable_dirs]
        gone = [
            book.id
            for book in existing.values()
            if book.status == "active"
            and book.source == FOLDER
            and book.path not in self.seen_books
            and _under(book.path, listed)
            and not _under(book.path, blocked)
        ]
        values = {"status": "removed", "removed_at": self.now, "updated_at": self.now}
        self.wrote = self.wrote or bool(gone)
        _set_status(self.session, BOOKS, "id", gone, values)
        _set_status(self.session, FILES, "book_id", gone, {"status": "removed"})
        self.result.removed += len(gone)

    def _find_duplicates(self) -> None:
        """The same book (title + authors, or the same relative path) in two roots: an issue
        on every copy after the first; all copies stay recorded."""
        if len(self.walks) < 2:
            return
        first_by_key: dict[Any, tuple[str, str]] = {}
        flagged: set[str] = set()
        roots = sorted((w.safe_root for w in self.walks), key=len, reverse=True)
        for path, root, keys in sorted(self.identities):
            root_of = next((r for r in roots if _under(path, [r])), root)
            relative = path[len(root_of) :].lstrip("/")
            for key in (("path", relative), ("book", keys) if keys else None):
                if key is None:
                    continue
                first = first_by_key.setdefault(key, (path, root_of))
                if first[1] != root_of and path not in flagged:
                    flagged.add(path)
                    what = "same folder path" if key[0] == "path" else "same title and author"
                    self.result.add_issue(
                        path, f"duplicate of {first[0]} ({what}, in another library root)"
                    )
        self.result.duplicates = len(flagged)


# --- issues --------------------------------------------------------------------------------


def save_issues(session: Session, result: ScanResult, scanner: LibraryScanner | None) -> None:
    """Upsert this scan's issues into `scan_issues`; resolve the ones that went away."""
    now = scanner.now if scanner else utcnow()
    current: dict[str, Issue] = {}
    for issue in result.issues:
        current.setdefault(issue.path, issue)
    if scanner is not None:
        rows = scanner.issue_rows
    else:
        statement = select(
            ScanIssue.id,
            ScanIssue.path,
            ScanIssue.reason,
            ScanIssue.fingerprint,
            ScanIssue.resolved_at,
        )
        rows = {row.path: row for row in session.execute(statement)}
    inserts, changes, touched = [], [], []
    for path, issue in current.items():
        row = rows.get(path)
        if row is None:
            inserts.append(
                {
                    "path": path,
                    "reason": issue.reason,
                    "fingerprint": issue.fingerprint,
                    "first_seen": now,
                    "last_seen": now,
                    "resolved_at": None,
                }
            )
        elif (
            row.resolved_at is not None
            or row.reason != issue.reason
            or row.fingerprint != issue.fingerprint
        ):
            changes.append(
                {
                    "id": row.id,
                    "reason": issue.reason,
                    "fingerprint": issue.fingerprint,
                    "last_seen": now,
                    "resolved_at": None,
                }
            )
        else:
            touched.append(row.id)
    ids = allocate_ids(session, ISSUES, len(inserts))
    for issue_id, row in zip(ids, inserts, strict=True):
        row["id"] = issue_id
    bulk_insert(session, ISSUES, inserts)
    bulk_update(session, ISSUES, changes)
    _set_status(session, ISSUES, "id", touched, {"last_seen": now})
    if scanner is not None:
        listed = [w.safe_root for w in scanner.walks if w.ok]
        blocked = [d for w in scanner.walks for d in w.unreadable_dirs]
        resolved = [
            row.id
            for path, row in rows.items()
            if row.resolved_at is None
            and path not in current
            and _under(path, listed)
            and not _under(path, blocked)
        ]
        _set_status(session, ISSUES, "id", resolved, {"resolved_at": now})
    else:
        resolved = []
    if inserts or changes or touched or resolved:
        session.commit()


# --- Audiobookshelf ------------------------------------------------------------------------


async def merge_audiobookshelf(
    session: Session,
    client: AudiobookshelfClient,
    library_id: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Fold an Audiobookshelf server's library items into the books table.

    Items are matched to local books by `abs_item_id`, then by path, then by their path
    relative to the library folder; matched books get `abs_item_id` and the fields nothing
    local gave. Items with no local book become books with source "audiobookshelf" (marked
    removed when they leave the server). Errors are reported, never raised.
    """
    from library_pipeline.clients.http import ProviderError

    now = now or utcnow()
    summary: dict[str, Any] = {
        "libraries": 0,
        "items": 0,
        "matched": 0,
        "updated": 0,
        "new": 0,
        "removed": 0,
        "error": None,
    }
    try:
        libraries = [
            lib
            for lib in await client.list_libraries()
            if lib.media_type == "book" and (not library_id or lib.id == library_id)
        ]
        if library_id and not libraries:
            summary["error"] = f"library {library_id} not found on the server"
            return summary
        fetched: list[tuple[Any, list[AbsLibraryItem]]] = []
        for library in libraries:
            fetched.append((library, await client.library_items(library.id)))
    except ProviderError as error:
        summary.update(error=str(error), status=client.status())
        return summary

    rows = {
        row.id: dict(row._mapping)
        for row in session.execute(
            select(*_BOOK_FULL).where(Book.status.in_(["active", "removed"]))
        )
    }
    by_item = {r["abs_item_id"]: r for r in rows.values() if r["abs_item_id"]}
    by_path = {r["path"]: r for r in rows.values()}
    by_relative: dict[str, dict[str, Any]] = {}
    for row in rows.values():
        if row["source"] == FOLDER and row["status"] == "active" and row["library_root"]:
            relative = row["path"][len(row["library_root"]) :].strip("/")
            by_relative.setdefault(relative, row)

    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    inserted: set[str] = set()
    seen_items: set[str] = set()
    abs_roots: list[str] = []
    for library, items in fetched:
        summary["libraries"] += 1
        folders = {f.id: f.full_path for f in library.folders}
        abs_roots.extend(folders.values())
        for item in items:
            if item.is_missing or item.is_invalid:
                continue
            summary["items"] += 1
            seen_items.add(item.id)
            fields = item.book_fields()
            row = (
                by_item.get(item.id)
                or by_path.get(item.path)
                or by_relative.get(item.rel_path.strip("/"))
            )
            if row is not None and (row["source"] == FOLDER or row["status"] == "active"):
                if row["source"] == FOLDER:
                    summary["matched"] += 1  # (a removed folder book still gets its link)
                    changes = _with_completeness(row, audiobookshelf_updates(row, fields))
                else:
                    record = record_from_audiobookshelf(fields)
                    changes = _with_completeness(row, scan_updates(row, record))
                    if row["status"] != "active":
                        changes.update(status="active", removed_at=None)
                if row["abs_item_id"] != item.id:
                    changes["abs_item_id"] = item.id
                if changes:
                    summary["updated"] += 1
                    updates.append({"id": row["id"], **changes, "updated_at": now})
                continue
            if row is not None:  # a removed audiobookshelf-only book came back
                record = record_from_audiobookshelf(fields)
                changes = _with_completeness(row, scan_updates(row, record))
                changes.update(status="active", removed_at=None, abs_item_id=item.id)
                updates.append({"id": row["id"], **changes, "updated_at": now})
                summary["new"] += 1
                continue
            if item.path in inserted:
                continue  # the same folder listed twice (two libraries sharing it)
            inserted.add(item.path)
            record = record_from_audiobookshelf(fields)
            inserts.append(
                {
                    "path": item.path,
                    "library_root": folders.get(item.folder_id or ""),
                    "source": AUDIOBOOKSHELF,
                    "abs_item_id": item.id,
                    **record.values(),
                    "metadata_completeness_percent": completeness_percent(record.values()),
                    "locked_fields": [],
                    "fingerprint": None,
                    "status": "active",
                    "created_at": now,
                    "updated_at": now,
                    "removed_at": None,
                }
            )
    gone = [
        r["id"]
        for r in rows.values()
        if r["source"] == AUDIOBOOKSHELF
        and r["status"] == "active"
        and r["abs_item_id"] not in seen_items
        and (not library_id or _under(r["path"], abs_roots))
    ]
    try:
        ids = allocate_ids(session, BOOKS, len(inserts))
        for book_id, row in zip(ids, inserts, strict=True):
            row["id"] = book_id
        bulk_insert(session, BOOKS, inserts)
        bulk_update(session, BOOKS, updates)
        values = {"status": "removed", "removed_at": now, "updated_at": now}
        _set_status(session, BOOKS, "id", gone, values)
        if inserts or updates or gone:
            session.commit()
    except _WRITE_ERRORS as error:
        session.rollback()
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        summary.update(error=f"database error: {reason}", updated=0)
        return summary
    summary["new"] += len(inserts)
    summary["removed"] = len(gone)
    summary["status"] = client.status()
    return summary


# --- entry points --------------------------------------------------------------------------


def count_active_books(session: Session) -> int:
    return session.execute(select(func.count()).where(Book.status == "active")).scalar_one()


async def scan_library(
    session: Session,
    roots: Sequence[str | Path],
    *,
    abs_client: AudiobookshelfClient | None = None,
    abs_library_id: str | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    """Scan the library roots (and, optionally, an Audiobookshelf server) into the books table.

    Returns `{new, changed, restored, removed, unchanged, unreadable, files_read, files_seen,
    duplicates, total_books, seconds, issues: [{path, reason}], audiobookshelf}`; `changed`
    excludes `restored` (removed books that came back). Per-file and per-folder problems are
    issues (also upserted into `scan_issues`), never exceptions. `workers`: tag-reading
    processes when many files must be read (None = one per core, at most 4; 1 = none).
    """
    started = time.perf_counter()
    scanner = LibraryScanner(session, roots, workers=workers)
    result = scanner.run()
    if abs_client is not None:
        summary = await merge_audiobookshelf(session, abs_client, abs_library_id, scanner.now)
        result.audiobookshelf = summary
        result.new += summary["new"]
        result.removed += summary["removed"]
        scanner._lap("audiobookshelf")
    save_issues(session, result, scanner)
    if scanner.active_books is not None and abs_client is None:
        result.total_books = scanner.active_books
    else:
        result.total_books = count_active_books(session)
    scanner._lap("issues")
    result.seconds = time.perf_counter() - started
    return result.as_dict()


def books_missing_title_or_author(session: Session, limit: int = 20) -> tuple[int, list[str]]:
    """Active books with no title or no author: their count and a few paths."""
    condition = (Book.status == "active") & or_(
        Book.title.is_(None), Book.title == "", Book.authors.is_(None), Book.authors == []
    )
    count = session.execute(select(func.count()).where(condition)).scalar_one()
    paths = session.execute(select(Book.path).where(condition).order_by(Book.path).limit(limit))
    return count, list(paths.scalars())


def _clock(seconds: float | None) -> str:
    if not seconds:
        return ""
    whole = int(round(seconds))
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def preview_rows(session: Session, limit: int = 10) -> list[dict[str, Any]]:
    """A few books for the asset's preview table (most recently updated first)."""
    statement = (
        select(
            Book.title,
            Book.authors,
            Book.series,
            Book.series_position,
            Book.narrators,
            Book.duration_seconds,
            Book.codec,
            Book.metadata_source,
            Book.path,
        )
        .where(Book.status == "active")
        .order_by(Book.updated_at.desc(), Book.id.desc())
        .limit(limit)
    )
    out = []
    for row in session.execute(statement):
        series = row.series or ""
        if series and row.series_position:
            series = f"{series} #{row.series_position}"
        sources = sorted(set((row.metadata_source or {}).values()))
        out.append(
            {
                "title": row.title or "",
                "authors": ", ".join(row.authors or []),
                "series": series,
                "narrators": ", ".join(row.narrators or []),
                "duration": _clock(row.duration_seconds),
                "codec": row.codec or "",
                "sources": "+".join(sources),
                "path": row.path,
            }
        )
    return out
