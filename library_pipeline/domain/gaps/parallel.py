"""find_gaps on several cores: the problem split into independent parts, one per process.

Every decision of the finder stays inside one *component*: owned books and catalogue entries
linked by a shared author (loose key) or an owned ASIN/ISBN. Editions are grouped per author;
owned books match books of their own authors or by ASIN/ISBN; entries the entry rules drop
(box sets, summaries, study guides, other languages) link nobody; series are followed per author
(an owned series and its positions are keyed by series *and* author); an author gap needs
owned books of that author. So components can be run apart and their results merged;
``sort_gaps`` breaks ties by catalogue position, which makes the merged list equal, order
included, to the list of one ``find_gaps`` run (a test holds it to that).

The parent only decides which author credits go to which part (per distinct credit, not per
entry); each forked worker picks its own entries out of the shared catalogue (copy-on-write:
nothing is copied or pickled on the way in) and sends back only its missing books.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields
from operator import attrgetter

from library_pipeline.domain.gaps.finder import _Finder, _normalize_id, screen_entries, sort_gaps
from library_pipeline.domain.gaps.models import (
    CatalogueEntry,
    GapSettings,
    MissingBook,
    OwnedBook,
)
from library_pipeline.domain.normalize import author_loose_keys, normalize_texts

__all__ = ["Split", "find_gaps_parallel", "split_problem"]

Credit = tuple[str, ...]  # an entry's or owned book's `authors`


@dataclass(slots=True)
class Split:
    """Which part each author credit (and each ASIN/ISBN-matched entry) belongs to.

    Entries whose credit is absent are by nobody the user owns: the finder would drop them.
    """

    parts: int
    part_of_credit: dict[Credit, int]
    part_of_entry: dict[int, int]  # catalogue position → part, for ASIN/ISBN matches
    part_of_owned: list[int]  # per owned book

    def owned(self, owned: Sequence[OwnedBook], part: int) -> list[OwnedBook]:
        return [b for b, p in zip(owned, self.part_of_owned, strict=True) if p == part]

    def catalogue(
        self, catalogue: Sequence[CatalogueEntry], part: int
    ) -> tuple[list[CatalogueEntry], list[int]]:
        """The part's entries and their catalogue positions, in catalogue order."""
        get, by_entry = self.part_of_credit.get, self.part_of_entry
        positions = [i for i, e in enumerate(catalogue) if get(e.authors, -1) == part]
        if by_entry:
            extra = [i for i, p in by_entry.items() if p == part]
            positions = sorted({*positions, *extra})
        return [catalogue[i] for i in positions], positions


class _UnionFind:
    __slots__ = ("parent",)

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        root = parent.setdefault(x, x)
        while root != parent[root]:
            parent[root] = parent[parent[root]]
            root = parent[root]
        return root

    def link(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        root = self.find(keys[0])
        for key in keys[1:]:
            other = self.find(key)
            if other != root:
                self.parent[other] = root


def name_endings(text: str) -> set[str]:
    """Every word an author key of this normalised credit text can end with: its words, and
    each run of one-letter words joined, in part or whole (initials: "j k" → "jk").

    A superset, so that skipping credits none of whose endings is an owned surname never
    skips an owned author (``author_loose_key`` ends with a word of the name or a run of its
    initials joined).
    """
    words = text.split()
    out = set(words)
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1:
            run.append(word)
            continue
        if len(run) > 1:
            joined = "".join(run)
            n = len(joined)
            out.update(joined[i:j] for i in range(n) for j in range(i + 2, n + 1))
        run = []
    return out


def _id_keys(asin: str | None, isbn: str | None, wanted: set[str] | None = None) -> list[str]:
    ids = (_normalize_id(asin), _normalize_id(isbn))
    return [f"\0{v}" for v in ids if v and (wanted is None or v in wanted)]


def split_problem(
    owned: Sequence[OwnedBook],
    catalogue: Sequence[CatalogueEntry],
    parts: int,
    languages: Sequence[str] = ("en",),
) -> Split:
    """Up to ``parts`` independent parts, balanced by entry count (see module docstring)."""
    uf = _UnionFind()
    owned_credits: Counter[Credit] = Counter(b.authors for b in owned)
    for credit in owned_credits:
        uf.link(sorted(author_loose_keys(credit)))
    owned_loose = frozenset(uf.parent)
    owned_keys: list[str | None] = []  # a key of each owned book's component (None: none)
    owned_ids: set[str] = set()
    first_key = {c: min(author_loose_keys(c), default=None) for c in owned_credits}
    for book in owned:
        key = first_key[book.authors]
        if book.asin is not None or book.isbn is not None:
            ids = _id_keys(book.asin, book.isbn)
            owned_ids.update(k[1:] for k in ids)
            keys = [*sorted(author_loose_keys(book.authors)), *ids]
            uf.link(keys)
            key = keys[0] if keys else None
        owned_keys.append(key)

    # Credits by an owned author; entries by others count only through an owned ASIN/ISBN.
    # Author keys are costly: only credits holding an owned surname are keyed.
    sizes: Counter[Credit] = Counter(map(attrgetter("authors"), catalogue))
    surnames = {k.rpartition(" ")[2] for k in owned_loose}
    texts = normalize_texts([" , ".join(c) for c in sizes])
    relevant: dict[Credit, str] = {}  # credit → one of its owned authors' keys
    shared: set[Credit] = set()  # credits naming several people
    for credit, text in zip(sizes, texts, strict=True):
        if surnames.isdisjoint(name_endings(text)):
            continue
        keys = author_loose_keys(credit)
        if not owned_loose.isdisjoint(keys):
            relevant[credit] = min(keys & owned_loose)
            if len(keys) > 1:
                shared.add(credit)
    # A shared credit joins its people, but only through entries the finder keeps: a study
    # guide credited to "Author, SuperSummary" is dropped by the entry rules, and would
    # otherwise join every author with a study guide into one part.
    if shared:
        at = [i for i, e in enumerate(catalogue) if e.authors in shared]
        for e in screen_entries(catalogue, at, languages)[1]:
            uf.link(sorted(author_loose_keys(e.authors)))
    id_entries: dict[int, list[str]] = {}
    if owned_ids:
        for i, e in enumerate(catalogue):
            asin, isbn = e.asin, e.isbn
            if (asin is not None and _normalize_id(asin) in owned_ids) or (
                isbn is not None and _normalize_id(isbn) in owned_ids
            ):
                keys = [*sorted(author_loose_keys(e.authors)), *_id_keys(asin, isbn, owned_ids)]
                uf.link(keys)
                id_entries[i] = keys

    # Components, largest first into the lightest part.
    load_of: Counter[str] = Counter()
    for credit, key in relevant.items():
        load_of[uf.find(key)] += sizes[credit]
    for key in owned_keys:
        if key is not None:
            load_of[uf.find(key)] += 1
    parts = max(1, min(parts, len(load_of)))
    load = [0] * parts
    part_of_root: dict[str, int] = {}
    for root in sorted(load_of, key=lambda r: (-load_of[r], r)):
        p = min(range(parts), key=load.__getitem__)
        part_of_root[root] = p
        load[p] += load_of[root]
    part_of_credit = {c: part_of_root[uf.find(k)] for c, k in relevant.items()}
    part_of_entry = {
        i: part_of_root[uf.find(keys[0])]
        for i, keys in id_entries.items()
        if catalogue[i].authors not in part_of_credit
    }
    # Owned books with no author and no id decide nothing: part 0 keeps them.
    part_of_owned = [0 if k is None else part_of_root[uf.find(k)] for k in owned_keys]
    return Split(parts, part_of_credit, part_of_entry, part_of_owned)


_STATE: list[tuple[Sequence[OwnedBook], Sequence[CatalogueEntry], GapSettings, Split]] = []


def _run_part(part: int) -> list[tuple[int, MissingBook]]:
    owned, catalogue, settings, split = _STATE[0]
    entries, positions = split.catalogue(catalogue, part)
    found = _Finder(split.owned(owned, part), entries, settings).find_unsorted()
    return [(positions[pos], book) for pos, book in found]


def _run_part_plain(part: int) -> list[tuple[int, tuple[object, ...]]]:
    """``_run_part`` for a worker: missing books as plain tuples, which pickle ~10x faster
    than frozen dataclasses."""
    return [(pos, _fields(book)) for pos, book in _run_part(part)]


def _fields(book: MissingBook) -> tuple[object, ...]:
    return tuple(getattr(book, name) for name in _FIELDS)


_FIELDS = tuple(f.name for f in fields(MissingBook))


def find_gaps_parallel(
    owned: Sequence[OwnedBook],
    catalogue: Sequence[CatalogueEntry],
    settings: GapSettings,
    workers: int | None = None,
) -> list[MissingBook]:
    """``find_gaps`` over ``workers`` processes (default: the CPUs); the same list."""
    workers = workers or os.cpu_count() or 1
    was_enabled = gc.isenabled()
    gc.disable()  # see find_gaps: no cycles, and collections over the catalogue cost seconds
    try:
        split = split_problem(owned, catalogue, workers, settings.languages)
        _STATE[:] = [(owned, catalogue, settings, split)]
        if split.parts == 1:
            return [book for _pos, book in sort_gaps(_run_part(0))]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(split.parts - 1, mp_context=context) as pool:
            futures = [pool.submit(_run_part_plain, p) for p in range(1, split.parts)]
            found = _run_part(0)
            for future in futures:
                found += [(pos, MissingBook(*values)) for pos, values in future.result()]
        return [book for _pos, book in sort_gaps(found)]
    finally:
        _STATE.clear()
        if was_enabled:
            gc.enable()
