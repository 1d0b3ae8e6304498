"""Folding an Audiobookshelf server's library items into the books table.

Items fill fields nothing local gave, link books to their item (`abs_item_id`), and books only
the server knows are recorded with source "audiobookshelf" (marked removed when they leave the
server). Matching is `domain.abs_matching`; errors are reported in the summary, never raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.domain.abs_matching import (
    ItemOutcome,
    StoredBookIndex,
    plan_item,
    server_only_gone,
)
from library_pipeline.domain.book_record import (
    AUDIOBOOKSHELF,
    cleaned_audiobookshelf_fields,
    record_from_audiobookshelf,
)
from library_pipeline.domain.completeness import completeness_percent
from library_pipeline.services.scan.results import AudiobookshelfSummary
from library_pipeline.services.scan.writes import BOOK_COLUMNS, BOOKS, WRITE_ERRORS, set_values
from library_pipeline.storage.bulk import allocate_ids, bulk_insert, bulk_update
from library_pipeline.storage.models import Book, utcnow

if TYPE_CHECKING:
    from library_pipeline.clients.audiobookshelf import (
        AbsLibrary,
        AbsLibraryItem,
        AudiobookshelfClient,
    )


@dataclass
class _MergeWrites:
    updates: list[dict[str, Any]] = field(default_factory=list)
    inserts: list[dict[str, Any]] = field(default_factory=list)
    inserted_paths: set[str] = field(default_factory=set)
    seen_items: set[str] = field(default_factory=set)
    server_roots: list[str] = field(default_factory=list)


async def _fetch(
    client: AudiobookshelfClient, library_id: str | None, summary: AudiobookshelfSummary
) -> list[tuple[AbsLibrary, list[AbsLibraryItem]]] | None:
    """The server's book libraries (only `library_id` when given) with their items; None (and
    the error in `summary`) when the server could not be read."""
    from library_pipeline.clients.http import ProviderError

    try:
        libraries = [
            lib
            for lib in await client.list_libraries()
            if lib.media_type == "book" and (not library_id or lib.id == library_id)
        ]
        if library_id and not libraries:
            summary.error = f"library {library_id} not found on the server"
            return None
        return [(library, await client.library_items(library.id)) for library in libraries]
    except ProviderError as error:
        summary.error = str(error)
        summary.status = client.status()
        return None


def _server_only_row(
    item: AbsLibraryItem, library_root: str | None, now: datetime
) -> dict[str, Any]:
    record = record_from_audiobookshelf(cleaned_audiobookshelf_fields(item.book_fields()))
    values = record.values()
    return {
        "path": item.path,
        "library_root": library_root,
        "source": AUDIOBOOKSHELF,
        "abs_item_id": item.id,
        **values,
        "metadata_completeness_percent": completeness_percent(values),
        "locked_fields": [],
        "fingerprint": None,
        "status": "active",
        "created_at": now,
        "updated_at": now,
        "removed_at": None,
    }


def _plan_library(
    library: AbsLibrary,
    items: list[AbsLibraryItem],
    index: StoredBookIndex,
    writes: _MergeWrites,
    summary: AudiobookshelfSummary,
    now: datetime,
) -> None:
    summary.libraries += 1
    folders = {f.id: f.full_path for f in library.folders}
    writes.server_roots.extend(folders.values())
    for item in items:
        if item.is_missing or item.is_invalid:
            continue
        summary.items += 1
        writes.seen_items.add(item.id)
        fields = cleaned_audiobookshelf_fields(item.book_fields())
        plan = plan_item(index.find(item.id, item.path, item.rel_path), item.id, fields)
        if plan.outcome is ItemOutcome.NEW:
            if item.path not in writes.inserted_paths:  # (two libraries sharing a folder)
                writes.inserted_paths.add(item.path)
                root = folders.get(item.folder_id or "")
                writes.inserts.append(_server_only_row(item, root, now))
            continue
        assert plan.row is not None
        if plan.outcome is ItemOutcome.LINKED:
            summary.matched += 1
        if plan.outcome is ItemOutcome.RETURNED:
            summary.new += 1
        elif plan.changes:
            summary.updated += 1
        if plan.changes or plan.outcome is ItemOutcome.RETURNED:
            writes.updates.append({"id": plan.row["id"], **plan.changes, "updated_at": now})


def _store(session: Session, writes: _MergeWrites, gone: list[Any], now: datetime) -> None:
    ids = allocate_ids(session, BOOKS, len(writes.inserts))
    for book_id, row in zip(ids, writes.inserts, strict=True):
        row["id"] = book_id
    bulk_insert(session, BOOKS, writes.inserts)
    bulk_update(session, BOOKS, writes.updates)
    set_values(
        session, BOOKS, "id", gone, {"status": "removed", "removed_at": now, "updated_at": now}
    )
    if writes.inserts or writes.updates or gone:
        session.commit()


async def merge_audiobookshelf(
    session: Session,
    client: AudiobookshelfClient,
    library_id: str | None = None,
    now: datetime | None = None,
) -> AudiobookshelfSummary:
    """Fold the server's book libraries (or only `library_id`) into the books table."""
    now = now or utcnow()
    summary = AudiobookshelfSummary()
    fetched = await _fetch(client, library_id, summary)
    if fetched is None:
        return summary
    statement = select(*BOOK_COLUMNS).where(Book.status.in_(["active", "removed"]))
    index = StoredBookIndex(dict(row._mapping) for row in session.execute(statement))
    writes = _MergeWrites()
    for library, items in fetched:
        _plan_library(library, items, index, writes, summary, now)
    within = writes.server_roots if library_id else None
    gone = server_only_gone(index.rows, writes.seen_items, within)
    try:
        _store(session, writes, gone, now)
    except WRITE_ERRORS as error:
        session.rollback()
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        summary.error, summary.updated = f"database error: {reason}", 0
        return summary
    summary.new += len(writes.inserts)
    summary.removed = len(gone)
    summary.status = client.status()
    return summary
