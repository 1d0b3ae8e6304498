"""What the import needs from the settings (built by the `defs/imports` resources), and the
result it returns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from library_pipeline.domain.naming import DEFAULT_TEMPLATE

# (session, [new book folders], library root) -> ids of the books now in `books`
RescanFn = Callable[[Session, list[Path], Path], Awaitable[list[int]]]
# (book id, session) -> result of the correction (truthy "fields_updated" = corrected)
CorrectFn = Callable[[int, Session], Awaitable[Mapping[str, Any] | None]]


@dataclass
class ImportOptions:
    """Where and how to import; `library_root` None = no library configured (nothing placed)."""

    library_root: Path | None
    naming_template: str = DEFAULT_TEMPLATE
    category: str = "library-pipeline"
    hardlink: bool = True
    abs_library_id: str = ""
    qbittorrent_attempts: int = 5
    qbittorrent_retry_wait: float = 2.0


@dataclass
class ImportResult:
    """What one import run did: counts, the books placed, the errors (one entry per torrent or
    book, with its reason), the finished torrents not imported because the user decided against
    them (`refused`, with the reason), the Audiobookshelf scan and the providers' health."""

    completed_downloads: int = 0
    imported_count: int = 0
    already_imported: int = 0
    corrected_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    imported: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    rescanned_books: list[int] = field(default_factory=list)
    staging_cleaned: list[str] = field(default_factory=list)
    audiobookshelf_scan: dict[str, Any] = field(default_factory=dict)
    pending_scan: dict[str, Any] | None = None
    providers: dict[str, dict[str, Any]] = field(default_factory=dict)
    seconds: float = 0.0
