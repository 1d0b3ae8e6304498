"""Which stored book an Audiobookshelf item is, and what linking it changes. Pure: no I/O.

An item is matched to a stored book by `abs_item_id`, then by its path, then by its path
relative to its library folder (the server may mount the library elsewhere). A folder book
gets the item's id and the fields nothing local gave; a book only the server knows is rebuilt
from the item; a removed server-only book whose item is back is restored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from library_pipeline.domain.book_record import (
    AUDIOBOOKSHELF,
    FOLDER,
    audiobookshelf_updates,
    record_from_audiobookshelf,
    scan_updates,
    with_completeness,
)

Row = Mapping[str, Any]


class ItemOutcome(Enum):
    LINKED = "linked"  # a folder book (active or removed) now linked and filled
    REFRESHED = "refreshed"  # an active server-only book brought in line with its item
    RETURNED = "returned"  # a removed server-only book whose item is back
    NEW = "new"  # no stored book: insert one


@dataclass
class ItemPlan:
    outcome: ItemOutcome
    row: Row | None  # the stored book (None for NEW)
    changes: dict[str, Any] = field(default_factory=dict)


class StoredBookIndex:
    """Stored books (active and removed) by item id, by path and by path below their root."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.rows = list(rows)
        self.by_item = {r["abs_item_id"]: r for r in self.rows if r["abs_item_id"]}
        self.by_path = {r["path"]: r for r in self.rows}
        self.by_relative: dict[str, Row] = {}
        for row in self.rows:
            if row["source"] == FOLDER and row["status"] == "active" and row["library_root"]:
                relative = row["path"][len(row["library_root"]) :].strip("/")
                self.by_relative.setdefault(relative, row)

    def find(self, item_id: str, path: str, rel_path: str) -> Row | None:
        return (
            self.by_item.get(item_id)
            or self.by_path.get(path)
            or self.by_relative.get(rel_path.strip("/"))
        )


def plan_item(row: Row | None, item_id: str, fields: Mapping[str, Any]) -> ItemPlan:
    """What an item (its id and book fields) does to its matched stored book `row`."""
    if row is None:
        return ItemPlan(ItemOutcome.NEW, None)
    if row["source"] == FOLDER:
        # A removed folder book still gets its link (and the fields it lacks).
        changes = with_completeness(row, audiobookshelf_updates(row, fields))
        outcome = ItemOutcome.LINKED
    else:
        changes = with_completeness(row, scan_updates(row, record_from_audiobookshelf(fields)))
        outcome = ItemOutcome.REFRESHED
        if row["status"] != "active":
            changes.update(status="active", removed_at=None)
            outcome = ItemOutcome.RETURNED
    if row["abs_item_id"] != item_id:
        changes["abs_item_id"] = item_id
    return ItemPlan(outcome, row, changes)


def server_only_gone(
    rows: Iterable[Row], seen_items: set[str], within: Iterable[str] | None
) -> list[Any]:
    """Ids of active server-only books whose item the server no longer lists (`within`: only
    those under these folders, when one library was read)."""
    prefixes = None if within is None else [p.rstrip("/") + "/" for p in within]
    return [
        r["id"]
        for r in rows
        if r["source"] == AUDIOBOOKSHELF
        and r["status"] == "active"
        and r["abs_item_id"] not in seen_items
        and (prefixes is None or any(f"{r['path']}/".startswith(p) for p in prefixes))
    ]
