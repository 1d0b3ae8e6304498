"""Matching keys shared by owned books and catalogue entries: series slots, identifiers, and the
(strong, weak) title keys, each distinct title keyed once and in bulk."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from library_pipeline.domain.gaps.grouping import SeriesSlot
from library_pipeline.domain.normalize import (
    normalize_texts,
    parse_series_position,
    same_title_keys_many,
    same_title_variants_many,
    series_aliases,
)

# ruff: noqa: RUF001  # en/em dashes are title noise here

TitleKeys = tuple[frozenset[str], frozenset[str]]  # (strong keys, weak keys)


def series_slots(series: str | None, position: str | None) -> tuple[SeriesSlot, ...]:
    """(alias, position) of a book in each name its series is known by (none outside a series)."""
    if not series:
        return ()
    pos = parse_series_position(position)
    return tuple((alias, pos) for alias in _sorted_aliases(series))


@lru_cache(maxsize=1 << 18)
def _sorted_aliases(series: str) -> tuple[str, ...]:
    # Memoised: a series comes back once per (title, position) of its books.
    return tuple(sorted(series_aliases(series)))


def normalize_id(value: str | None) -> str | None:
    """An ASIN or ISBN as compared: upper case, letters and digits only (None when empty)."""
    if not value:
        return None
    if value.isascii() and value.isalnum():
        return value.upper()  # the common case, nothing to drop (a million catalogue ids)
    cleaned = "".join(ch for ch in value.upper() if ch.isalnum())
    return cleaned or None


# Noise characters of a title; " - " is the other noise, tested apart with ``in``: a pattern
# that is one character class is scanned for much faster than an alternation.
_NOISE_CHARS_RE = re.compile(r"[(\[:;,#–—]")
_LEADING_WORDS = frozenset({"book", "books", "vol", "volume", "part", "no"})
_EMPTY: frozenset[str] = frozenset()
Title = tuple[str, str | None, str | None]  # title, subtitle, series


def full_titles(titles: Sequence[Title]) -> list[str]:
    """ "Title: Subtitle" (or the title) of each."""
    return [f"{title}: {subtitle}" if subtitle else title for title, subtitle, _ in titles]


def title_keys_many(
    titles: Sequence[Title], fulls: Sequence[str], norms: Sequence[str]
) -> list[TitleKeys]:
    """(strong keys, weak keys) of each title, as same-title keys (``normalize.same_title``:
    spellings, compounds and number words folded, so such editions are one book).

    Titles without any noise character skip ``title_variants``: their key is the normalised
    text folded in bulk, which is what ``title_variants`` gives for them too.
    """
    search = _NOISE_CHARS_RE.search
    plain = [
        bool(norm)
        and search(full) is None
        and " - " not in full
        and not full[:1].isdigit()
        and norm.partition(" ")[0] not in _LEADING_WORDS
        for full, norm in zip(fulls, norms, strict=True)
    ]
    plain_keys = iter(same_title_keys_many([n for n, ok in zip(norms, plain, strict=True) if ok]))
    others = iter(
        same_title_variants_many([t for t, ok in zip(titles, plain, strict=True) if not ok])
    )
    return [(frozenset((next(plain_keys),)), _EMPTY) if ok else next(others) for ok in plain]


def title_keys_each(titles: Sequence[Title]) -> list[TitleKeys]:
    """(strong keys, weak keys) of each title, each distinct title keyed once."""
    index: dict[Title, int] = {}
    title_of = [index.setdefault(t, len(index)) for t in titles]
    distinct = list(index)
    fulls = full_titles(distinct)
    keys = title_keys_many(distinct, fulls, normalize_texts(fulls))
    return [keys[i] for i in title_of]
