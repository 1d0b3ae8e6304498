"""What to place in the library from a finished torrent's file list (pure: no file system).

- Audio files are kept in reading order: natural sort of the whole path, so `CD 2/…` < `CD 10/…`
  and `Chapter 2` < `Chapter 10`. They are flattened into the book folder; the original names
  are kept unless they would collide or would no longer sort in reading order by a plain
  byte-wise sort, in which case every audio file gets a zero-padded `NNN - ` prefix.
- Extras a player or Audiobookshelf uses are kept: cover images, `.cue`, `.nfo`, `.pdf`,
  `.epub`, `.opf`, `.srt`/`.vtt`/`.lrc`.
- Everything else is dropped with a reason: executables and scripts, `.url`/`.txt` adverts,
  samples, hidden and AppleDouble files, unfinished or deselected files, unsafe paths.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from library_pipeline.domain.book_folders import natural_key
from library_pipeline.domain.naming import UnsafePath, sanitize_component, split_relative

__all__ = ["ImportPlan", "PlannedFile", "SkippedFile", "TorrentFile", "natural_key", "plan_import"]

AUDIO_EXTENSIONS = frozenset(
    {
        ".mp3", ".m4b", ".m4a", ".mp4", ".aac", ".flac", ".ogg", ".oga", ".opus", ".wma",
        ".wav", ".aif", ".aiff", ".mka", ".webm", ".weba", ".caf", ".awb", ".ape", ".mp2",
    }
)  # fmt: skip
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif"})
EXTRA_EXTENSIONS = IMAGE_EXTENSIONS | frozenset(
    {".cue", ".nfo", ".pdf", ".epub", ".opf", ".srt", ".vtt", ".lrc", ".chapters"}
)
JUNK_EXTENSIONS = frozenset(
    {
        ".exe", ".com", ".bat", ".cmd", ".scr", ".msi", ".lnk", ".pif", ".vbs", ".js", ".jar",
        ".ps1", ".sh", ".dll", ".apk", ".dmg", ".url", ".webloc", ".desktop", ".txt", ".htm",
        ".html", ".torrent", ".nzb", ".sfv", ".md5", ".sha1", ".par2", ".db", ".ini", ".log",
        ".m3u", ".m3u8", ".pls", ".zip", ".rar", ".7z", ".part", ".!qb", ".tmp",
    }
)  # fmt: skip
_SAMPLE_STEM = re.compile(r"(^|[\s._-])sample$", re.IGNORECASE)
_SAMPLE_DIR = re.compile(r"^samples?$", re.IGNORECASE)


@dataclass(frozen=True)
class TorrentFile:
    """One file of a torrent as `torrents/files` reports it (`name` relative to the save path)."""

    name: str
    size: int
    progress: float = 1.0
    priority: int = 1
    index: int = 0


@dataclass(frozen=True)
class PlannedFile:
    """One file to place: `source` is the torrent's own relative path (to read the data),
    `target` the safe file name inside the book folder."""

    source: str
    target: str
    kind: str  # audio | extra
    size: int
    order: int


@dataclass(frozen=True)
class SkippedFile:
    source: str
    reason: str


@dataclass(frozen=True)
class ImportPlan:
    files: tuple[PlannedFile, ...] = ()
    skipped: tuple[SkippedFile, ...] = ()
    renamed_for_order: bool = False

    @property
    def audio(self) -> tuple[PlannedFile, ...]:
        return tuple(f for f in self.files if f.kind == "audio")

    @property
    def extras(self) -> tuple[PlannedFile, ...]:
        return tuple(f for f in self.files if f.kind == "extra")

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def problems(self) -> list[str]:
        """Why this plan cannot be imported ([] when it can)."""
        if not self.audio:
            unfinished = [s for s in self.skipped if s.reason.startswith("unfinished")]
            if unfinished:
                return [f"no finished audio files ({len(unfinished)} unfinished)"]
            return ["no audio files in the torrent"]
        return []


@dataclass
class _Candidate:
    source: str
    parts: tuple[str, ...]
    size: int
    kind: str
    key: tuple[object, ...] = field(default=())


def path_sort_key(parts: Sequence[str]) -> tuple[object, ...]:
    """Natural order of a path, folder by folder, then the raw text as the tie-breaker."""
    return (tuple(natural_key(p) for p in parts), tuple(parts))


def extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def classify(parts: Sequence[str], size: int) -> tuple[str, str]:
    """(`audio` | `extra` | `junk`, reason) for a file by its relative path parts."""
    name = parts[-1]
    ext = extension(name)
    stem = name[: -len(ext)] if ext else name
    if any(p.startswith(".") for p in parts):
        return "junk", "hidden or AppleDouble file"
    if ext in JUNK_EXTENSIONS:
        return "junk", f"{ext} file (not audio, not an extra)"
    if any(_SAMPLE_DIR.match(p) for p in parts[:-1]) or _SAMPLE_STEM.search(stem):
        return "junk", "sample"
    if ext in AUDIO_EXTENSIONS:
        if size == 0:
            return "junk", "empty audio file"
        return "audio", ""
    if ext in EXTRA_EXTENSIONS:
        return "extra", ""
    return "junk", f"unknown file type {ext or '(no extension)'}"


def _dedupe(name: str, taken: set[str]) -> str:
    if name.casefold() not in taken:
        taken.add(name.casefold())
        return name
    ext = extension(name)
    stem = name[: -len(ext)] if ext else name
    n = 2
    while f"{stem} ({n}){ext}".casefold() in taken:
        n += 1
    unique = sanitize_component(f"{stem} ({n}){ext}")
    taken.add(unique.casefold())
    return unique


def plan_import(files: Iterable[TorrentFile]) -> ImportPlan:
    """Decide what to place, in which order, under which names (see the module docstring)."""
    candidates: list[_Candidate] = []
    skipped: list[SkippedFile] = []
    seen: dict[tuple[str, ...], str] = {}
    for f in files:
        try:
            parts = split_relative(f.name)
        except UnsafePath as error:
            skipped.append(SkippedFile(f.name, f"unsafe path: {error}"))
            continue
        if parts in seen:  # `Book//01.mp3` and `Book/01.mp3` are one file on disk
            skipped.append(SkippedFile(f.name, f"the same file as {seen[parts]!r}"))
            continue
        seen[parts] = f.name
        if f.priority == 0:
            skipped.append(SkippedFile(f.name, "deselected in qBittorrent (priority 0)"))
            continue
        if f.progress < 1:
            skipped.append(SkippedFile(f.name, f"unfinished ({f.progress:.0%})"))
            continue
        kind, reason = classify(parts, f.size)
        if kind == "junk":
            skipped.append(SkippedFile(f.name, reason))
            continue
        candidates.append(_Candidate(f.name, parts, f.size, kind, path_sort_key(parts)))

    audio = sorted((c for c in candidates if c.kind == "audio"), key=lambda c: c.key)
    extras = sorted((c for c in candidates if c.kind == "extra"), key=lambda c: c.key)

    names = [sanitize_component(c.parts[-1]) for c in audio]
    in_order = names == sorted(names) and len({n.casefold() for n in names}) == len(names)
    if not in_order:
        width = max(3, len(str(len(audio))))
        names = [sanitize_component(f"{i:0{width}d} - {n}") for i, n in enumerate(names, 1)]

    planned: list[PlannedFile] = []
    taken: set[str] = set()
    for order, (c, name) in enumerate(zip(audio, names, strict=True)):
        planned.append(PlannedFile(c.source, _dedupe(name, taken), "audio", c.size, order))
    for order, c in enumerate(extras, start=len(audio)):
        target = _dedupe(sanitize_component(c.parts[-1]), taken)
        planned.append(PlannedFile(c.source, target, "extra", c.size, order))
    return ImportPlan(tuple(planned), tuple(skipped), renamed_for_order=not in_order)


def book_relative_source(plan_file: PlannedFile) -> PurePosixPath:
    """The planned file's source path as safe-to-join components (already validated)."""
    return PurePosixPath(*split_relative(plan_file.source))
