"""Import finished downloads into the library: place the files, scan, correct, mark imported.

Placement (`place_book`, file system only):
- hardlink when the download and the library share a file system (same `st_dev`), copy
  otherwise (or when the file system refuses links); the seeding data is only ever read, never
  moved, renamed or deleted;
- everything is written into a staging folder inside the library root
  (`.library-pipeline-incoming/<random>/`, hidden, so scanners skip it) and the finished folder
  is `os.rename`d into place: a crash leaves no half-imported book, only staging debris that
  the next import removes;
- every path from the torrent is confined (`domain.naming`); symlinks that would lead outside
  the library or the download are refused;
- a book folder that already holds exactly the planned files is "already present" (no change);
  one that holds something else is never overwritten.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import re
import shutil
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from library_pipeline.clients.http import NotFound, ProviderUnavailable
from library_pipeline.domain.import_plan import ImportPlan, PlannedFile, TorrentFile, plan_import
from library_pipeline.domain.naming import (
    DEFAULT_TEMPLATE,
    BookNaming,
    TemplateError,
    UnsafePath,
    confine,
    render_book_path,
    split_relative,
)
from library_pipeline.domain.normalize import author_match, split_authors, title_similarity
from library_pipeline.domain.releases import parse_release_text
from library_pipeline.storage.models import AppState, Book, Download, MissingBook, utcnow

if TYPE_CHECKING:
    from library_pipeline.clients.audiobookshelf import AudiobookshelfClient
    from library_pipeline.clients.qbittorrent import QBittorrentClient, QbtTorrent
    from library_pipeline.settings import Settings

STAGING_DIR = ".library-pipeline-incoming"
STALE_STAGING_SECONDS = 3600.0

# Errors where a hardlink is impossible but a copy may work.
_LINK_UNSUPPORTED = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP}

_WHY = {
    errno.ENOSPC: "the library's disk is full",
    errno.EDQUOT: "the library's disk quota is exceeded",
    errno.EACCES: "permission denied on the library",
    errno.EPERM: "operation not permitted on the library",
    errno.EROFS: "the library is on a read-only file system",
    errno.ENAMETOOLONG: "a path in the library is too long",
    errno.EIO: "I/O error",
}


class PlacementError(Exception):
    """A book could not be placed; the message says why in words, the seeding data is intact."""

    def __init__(self, message: str, code: str = "error") -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Placement:
    """Where a book went and how."""

    target: Path
    mode: str  # hardlink | copy | mixed | existing
    files: list[Path] = field(default_factory=list)
    bytes: int = 0
    linked: int = 0
    copied: int = 0
    seconds: float = 0.0

    @property
    def already_present(self) -> bool:
        return self.mode == "existing"


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _describe(error: OSError) -> str:
    why = _WHY.get(error.errno or 0)
    detail = error.strerror or str(error)
    return f"{why} ({detail})" if why else detail


def source_path(source_root: Path, planned: PlannedFile) -> Path:
    """The planned file's data on disk, confined to `source_root` (symlinks resolved)."""
    root = os.path.realpath(source_root)
    try:
        parts = split_relative(planned.source)
    except UnsafePath as error:
        raise PlacementError(f"unsafe source path: {error}", "unsafe_path") from error
    path = Path(root, *parts)
    if not _within(os.path.realpath(path), root):
        raise PlacementError(f"{planned.source!r} leads outside {root}", "unsafe_path")
    return path


def target_folder(library_root: Path, book_dir: PurePosixPath | str) -> Path:
    """The book's folder in the library, confined to the library root (symlinks resolved)."""
    root = os.path.realpath(library_root)
    try:
        target = Path(confine(root, str(book_dir)))
    except UnsafePath as error:
        raise PlacementError(f"unsafe book folder: {error}", "unsafe_path") from error
    if not _within(os.path.realpath(target), root):
        raise PlacementError(f"{book_dir} leads outside the library {root}", "unsafe_path")
    return target


def _same_content(target: Path, plan: ImportPlan) -> bool:
    """Whether `target` already holds every planned file with its size."""
    for planned in plan.files:
        path = target / planned.target
        try:
            if not path.is_file() or path.stat().st_size != planned.size:
                return False
        except OSError:
            return False
    return True


def clean_staging(library_root: Path, older_than: float = STALE_STAGING_SECONDS) -> list[Path]:
    """Remove staging folders left by a crash (they only hold links/copies; seeding data is
    never in them, and removing a hardlink leaves the other name intact). Returns them."""
    staging_root = Path(library_root) / STAGING_DIR
    removed: list[Path] = []
    if not staging_root.is_dir():
        return removed
    now = time.time()
    for entry in staging_root.iterdir():
        try:
            if now - entry.lstat().st_mtime >= older_than:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
                removed.append(entry)
        except OSError:
            continue
    _rmdir_if_empty(staging_root)
    return removed


def _rmdir_if_empty(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.rmdir()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def place_book(
    plan: ImportPlan,
    source_root: Path,
    library_root: Path,
    book_dir: PurePosixPath | str,
    *,
    allow_hardlink: bool = True,
    durable: bool = True,
) -> Placement:
    """Place `plan`'s files from `source_root` (the torrent's save path) into
    `library_root/book_dir`, atomically. Raises `PlacementError` with a clear reason; the
    seeding data is untouched either way (see the module docstring)."""
    started = time.perf_counter()
    if plan.problems:
        raise PlacementError("; ".join(plan.problems), "nothing_to_import")
    library_root = Path(library_root)
    if not library_root.is_dir():
        raise PlacementError(f"library root {library_root} does not exist", "no_library")
    target = target_folder(library_root, book_dir)
    # Already imported (a re-run): nothing to do, even if the torrent is gone by now.
    if target.exists():
        if target.is_dir() and _same_content(target, plan):
            files = [target / p.target for p in plan.files]
            return Placement(target, "existing", files, plan.total_bytes, 0, 0, 0.0)
        raise PlacementError(
            f"{target} already exists with other content; not overwriting it", "target_exists"
        )

    sources: list[tuple[PlannedFile, Path, os.stat_result]] = []
    for planned in plan.files:
        src = source_path(source_root, planned)
        try:
            st = src.stat()
        except FileNotFoundError as error:
            raise PlacementError(
                f"source file missing: {src} (torrent moved or removed before import?)",
                "source_missing",
            ) from error
        except OSError as error:
            raise PlacementError(f"cannot read {src}: {_describe(error)}", "source") from error
        if not os.path.isfile(src):
            raise PlacementError(f"source is not a regular file: {src}", "source")
        if st.st_size != planned.size:
            raise PlacementError(
                f"source {src} is {st.st_size} bytes, the torrent says {planned.size}",
                "source_changed",
            )
        sources.append((planned, src, st))

    library_dev = os.stat(library_root).st_dev
    staging_root = Path(os.path.realpath(library_root)) / STAGING_DIR
    staging = staging_root / uuid.uuid4().hex
    created_dirs: list[Path] = []
    linked = copied = 0
    try:
        try:
            staging.mkdir(parents=True)
        except OSError as error:
            raise PlacementError(
                f"cannot create a staging folder in {library_root}: {_describe(error)}",
                _code(error),
            ) from error
        for planned, src, st in sources:
            dst = staging / planned.target
            if allow_hardlink and st.st_dev == library_dev:
                try:
                    os.link(src, dst)
                    linked += 1
                    continue
                except OSError as error:
                    if error.errno not in _LINK_UNSUPPORTED:
                        raise PlacementError(
                            f"could not hardlink {src} into {library_root}: {_describe(error)}",
                            _code(error),
                        ) from error
            try:
                shutil.copy2(src, dst)
                if durable:
                    _fsync_file(dst)
                copied += 1
            except OSError as error:
                raise PlacementError(
                    f"could not copy {src} into {library_root}: {_describe(error)}",
                    _code(error),
                ) from error
        # Author/Series folders: create what is missing, remember it to undo on failure.
        parent = target.parent
        missing: list[Path] = []
        while not parent.exists():
            missing.append(parent)
            parent = parent.parent
        for folder in reversed(missing):
            try:
                folder.mkdir()
            except FileExistsError:
                continue
            except OSError as error:
                raise PlacementError(
                    f"cannot create {folder}: {_describe(error)}", _code(error)
                ) from error
            created_dirs.append(folder)
        if durable:
            _fsync_dir(staging)
        try:
            os.rename(staging, target)
        except OSError as error:
            if error.errno in (errno.ENOTEMPTY, errno.EEXIST) and _same_content(target, plan):
                files = [target / p.target for p in plan.files]
                return Placement(target, "existing", files, plan.total_bytes, 0, 0, 0.0)
            raise PlacementError(
                f"cannot move the staged book to {target}: {_describe(error)}", _code(error)
            ) from error
        if durable:
            _fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for folder in reversed(created_dirs):
            _rmdir_if_empty(folder)
        _rmdir_if_empty(staging_root)
        raise
    _rmdir_if_empty(staging_root)
    mode = "hardlink" if copied == 0 else "copy" if linked == 0 else "mixed"
    return Placement(
        target=target,
        mode=mode,
        files=[target / p.target for p in plan.files],
        bytes=plan.total_bytes,
        linked=linked,
        copied=copied,
        seconds=time.perf_counter() - started,
    )


def _code(error: OSError) -> str:
    return {
        errno.ENOSPC: "disk_full",
        errno.EDQUOT: "disk_full",
        errno.EACCES: "permission_denied",
        errno.EPERM: "permission_denied",
        errno.EROFS: "read_only",
    }.get(error.errno or 0, "os_error")


# =============================================================================================
# The import service: finished torrents → placed books → Audiobookshelf scan → library_books →
# corrected metadata → rows marked `imported`.
# =============================================================================================

PENDING_SCAN_KEY = "audiobookshelf_pending_scan"
MISSING_TAG_PREFIX = "lp-missing-"

# (session, [new book folders], library root) -> ids of the books now in `books`
RescanFn = Callable[[Session, list[Path], Path], Awaitable[list[int]]]
# (book id, session) -> result dict of the correction (truthy "changed"/"corrections" = corrected)
CorrectFn = Callable[[int, Session], Awaitable[Mapping[str, Any] | None]]


@dataclass
class ImportOptions:
    """What the import needs from the settings (built with `ImportOptions.from_settings`)."""

    library_root: Path | None
    naming_template: str = DEFAULT_TEMPLATE
    category: str = "library-pipeline"
    hardlink: bool = True
    abs_library_id: str = ""
    qbittorrent_attempts: int = 5
    qbittorrent_retry_wait: float = 2.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ImportOptions:
        root = settings.import_root or (
            settings.library_roots[0] if settings.library_roots else None
        )
        return cls(
            library_root=Path(root) if root else None,
            naming_template=settings.naming_template,
            category=settings.qbittorrent_category,
            hardlink=settings.import_hardlink,
            abs_library_id=settings.abs_library_id,
        )


def missing_book_id_from_tags(tags: Iterable[str]) -> int | None:
    """The missing book a torrent was grabbed for, from its `lp-missing-<id>` tag."""
    for tag in tags:
        tag = tag.strip()
        if tag.startswith(MISSING_TAG_PREFIX) and tag[len(MISSING_TAG_PREFIX) :].isdigit():
            return int(tag[len(MISSING_TAG_PREFIX) :])
    return None


def naming_from_torrent_name(name: str) -> BookNaming:
    """Best guess from a hand-added torrent's name: `Author - Title`, `Title by Author`."""
    text = re.sub(r"[._]+", " ", name).strip()
    # [m4b], (2014), (Unabridged), {Narrator}
    text = re.sub(r"\s*[\[({][^\])}]*[\])}]\s*", " ", text).strip()
    if " - " in text:
        author, title = text.split(" - ", 1)
        return BookNaming(title=title.strip(), authors=split_authors(author))
    match = re.match(r"^(?P<title>.+?)\s+by\s+(?P<author>.+)$", text, re.IGNORECASE)
    if match:
        return BookNaming(title=match["title"], authors=split_authors(match["author"]))
    return BookNaming(title=text)


def _match_missing_book(session: Session, guess: BookNaming) -> MissingBook | None:
    """An open missing book whose title and author match a hand-added torrent's name."""
    if not guess.title or not guess.authors:
        return None
    open_books = session.scalars(
        select(MissingBook).where(MissingBook.status.in_(("pending", "queued", "downloaded")))
    ).all()
    best: tuple[float, MissingBook] | None = None
    for book in open_books:
        if not author_match(list(book.authors or []), list(guess.authors)):
            continue
        score = title_similarity(book.title, guess.title)
        if score >= 0.9 and (best is None or score > best[0]):
            best = (score, book)
    return best[1] if best else None


def naming_for(download: Download, missing: MissingBook | None) -> BookNaming:
    """The naming fields of a download: its missing book's, narrators from the release title."""
    narrators: tuple[str, ...] = ()
    if download.release_title:
        narrators = parse_release_text(download.release_title).narrators
    if missing is not None:
        return BookNaming(
            title=missing.title,
            authors=list(missing.authors or []),
            narrators=list(narrators),
            series=missing.series,
            series_position=missing.series_position,
            year=missing.published_year,
            asin=missing.asin,
            isbn=missing.isbn,
            language=missing.language,
        )
    guess = naming_from_torrent_name(download.release_title or "")
    return BookNaming(
        title=guess.title, authors=guess.authors, narrators=list(narrators) or guess.narrators
    )


def read_pending_scan(session: Session) -> dict[str, Any] | None:
    state = session.get(AppState, PENDING_SCAN_KEY)
    return dict(state.value) if state is not None and state.value else None


def _write_pending_scan(session: Session, value: dict[str, Any] | None) -> None:
    state = session.get(AppState, PENDING_SCAN_KEY)
    if value is None:
        if state is not None:
            session.delete(state)
    elif state is None:
        session.add(AppState(key=PENDING_SCAN_KEY, value=value))
    else:
        state.value = value
        state.updated_at = utcnow()
    session.commit()


async def _abs_library_ids(
    audiobookshelf: AudiobookshelfClient, configured: str, library_root: Path | None
) -> list[str]:
    """The configured library, else the libraries whose folders hold the import root, else all
    book libraries."""
    if configured:
        return [configured]
    libraries = [lib for lib in await audiobookshelf.list_libraries() if lib.media_type == "book"]
    if library_root is not None:
        root = os.path.realpath(library_root)
        holding = [
            lib.id
            for lib in libraries
            if any(
                _within(root, os.path.realpath(f.full_path)) or _within(f.full_path, root)
                for f in lib.folders
            )
        ]
        if holding:
            return holding
    return [lib.id for lib in libraries]


async def request_audiobookshelf_scan(
    session: Session,
    audiobookshelf: AudiobookshelfClient | None,
    *,
    reason: str,
    options: ImportOptions,
    paths: Sequence[str] = (),
) -> dict[str, Any]:
    """Ask Audiobookshelf to scan; on failure keep (or update) the pending-scan marker in
    `app_state` so the next import run retries. Returns what happened (for metadata)."""
    pending = read_pending_scan(session)
    if audiobookshelf is None:
        return {"requested": False, "reason": "Audiobookshelf not configured", "pending": None}
    try:
        library_ids = await _abs_library_ids(
            audiobookshelf, options.abs_library_id, options.library_root
        )
        for library_id in library_ids:
            await audiobookshelf.scan_library(library_id)
    except Exception as error:  # noqa: BLE001 - ABS down must never undo an import
        now = utcnow().isoformat(timespec="seconds")
        value = {
            "since": (pending or {}).get("since", now),
            "last_attempt": now,
            "attempts": int((pending or {}).get("attempts", 0)) + 1,
            "last_error": str(error)[:500],
            "reason": reason,
            "paths": sorted({*(pending or {}).get("paths", []), *paths})[-50:],
        }
        _write_pending_scan(session, value)
        return {"requested": False, "error": str(error)[:500], "pending": value}
    _write_pending_scan(session, None)
    return {
        "requested": True,
        "libraries": library_ids,
        "retried_pending_since": (pending or {}).get("since"),
        "pending": None,
    }


async def import_completed_downloads(
    session: Session,
    qbittorrent: QBittorrentClient,
    audiobookshelf: AudiobookshelfClient | None = None,
    *,
    options: ImportOptions,
    infohashes: Sequence[str] | None = None,
    discovery_source: str | None = None,
    rescan: RescanFn | None = None,
    correct: CorrectFn | None = None,
) -> dict[str, Any]:
    """Import finished torrents of the pipeline's category (or just `infohashes`).

    Per torrent (one short transaction each; one bad torrent never stops the others): find its
    `downloads` row by infohash (or, for a torrent added by hand, its `lp-missing-<id>` tag or
    its name, creating a `manual` row), plan its files, place them in the library, mark the
    download and its missing book `imported`. Then one Audiobookshelf scan (or a pending-scan
    marker, retried by the next run), a rescan of the new folders into `books`, and metadata
    correction of those books. Re-running for an imported torrent changes nothing.

    `discovery_source` limits the import to downloads of missing books found that way
    (`series_gaps`, `author_gaps`, `top10`); hand-added torrents are then left alone.
    """
    started = time.perf_counter()
    result: dict[str, Any] = {
        "completed_downloads": 0,
        "imported_count": 0,
        "already_imported": 0,
        "corrected_count": 0,
        "errors": [],
        "imported": [],
        "skipped": [],
        "rescanned_books": [],
    }
    errors: list[dict[str, Any]] = result["errors"]

    if options.library_root is not None:
        removed = await asyncio.to_thread(clean_staging, options.library_root)
        if removed:
            result["staging_cleaned"] = [str(p) for p in removed]

    torrents = await _qbt(options, _list_torrents, qbittorrent, options.category, infohashes)
    if infohashes:
        found = {t.hash.lower() for t in torrents}
        for infohash in infohashes:
            if infohash.lower() not in found:
                errors.append(
                    _mark_gone(session, infohash.lower(), "torrent removed before import")
                )
    placed: list[Placement] = []
    for torrent in torrents:
        if not torrent.is_complete:
            result["skipped"].append({"infohash": torrent.hash, "reason": "not finished"})
            continue
        result["completed_downloads"] += 1
        try:
            outcome = await _import_one(
                session, qbittorrent, torrent, options=options, discovery_source=discovery_source
            )
        except Exception as error:  # noqa: BLE001 - per item: recorded, never fails the run
            session.rollback()
            errors.append({"infohash": torrent.hash, "name": torrent.name, "reason": str(error)})
            _record_error(session, torrent.hash, str(error))
            continue
        if outcome is None:
            result["skipped"].append(
                {"infohash": torrent.hash, "reason": f"not from {discovery_source}"}
            )
        elif outcome.get("error"):
            errors.append(outcome["error"])
        elif outcome["placement"].already_present or outcome.get("already_imported"):
            result["already_imported"] += 1
        else:
            result["imported_count"] += 1
            result["imported"].append(outcome["summary"])
            placed.append(outcome["placement"])

    pending = read_pending_scan(session)
    if placed or pending:
        result["audiobookshelf_scan"] = await request_audiobookshelf_scan(
            session,
            audiobookshelf,
            reason="import" if placed else "retry",
            options=options,
            paths=[str(p.target) for p in placed],
        )
    else:
        result["audiobookshelf_scan"] = {"requested": False, "reason": "nothing new"}

    book_ids: list[int] = []
    if placed and rescan is not None and options.library_root is not None:
        try:
            book_ids = await rescan(session, [p.target for p in placed], options.library_root)
        except Exception as error:  # noqa: BLE001
            session.rollback()
            errors.append({"stage": "rescan", "reason": f"rescan into library_books: {error}"})
    result["rescanned_books"] = book_ids
    if correct is not None:
        for book_id in book_ids:
            try:
                outcome = await correct(book_id, session)
            except Exception as error:  # noqa: BLE001
                session.rollback()
                errors.append({"book_id": book_id, "stage": "correct", "reason": str(error)})
                continue
            if _corrected(outcome):
                result["corrected_count"] += 1
            if isinstance(outcome, Mapping) and outcome.get("errors"):
                errors.append({"book_id": book_id, "stage": "correct", "reason": outcome["errors"]})
    result["pending_scan"] = read_pending_scan(session)
    result["qbittorrent"] = qbittorrent.status()
    if audiobookshelf is not None:
        result["audiobookshelf"] = audiobookshelf.status()
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


async def import_and_correct_series(
    session: Session,
    qbittorrent: QBittorrentClient,
    audiobookshelf: AudiobookshelfClient | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """The seed design's name: import finished downloads of series gaps, then correct them."""
    return await import_completed_downloads(
        session, qbittorrent, audiobookshelf, discovery_source="series_gaps", **kwargs
    )


async def import_and_correct_authors(
    session: Session,
    qbittorrent: QBittorrentClient,
    audiobookshelf: AudiobookshelfClient | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """The seed design's name: import finished downloads of author gaps, then correct them."""
    return await import_completed_downloads(
        session, qbittorrent, audiobookshelf, discovery_source="author_gaps", **kwargs
    )


# --- internals of the service ----------------------------------------------------------------


def _corrected(outcome: Any) -> bool:
    """Whether a correction changed the book (`correct_book_metadata`: `fields_updated`)."""
    if not isinstance(outcome, Mapping):
        return bool(outcome)
    return bool(outcome.get("fields_updated")) or outcome.get("status") == "updated"


async def _qbt(options: ImportOptions, fn: Callable[..., Any], *args: Any) -> Any:
    """A qBittorrent call in a thread, retried while qBittorrent is unreachable (a restart
    takes a few seconds); other errors are raised at once."""
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type(ProviderUnavailable),
        stop=stop_after_attempt(max(1, options.qbittorrent_attempts)),
        wait=wait_exponential(multiplier=options.qbittorrent_retry_wait, max=30),
        reraise=True,
    ):
        with attempt:
            return await asyncio.to_thread(fn, *args)
    raise AssertionError("unreachable")  # pragma: no cover


def _list_torrents(
    client: QBittorrentClient, category: str, infohashes: Sequence[str] | None
) -> list[QbtTorrent]:
    if infohashes:
        return client.torrents(hashes=[h.lower() for h in infohashes])
    return client.torrents(category=category, status_filter="completed")


def _find_download(session: Session, infohash: str) -> Download | None:
    return session.scalar(select(Download).where(func.lower(Download.infohash) == infohash.lower()))


def _record_error(session: Session, infohash: str, reason: str) -> None:
    download = _find_download(session, infohash)
    if download is not None and download.status != "imported":
        download.error = reason[:2000]
        session.commit()


def _mark_gone(session: Session, infohash: str, reason: str) -> dict[str, Any]:
    download = _find_download(session, infohash)
    entry: dict[str, Any] = {"infohash": infohash, "reason": reason}
    if download is not None:
        entry["name"] = download.release_title
        if download.status != "imported":
            download.status = "failed"
            download.error = reason
            session.commit()
        else:
            entry["reason"] = "already imported; torrent removed since (nothing to do)"
    return entry


async def _import_one(
    session: Session,
    qbittorrent: QBittorrentClient,
    torrent: QbtTorrent,
    *,
    options: ImportOptions,
    discovery_source: str | None,
) -> dict[str, Any] | None:
    infohash = torrent.hash.lower()
    download = _find_download(session, infohash)
    missing: MissingBook | None = None
    if download is not None and download.missing_book_id is not None:
        missing = session.get(MissingBook, download.missing_book_id)
    if discovery_source is not None and (
        missing is None or missing.discovery_source != discovery_source
    ):
        return None
    if download is not None and download.status == "imported" and download.imported_path:
        placement = Placement(Path(download.imported_path), "existing")
        return {"placement": placement, "already_imported": True}
    if options.library_root is None:
        return {"error": _error(torrent, "no library: set import_root or library_roots")}

    if download is None:
        download, missing = _manual_download(session, torrent)

    try:
        files = await _qbt(options, qbittorrent.files, infohash)
    except NotFound:
        return {"error": _mark_gone(session, infohash, "torrent removed before import")}
    plan = plan_import(TorrentFile(f.name, f.size, f.progress, f.priority, f.index) for f in files)
    try:
        book_dir = render_book_path(naming_for(download, missing), options.naming_template)
    except TemplateError as error:
        return {"error": _error(torrent, f"naming template: {error}")}
    try:
        placement = await asyncio.to_thread(
            place_book,
            plan,
            Path(torrent.save_path),
            options.library_root,
            book_dir,
            allow_hardlink=options.hardlink,
        )
    except PlacementError as error:
        download.error = str(error)[:2000]
        session.commit()
        entry = _error(torrent, str(error))
        entry["code"] = error.code
        return {"error": entry}

    now = utcnow()
    download.status = "imported"
    download.error = None
    download.imported_path = str(placement.target)
    download.imported_at = now
    download.save_path = download.save_path or torrent.save_path
    if download.completed_at is None:
        download.completed_at = (
            datetime.fromtimestamp(torrent.completion_on, UTC).replace(tzinfo=None)
            if torrent.completion_on > 0
            else now
        )
    if missing is not None:
        missing.status = "imported"
        missing.last_seen = now
    session.commit()
    summary = {
        "infohash": infohash,
        "title": missing.title if missing is not None else download.release_title,
        "path": str(placement.target),
        "mode": placement.mode,
        "files": len(placement.files),
        "bytes": placement.bytes,
        "skipped_files": [f"{s.source}: {s.reason}" for s in plan.skipped][:20],
        "seconds": round(placement.seconds, 3),
    }
    return {"placement": placement, "summary": summary}


def _error(torrent: QbtTorrent, reason: str) -> dict[str, Any]:
    return {"infohash": torrent.hash.lower(), "name": torrent.name, "reason": reason}


def _manual_download(session: Session, torrent: QbtTorrent) -> tuple[Download, MissingBook | None]:
    """A `downloads` row for a torrent added by hand in the pipeline's category."""
    missing: MissingBook | None = None
    book_id = missing_book_id_from_tags(torrent.tags)
    if book_id is not None:
        missing = session.get(MissingBook, book_id)
    if missing is None:
        missing = _match_missing_book(session, naming_from_torrent_name(torrent.name))
    download = Download(
        missing_book_id=missing.id if missing is not None else None,
        release_title=torrent.name,
        source="manual",
        infohash=torrent.hash.lower(),
        size_bytes=torrent.total_size if torrent.total_size >= 0 else torrent.size,
        category=torrent.category or None,
        status="completed",
        save_path=torrent.save_path,
    )
    session.add(download)
    session.commit()
    return download, missing


async def rescan_library_folders(
    session: Session, targets: list[Path], library_root: Path
) -> list[int]:
    """Rescan the import root into `books` (the library scan is incremental: unchanged books
    cost a dict lookup) and return the ids of the books now at `targets`."""
    from library_pipeline.services.scan.service import ScanConfig, scan_library

    await scan_library(session, ScanConfig(roots=[str(library_root)]))
    real_root = os.path.realpath(library_root)
    abs_root = os.path.normpath(os.path.abspath(library_root))
    candidates: set[str] = set()
    for target in targets:
        candidates.add(str(target))
        real = os.path.realpath(target)
        if _within(real, real_root):
            candidates.add(os.path.join(abs_root, os.path.relpath(real, real_root)))
    if not candidates:
        return []
    rows = session.scalars(
        select(Book.id).where(Book.path.in_(sorted(candidates)), Book.status == "active")
    ).all()
    return sorted(rows)
