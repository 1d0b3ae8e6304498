"""One download run: its policy, the clients it was handed, its counters and its results."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from library_pipeline.clients.http import redact
from library_pipeline.domain.releases.scoring import ReleaseScore, ScoringPolicy
from library_pipeline.services.downloads.sources import (
    ReleaseSource,
    TorrentClient,
    UnsatisfiedLimit,
)
from library_pipeline.storage.models import MissingBookRow, utcnow

# Outcomes of one wanted book; "success" = the book now has a download (or a dry-run choice,
# or a choice waiting for the user's approval).
SUCCESS_OUTCOMES = ("queued", "linked", "chosen", "awaiting_approval")

# How a run treats its choices: `approve` records them for the user's approval (nothing is sent
# before), `auto` sends them within the limits, `dry_run` records them and never sends.
APPROVE, AUTO, DRY_RUN = "approve", "auto", "dry_run"
MODES = (APPROVE, AUTO, DRY_RUN)


@dataclass(frozen=True)
class DownloadPolicy:
    """How a run grabs: scoring preferences, limits, and how torrents are filed."""

    scoring: ScoringPolicy = field(default_factory=ScoringPolicy)
    mode: str = AUTO  # approve | auto | dry_run
    max_per_run: int = 10
    max_per_day: int = 25
    category: str = "library-pipeline"
    tags: tuple[str, ...] = ("library-pipeline",)
    save_path: str | None = None
    mam_reserve: int = 1
    max_attempts_per_book: int = 3

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"download mode {self.mode!r} is not one of {', '.join(MODES)}")

    @property
    def dry_run(self) -> bool:
        return self.mode == DRY_RUN

    @property
    def sends_choices(self) -> bool:
        """Whether a new choice is sent at once (auto) rather than recorded."""
        return self.mode == AUTO


@dataclass
class BookOutcome:
    """What happened to one wanted book in a run."""

    missing_book_id: int
    title: str
    author: str | None
    source: str
    # queued | linked | chosen | awaiting_approval | vanished | skipped | failed
    outcome: str
    reason: str | None = None
    release: str | None = None
    indexer: str | None = None
    score: float | None = None
    score_summary: str | None = None
    size_bytes: int | None = None
    seeders: int | None = None
    infohash: str | None = None
    download_id: int | None = None
    kind: str | None = None  # torrent | magnet
    rejected: list[dict[str, Any]] = field(default_factory=list)
    source_errors: list[str] = field(default_factory=list)

    @classmethod
    def of(
        cls, book: MissingBookRow, outcome: str, reason: str | None = None, **extra: Any
    ) -> BookOutcome:
        return cls(
            missing_book_id=book.id,
            title=book.title,
            author=book.authors[0] if book.authors else None,
            source=book.discovery_source,
            outcome=outcome,
            reason=reason,
            **extra,
        )

    def as_row(self) -> dict[str, Any]:
        """The outcome as a flat dict (for tables)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("rejected", "source_errors")}


def release_fields(score: ReleaseScore) -> dict[str, Any]:
    """The `BookOutcome` fields describing a scored release."""
    release = score.release
    return {
        "release": release.title,
        "indexer": release.indexer or release.source,
        "score": score.total,
        "score_summary": score.explain(),
        "size_bytes": release.size_bytes,
        "seeders": release.seeders,
    }


@dataclass(frozen=True)
class BookError:
    missing_book_id: int
    title: str
    error: str | None


@dataclass(frozen=True)
class DownloadResult:
    """The outcome of a call (or a whole run): counts, per-book outcomes, provider health.

    queued = new torrents added to qBittorrent; success = books that now have a download
    (added, linked to a torrent qBittorrent already had, or chosen in a dry run)."""

    download_queued_count: int
    success_count: int
    failed_count: int
    skipped_count: int
    linked_count: int
    chosen_count: int
    awaiting_count: int
    vanished_count: int
    mode: str
    dry_run: bool
    errors: list[BookError]
    source_errors: list[str]  # sources that failed while others answered (e.g. one 401)
    items: list[BookOutcome]
    reconciled: dict[str, int]
    provider_status: dict[str, Any]

    @property
    def grabbed(self) -> list[BookOutcome]:
        return [i for i in self.items if i.outcome in SUCCESS_OUTCOMES]


@dataclass
class DownloadRun:
    """State shared by the calls of one run: the clients it was given, limits, counters and
    outcomes. The caller builds the clients and closes them (`aclose`)."""

    policy: DownloadPolicy
    sources: list[ReleaseSource]
    qbittorrent: TorrentClient | None
    mam_limit: UnsatisfiedLimit | None = None
    secrets: list[str] = field(default_factory=list)
    now: datetime | None = None

    grabbed: int = 0  # torrents sent this run (new or linked)
    mam_grabbed: int = 0
    day_count: int | None = None
    mam_unsat: tuple[int, int | None] | None = None
    mam_error: str | None = None
    qbt_checked: bool = False
    qbt_error: str | None = None
    reconciled: dict[str, int] | None = None
    items: list[BookOutcome] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.mam_limit is None:
            self.mam_limit = next(
                (s for s in self.sources if isinstance(s, UnsatisfiedLimit)), None
            )

    def clock(self) -> datetime:
        return self.now or utcnow()

    def redact(self, text: str) -> str:
        secrets = list(self.secrets)
        for source in self.sources:
            http = getattr(source, "http", None) or getattr(
                getattr(source, "client", None), "http", None
            )
            secrets.extend(getattr(http, "secrets", []) or [])
        secrets.extend(getattr(self.qbittorrent, "secrets", []) or [])
        return redact(text, secrets)

    async def aclose(self) -> None:
        """Close the release sources' HTTP clients."""
        for source in self.sources:
            client = getattr(source, "client", source)
            closer = getattr(client, "aclose", None)
            if closer is not None:
                with contextlib.suppress(Exception):
                    await closer()

    def provider_status(self) -> dict[str, Any]:
        status = {source.name: source.status() for source in self.sources}
        if self.qbittorrent is not None:
            status["qbittorrent"] = self.qbittorrent.status()
        if self.mam_unsat is not None:
            status["mam_unsatisfied"] = {"count": self.mam_unsat[0], "limit": self.mam_unsat[1]}
        return status

    def result(self, items: list[BookOutcome] | None = None) -> DownloadResult:
        """The result of `items` (default: every book of the run so far)."""
        items = self.items if items is None else items
        outcomes = [i.outcome for i in items]
        return DownloadResult(
            download_queued_count=outcomes.count("queued"),
            success_count=sum(o in SUCCESS_OUTCOMES for o in outcomes),
            failed_count=outcomes.count("failed"),
            skipped_count=outcomes.count("skipped"),
            linked_count=outcomes.count("linked"),
            chosen_count=outcomes.count("chosen"),
            awaiting_count=outcomes.count("awaiting_approval"),
            vanished_count=outcomes.count("vanished"),
            mode=self.policy.mode,
            dry_run=self.policy.dry_run,
            errors=[
                BookError(i.missing_book_id, i.title, i.reason)
                for i in items
                if i.outcome == "failed"
            ],
            source_errors=sorted({e for i in items for e in i.source_errors}),
            items=list(items),
            reconciled=dict(self.reconciled or {}),
            provider_status=self.provider_status(),
        )
