"""Credits that need the whole library: narrators credited as co-authors.

After a scan has written its books, every active book's credits are read once:
- a comma credit the scan read without the library's evidence (kept as the provenance
  `metadata_alternatives["author_credit"]`, "folder: Shirtaloon, Michael Kramer") is read
  again with it (`credits.split_credit`'s one "Last, First" rule): a side who narrates or is
  credited elsewhere makes it two people, the inverted whole credited elsewhere as one person
  ("Arthur Conan Doyle") makes it one;
- a co-author who narrates other books of the library (narrator tag, `{Narrator}` folder) and
  is credited on a book that names no narrator is moved to that book's narrators
  (`credits.narrators_among_authors`);
- a co-credit that appears after many different lead authors is recorded as a scan issue on
  each of its books ("likely narrator", `credits.likely_narrators`) for the user to check.
Fields a user locked or a later stage owns are left alone. Pure reads and writes of `books`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.domain.book_record import FOLDER, SCAN_SOURCES, with_completeness
from library_pipeline.domain.credits import (
    likely_narrators,
    names_nobody,
    narrators_among_authors,
    split_credit,
)
from library_pipeline.domain.normalize import normalize_author
from library_pipeline.services.scan.writes import BOOKS, full_rows
from library_pipeline.storage.bulk import bulk_update
from library_pipeline.storage.models import Book

LIKELY_NARRATOR = "likely narrator"


@dataclass
class CreditsPass:
    """What the pass changed and found."""

    moved: int = 0  # books whose credits were re-read or whose co-author became narrator
    flagged: list[tuple[str, str]] = field(default_factory=list)  # (book path, reason)


def _scan_owned(row: Any, name: str) -> bool:
    """Whether the scan may rewrite this field (not locked, not set by a later stage)."""
    sources: Mapping[str, str] = row.metadata_source or {}
    source = sources.get(name)
    return name not in (row.locked_fields or []) and (source is None or source in SCAN_SOURCES)


AUTHOR_CREDIT = "author_credit"  # the provenance key the scan keeps the comma credit under


@dataclass(frozen=True)
class _Evidence:
    """Who the library credits: narrators' keys, and per author key how many books credit it."""

    narrators: frozenset[str]
    author_books: Counter[str]

    @classmethod
    def of(cls, rows: Sequence[Any]) -> _Evidence:
        narrators = frozenset(normalize_author(n) for row in rows for n in row.narrators or [])
        books: Counter[str] = Counter()
        for row in rows:
            books.update({normalize_author(a) for a in row.authors or []})
        return cls(narrators, books)

    def apart_from(self, row: Any) -> set[str]:
        """The keys known from the library's other books (and every narrator)."""
        own = {normalize_author(a) for a in row.authors or []}
        others = {k for k, n in self.author_books.items() if n > (1 if k in own else 0)}
        return others | self.narrators


def _reread_authors(row: Any, evidence: _Evidence) -> list[str]:
    """The book's authors with its kept comma credit read again with the library's evidence
    (the book's own narrators left out as the scan left them out)."""
    authors = list(row.authors or [])
    kept = (row.metadata_alternatives or {}).get(AUTHOR_CREDIT, "")
    source, _, raw = kept.partition(": ")
    if not raw or source != (row.metadata_source or {}).get("authors"):
        return authors
    known = evidence.apart_from(row)
    # The book's narrators stay out unless the scan kept them as authors (another credit
    # confirmed them: "Peter Attia MD" reads his own book).
    own_narrators = {normalize_author(n) for n in row.narrators or []}
    own_narrators -= {normalize_author(a) for a in authors}
    read = [
        a
        for a in split_credit(raw, known_people=known, in_folder=source == FOLDER)
        if normalize_author(a) not in own_narrators and not names_nobody(a)
    ]
    return read or authors


def _moves(rows: Sequence[Any]) -> dict[int, tuple[list[str], list[str], str]]:
    """Book id → (authors, narrators, authors' source) for books whose kept comma credit
    reads otherwise with the library's evidence or whose co-author narrates elsewhere."""
    evidence = _Evidence.of(rows)
    known = set(evidence.narrators)
    known -= {normalize_author(row.authors[0]) for row in rows if row.authors}
    moves: dict[int, tuple[list[str], list[str], str]] = {}
    for row in rows:
        if not (_scan_owned(row, "authors") and _scan_owned(row, "narrators")):
            continue
        authors = _reread_authors(row, evidence)
        narrators = list(row.narrators or [])
        moved = narrators_among_authors(authors, narrators, known)
        if moved is not None:
            authors, narrators = moved
        if authors != list(row.authors or []) or narrators != list(row.narrators or []):
            source = (row.metadata_source or {}).get("authors", "tags")
            moves[row.id] = (authors, narrators, source)
    return moves


def _write_moves(
    session: Session, moves: Mapping[int, tuple[list[str], list[str], str]], now: datetime
) -> None:
    current = full_rows(session, list(moves))
    updates = []
    for book_id, (authors, narrators, source) in moves.items():
        row = current[book_id]
        sources = dict(row.get("metadata_source") or {})
        if narrators != list(row.get("narrators") or []):
            sources["narrators"] = source
        changes = {"authors": authors, "narrators": narrators, "metadata_source": sources}
        changes = with_completeness(row, changes)
        updates.append({**changes, "id": book_id, "updated_at": now})
    bulk_update(session, BOOKS, updates)


def settle_library_credits(session: Session, now: datetime) -> CreditsPass:
    """Re-read kept comma credits, move known narrators out of co-author credits and flag
    likely ones (module docstring).
    The caller commits."""
    rows = session.execute(
        select(
            Book.id, Book.path, Book.authors, Book.narrators, Book.metadata_source,
            Book.metadata_alternatives, Book.locked_fields,
        ).where(Book.status == "active")
    ).all()  # fmt: skip
    out = CreditsPass()
    moves = _moves(rows)
    if moves:
        _write_moves(session, moves, now)
        out.moved = len(moves)
    authors_of = {row.id: moves[row.id][0] if row.id in moves else row.authors for row in rows}
    likely = likely_narrators(authors_of.values())
    if likely:
        keys = {normalize_author(name): (name, leads) for name, leads in likely.items()}
        for row in rows:
            for name in authors_of[row.id][1:]:
                hit = keys.get(normalize_author(name))
                if hit is not None:
                    reason = (
                        f"{LIKELY_NARRATOR}: {hit[0]} is credited as a co-author beside "
                        f"{hit[1]} different authors; check the credits"
                    )
                    out.flagged.append((row.path, reason))
                    break
    return out
