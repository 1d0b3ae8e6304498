"""A book found on disk, its files in track order, and the one "file unchanged" test."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from library_pipeline.domain.book_folders import natural_key
from library_pipeline.services.scan.walk import BookListing, Rel, RootWalk, WalkedDir, WalkedFile


def file_fingerprint(walked: WalkedFile) -> str:
    """A file's size and mtime: what an unreadable file is remembered by."""
    return f"{walked.size}:{walked.mtime_ns}"


def file_unchanged(stored: Any, walked: WalkedFile) -> bool:
    """Whether a stored `book_files` row still describes the walked file (its tags need no
    new read): active, same size, same mtime."""
    return (
        stored is not None
        and stored.status == "active"
        and stored.size_bytes == walked.size
        and stored.mtime_ns == walked.mtime_ns
    )


@dataclass
class BookOnDisk:
    """A book the walk found whose files must be read (new or changed)."""

    root: RootWalk
    key: Rel
    parts: list[tuple[Rel, WalkedDir]]  # member folders (relative to the book)
    cover: str | None
    single_root_file: bool
    fingerprint: str
    path: str  # as stored

    @classmethod
    def from_listing(cls, walk: RootWalk, listing: BookListing) -> BookOnDisk:
        path, fingerprint, key, members, cover, single_root_file = listing
        if single_root_file:  # a file in the root: a folder of its own, holding only it
            root = walk.dirs[()]
            walked = next(f for f in root.files if f.safe == key[0])
            parts: list[tuple[Rel, WalkedDir]] = [((), WalkedDir(root.real, [walked], []))]
        else:
            parts = [(member, walk.dirs[key + member]) for member in members]
        return cls(walk, key, parts, cover, single_root_file, fingerprint, path)

    @cached_property
    def ordered(self) -> tuple[list[str], list[WalkedFile], list[str]]:
        """(names relative to the book, files, paths to open) in natural track order."""
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
