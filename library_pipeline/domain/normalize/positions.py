"""Series positions: numbers, number words, roman numerals, ranges ("Book Two", "1-3")."""

# ruff: noqa: RUF001  # en/em dashes, typographic quotes and folded letters are the data here

from __future__ import annotations

import re
from functools import lru_cache

from library_pipeline.domain.normalize.text import _CACHE

# --------------------------------------------------------------------------- numbers

# "zero".."twenty" -> 0..20 (series positions and release titles spell them out).
WORD_NUMBERS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_ORDINALS = {
    w: i
    for i, w in enumerate(
        [
            "zeroth",
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
            "sixteenth",
            "seventeenth",
            "eighteenth",
            "nineteenth",
            "twentieth",
        ]
    )
}
_ROMAN_RE = re.compile(r"^(?=[ivxlc])(c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def _roman_to_int(s: str) -> int | None:
    if not _ROMAN_RE.match(s):
        return None
    total = 0
    for a, b in zip(s, s[1:] + " ", strict=True):
        va, vb = _ROMAN_VALUES[a], _ROMAN_VALUES.get(b, 0)
        total += -va if va < vb else va
    return total


def _int_to_roman(n: int) -> str:
    out = ""
    for value, numeral in (
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while n >= value:
            out += numeral
            n -= value
    return out


def _number_token(tok: str) -> float | None:
    """One token as a number: "2", "2.5", "two", "second", "ii"."""
    tok = tok.strip().lower()
    if not tok:
        return None
    try:
        return float(tok)
    except ValueError:
        pass
    if tok in WORD_NUMBERS:
        return float(WORD_NUMBERS[tok])
    if tok in _ORDINALS:
        return float(_ORDINALS[tok])
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", tok)
    if m:
        return float(m.group(1))
    roman = _roman_to_int(tok)
    return float(roman) if roman is not None else None


# The words that mark a series position, in the languages audiobook libraries are kept in:
# "Book", "Vol.", "Band"/"Teil"/"Folge" (de), "Tome"/"Livre" (fr), "Libro"/"Tomo" (es, it),
# "Deel"/"Boek" (nl), "Del" (sv, da, no), and the bande dessinée "T01". A regex fragment (no
# groups, case-insensitive use) shared by the scan's title, tag and folder rules.
POSITION_LABEL = (
    r"\b(?:book|bk\.?|volume|vol\.?|part|pt\.?|number|no\.?|nr\.?|band|bd\.?|teil|folge|tome|"
    r"tomo|libro|livre|deel|boek|del|volumen|t\.?(?=\s?\d))"
)
_POS_PREFIX_RE = re.compile(
    r"^(?:(?:book|bk|volume|vol|part|pt|number|no|nr|episode|ep|novel|tome|band|bd|teil|folge|"
    r"tomo|libro|livre|deel|boek|del|volumen)\b\.?\s*|t\.?\s?(?=\d)|#\s*)+"
)
_POS_OF_RE = re.compile(r"\s*(?:of|/)\s*\d+\s*$")
_RANGE_RE = re.compile(
    r"^(\d+(?:\.\d+)?|[a-z]+)\s*(?:-|–|—|to|thru|through|&|and|,)\s*(\d+(?:\.\d+)?|[a-z]+)$"
)


def _position_core(text: str) -> str:
    s = text.strip().lower().replace("–", "-").replace("—", "-")
    s = _POS_PREFIX_RE.sub("", s).strip()
    s = _POS_PREFIX_RE.sub("", s).strip()  # "Books #1-3" / "Vol. #2"
    return s


@lru_cache(maxsize=_CACHE)
def parse_position_range(text: str | None) -> tuple[float, float] | None:
    """An omnibus range ("1-3", "Books 1 to 3", "I-III") as (first, last); else None."""
    if not text:
        return None
    s = re.sub(r"^books?\b\.?\s*", "", text.strip().lower())
    s = _position_core(s)
    m = _RANGE_RE.match(s)
    if not m:
        return None
    a, b = _number_token(m.group(1)), _number_token(m.group(2))
    if a is None or b is None or b <= a:
        return None
    return (a, b)


@lru_cache(maxsize=_CACHE)
def parse_series_position(text: str | None) -> float | None:
    """A single series position as a float ("Book Two" → 2.0, "2.5", "#3", "Vol. 4", "II").

    Returns None for empty text, unparseable text and omnibus ranges ("1-3"); use
    ``parse_position_range`` to recognise ranges.
    """
    if not text:
        return None
    s = _position_core(text)
    s = _POS_OF_RE.sub("", s).strip()  # "2 of 3" → "2"
    if not s or parse_position_range(text) is not None:
        return None
    value = _number_token(s)
    if value is None and " " in s:
        # "Book Two of the Expanse" style: take the leading number word.
        value = _number_token(s.split()[0])
    if value is None or value < 0 or value > 10_000:
        return None
    return value


def format_position_range(text: str | None) -> str | None:
    """An omnibus range as a position: "Book 1 to 3" / "Books 1-3" / "I-III" → "1-3"."""
    found = parse_position_range(text)
    if found is None:
        return None
    return f"{format_position(found[0])}-{format_position(found[1])}"


def format_position(pos: float | None) -> str | None:
    """2.0 → "2", 2.5 → "2.5", None → None."""
    if pos is None:
        return None
    return str(int(pos)) if pos == int(pos) else f"{pos:g}"


# "Die Trying (Jack Reacher 2)", "Tintentod [Tintenwelt 3]": a title followed by a bracketed
# series name and a bare position (never a year: 1-3 digits, or four zero-padded). The one
# pattern for titles and folder names; each caller decides when the name is a series.
SERIES_IN_BRACKETS = re.compile(
    r"^(?P<title>.*?\S)\s*[\(\[](?P<series>[^()\[\]{}#]+?)\s+"
    r"(?P<pos>0\d{3}|\d{1,3}(?:\.\d{1,2})?)[\)\]]$"
)
