"""Normalisers for book metadata: titles, authors, series names and series positions.

Shared by gap detection, enrichment matching, release scoring and owned-book matching.
Pure functions, no I/O. The expensive ones are memoised with ``functools.lru_cache`` because
provider catalogues repeat the same strings (authors, series, titles) many times.

Public API (stable):

- ``normalize_text(s)``: casefold, strip accents, punctuation to space, collapse spaces.
- ``normalize_texts(strings)`` / ``strip_articles_many(norms)`` / ``title_variants_many(titles)``:
  the same results for many strings at once, computed mostly by C-level string operations over
  one joined string (for catalogues of a million entries, where a Python call per title costs
  more than the work).
- ``clean_title(title, series=None)``: the display title without edition/series noise.
- ``title_key(title, series=None)``: matching key of a title (articles dropped).
- ``title_variants(title, subtitle=None, series=None)``: (strong, weak) key sets for matching.
- ``normalize_author(name)`` / ``author_loose_key(name)``: matching keys of one person.
- ``split_authors(s)``: one credit string to a list of names.
- ``author_keys(authors)`` / ``author_loose_keys(authors)``: key sets of an author list.
- ``series_key(name)`` / ``series_aliases(name)``: matching keys of a series name.
- ``parse_series_position(text)`` / ``parse_position_range(text)`` / ``format_position(pos)``.
- ``title_similarity(a, b)`` and ``author_match(a_list, b_list)``: fuzzy comparisons.
- ``ascii_fast_search(regex)``: a faster ``regex.search`` test for lower-case IGNORECASE patterns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import compress, count, repeat
from operator import contains, not_

from rapidfuzz import fuzz

__all__ = [
    "ascii_fast_search",
    "author_keys",
    "author_loose_key",
    "author_loose_keys",
    "author_match",
    "clean_title",
    "format_position",
    "normalize_author",
    "normalize_text",
    "normalize_texts",
    "parse_position_range",
    "parse_series_position",
    "series_aliases",
    "series_key",
    "split_authors",
    "strip_articles_many",
    "title_key",
    "title_similarity",
    "title_variants",
    "title_variants_many",
]

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


_POS_PREFIX_RE = re.compile(
    r"^(?:(?:book|bk|volume|vol|part|pt|number|no|nr|episode|ep|novel|tome)\b\.?\s*|#\s*)+"
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


def format_position(pos: float | None) -> str | None:
    """2.0 → "2", 2.5 → "2.5", None → None."""
    if pos is None:
        return None
    return str(int(pos)) if pos == int(pos) else f"{pos:g}"


# --------------------------------------------------------------------------- titles

_NUMWORD = (
    r"(?:\d+(?:\.\d+)?|[ivxlc]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|first|second|third|"
    r"fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
)
# Noise tests below work on lower-cased text with cheap string checks first and short anchored
# regexes last: they run once per distinct title of a million-entry catalogue.
_A_NOVEL_RE = re.compile(
    r"^an?\s+(?:[\w/'-]+\s+){0,3}?(?:novel|novella|thriller|mystery|romance|adventure|memoir|"
    r"fantasy|story|tale)(?:\s+(?:of|from|in)\s+.*)?$"
)
_SERIES_WORDS = ("series", "saga", "chronicles", "chronicle", "trilogy", "cycle", "sequence")
_EDITION_WORDS = (
    "anniversary", "definitive", "deluxe", "special", "illustrated", "collector", "tie-in",
    "tie in", "movie", "preferred", "expanded", "revised", "unabridged", "abridged",
)  # fmt: skip
_BRACKET_EXACT = frozenset(
    {"unabridged", "abridged", "unabridged edition", "abridged edition", "audiobook",
     "audio book", "audio edition", "unabridged audiobook", "a novel", "a novella", "novel",
     "dramatized adaptation", "dramatised adaptation", "dramatized", "dramatised"}
)  # fmt: skip
_NOISE_EXACT = frozenset({"unabridged", "abridged", "a novel", "novel"})


_NUM_WORDS = frozenset(
    [*WORD_NUMBERS, *_ORDINALS] + [r for r in (_int_to_roman(i) for i in range(1, 60)) if r]
)
_NUMBER_LEADS = frozenset({"book", "books", "vol", "vol.", "volume", "no", "no.", "part", "bk"})


def _is_numword(tok: str) -> bool:
    """ "3", "3.5", "#3", "three", "third", "iii"."""
    tok = tok.lstrip("#")
    return tok in _NUM_WORDS or tok.replace(".", "", 1).isdigit()


def _numbered(low: str) -> bool:
    """ "... Book 3", "... #3", "Vol. 2 of 3", "Book Two of X" (lower-cased text)."""
    toks = low.replace(",", " ").replace("'", " ").split()
    if not toks:
        return False
    if len(toks) >= 3 and toks[-2] == "of" and toks[-1].isdigit():
        toks = toks[:-2]  # "Book 2 of 3"
    last = toks[-1]
    if last.startswith("#") and _is_numword(last):
        return True
    if len(toks) >= 2 and _is_numword(last) and (toks[-2] in _NUMBER_LEADS or toks[-2] == "#"):
        return True
    return (
        len(toks) >= 3
        and toks[0] in _NUMBER_LEADS
        and _is_numword(toks[1])
        and toks[2] in ("of", "in")
    )


def _bracket_is_noise(inner: str) -> bool:
    """Bracketed text that is edition/series noise: "(Unabridged)", "[2014]", "(Series #2)"."""
    low = inner.strip().lower()
    if low in _BRACKET_EXACT or (len(low) == 4 and low.isdigit()):
        return True
    if low.endswith(("edition", "version", "series", "saga", "chronicles", "chronicle")):
        return True
    if low.startswith(("full cast", "full-cast", "collector")):
        return True
    if _numbered(low):
        return True
    if " of " in low and low.replace(" of ", "", 1).isdigit():
        return True  # "(1 of 2)"
    return low.startswith(("a ", "an ")) and _A_NOVEL_RE.match(low) is not None


_BRACKET_RE = re.compile(r"\s*[\(\[]([^()\[\]]*)[\)\]]")
_SEGMENT_SPLIT_RE = re.compile(r"\s*(?::|\s[-–—]\s|;)\s*")
_LEADING_NUMBER_RE = re.compile(
    r"^(?:(?:book|vol(?:ume)?\.?|part|no\.?)\s*" + _NUMWORD + r"|#?\d{1,2}(?:\.\d+)?)"
    r"\s*(?:[-–—:.)]|\s-)\s*",
    re.IGNORECASE,
)
_ARTICLES = frozenset({"the", "a", "an"})
_LEADING_HINTS = ("book", "vol", "part", "no", "#")


def _segment_is_noise(seg: str, series_norm: str | None) -> bool:
    """A subtitle that is noise: "A Novel", "Red Rising Series, Book 2", "Book Two of X"."""
    low = seg.strip().lower()
    if low in _NOISE_EXACT or _numbered(low):
        return True
    if low.startswith(("a ", "an ")) and _A_NOVEL_RE.match(low):
        return True
    if low.endswith(_SERIES_WORDS) and low.count(" ") <= 4:
        return True
    if low.endswith("edition") and any(w in low for w in _EDITION_WORDS):
        return True
    if not series_norm or series_norm.split(" ", 1)[0] not in low:
        return False
    return _key(seg) == series_norm


def _strip_articles(norm: str) -> str:
    """Drop articles anywhere: "the way of kings" → "way of kings" (editions disagree on them)."""
    if " " not in norm:
        return norm
    kept = [t for t in norm.split() if t not in _ARTICLES]
    return " ".join(kept) if kept else norm


# An article token with the space before it. Every text is led by a space in the bulk string,
# so the pattern starts with a literal, which the regex engine scans for quickly (a leading
# "(?:^| )" makes it try every position, at twice the cost).
_ARTICLE_TOKEN_RE = re.compile(r" (?:the|an?)(?= |$)", re.MULTILINE)


def strip_articles_many(norms: Sequence[str]) -> list[str]:
    """Articles dropped from normalised texts (``normalize_text`` output), in bulk: a text made
    of articles only stays as it is, as with the per-title keys."""
    if not norms:
        return []
    # Each line keeps its leading space unless every token was an article (then it is empty).
    text = _ARTICLE_TOKEN_RE.sub("", " " + "\n ".join(norms))
    return [key[1:] or norm for key, norm in zip(text.split("\n"), norms, strict=True)]


@lru_cache(maxsize=_CACHE)
def _key(text: str) -> str:
    # Memoised: series names come back once per title of the series.
    return _strip_articles(normalize_text(text))


def _has_segments(t: str) -> bool:
    return ":" in t or ";" in t or " - " in t or " – " in t or " — " in t


@lru_cache(maxsize=_CACHE)
def _clean(title: str, series: str | None) -> tuple[str, bool]:
    """clean_title, plus whether the series name itself was removed from the title."""
    t = " ".join(title.split())
    if not t:
        return t, False
    original = t
    stripped_series = False
    if "," in t:
        head, _, tail = t.rpartition(",")
        if tail.strip().lower() in _ARTICLES:
            t = f"{tail.strip()} {head.strip()}"  # "Hobbit, The" → "The Hobbit"
    if t[-1] in ")]" and t.count("(") + t.count("[") == 1:
        # One trailing bracket, the common shape: "Title (Unabridged)", "Title [2014]".
        cut = max(t.rfind("("), t.rfind("["))
        if cut > 0 and _bracket_is_noise(t[cut + 1 : -1]):
            t = t[:cut].rstrip()
    elif "(" in t or "[" in t:
        t = _BRACKET_RE.sub(lambda m: "" if _bracket_is_noise(m.group(1)) else m.group(0), t)
        t = t.strip()
    if t[:1].isdigit() or t[:4].lower().startswith(_LEADING_HINTS):
        t = _LEADING_NUMBER_RE.sub("", t, count=1) or t
    if _has_segments(t):
        series_norm = _key(series) if series else None
        if t.count(":") == 1 and ";" not in t and " - " not in t and "–" not in t and "—" not in t:
            a, _, b = t.partition(":")  # the common shape, without the regex
            segments, separators = [a.strip(), b.strip()], [":"]
        else:
            segments = _SEGMENT_SPLIT_RE.split(t)
            separators = _SEGMENT_SPLIT_RE.findall(t)
        if len(segments) > 1 and all(segments):
            kept_idx = [0] + [
                i
                for i in range(1, len(segments))
                if not _segment_is_noise(segments[i], series_norm)
            ]
            # Compare with the series name only where its first word appears (cheap test).
            series_head = series_norm.split(" ", 1)[0] if series_norm else ""
            if series_head and len(kept_idx) < len(segments):
                stripped_series = any(
                    series_head in segments[i].lower() and _key(segments[i]) == series_norm
                    for i in range(1, len(segments))
                    if i not in kept_idx
                )
            if (
                series_head
                and len(kept_idx) > 1
                and series_head in segments[0].lower()
                and _key(segments[0]) == series_norm
            ):
                kept_idx = kept_idx[1:]  # "Mistborn: The Final Empire" with series Mistborn
                stripped_series = True
            out = segments[kept_idx[0]]
            for i in kept_idx[1:]:
                sep = separators[i - 1].strip() if i - 1 < len(separators) else ":"
                out += (sep if sep in ":;" else f" {sep}") + " " + segments[i]
            t = out
    if "," in t:
        head, _, tail = t.rpartition(",")
        if _numbered(tail.strip().lower()) and tail.split()[0].lower().lstrip("#") in (
            *_NUMBER_LEADS,
            "",
        ):
            t = head  # "Title, Book 2"
    t = t.strip(" ,:;-–—")
    return (t, stripped_series) if t else (original, False)


def clean_title(title: str, series: str | None = None) -> str:
    """The book's clean display title, without edition and series noise.

    Removes bracketed noise ("(Unabridged)", "[2014]", "(Red Rising Series, Book 2)", "(Deluxe
    Edition)"), noise subtitles (": A Novel", ": Red Rising Series, Book 2", ": Book Two of
    Mistborn", the series name itself), "Book 2 - " / "02 - " prefixes and ", Book 2" suffixes,
    and moves a trailing ", The" to the front. When ``series`` is given, a leading
    "Series Name: " is dropped too ("Mistborn: The Final Empire" → "The Final Empire").
    Real subtitles are kept. Never returns an empty string for a non-empty title.
    """
    return _clean(title, series)[0]


@lru_cache(maxsize=_CACHE)
def title_key(title: str, series: str | None = None) -> str:
    """Normalised matching key of a title: clean_title, normalize_text, articles dropped."""
    return _key(_clean(title, series)[0])


def _alt_title_main(src: str) -> str | None:
    """ "Main (Alt)" / "Main, or Alt" / "Main; or, Alt" → "Main"; else None."""
    if src.endswith(")") and "(" in src:
        main = src[: src.rindex("(")].strip()
        return main or None
    low = src.lower()
    for sep in (", or ", "; or, ", "; or ", " or, "):
        if sep in low:
            return src[: low.index(sep)].strip() or None
    return None


@lru_cache(maxsize=_CACHE)
def title_variants(
    title: str, subtitle: str | None = None, series: str | None = None
) -> tuple[frozenset[str], frozenset[str]]:
    """Matching keys of one title: (strong, weak).

    Strong keys identify the book on their own: the cleaned full title (title + subtitle), and
    the same without the series prefix when ``series`` is given. Weak keys are the parts of a
    real "Main: Subtitle" / "Main (Alt Title)" / "Main, or Alt" title; compare a weak key only
    with the other side's strong keys, never weak with weak ("Mistborn: The Well of Ascension"
    and "Mistborn: The Hero of Ages" share the weak key "mistborn").
    """
    full = f"{title}: {subtitle}" if subtitle else title
    src, stripped = _clean(full, series)
    key = _key(src)
    if not stripped:
        if not _has_segments(src) and not src.endswith(")") and " or" not in src:
            return frozenset((key,)), frozenset()  # the common case, kept cheap
        strong = {key}
    else:
        strong = {key, _key(_clean(full, None)[0])}
    weak: set[str] = set()
    if _has_segments(src):
        parts = [p for p in _SEGMENT_SPLIT_RE.split(src) if p]
        if len(parts) > 1:
            weak.add(_key(parts[0]))
            weak.add(_key(" ".join(parts[1:])))
    main = _alt_title_main(src)
    if main:
        weak.add(_key(main))
    weak.discard("")
    strong.discard("")
    return frozenset(strong), frozenset(weak - strong)


_NOISE_CHARS_RE = re.compile(r"[(\[:;,#–—]| - ")
_EMPTY: frozenset[str] = frozenset()


def _plain_source(
    full: str,
    series: str | None,
    bracket_noise: dict[str, bool],
    segment_noise: dict[tuple[str, str | None], bool],
) -> str | None:
    """The text whose key is the only key of ``title_variants`` for this title, when the title
    has one of the common simple shapes ("Title", "Title (Unabridged)", "Title [2014]", "Title:
    A Novel", "Title: Series, Book 2"); None for every other shape (ask ``title_variants``).

    Follows ``_clean`` step by step for these shapes; the caller checks the key is not empty.
    """
    t = " ".join(full.split())
    if not t:
        return None
    if t[-1] in ")]":
        # "Title (noise)": _clean cuts the one trailing bracket (its comma step cannot apply).
        if t.count("(") + t.count("[") != 1:
            return None
        cut = max(t.rfind("("), t.rfind("["))
        if cut <= 0:
            return None
        inner = t[cut + 1 : -1]
        noise = bracket_noise.get(inner)
        if noise is None:
            noise = bracket_noise[inner] = _bracket_is_noise(inner)
        if not noise:
            return None
        t = t[:cut].rstrip()
    elif ":" in t:
        # "Title: noise subtitle", not the series name: _clean keeps the first segment.
        if (
            "(" in t
            or "[" in t
            or t.count(":") != 1
            or ";" in t
            or " - " in t
            or "–" in t
            or "—" in t
            or t[:1].isdigit()
            or t[:4].lower().startswith(_LEADING_HINTS)
        ):
            return None
        if "," in t and t.rpartition(",")[2].strip().lower() in _ARTICLES:
            return None
        head, _, tail = t.partition(":")
        head, tail = head.strip(), tail.strip()
        if not head or not tail:
            return None
        series_norm = _key(series) if series else None
        noise = segment_noise.get((tail, series_norm))
        if noise is None:
            noise = segment_noise[(tail, series_norm)] = _segment_is_noise(tail, series_norm)
        if not noise:
            return None
        if series_norm:
            series_head = series_norm.split(" ", 1)[0]
            if series_head and series_head in tail.lower() and _key(tail) == series_norm:
                return None  # the series name was stripped: two strong keys
        return head if _NOISE_CHARS_RE.search(head) is None else None
    if _NOISE_CHARS_RE.search(t) is not None or t[-1] in ")]":
        return None
    if t[:1].isdigit() or t[:4].lower().startswith(_LEADING_HINTS):
        return None
    return t


def title_variants_many(
    titles: Sequence[tuple[str, str | None, str | None]],
) -> list[tuple[frozenset[str], frozenset[str]]]:
    """``[title_variants(title, subtitle, series) for title, subtitle, series in titles]``.

    The common simple shapes are keyed in bulk (``normalize_texts``); the rest go through
    ``title_variants`` one by one.
    """
    out: list[tuple[frozenset[str], frozenset[str]]] = [(_EMPTY, _EMPTY)] * len(titles)
    where: list[int] = []
    sources: list[str] = []
    bracket_noise: dict[str, bool] = {}
    segment_noise: dict[tuple[str, str | None], bool] = {}
    for i, (title, subtitle, series) in enumerate(titles):
        full = f"{title}: {subtitle}" if subtitle else title
        src = _plain_source(full, series, bracket_noise, segment_noise)
        if src is None:
            out[i] = title_variants(title, subtitle, series)
        else:
            where.append(i)
            sources.append(src)
    keys = strip_articles_many(normalize_texts(sources))
    for i, key in zip(where, keys, strict=True):
        out[i] = (frozenset((key,)), _EMPTY) if key else title_variants(*titles[i])
    return out


@lru_cache(maxsize=_CACHE)
def title_similarity(a: str, b: str) -> float:
    """Fuzzy similarity 0.0–1.0 of two titles, compared by their ``title_key``.

    Titles that carry different numbers ("Book 2" vs "Book 3", "2001" vs "2010") score 0:
    sequels are different books however similar the words.
    """
    ka, kb = title_key(a), title_key(b)
    if ka == kb:
        return 1.0
    if re.findall(r"\d+", ka) != re.findall(r"\d+", kb):
        return 0.0
    return fuzz.token_sort_ratio(ka, kb) / 100.0


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
_ROLE_RE = re.compile(
    r"\s*[\(\[]?\s*[-–—,]?\s*\b(?:narrat(?:or|ed by)|read by|translat(?:or|ed by)|"
    r"illustrat(?:or|ed by)|foreword(?: by)?|introduction(?: by)?|afterword(?: by)?|"
    r"editor|edited by|ed\.|author|contributor)\b[^()\[\]]*[\)\]]?",
    re.IGNORECASE,
)
_NON_AUTHOR_ROLE_RE = re.compile(
    r"\b(?:narrat(?:or|ed by)|read by|translat(?:or|ed by)|illustrat(?:or|ed by)|foreword|"
    r"introduction|afterword)\b",
    re.IGNORECASE,
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
# Cheap guards: the regexes below only run when one of these is in the lower-cased credit.
_ROLE_HINT_RE = re.compile(
    r"narrat|read by|translat|illustrat|foreword|introduc|afterword|edit|ed\.|author|contrib",
    re.IGNORECASE,
)
_SPLIT_HINT_RE = re.compile(r"[;&+/]| and | with |feat", re.IGNORECASE)
_has_role_hint = ascii_fast_search(_ROLE_HINT_RE)
_has_split_hint = ascii_fast_search(_SPLIT_HINT_RE)
_AUTHOR_SPLIT_RE = re.compile(r"\s*(?:;|&|\+|/|\band\b|\bwith\b|\bfeat(?:uring|\.)?\b)\s*", re.I)


def _is_inverted(left: str, right: str) -> bool:
    """Whether "left, right" is one person written "Lastname, First"."""
    if _SUFFIX_RE.match(right.strip()):
        return True
    ltoks = left.split()
    rtoks = right.split()
    if not ltoks or not rtoks or len(rtoks) > 3:
        return False
    if len(ltoks) == 1:
        return True
    return len(ltoks) in (2, 3) and ltoks[0].lower().rstrip(".") in _SURNAME_PARTICLES


@lru_cache(maxsize=_CACHE)
def split_authors(s: str) -> list[str]:
    """Split one credit string into names, in "First Last" order.

    "A and B", "A & B", "A; B", "A with B" and "A, B" are two people; "Brown, Pierce" and
    "Le Guin, Ursula K." are one (inverted), as is "Martin Luther King, Jr."; "Brown, Pierce,
    Sanderson, Brandon" is two. Narrators, translators, illustrators and foreword writers
    credited as "(Narrator)" / "translated by" are dropped.
    """
    out: list[str] = []
    has_role = "(" in s or _has_role_hint(s)
    split = _has_split_hint(s)
    if not has_role and not split and "," not in s:
        # One plain name, the common case: what the loop below makes of it, without the loop.
        name = s.strip()
        return [name] if name else out
    parts = _AUTHOR_SPLIT_RE.split(s) if split else [s]
    for raw in parts:
        part = raw.strip(" ,")
        if has_role and part and _NON_AUTHOR_ROLE_RE.search(part):
            # Narrators, translators, illustrators are not authors: drop just their piece.
            part = ", ".join(
                p for p in part.split(",") if p.strip() and not _NON_AUTHOR_ROLE_RE.search(p)
            )
        if not part:
            continue
        if has_role:
            part = _ROLE_RE.sub("", part).strip(" ,")
        if not part:
            continue
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        if len(pieces) == 1:
            out.append(pieces[0])
        elif len(pieces) == 2 and _is_inverted(pieces[0], pieces[1]):
            if _SUFFIX_RE.match(pieces[1]):
                out.append(f"{pieces[0]} {pieces[1]}")
            else:
                out.append(f"{pieces[1]} {pieces[0]}")
        elif len(pieces) % 2 == 0 and all(
            _is_inverted(pieces[i], pieces[i + 1]) and not _SUFFIX_RE.match(pieces[i + 1])
            for i in range(0, len(pieces), 2)
        ):
            out.extend(f"{pieces[i + 1]} {pieces[i]}" for i in range(0, len(pieces), 2))
        else:
            for p in pieces:
                if _SUFFIX_RE.match(p) and out:
                    continue  # "A, Jr., B": the suffix belongs to A
                out.append(p)
    return out


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
        elif left and right and _is_inverted(left, right):
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
