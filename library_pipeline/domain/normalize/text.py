"""Text normalisation: case, accents, punctuation; one string or many at once."""

# ruff: noqa: RUF001  # en/em dashes, typographic quotes and folded letters are the data here

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import compress, count, repeat
from operator import contains, not_

_CACHE = 1 << 18

# --------------------------------------------------------------------------- text


def ascii_fast_search(regex: re.Pattern[str]) -> Callable[[str], bool]:
    """``regex.search(text) is not None``, faster, for an IGNORECASE pattern written in lower
    case.

    ASCII text (nearly every title and name) is lower-cased and searched with the pattern
    compiled case-sensitive: the same matches at a third of the cost of IGNORECASE matching,
    which counts for catalogues of a million entries. Other text keeps the IGNORECASE pattern
    (Unicode case folding is not ``str.lower``).
    """
    if not regex.flags & re.IGNORECASE or regex.pattern != regex.pattern.lower():
        raise ValueError(f"not a lower-case IGNORECASE pattern: {regex.pattern!r}")
    ascii_search = re.compile(regex.pattern, regex.flags & ~re.IGNORECASE).search
    search = regex.search

    def found(text: str) -> bool:
        if text.isascii():
            return ascii_search(text.lower()) is not None
        return search(text) is not None

    return found


def _build_punct_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in range(0x3000):
        cat = unicodedata.category(chr(cp))
        if cat[0] in "PSZC":
            table[cp] = " "
    # Apostrophes join: "Hitchhiker's" must equal "Hitchhikers", not "Hitchhiker s".
    for ch in "'’ʼ`´‘":
        table[ord(ch)] = None
    table[ord("&")] = " and "
    table[ord("+")] = " and "
    return table


_PUNCT = _build_punct_table()
# Letters that NFKD does not decompose into base + combining mark.
_FOLD = str.maketrans(
    {"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ı": "i", "þ": "th", "ð": "d"}
)
_FOLD_MULTI = {"æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss"}


def _strip_accents(s: str) -> str:
    s = s.translate(_FOLD)
    for k, v in _FOLD_MULTI.items():
        if k in s:
            s = s.replace(k, v)
    decomposed = unicodedata.normalize("NFKD", s)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# ASCII fast path: bytes.translate with a 256-byte table runs in C without dict look-ups.
_ASCII_TABLE = bytes(
    (c + 32 if 65 <= c <= 90 else c) if (chr(c).isalnum() or chr(c).isspace()) else 32
    for c in range(256)
)
_ASCII_DELETE = b"'`"


@lru_cache(maxsize=_CACHE)
def normalize_text(s: str) -> str:
    """Casefold, strip accents, turn punctuation into spaces, collapse whitespace."""
    if s.isascii():
        if "&" in s or "+" in s:
            s = s.replace("&", " and ").replace("+", " and ")
        return " ".join(s.encode().translate(_ASCII_TABLE, _ASCII_DELETE).decode().split())
    s = _strip_accents(s)
    return " ".join(s.casefold().translate(_PUNCT).split())


# Bulk variant: one joined string, "\n" between items. ASCII whitespace other than "\n" becomes
# a space (``str.split`` treats them alike), so "\n" still marks the items after translation.
_BULK_TABLE = bytes(
    c if c == 10 else (32 if chr(c).isspace() else _ASCII_TABLE[c]) for c in range(256)
)
_SPACE_RUN_RE = re.compile(" {2,}")


def normalize_texts(strings: Sequence[str]) -> list[str]:
    """``[normalize_text(s) for s in strings]``, in bulk (not memoised)."""
    if not strings:
        return []
    joined = "\n".join(strings)
    if not joined.isascii() or joined.count("\n") != len(strings) - 1:
        # Some items are not plain ASCII (or hold a line break): those one by one, in their
        # places, the rest in bulk. Found with C-level passes: a few in a hundred thousand.
        odd = {
            *compress(count(), map(not_, map(str.isascii, strings))),
            *compress(count(), map(contains, strings, repeat("\n"))),
        }
        plain = list(strings)
        for i in odd:
            plain[i] = ""
        out = normalize_texts(plain)
        for i in odd:
            out[i] = normalize_text(strings[i])
        return out
    if "&" in joined or "+" in joined:
        joined = joined.replace("&", " and ").replace("+", " and ")
    text = joined.encode().translate(_BULK_TABLE, _ASCII_DELETE).decode()
    text = _SPACE_RUN_RE.sub(" ", text).replace(" \n", "\n").replace("\n ", "\n").strip(" ")
    return text.split("\n")
