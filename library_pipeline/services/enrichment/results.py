"""What the enrichment service functions return; `defs/enrichment` turns each into metadata.

`correct_all_books` → `EnrichmentResult`, `correct_book_metadata` → `BookResult`,
`revert_run` → `RevertResult`. Row lists are kept short (`MAX_ROWS_KEPT`); `*_total` counts all.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

MAX_ROWS_KEPT = 200

BookStatus = Literal["updated", "unchanged", "skipped", "failed", "not_found"]


def as_rows(items: list[Any]) -> list[dict[str, Any]]:
    """Dataclass rows as plain dicts (for a markdown table or JSON)."""
    return [dataclasses.asdict(item) for item in items]


@dataclass(frozen=True)
class BookError:
    """An error of one book (`book_id` None: a listing or batch failed, no book did)."""

    book_id: int | None
    error: str


@dataclass(frozen=True)
class Unmatched:
    """A book no provider had a confident match for, and why."""

    book_id: int
    reason: str


@dataclass(frozen=True)
class BookUpdate:
    """A changed book, as previewed in the run's metadata."""

    book_id: int
    title: str | None
    fields: str  # the changed fields, comma-separated
    sources: str  # each provider used with the request its record came from
    completeness: str  # "before → after"


@dataclass
class BookResult:
    """One book's correction (`correct_book_metadata`).

    `notes`: why a provider's record was not used; `via`: per provider, the request its
    record came from; completeness None when the book was not found.
    """

    book_id: int
    status: BookStatus
    run_id: str
    fields_updated: list[str] = field(default_factory=list)
    sources_used: list[str] = field(default_factory=list)
    completeness_before: float | None = None
    completeness_after: float | None = None
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    via: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class EnrichmentResult:
    """A run over the library (`correct_all_books`).

    `total_processed` counts every book selected (succeeded + failed + skipped); `errors`,
    `unmatched` keep the first `MAX_ROWS_KEPT` (`*_total` the count); `updates` previews the
    changed books; `provider_status` is each client's `status()`; `prefetch` the requests and
    matches per listing/batch stage.
    """

    run_id: str
    total_processed: int
    succeeded: int
    failed: int
    skipped: int
    total_fields_updated: int
    books_updated: int
    average_completeness_before: float
    average_completeness_after: float
    errors: list[BookError] = field(default_factory=list)
    errors_total: int = 0
    unmatched: list[Unmatched] = field(default_factory=list)
    unmatched_total: int = 0
    updates: list[BookUpdate] = field(default_factory=list)
    provider_status: dict[str, dict[str, Any]] = field(default_factory=dict)
    provider_notes: list[str] = field(default_factory=list)  # said once per run, not per book
    network_requests: int = 0
    seconds: float = 0.0
    prefetch: dict[str, Any] = field(default_factory=dict)

    def add_run_errors(self, messages: list[str]) -> None:
        """Errors of the run itself (a failed listing or batch): first, counted, no book's."""
        self.errors = ([BookError(None, m) for m in messages] + self.errors)[:MAX_ROWS_KEPT]
        self.errors_total += len(messages)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class KeptField:
    """A correction `revert_run` left in place, and why."""

    book_id: int
    field: str  # "*" when the whole book is gone
    reason: str


@dataclass
class RevertResult:
    """What `revert_run` undid and kept."""

    run_id: str
    corrections_reverted: int = 0
    corrections_skipped: int = 0
    books_reverted: int = 0
    skipped: list[KeptField] = field(default_factory=list)  # the first `MAX_ROWS_KEPT`
    errors: list[BookError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
