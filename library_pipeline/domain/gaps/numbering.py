"""Series with two numbering schemes (Narnia in publication or chronological order, Foundation):
which listing belongs to which scheme, which scheme the user's owned books follow, and what the
schemes are called.

Providers list each edition at one position, without naming the scheme. Two listings cannot be
in the same scheme when they put one book at two positions, or two books at one position; so the
(book, position) pairs of a series, linked by those conflicts, fall into two sides (a two-colour
graph), one side per scheme. Pairs in no conflict fit either scheme. When the conflicts do not
split into two sides (noisy positions), the series is treated as having one scheme.

The scheme whose order follows the books' first publication years more closely is the
"publication" order; the other is the "chronological" one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Node = tuple[int, float]  # (book, position)
PUBLICATION = "publication"
CHRONOLOGICAL = "chronological"


@dataclass(frozen=True, slots=True)
class Numbering:
    """The two schemes of one series: each (book, position) pair's scheme (0 or 1; pairs in no
    conflict are absent) and each scheme's name."""

    scheme_of: Mapping[Node, int]
    names: tuple[str, str]

    def position(self, book: int, positions: Iterable[float], scheme: int) -> float | None:
        """The book's position in ``scheme``: the pair of that scheme, else a position that
        fits both; None when the book is numbered only in the other scheme."""
        shared = None
        for pos in positions:
            side = self.scheme_of.get((book, pos))
            if side == scheme:
                return pos
            if side is None:
                shared = pos
        return shared

    def other_position(self, book: int, positions: Iterable[float], scheme: int) -> float | None:
        """The book's position in the scheme that is not ``scheme``."""
        return self.position(book, positions, 1 - scheme)


def two_schemes(
    positions: Mapping[int, set[float]], years: Mapping[int, int | None]
) -> Numbering | None:
    """The two schemes of a series from each book's positions in it (and first years, to name
    them); None when no book has two positions or the conflicts do not split in two."""
    if sum(len(p) > 1 for p in positions.values()) < 2:
        return None  # one book listed at two positions is noise, not a second scheme
    edges = _conflicts(positions)
    scheme_of = _two_colour(edges)
    if scheme_of is None:
        return None
    return Numbering(scheme_of, _names(scheme_of, years))


def _conflicts(positions: Mapping[int, set[float]]) -> dict[Node, set[Node]]:
    """Pairs that cannot share a scheme: one book at two positions, two books at one."""
    edges: dict[Node, set[Node]] = defaultdict(set)
    books_at: dict[float, list[int]] = defaultdict(list)
    for book, spots in positions.items():
        for pos in spots:
            books_at[pos].append(book)
        if len(spots) > 1:
            nodes = [(book, pos) for pos in spots]
            for a in nodes:
                edges[a].update(b for b in nodes if b != a)
    for pos, books in books_at.items():
        if len(books) > 1:
            nodes = [(book, pos) for book in books]
            for a in nodes:
                edges[a].update(b for b in nodes if b != a)
    return edges


def _two_colour(edges: Mapping[Node, set[Node]]) -> dict[Node, int] | None:
    """Each linked pair's side (0 or 1), or None when some conflicts form an odd cycle. (Groups
    of pairs that share no conflict are sided apart; a series has one such group in practice.)"""
    side: dict[Node, int] = {}
    for start in sorted(edges):
        if start in side:
            continue
        side[start] = 0
        queue = [start]
        while queue:
            node = queue.pop()
            for other in edges[node]:
                if other not in side:
                    side[other] = 1 - side[node]
                    queue.append(other)
                elif side[other] == side[node]:
                    return None
    return side


def _inversions(pairs: list[tuple[float, int]]) -> int:
    """Pairs of books whose order by position and by year disagree."""
    ordered = sorted(pairs)
    return sum(
        1 for i, (_p, year) in enumerate(ordered) for _q, later in ordered[i + 1 :] if later < year
    )


def _names(scheme_of: Mapping[Node, int], years: Mapping[int, int | None]) -> tuple[str, str]:
    """Scheme names: the one whose order follows publication years more closely (fewer
    inversions per pair of books) is the publication order."""
    pairs: list[list[tuple[float, int]]] = [[], []]
    for (book, pos), side in scheme_of.items():
        year = years.get(book)
        if year is not None:
            pairs[side].append((pos, year))
    rates = [_inversions(p) / max(1, len(p) * (len(p) - 1) // 2) for p in pairs]
    if rates[0] <= rates[1]:
        return PUBLICATION, CHRONOLOGICAL
    return CHRONOLOGICAL, PUBLICATION


def owned_scheme(numbering: Numbering, owned: Iterable[Node]) -> int | None:
    """The scheme most owned (book, tagged position) pairs are in; None when none says."""
    votes = [0, 0]
    for node in owned:
        side = numbering.scheme_of.get(node)
        if side is not None:
            votes[side] += 1
    if votes[0] == votes[1]:
        return None
    return 0 if votes[0] > votes[1] else 1
