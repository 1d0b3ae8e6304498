"""Cluster catalogue editions into books.

Three passes over pre-computed entry features (see ``EntryFeatures``), all linear:

1. title identity: same author (loose key) and same strong title key → same book;
2. series slot: same author, same series and same position → same book, but only between
   books that have exactly one position in that series. A book listed at two positions of one
   series ("The Magician's Nephew": Narnia #1 chronological and #6 publication order) belongs to
   two numbering schemes, and merging by position would fuse different books. This pass is what
   joins "Philosopher's Stone" with "Sorcerer's Stone";
3. weak title: an edition titled "Main: Subtitle" joins the book whose strong key is "Main" (or
   "Subtitle") when exactly one such book exists. When several do, it is marked *ambiguous*:
   probably an edition of one of them, so it is never reported on its own (precision first).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

# (series alias key, position or None)
SeriesSlot = tuple[str, float | None]


@dataclass(slots=True)
class EntryFeatures:
    """Matching features of the kept catalogue entries, as parallel lists (one item per entry).

    Parallel lists rather than one object per entry: a million small objects cost seconds.
    ``with_slots`` / ``with_weak`` list the entries that have series slots / weak title keys,
    so the passes that need them skip the rest.
    """

    entry_index: list[int] = field(default_factory=list)  # index into the catalogue
    loose: list[frozenset[str]] = field(default_factory=list)  # author loose keys
    full: list[frozenset[str]] = field(default_factory=list)  # author full keys
    strong: list[frozenset[str]] = field(default_factory=list)
    weak: list[frozenset[str]] = field(default_factory=list)
    slots: list[tuple[SeriesSlot, ...]] = field(default_factory=list)
    with_slots: list[int] = field(default_factory=list)
    with_weak: list[int] = field(default_factory=list)
    split: set[int] = field(default_factory=set)  # split editions, keyed as their whole book


class _UnionFind:
    """Union-find over 0..n-1 whose roots are the smallest element of their set: a parent always
    has a smaller index than its child (``union`` links the larger root under the smaller, path
    halving only skips to an ancestor)."""

    __slots__ = ("parent",)

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # Keep the smaller index as root so results do not depend on set order.
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra

    def roots(self) -> list[int]:
        """Every element's root, in one pass: a parent comes before its child, so its root is
        already known (cheaper than a ``find`` per element)."""
        root = self.parent[:]
        for x, p in enumerate(root):
            if p != x:
                root[x] = root[p]
        return root


@dataclass(slots=True)
class EditionGroups:
    """Result of grouping: feature index → book (the root feature index), plus lookups.

    ``strong_owner`` maps (author loose key, strong title key) to one feature of the book that
    has it: the book is ``root_of[strong_owner[key]]``.
    """

    root_of: list[int]
    ambiguous: set[int]
    strong_owner: dict[tuple[str, str], int]
    # Series alias → how many books it lists at several positions (a second numbering scheme
    # needs two or more; counted before the weak-title pass).
    multi_position: dict[str, int] = field(default_factory=dict)

    def strong_book(self, key: tuple[str, str]) -> int | None:
        """The book with this (author loose key, strong title key), if any."""
        i = self.strong_owner.get(key)
        return None if i is None else self.root_of[i]


def group_editions(f: EntryFeatures) -> EditionGroups:
    """Cluster the entries described by ``f`` into books (see module docstring)."""
    uf = _UnionFind(len(f.entry_index))
    owner = _join_by_title(f, uf)
    multi_position = _join_by_series_slot(f, uf)
    ambiguous_roots = _join_by_weak_title(f, uf, owner)
    root_of = uf.roots()
    return EditionGroups(root_of, {root_of[r] for r in ambiguous_roots}, owner, multi_position)


def _join_by_title(f: EntryFeatures, uf: _UnionFind) -> dict[tuple[str, str], int]:
    """Pass 1, title identity; returns (author loose key, strong title key) → first entry."""
    find, union, parent = uf.find, uf.union, uf.parent
    owner: dict[tuple[str, str], int] = {}
    setdefault = owner.setdefault
    for i, (lks, sks) in enumerate(zip(f.loose, f.strong, strict=True)):
        for la in lks:
            for sk in sks:
                j = setdefault((la, sk), i)
                if j != i:
                    if parent[i] == i:
                        # i is still alone (the common case): it joins j's root, which is
                        # smaller than j < i, as ``union`` would do.
                        parent[i] = find(j)
                    else:
                        union(i, j)
    return owner


_MULTI = -1.0  # positions are never negative: marks a book with several positions in a series


def _join_by_series_slot(f: EntryFeatures, uf: _UnionFind) -> dict[str, int]:
    """Pass 2, series slots, only between single-position books (no union until both loops
    are done). Returns how many books each alias lists at several positions."""
    slots, loose, find = f.slots, f.loose, uf.find
    positions: dict[tuple[int, str], float] = {}
    slot_roots_of = [find(i) for i in f.with_slots]
    for i, r in zip(f.with_slots, slot_roots_of, strict=True):
        for alias, pos in slots[i]:
            if pos is None:
                continue
            key = (r, alias)
            if positions.setdefault(key, pos) != pos:
                positions[key] = _MULTI
    slot_roots: dict[tuple[str, str, float], set[int]] = defaultdict(set)
    for i, r in zip(f.with_slots, slot_roots_of, strict=True):
        for alias, pos in slots[i]:
            if pos is not None and positions.get((r, alias)) != _MULTI:
                for la in loose[i]:
                    slot_roots[(la, alias, pos)].add(r)
    for roots in slot_roots.values():
        if len(roots) > 1:
            first, *rest = roots
            for r in rest:
                uf.union(first, r)
    multi_position: dict[str, int] = {}
    for (_r, alias), pos in positions.items():
        if pos == _MULTI:
            multi_position[alias] = multi_position.get(alias, 0) + 1
    return multi_position


def _join_by_weak_title(
    f: EntryFeatures, uf: _UnionFind, owner: dict[tuple[str, str], int]
) -> list[int]:
    """Pass 3, weak titles; returns the roots of the editions that are ambiguous."""
    find = uf.find
    targets: dict[int, set[int]] = defaultdict(set)
    for i in f.with_weak:
        r = find(i)
        for la in f.loose[i]:
            for wk in f.weak[i]:
                j = owner.get((la, wk))
                if j is not None:
                    t = find(j)
                    if t != r:
                        targets[r].add(t)
    ambiguous_roots: list[int] = []
    for r, ts in targets.items():
        if len(ts) == 1:
            uf.union(r, next(iter(ts)))
        else:
            ambiguous_roots.append(r)
    return ambiguous_roots
