"""How urgent a missing book is, 0 to 100 (higher first).

Series gaps (position p, owned positions O of that series):

- 95: the next entry after the highest owned one (what the reader will want next);
- 85: a hole inside the owned run (min(O) < p < max(O));
- 80 - 5 per missing entry between it and the highest owned (later entries: 75, 70, …), at
  least 50;
- 70: before the first owned entry (prequels, or starting from the middle);
- 60: position unknown.

Author gaps only (not in a series the user owns): 40 when it opens a series (position ≤ 1) or
is a standalone, 30 when it is a later entry of a series the user has not started.

Then: +3 when both reasons hold; +5 when published within a year of ``as_of`` (new releases);
minus 10 when more than 20 years old and only an author gap (old backlist lowest).
Clamped to 0-100.
"""

from __future__ import annotations

from collections.abc import Collection


def series_gap_priority(position: float | None, owned_positions: Collection[float]) -> int:
    """Base priority of a series gap (see module docstring)."""
    if position is None or not owned_positions:
        return 60
    highest, lowest = max(owned_positions), min(owned_positions)
    if position > highest:
        # Whole-number steps between the highest owned entry and this one.
        steps = int(position) - int(highest) - 1
        return 95 if steps <= 0 else max(50, 80 - 5 * (steps - 1))
    if position > lowest:
        return 85
    return 70


def author_gap_priority(position: float | None) -> int:
    """Base priority of an author-only gap: series openers and standalones first."""
    return 40 if position is None or position <= 1 else 30


def priority(
    *,
    series_gap: bool,
    author_gap: bool,
    position: float | None,
    owned_positions: Collection[float],
    published_year: int | None,
    as_of_year: int,
) -> int:
    """Priority 0 to 100 of one missing book (formula in the module docstring)."""
    if series_gap:
        score = series_gap_priority(position, owned_positions) + (3 if author_gap else 0)
    else:
        score = author_gap_priority(position)
        if published_year is not None and as_of_year - published_year > 20:
            score -= 10
    if published_year is not None and as_of_year - published_year <= 1:
        score += 5
    return max(0, min(100, score))
