"""What one scan found: counts, timings and issues (the `library_books` asset's metadata)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_REASON = 500


@dataclass
class IssueReport:
    """A problem with one path (a file, folder or book), as `scan_issues` stores it."""

    path: str
    reason: str
    fingerprint: str | None = None  # an unreadable file's size:mtime (not read until it changes)

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


@dataclass
class AudiobookshelfSummary:
    """What merging an Audiobookshelf server's items did (`error` when it could not)."""

    libraries: int = 0
    items: int = 0
    matched: int = 0
    updated: int = 0
    new: int = 0
    removed: int = 0
    error: str | None = None
    status: dict[str, Any] | None = None  # the client's health (`HttpClient.status()`)

    def as_dict(self) -> dict[str, Any]:
        """Counts and error (the provider status is shown apart)."""
        return {
            "libraries": self.libraries,
            "items": self.items,
            "matched": self.matched,
            "updated": self.updated,
            "new": self.new,
            "removed": self.removed,
            "error": self.error,
        }


@dataclass
class ScanResult:
    """Counts of one scan; `changed` excludes `restored` (removed books that came back)."""

    new: int = 0
    changed: int = 0
    restored: int = 0
    removed: int = 0
    unchanged: int = 0
    unreadable: int = 0
    files_read: int = 0
    files_seen: int = 0
    duplicates: int = 0
    narrators_from_library: int = 0  # co-authors moved to narrators (they narrate elsewhere)
    total_books: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    issues: list[IssueReport] = field(default_factory=list)
    audiobookshelf: AudiobookshelfSummary | None = None

    def add_issue(self, path: str, reason: str, fingerprint: str | None = None) -> None:
        self.issues.append(IssueReport(path, reason[:MAX_REASON], fingerprint))

    def distinct_issues(self) -> list[IssueReport]:
        """The first issue of each path, in the order found."""
        seen: set[str] = set()
        out = []
        for issue in self.issues:
            if issue.path not in seen:
                seen.add(issue.path)
                out.append(issue)
        return out

    def as_dict(self) -> dict[str, Any]:
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
            "narrators_from_library": self.narrators_from_library,
            "total_books": self.total_books,
            "seconds": round(self.seconds, 3),
            "timings": dict(self.timings),
            "issues": [issue.as_dict() for issue in self.distinct_issues()],
            "audiobookshelf": self.audiobookshelf.as_dict() if self.audiobookshelf else None,
        }
