"""How a missing book is shown: its title, credits, position and the owned positions beside
it, chosen from the editions that are it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from library_pipeline.domain.gaps.models import CatalogueEntry
from library_pipeline.domain.gaps.owned import OwnedInfo
from library_pipeline.domain.normalize import (
    author_loose_key,
    clean_title,
    format_position,
    normalize_author,
    split_authors,
)

# Display noise: a bracket or colon anywhere (a character class: scanned for fast), or a leading
# digit (``str.isdecimal`` is the class of ``\d``).
_DISPLAY_NOISE_RE = re.compile(r"[(\[:]")


def most_common(values: list[str]) -> str | None:
    """The most frequent value (ties: the first listed); None for an empty list."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return max(counts, key=counts.__getitem__)


def choose_position(positions: list[float], owned_positions: set[float]) -> float | None:
    """The book's position to show: prefer one the user does not own (two numbering schemes),
    then a whole number over a fraction, then the most common, then the smallest."""
    if positions and positions.count(positions[0]) == len(positions):
        return positions[0]  # the common case: every edition agrees
    counts = Counter(positions)
    if not counts:
        return None
    return min(counts, key=lambda p: (p in owned_positions, p != int(p), -counts[p], p))


def format_positions(positions: Iterable[float]) -> str:
    """{1, 2, 3, 5, 7.5} → "#1-3, #5, #7.5"."""
    nums = sorted(set(positions))
    parts: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while (
            j + 1 < len(nums)
            and nums[j + 1] == nums[j] + 1
            and nums[j] == int(nums[j])
            and nums[j + 1] == int(nums[j + 1])
        ):
            j += 1
        first, last = format_position(nums[i]), format_position(nums[j])
        parts.append(f"#{first}" if i == j else f"#{first}-{last}")
        i = j + 1
    return ", ".join(parts)


def display_title(entries: Sequence[CatalogueEntry]) -> str:
    """The most common title among editions listed without brackets or subtitles (ties: the one
    listed first; shouting capitals last); else the most common clean title."""
    plain = [
        " ".join(e.title.split())
        for e in entries
        if not e.subtitle
        and _DISPLAY_NOISE_RE.search(e.title) is None
        and not e.title[:1].isdecimal()
    ]
    candidates = plain or [clean_title(e.title) for e in entries]
    if len(candidates) == 1:
        return candidates[0]
    counts: dict[str, int] = {}
    for t in candidates:
        counts[t] = counts.get(t, 0) + 1
    return max(counts, key=lambda t: (counts[t], not t.isupper()))


def display_authors(entries: Sequence[CatalogueEntry]) -> tuple[str, ...]:
    """Every credited person once, in the most common spelling, most credited first."""
    first = entries[0].authors if entries else ()
    if all(e.authors == first for e in entries):
        # The common case: every edition credits alike (counting n copies ranks like one).
        return _display_credits(first)
    return _rank_spellings([e.authors for e in entries])


@lru_cache(maxsize=1 << 16)
def _display_credits(authors: tuple[str, ...]) -> tuple[str, ...]:
    """``display_authors`` of editions that all have these credits."""
    return _rank_spellings([authors])


def _rank_spellings(credits: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    spellings: dict[str, dict[str, int]] = {}
    for authors in credits:
        for key, name in _credited(authors):
            names = spellings.setdefault(key, {})
            names[name] = names.get(name, 0) + 1
    ranked = sorted(spellings, key=lambda k: -sum(spellings[k].values()))  # stable: first seen
    return tuple(
        max(spellings[k], key=lambda n: (spellings[k][n], not n.isupper())) for k in ranked
    )


@lru_cache(maxsize=1 << 16)
def _credited(authors: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(key, display name) of every person in a credit list."""
    out = []
    for a in authors:
        for name in split_authors(a):
            key = normalize_author(name)
            if key:
                out.append((key, name))
    return tuple(out)


def display_owned_author(owned: list[OwnedInfo], la: str) -> str:
    for o in owned:
        for a in o.book.authors:
            for name in split_authors(a):
                if author_loose_key(name) == la:
                    return name
    return la.title()
