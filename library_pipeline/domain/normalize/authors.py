"""Author credits: one credit string into names, names into matching keys, and the one
"Last, First" shape (``is_inverted``; the rule in context is ``domain.credits``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz

from library_pipeline.domain.normalize.text import _CACHE, normalize_text

# --------------------------------------------------------------------------- authors

_NAME_NOISE = frozenset(
    {
        "phd",
        "ph d",
        "jr",
        "sr",
        "dr",
        "md",
        "prof",
        "professor",
        "mr",
        "mrs",
        "ms",
        "ii",
        "iii",
        "iv",
        "esq",
        "dphil",
        "msc",
        "ma",
        "ba",
        "bsc",
        "obe",
        "mbe",
        "cbe",
        "sir",
        "dame",
    }
)
_SURNAME_PARTICLES = frozenset(
    {
        "le",
        "la",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "van",
        "von",
        "der",
        "den",
        "st",
        "st.",
        "mc",
        "mac",
        "ten",
        "ter",
        "dos",
        "das",
        "el",
        "al",
        "bin",
        "ibn",
    }
)
_SUFFIX_RE = re.compile(r"^(?:jr|sr|ph\.?\s?d|md|ii|iii|iv|esq)\.?$", re.IGNORECASE)


def is_inverted(left: str, right: str) -> bool:
    """Whether "left, right" has the shape of one person written "Lastname, First" (shape
    only; `domain.credits.reads_last_first` adds where it is written and the evidence)."""
    if _SUFFIX_RE.match(right.strip()):
        return True
    ltoks = left.split()
    rtoks = right.split()
    if not ltoks or not rtoks or len(rtoks) > 3:
        return False
    if len(ltoks) == 1:
        return True
    # "García Márquez, Gabriel", "Conan Doyle, Arthur": a two-word surname and one given name.
    if len(ltoks) == 2 and len(rtoks) == 1 and not right.strip().isupper():
        return True
    return len(ltoks) in (2, 3) and ltoks[0].lower().rstrip(".") in _SURNAME_PARTICLES


def split_authors(s: str) -> list[str]:
    """One credit string into the people it names, "First Last": the project's one
    author-name rule, `domain.credits.split_credit` (role words in names kept, "Shirtaloon,
    Michael Kramer" two people, suffixes kept, shared surnames)."""
    from library_pipeline.domain.credits import split_credit  # credits builds on this module

    return split_credit(s)


def display_author(name: str) -> str:
    """One person's name as printed: "Brown, Pierce" → "Pierce Brown", "Le Guin, Ursula K." →
    "Ursula K. Le Guin", "King, Jr." kept. The "Last, First" rule of ``split_authors``; a credit
    naming several people (or none) is returned trimmed."""
    names = split_authors(name)
    return names[0] if len(names) == 1 else name.strip()


@lru_cache(maxsize=_CACHE)
def normalize_author(name: str) -> str:
    """Matching key of one person's name.

    "Brown, Pierce" → "pierce brown"; "George R.R. Martin", "George R. R. Martin" and
    "George RR Martin" → "george rr martin" (runs of initials are joined); titles and suffixes
    ("Dr.", "PhD", "Jr.") are dropped; accents and case do not matter.
    """
    s = name.strip()
    if "," not in s and "." not in s:
        tokens = normalize_text(s).split()
        # No initial (a one-letter token) and no title or suffix.
        if (not tokens or min(map(len, tokens)) > 1) and _NAME_NOISE.isdisjoint(tokens):
            return " ".join(tokens)  # the common case: "Pierce Brown"
    if s.count(",") == 1:
        left, right = (p.strip() for p in s.split(","))
        if _SUFFIX_RE.match(right):
            s = left
        elif left and right and is_inverted(left, right):
            s = f"{right} {left}"
        else:
            s = f"{left} {right}"
    tokens = [t for t in normalize_text(s).split() if t not in _NAME_NOISE]
    merged: list[str] = []
    run = ""
    for tok in tokens:
        if len(tok) == 1:
            run += tok
            continue
        if run:
            merged.append(run)
            run = ""
        merged.append(tok)
    if run:
        merged.append(run)
    return " ".join(merged)


@lru_cache(maxsize=_CACHE)
def author_loose_key(name: str) -> str:
    """A looser key: first and last name only ("george rr martin" → "george martin").

    Good for recognising books the user owns under a sloppier name; too loose to decide that
    two people are the same (George R.R. Martin is not George Martin).
    """
    tokens = normalize_author(name).split()
    if len(tokens) <= 2:
        return " ".join(tokens)
    # First given name + surname, keeping surname particles ("ursula le guin").
    last = [tokens[-1]]
    i = len(tokens) - 2
    while i > 0 and tokens[i] in _SURNAME_PARTICLES:
        last.insert(0, tokens[i])
        i -= 1
    return " ".join([tokens[0], *last])


@lru_cache(maxsize=_CACHE)
def _author_keys_tuple(authors: tuple[str, ...]) -> frozenset[str]:
    keys = {normalize_author(n) for a in authors for n in split_authors(a)}
    keys.discard("")
    return frozenset(keys)


def author_keys(authors: Iterable[str]) -> frozenset[str]:
    """Keys of every person credited in a list of credit strings (each may name several)."""
    return _author_keys_tuple(tuple(authors))


@lru_cache(maxsize=_CACHE)
def _author_loose_keys_tuple(authors: tuple[str, ...]) -> frozenset[str]:
    keys = {author_loose_key(n) for a in authors for n in split_authors(a)}
    keys.discard("")
    return frozenset(keys)


def author_loose_keys(authors: Iterable[str]) -> frozenset[str]:
    """Loose keys (``author_loose_key``) of every person credited."""
    return _author_loose_keys_tuple(tuple(authors))


def author_match(a_list: Iterable[str], b_list: Iterable[str], threshold: float = 0.9) -> bool:
    """Whether two author lists share a person: same key, same loose key, or a near-identical
    name (rapidfuzz ratio ≥ threshold) with the same surname initial (typos like "Sandersen")."""
    a, b = author_keys(a_list), author_keys(b_list)
    if a & b:
        return True
    if author_loose_keys(a_list) & author_loose_keys(b_list):
        return True
    return any(
        x.split()[-1][:1] == y.split()[-1][:1] and fuzz.ratio(x, y) >= threshold * 100
        for x in a
        for y in b
    )
