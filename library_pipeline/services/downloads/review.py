"""What the review page shows: every choice waiting for approval, newest first, with the book
and why it is missing, the chosen release and its score explanation, and the runners-up."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.services.downloads.limits import APPROVED, AWAITING
from library_pipeline.storage.models import Download, MissingBookRow

# Characters a review partition key avoids: Dagster's range syntax ("...", "[", "]", ",")
# and anything that is not plain text.
_KEY_UNSAFE = re.compile(r"[^\w '&:.()#-]+")


@dataclass(frozen=True)
class ReviewItem:
    """One choice waiting for approval (or approved and held back by a limit)."""

    download_id: int
    missing_book_id: int
    status: str
    book: str  # "Title — Author (Series #n)"
    why_missing: str  # the gap evidence
    release: str
    indexer: str
    seeders: int | None
    size_bytes: int | None
    score: float | None
    explanation: str
    runners_up: list[dict[str, Any]] = field(default_factory=list)
    chosen_at: str = ""

    @property
    def partition_key(self) -> str:
        return review_partition_key(self.download_id, self.book)


def review_partition_key(download_id: int, book: str) -> str:
    """`<download id> <book>`: readable in the UI's partition picker, unique by the id."""
    text = _KEY_UNSAFE.sub(" ", book).replace("..", ".")
    return f"{download_id} {' '.join(text.split())}"[:100].strip()


def download_id_of(partition_key: str) -> int:
    """The download id a review partition key starts with."""
    head = partition_key.split(" ", 1)[0]
    if not head.isdigit():
        raise ValueError(f"not a review partition key: {partition_key!r}")
    return int(head)


def _book_label(book: MissingBookRow) -> str:
    label = book.title
    if book.authors:
        label += f" — {', '.join(book.authors[:2])}"
    if book.series:
        label += f" ({book.series}" + (
            f" #{book.series_position})" if book.series_position else ")"
        )
    return label


def _why_missing(book: MissingBookRow) -> str:
    reasons = ", ".join(book.reasons or []) or book.discovery_source
    return f"{reasons}: {book.evidence}" if book.evidence else reasons


def review_items(
    session: Session, statuses: tuple[str, ...] = (AWAITING, APPROVED)
) -> list[ReviewItem]:
    """The choices waiting for the user, newest first."""
    rows = session.execute(
        select(Download, MissingBookRow)
        .join(MissingBookRow, MissingBookRow.id == Download.missing_book_id)
        .where(Download.status.in_(statuses))
        .order_by(Download.updated_at.desc(), Download.id.desc())
    ).all()
    items = []
    for row, book in rows:
        details = row.score_details or {}
        items.append(
            ReviewItem(
                download_id=row.id,
                missing_book_id=book.id,
                status=row.status,
                book=_book_label(book),
                why_missing=_why_missing(book),
                release=row.release_title,
                indexer=row.indexer or row.source,
                seeders=details.get("seeders"),
                size_bytes=row.size_bytes,
                score=row.score,
                explanation=str(details.get("summary", "")),
                runners_up=list(details.get("runners_up", [])),
                chosen_at=f"{row.updated_at:%Y-%m-%d %H:%M}",
            )
        )
    return items
