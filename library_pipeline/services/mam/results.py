"""What the MAM services return; `defs/mam` turns each into metadata.

`get_available_genres` / `saved_genres` → `GenresResult`, `scrape_mam_top10` → `Top10Result`,
`queue_top10_downloads` → `QueueResult`; the guides crawler: `crawl_mam_guides` →
`CrawlResult`, `get_crawler_status` → `CrawlerStatus`, `reset_crawler_state` → `CrawlReset`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class GenresResult:
    """MAM's audiobook genres: display names ("Fantasy", the partition keys of `top10_lists`)
    sorted, each with its MAM category id. `source`: "mam", "built-in" or "saved (…)"."""

    genre_ids: dict[str, int]
    timestamp: str | None
    source: str
    errors: list[str] = field(default_factory=list)

    @property
    def genres(self) -> list[str]:
        return list(self.genre_ids)

    def as_dict(self) -> dict[str, Any]:
        return {"genres": self.genres, **dataclasses.asdict(self)}


@dataclass(frozen=True)
class Top10Book:
    """One book of a top-10 list, as previewed (the stored row is `Top10Entry`)."""

    rank: int
    title: str
    author: str | None  # the authors, comma-separated
    authors: list[str]
    narrators: list[str]
    series: str | None
    series_position: str | None
    torrent_id: str
    download_link: str
    info_url: str
    size: str | None  # human-readable ("15.2 GiB")
    size_bytes: int | None
    seeders: int | None
    snatched: int | None
    freeleech: bool
    vip: bool
    category: str | None
    language: str | None
    asin: str | None


@dataclass
class Top10Result:
    """One genre's top-10 fetch. `fetch_failed`: the request itself failed (MAM, or the period
    setting), as opposed to an empty list or a genre gone from MAM."""

    genre: str
    period: str
    captured_on: date
    timestamp: str
    books: list[Top10Book] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fetch_failed: bool = False

    @property
    def books_found(self) -> int:
        return len(self.books)

    def as_dict(self) -> dict[str, Any]:
        return {
            **dataclasses.asdict(self),
            "captured_on": self.captured_on.isoformat(),
            "books_found": self.books_found,
        }


@dataclass(frozen=True)
class QueuedBook:
    """A top-10 book added to `missing_books`."""

    genre: str
    rank: int
    title: str
    authors: list[str]


@dataclass
class QueueResult:
    """Queueing the stored top-10 books (`queue_top10_downloads`): what was added, what was
    skipped and why (owned, already wanted, a box set), and the per-genre/per-book errors."""

    genres_processed: int = 0
    total_books_found: int = 0
    duplicates_skipped: int = 0
    owned_skipped: int = 0
    bundles_skipped: int = 0
    errors: list[str] = field(default_factory=list)
    queued: list[QueuedBook] = field(default_factory=list)

    @property
    def queued_count(self) -> int:
        return len(self.queued)

    def as_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "queued_count": self.queued_count}


@dataclass(frozen=True)
class FailedGuide:
    url: str
    reason: str | None


@dataclass
class CrawlResult:
    """One guides crawl: guides saved this run, pages fetched (index included), guides newly
    found on the index, guides already done before the run, and the failures."""

    timestamp: str
    guides_output_dir: Path
    guides_count: int = 0
    pages_fetched: int = 0
    discovered: int = 0
    skipped_done: int = 0
    errors: list[str] = field(default_factory=list)
    failed_guides: list[FailedGuide] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "guides_output_dir": str(self.guides_output_dir)}


@dataclass(frozen=True)
class CrawlerStatus:
    """The crawler's state (kept in `crawl_pages` and `app_state`). `state_file_exists`: any
    crawl state exists at all (the original design kept it in a file)."""

    completed_count: int
    failed_count: int
    pending_count: int
    last_run: str | None
    last_run_finished: str | None
    index_fetched_at: str | None
    state_file_exists: bool

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class CrawlReset:
    deleted_pages: int
    deleted_files: int

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
