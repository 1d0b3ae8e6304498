"""Placing one book in the library (file system only).

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

import errno
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from library_pipeline.domain.import_plan import ImportPlan, PlannedFile
from library_pipeline.domain.naming import UnsafePath, confine, split_relative
from library_pipeline.services.imports.fs import (
    LINK_UNSUPPORTED,
    describe,
    error_code,
    fsync_dir,
    fsync_file,
    rmdir_if_empty,
    within,
)
from library_pipeline.services.imports.staging import STAGING_DIR, is_safe_staging_root


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


@dataclass(frozen=True)
class _Source:
    planned: PlannedFile
    path: Path
    device: int


def source_path(source_root: Path, planned: PlannedFile) -> Path:
    """The planned file's data on disk, confined to `source_root` (symlinks resolved)."""
    root = os.path.realpath(source_root)
    try:
        parts = split_relative(planned.source)
    except UnsafePath as error:
        raise PlacementError(f"unsafe source path: {error}", "unsafe_path") from error
    path = Path(root, *parts)
    if not within(os.path.realpath(path), root):
        raise PlacementError(f"{planned.source!r} leads outside {root}", "unsafe_path")
    return path


def target_folder(library_root: Path, book_dir: PurePosixPath | str) -> Path:
    """The book's folder in the library, confined to the library root (symlinks resolved)."""
    root = os.path.realpath(library_root)
    try:
        target = Path(confine(root, str(book_dir)))
    except UnsafePath as error:
        raise PlacementError(f"unsafe book folder: {error}", "unsafe_path") from error
    if not within(os.path.realpath(target), root):
        raise PlacementError(f"{book_dir} leads outside the library {root}", "unsafe_path")
    return target


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
            return _existing(target, plan)
        raise PlacementError(
            f"{target} already exists with other content; not overwriting it", "target_exists"
        )
    sources = _read_sources(plan, source_root)
    if not is_safe_staging_root(library_root):
        raise PlacementError(
            f"{library_root / STAGING_DIR} is a link or leads outside the library; "
            "remove it (nothing was placed)",
            "unsafe_path",
        )
    staging_root = Path(os.path.realpath(library_root)) / STAGING_DIR
    staging = staging_root / uuid.uuid4().hex
    created_dirs: list[Path] = []
    try:
        _make_staging(staging, library_root)
        linked, copied = _stage_files(
            sources, staging, library_root, allow_hardlink=allow_hardlink, durable=durable
        )
        created_dirs = _create_parents(target)
        if durable:
            fsync_dir(staging)
        if not _move_into_place(staging, target, plan):
            return _existing(target, plan)
        if durable:
            fsync_dir(target.parent)
    except BaseException:
        _undo(staging, staging_root, created_dirs)
        raise
    rmdir_if_empty(staging_root)
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


def _existing(target: Path, plan: ImportPlan) -> Placement:
    files = [target / p.target for p in plan.files]
    return Placement(target, "existing", files, plan.total_bytes, 0, 0, 0.0)


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


def _read_sources(plan: ImportPlan, source_root: Path) -> list[_Source]:
    """Every planned file's data, checked to be there, regular and of the torrent's size."""
    sources: list[_Source] = []
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
            raise PlacementError(f"cannot read {src}: {describe(error)}", "source") from error
        if not os.path.isfile(src):
            raise PlacementError(f"source is not a regular file: {src}", "source")
        if st.st_size != planned.size:
            raise PlacementError(
                f"source {src} is {st.st_size} bytes, the torrent says {planned.size}",
                "source_changed",
            )
        sources.append(_Source(planned, src, st.st_dev))
    return sources


def _make_staging(staging: Path, library_root: Path) -> None:
    try:
        staging.mkdir(parents=True)
    except OSError as error:
        raise PlacementError(
            f"cannot create a staging folder in {library_root}: {describe(error)}",
            error_code(error),
        ) from error


def _stage_files(
    sources: list[_Source],
    staging: Path,
    library_root: Path,
    *,
    allow_hardlink: bool,
    durable: bool,
) -> tuple[int, int]:
    """Link (same file system) or copy every file into `staging`: (linked, copied)."""
    library_dev = os.stat(library_root).st_dev
    linked = copied = 0
    for source in sources:
        dst = staging / source.planned.target
        same_device = allow_hardlink and source.device == library_dev
        if same_device and _hardlink(source.path, dst, library_root):
            linked += 1
            continue
        _copy(source.path, dst, library_root, durable=durable)
        copied += 1
    return linked, copied


def _hardlink(src: Path, dst: Path, library_root: Path) -> bool:
    """Link `src` to `dst`; False when the file system refuses links (then copy)."""
    try:
        os.link(src, dst)
    except OSError as error:
        if error.errno in LINK_UNSUPPORTED:
            return False
        raise PlacementError(
            f"could not hardlink {src} into {library_root}: {describe(error)}", error_code(error)
        ) from error
    return True


def _copy(src: Path, dst: Path, library_root: Path, *, durable: bool) -> None:
    try:
        shutil.copy2(src, dst)
        if durable:
            fsync_file(dst)
    except OSError as error:
        raise PlacementError(
            f"could not copy {src} into {library_root}: {describe(error)}", error_code(error)
        ) from error


def _create_parents(target: Path) -> list[Path]:
    """Author/Series folders: create what is missing, return them to undo on failure."""
    parent = target.parent
    missing: list[Path] = []
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    created: list[Path] = []
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        except OSError as error:
            raise PlacementError(
                f"cannot create {folder}: {describe(error)}", error_code(error)
            ) from error
        created.append(folder)
    return created


def _move_into_place(staging: Path, target: Path, plan: ImportPlan) -> bool:
    """Rename the staged book to `target`; False when another import just put the same files
    there (then the staged copy is dropped)."""
    try:
        os.rename(staging, target)
    except OSError as error:
        if error.errno in (errno.ENOTEMPTY, errno.EEXIST) and _same_content(target, plan):
            shutil.rmtree(staging, ignore_errors=True)
            return False
        raise PlacementError(
            f"cannot move the staged book to {target}: {describe(error)}", error_code(error)
        ) from error
    return True


def _undo(staging: Path, staging_root: Path, created_dirs: list[Path]) -> None:
    shutil.rmtree(staging, ignore_errors=True)
    for folder in reversed(created_dirs):
        rmdir_if_empty(folder)
    rmdir_if_empty(staging_root)
