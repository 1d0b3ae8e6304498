"""What release scoring takes and gives: the wanted book, the user's policy, the score (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from library_pipeline.domain.normalize import parse_series_position
from library_pipeline.domain.releases.model import Release

MB = 1024 * 1024
GB = 1024 * MB


@dataclass(frozen=True)
class WantedBook:
    """The missing book a release must be."""

    title: str
    authors: tuple[str, ...] = ()
    series: str | None = None
    series_position: str | None = None
    language: str | None = None
    narrators: tuple[str, ...] = ()
    # The unabridged recording's length (Audnexus, Hardcover, Open Library, the MAM listing).
    expected_runtime_minutes: float | None = None

    @property
    def position(self) -> float | None:
        return parse_series_position(self.series_position)


@dataclass(frozen=True)
class ScoringPolicy:
    """The user's preferences (from settings) and the run's constraints."""

    min_score: float = 55.0
    format_preference: tuple[str, ...] = ("m4b", "mp3")
    language: str = "en"
    preferred_narrators: tuple[str, ...] = ()
    indexer_priority: Mapping[str, float] = field(default_factory=dict)  # name -> points
    allow_packs: bool = False
    allow_abridged: bool = False
    allow_dramatisations: bool = False
    min_seeders: int = 1
    # The health floor: a release of a preferred format with fewer seeders gives way to a
    # healthy release of the next format.
    healthy_seeders: int = 3
    min_bitrate_kbps: int = 32  # a stated bitrate below this is a bad encode
    # A size below this for the expected runtime is no complete recording (a 32 kbps encode of
    # speech is the smallest in common use; the margin covers sizes rounded by indexers).
    min_plausible_kbps: float = 20.0
    max_plausible_kbps: float = 1600.0  # above uncompressed CD audio
    min_size_bytes: int = 10 * MB
    max_single_book_bytes: int = 5 * GB
    title_threshold: float = 0.8
    # Indexer or source name (lower case) -> why nothing from it may be grabbed this run
    # (e.g. MAM's unsatisfied-torrent limit reached).
    blocked: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ScorePart:
    label: str
    points: float
    detail: str = ""

    def __str__(self) -> str:
        sign = "+" if self.points >= 0 else ""
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.label} {sign}{self.points:g}{detail}"


@dataclass
class ReleaseScore:
    """A release's points, the rules that rejected it (by name, with reasons) and, once chosen,
    why a less-preferred format won (`note`)."""

    release: Release
    total: float
    parts: list[ScorePart]
    rejections: list[str]
    min_score: float
    rejected_by: list[str] = field(default_factory=list)  # rule names, one per rejection
    format: str | None = None  # the release's audio format that counts for the user's order
    format_rank: int = 0  # its place in the user's order (unknown formats last)
    bitrate_kbps: float | None = None  # stated, else implied by size over the runtime
    note: str | None = None

    @property
    def accepted(self) -> bool:
        return not self.rejections

    def explain(self) -> str:
        """One line for the UI: 'score 83: title +40 (exact), ... | rejected: abridged'."""
        text = f"score {self.total:g}: " + ", ".join(str(p) for p in self.parts)
        if self.rejections:
            text += " | rejected: " + "; ".join(self.rejections)
        if self.note:
            text += f" | {self.note}"
        return text

    def as_dict(self) -> dict[str, Any]:
        """For `downloads.score_details` and asset metadata (no links: they hold keys)."""
        return {
            "total": self.total,
            "min_score": self.min_score,
            "accepted": self.accepted,
            "format": self.format,
            "parts": [
                {"label": p.label, "points": p.points, "detail": p.detail} for p in self.parts
            ],
            "rejections": list(self.rejections),
            "rejected_by": list(self.rejected_by),
            "note": self.note,
            "summary": self.explain(),
        }
