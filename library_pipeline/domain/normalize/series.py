"""Series names: matching keys and the aliases a series is known by."""

# ruff: noqa: RUF001  # en/em dashes, typographic quotes and folded letters are the data here

from __future__ import annotations

import re
from functools import lru_cache

from library_pipeline.domain.normalize.text import _CACHE, normalize_text
from library_pipeline.domain.normalize.titles import _ARTICLES

# --------------------------------------------------------------------------- series

_SERIES_TRAILING = frozenset(
    {
        "series",
        "saga",
        "sequence",
        "cycle",
        "novels",
        "novel",
        "books",
        "trilogy",
        "chronicles",
        "universe",
        "diaries",
        "files",
        "archive",
        "quartet",
        "duology",
    }
)
_SERIES_SUB_SPLIT_RE = re.compile(r"\s*(?::|\s[-–—]\s|/)\s*")


@lru_cache(maxsize=_CACHE)
def series_key(name: str) -> str:
    """Matching key of a series name: "The Stormlight Archive" → "stormlight",
    "The Chronicles of Narnia" → "narnia", "Red Rising Saga" → "red rising"."""
    toks = normalize_text(name).split()
    while len(toks) > 1 and toks[0] in _ARTICLES:
        toks = toks[1:]
    if len(toks) > 2 and toks[0] in ("chronicles", "tales", "books") and toks[1] == "of":
        toks = toks[2:]
    while len(toks) > 1 and toks[-1] in _SERIES_TRAILING:
        toks = toks[:-1]
    while len(toks) > 1 and toks[-1] in _ARTICLES:
        toks = toks[:-1]
    return " ".join(toks)


@lru_cache(maxsize=_CACHE)
def series_aliases(name: str) -> frozenset[str]:
    """Keys a series is known by: the full key, plus the sub-series part of
    "Discworld - City Watch" ("city watch"). Never the parent alone: its numbering differs."""
    keys = {series_key(name)}
    parts = [p for p in _SERIES_SUB_SPLIT_RE.split(name) if p.strip()]
    if len(parts) > 1:
        keys.add(series_key(parts[-1]))
    keys.discard("")
    return frozenset(keys)
