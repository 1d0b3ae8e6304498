"""A book's title, series and position cleaned of packaging, from tags and folder names alike.

`parse_title(text, series_hint)` takes one title as a tag or a folder name gives it and moves
the packaging into fields: `[2005]`/`(2005)` → year; `(Unabridged)`, `(Dramatized Adaptation)`
→ flags; `Storm Front: The Dresden Files, Book 1`, `Title (Series #1)`, `Title (Book 2)`,
`Title - Volume 3` → series and position; `The Dresden Files 13 - Ghost Story`, `Series #13 -
Title`, `Series, Book 13 - Title`, `#3 - Title`, `03 - Title`, `Book Three - Title`, `Vol. 3 -
Title`, `Volume 1. Title`, `Part 2 - Title` → position (+ series) and title. A real subtitle
stays (`Mistborn: The Final Empire`). A bare `Series 13 - Title` is read only when the series
agrees with `series_hint` (the series found elsewhere), so `Catch 22 - …` stays a title.

`clean_book_fields(...)` is the one cleaning every source goes through (the scan's tags and
folders, Audiobookshelf items, imported books): it chooses each field from the candidates by
which one looks clean and says where the other came from. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from library_pipeline.domain.normalize import (
    format_position,
    normalize_author,
    series_key,
    title_key,
)
from library_pipeline.domain.normalize.positions import (
    POSITION_LABEL,
    SERIES_IN_BRACKETS,
    format_position_range,
)

_NUMBER_WORDS = {
    word: str(n)
    for n, word in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen", "twenty")
    )
}  # fmt: skip
_ORDINAL_WORDS = {
    word: str(n)
    for n, word in enumerate(
        ("zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
         "ninth", "tenth")
    )
}  # fmt: skip
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7",
          "viii": "8", "ix": "9", "x": "10"}  # fmt: skip
# A position: up to four digits ("Vol. 0001", Perry Rhodan's 2000s), a decimal, a word.
_NUM = r"(?:\d{1,4}(?:\.\d{1,2})?|[a-z]+)"
# A bare number is a position only when it cannot be a year: three digits, or four zero-padded.
_BARE_NUM = r"(?:0\d{3}|\d{1,3}(?:\.\d{1,2})?)"
_RANGE = r"(?:\d{1,4}\s*(?:-|–|to|thru)\s*\d{1,4})"  # noqa: RUF001  # an omnibus: "1 to 3"
_LABEL = POSITION_LABEL

_ASIN = re.compile(r"\s*\[(?:B0[A-Z0-9]{8}|\d{9}[\dX])\]\s*")
_FLAG = re.compile(
    r"\s*[\(\[]\s*(?P<flag>unabridged(?: audio ?book)?|abridged|dramati[sz]ed(?: adaptation)?|"
    r"full[- ]cast(?: dramati[sz]ation| production)?|radio (?:drama|dramati[sz]ation)|"
    r"audio ?book|retail|(?:light|web) novel)\s*[\)\]]|\s+-\s*(?P<tail>unabridged|abridged)\s*$",
    re.IGNORECASE,
)
_YEAR_TRAILING = re.compile(r"\s*[\(\[](?P<year>1[5-9]\d\d|20\d\d)[\)\]]\s*")
_YEAR_LEADING = re.compile(r"^\s*\(?(?P<year>1[5-9]\d\d|20\d\d)\)?\s+-\s+(?P<rest>.+)$")
_IN_BRACKETS = re.compile(
    rf"^(?P<title>.+?)\s*[\(\[](?P<series>[^()\[\]]*?)(?:,\s*|\s+)?(?:#|{_LABEL}\s*#?)\s*"
    rf"(?P<pos>{_NUM})[\)\]]$",
    re.IGNORECASE,
)
_AFTER_COLON = re.compile(
    rf"^(?P<title>.+?):\s+(?P<series>.+?)(?:,\s*|\s+)(?:{_LABEL}\s*#?|#)\s*(?P<pos>{_NUM})$",
    re.IGNORECASE,
)
_AFTER_DASH = re.compile(
    rf"^(?P<title>.+?)(?:\s+-\s+|,\s+)(?:{_LABEL})\s*#?\s*(?P<pos>{_NUM})$", re.IGNORECASE
)
_LEADING_LABEL = re.compile(
    rf"^(?:#\s*|{_LABEL}\s*#?\s*)(?P<pos>{_RANGE}|{_NUM})(?:\s*[-.:]\s+|\s+-\s*)"
    rf"(?P<title>.+)$",
    re.IGNORECASE,
)
_LEADING_NUMBER = re.compile(rf"^(?P<pos>{_BARE_NUM})(?:\s+-\s+|\.\s+)(?P<title>.+)$")
# "Spice and Wolf, Vol. 1", "The Apothecary Diaries: Volume 1", "Goblin Slayer 03": a title that
# is its series and a volume (light novels, manga). Read when the series agrees; kept whole.
_SERIES_VOLUME = re.compile(
    rf"^(?P<series>.+?)(?:[,:]?\s+(?:vol\.?|volume)\s*#?\s*(?P<pos>{_NUM})|\s+(?P<bare>{_BARE_NUM}))$",
    re.IGNORECASE,
)
# "Series #13 - Title", "Series, Book 13 - Title", "Series Book Three - Title": a marked position.
_MARKED_SERIES = re.compile(
    rf"^(?P<series>.+?)(?:,\s*{_LABEL}\s*#?\s*|\s+#\s*|\s+{_LABEL}\s*#?\s*)"
    rf"(?P<pos>{_NUM})\s+-\s+(?P<title>.+)$",
    re.IGNORECASE,
)
# "Discworld 14 - Lords and Ladies": a bare number, read only when something else agrees.
_BARE_SERIES = re.compile(rf"^(?P<series>.+?)\s+(?P<pos>{_BARE_NUM})\s+-\s+(?P<title>.+)$")
# Per-disc packaging of a ripped CD set: "Angels & Demons, Disc 1", "The Firm CD 1 of 12".
_DISC = re.compile(
    r"(?:\s*[,:-]\s*|\s+)[\(\[]?(?:disc|disk|cd)\s*\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?[\)\]]?$",
    re.IGNORECASE,
)
# Titles a file gives that are not the book's: "Chapter 3", "Track 01", "Audio Track 1", "Part 2"
# (alone: "Part 1 - The Fellowship of the Ring" is a position and a title).
_NOT_A_TITLE = re.compile(
    r"^(?:audio\s*)?(?:chapter|track|part|disc|disk|cd|file|kapitel)\s*\d+"
    r"(?:\s*(?:of|/)\s*\d+)?$|^\d+$|^audiobook$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TitleParts:
    """One title with its packaging moved into fields."""

    title: str | None
    series: str | None = None
    position: str | None = None
    year: str | None = None
    unabridged: bool = False
    abridged: bool = False
    dramatized: bool = False


def position_text(value: str | None) -> str | None:
    """ "03" → "3", "2.50" → "2.5", "Three" / "Third" / "III" → "3"; None when not a position."""
    if not value:
        return None
    text = value.strip().lower().rstrip(".")
    text = _NUMBER_WORDS.get(text) or _ORDINAL_WORDS.get(text) or _ROMAN.get(text) or text
    try:
        number = float(text)
    except ValueError:
        return None
    return format_position(number) if number >= 0 else None


def same_series(a: str | None, b: str | None) -> bool:
    return bool(a and b) and series_key(a) == series_key(b)


def looks_like_title(text: str | None) -> bool:
    """Whether a tag's title can be the book's (not "Chapter 3", "Track 01", "01")."""
    stripped = (text or "").strip()
    return bool(stripped) and not _NOT_A_TITLE.match(stripped)


def _flags(text: str, parts: TitleParts) -> tuple[str, TitleParts]:
    for match in list(_FLAG.finditer(text)):
        flag = (match["flag"] or match["tail"] or "").lower()
        if flag.startswith("unabridged"):
            parts = replace(parts, unabridged=True)
        elif flag.startswith("abridged"):
            parts = replace(parts, abridged=True)
        elif "dramati" in flag or "cast" in flag or "radio" in flag:
            parts = replace(parts, dramatized=True)
    return " ".join(_FLAG.sub(" ", text).split()), parts


def _year(text: str, parts: TitleParts) -> tuple[str, TitleParts]:
    match = _YEAR_LEADING.match(text)
    if match:
        return match["rest"].strip(), replace(parts, year=parts.year or match["year"])
    found = _YEAR_TRAILING.search(text)
    if found and _YEAR_TRAILING.sub(" ", text).strip():
        text = _YEAR_TRAILING.sub(" ", text).strip()
        return text, replace(parts, year=parts.year or found["year"])
    return text, parts


def _with_series(
    parts: TitleParts, title: str, series: str | None, pos: str | None, hint: str | None
) -> TitleParts | None:
    position = position_text(pos) or format_position_range(pos)
    if position is None:
        return None
    series = (series or "").strip(" ,-:") or None
    if series and hint and not same_series(series, hint):
        series = None  # named another series: keep the one found elsewhere
    return replace(
        parts, title=title.strip(), series=parts.series or series or hint, position=position
    )


def _series_packaging(
    text: str, parts: TitleParts, hint: str | None, title_hint: str | None = None
) -> TitleParts | None:
    """The title with a series/position packaging removed, or None when there is none. A bare
    `Series 13 - Title` counts when the series is `hint` or the title is `title_hint`."""
    agreeing = _agreeing_series_packaging(text, parts, hint)
    if agreeing is not None:
        return agreeing
    for pattern in (_IN_BRACKETS, _AFTER_COLON, _AFTER_DASH):
        match = pattern.match(text)
        if match:
            series = match.groupdict().get("series")
            found = _with_series(parts, match["title"], series, match["pos"], hint)
            if found is not None:
                return found
    for pattern in (_LEADING_LABEL, _LEADING_NUMBER):
        match = pattern.match(text)
        if match:
            found = _with_series(parts, match["title"], None, match["pos"], hint)
            if found is not None:
                return found
    match = _MARKED_SERIES.match(text)
    if match and (not hint or same_series(match["series"], hint)):
        found = _with_series(parts, match["title"], match["series"], match["pos"], hint)
        if found is not None:
            return found
    match = _BARE_SERIES.match(text)
    if match and (
        same_series(match["series"], hint)
        or (title_hint and title_key(match["title"]) == title_key(title_hint))
    ):
        return _with_series(parts, match["title"], match["series"], match["pos"], hint)
    return None


def _agreeing_series_packaging(text: str, parts: TitleParts, hint: str | None) -> TitleParts | None:
    """Packaging that names the series found elsewhere: `Title (Series 3)` (its title is what
    comes before) and `Series, Vol. 2` (the series and its volume are the title: kept whole,
    "Mushoku Tensei: Jobless Reincarnation Vol. 2" is not "Mushoku Tensei" with a subtitle)."""
    if not hint:
        return None
    match = _SERIES_VOLUME.match(text)
    if match and same_series(match["series"], hint):
        position = position_text(match["pos"] or match["bare"])
        if position is not None:
            return replace(parts, title=text, series=parts.series or hint, position=position)
    match = SERIES_IN_BRACKETS.match(text)  # read when the series agrees
    if match and same_series(match["series"], hint):
        return _with_series(parts, match["title"], match["series"], match["pos"], hint)
    return None


def _strip_series_name(text: str, series: str | None) -> str:
    """ "The Dresden Files - Storm Front" → "Storm Front" when the series is known."""
    if series and " - " in text:
        head, rest = text.split(" - ", 1)
        if same_series(head, series) and rest.strip():
            return rest.strip()
    return text


# A title holding none of these characters has no packaging to move (most clean titles).
_PACKAGING_CHARS = re.compile(r"[\d#(\[:,{]|\s-")


@lru_cache(maxsize=4096)
def parse_title(
    text: str | None, series_hint: str | None = None, title_hint: str | None = None
) -> TitleParts:
    """One title (a tag's or a folder's) with its packaging moved into fields; `title_hint`
    is the title another source gives (it confirms a bare `Series 13 - Title`)."""
    if not text or not text.strip():
        return TitleParts(None)
    if not _PACKAGING_CHARS.search(text):
        return TitleParts(text.strip())
    parts = TitleParts(None)
    current = _ASIN.sub(" ", text).strip()
    for _ in range(4):  # packaging nests: "03 - (2005) - Series - Title (Unabridged) [ASIN]"
        before = current
        current = _DISC.sub("", current).strip() or current
        current, parts = _flags(current, parts)
        current, parts = _year(current, parts)
        found = _series_packaging(current, parts, series_hint or parts.series, title_hint)
        if found is not None and found.title:
            current, parts = found.title, found
        current = _strip_series_name(current, series_hint or parts.series)
        if current == before:
            break
    return replace(parts, title=current.strip(" -:,") or text.strip())


def strip_author_prefix(text: str | None, authors: Sequence[str]) -> str | None:
    """ "Terry Pratchett - Hogfather" → "Hogfather" when Terry Pratchett is the book's author
    (hand-made folders put the author in front)."""
    if not text or " - " not in text or not authors:
        return text
    head, rest = text.split(" - ", 1)
    keys = {normalize_author(a) for a in authors}
    return rest.strip() if rest.strip() and normalize_author(head) in keys else text


# --- choosing between tags and folders ---------------------------------------------------------


@dataclass
class CleanFields:
    """Title, series and position chosen per field; `sources` says where each came from and
    `alternatives` what the other source said, when it disagreed."""

    title: str | None = None
    series: str | None = None
    position: str | None = None
    year: str | None = None
    unabridged: bool = False
    dramatized: bool = False
    sources: dict[str, str] = field(default_factory=dict)
    alternatives: dict[str, str] = field(default_factory=dict)


# Sources whose titles are file or folder names: a colon cannot be in a file name on every
# system, so " - " stands in for it ("Hackers - Heroes of the Computer Revolution").
FILE_NAME_SOURCES = frozenset({"folder"})
_LEADING_TRACK_NUMBER = re.compile(r"^\d+(?:\s|[-.]\s)")
_TRAILING_PADDED_NUMBER = re.compile(r"\s0\d+$")  # "The Apothecary Diaries 01": a file's number


def _noise(text: str | None) -> int:
    """How much packaging a cleaned title still shows (0 = looks clean). A number that starts
    the words is a title's ("2001: A Space Odyssey", "1984"); one set apart is a track's."""
    if not text:
        return 99
    score = 0
    score += len(re.findall(r"[\[\]{}()#]", text))
    score += 2 * bool(_LEADING_TRACK_NUMBER.match(text))
    score += bool(_TRAILING_PADDED_NUMBER.search(text))
    score += text.count(" - ")
    return score


def _colon_for_dash(source: str, parts: TitleParts) -> TitleParts:
    """A file name's one remaining " - " read as the ": " it stands in for."""
    title = parts.title or ""
    if source in FILE_NAME_SOURCES and title.count(" - ") == 1:
        return replace(parts, title=title.replace(" - ", ": "))
    return parts


Candidate = tuple[str, str | None, str | None, str | None]


def _parse_candidates(
    candidates: Sequence[Candidate], authors: Sequence[str]
) -> list[tuple[str, TitleParts, str | None, str | None]]:
    """Each source's title cleaned; a bare `Series 13 - Title` is read when another source's
    clean title is that Title."""
    known_series = next((s for _, _, s, _ in candidates if s), None)
    raws = [
        (src, strip_author_prefix(raw, authors), series, position)
        for src, raw, series, position in candidates
    ]
    parsed = [
        (src, parse_title(raw, series or known_series), series, position)
        for src, raw, series, position in raws
        if looks_like_title(raw)
    ]
    clean = [p.title for _, p, _, _ in parsed if p.title and _noise(p.title) == 0]
    if clean and any(_noise(p.title) for _, p, _, _ in parsed):
        by_source = {src: raw for src, raw, _, _ in raws}
        parsed = [
            (src, parse_title(by_source[src], series or known_series, clean[0]), series, pos)
            if _noise(parts.title)
            else (src, parts, series, pos)
            for src, parts, series, pos in parsed
        ]
    return [(src, _colon_for_dash(src, p), s, pos) for src, p, s, pos in parsed]


def clean_book_fields(candidates: Sequence[Candidate], authors: Sequence[str] = ()) -> CleanFields:
    """Choose title, series and position among sources, most trusted first.

    `candidates`: (source, raw title, series, position) per source ("tags", "folder",
    "audiobookshelf", …), each raw title as that source gives it; `authors`: the book's
    authors (a title "Author - Title" loses them). Each title is cleaned with `parse_title`
    (its series known from any source as the hint); the title chosen is the most trusted one
    that looks clean (least packaging left), series the most trusted named, and position the
    most trusted found for that series (a folder's fills a tag that has none). What another
    source said where it disagreed is in `alternatives`.
    """
    out = CleanFields()
    parsed = _parse_candidates(candidates, authors)
    for _, parts, _, _ in parsed:
        out.year = out.year or parts.year
        out.unabridged = out.unabridged or parts.unabridged
        out.dramatized = out.dramatized or parts.dramatized
    titled = [(s, p) for s, p, _, _ in parsed if p.title]
    if titled:
        source, best = _cleanly_cased(titled, min(titled, key=lambda sp: _noise(sp[1].title)))
        out.title, out.sources["title"] = best.title, source
        for other_source, other in titled:
            if other.title != best.title and other_source != source:
                out.alternatives.setdefault("title", f"{other_source}: {other.title}")
    _choose_series(candidates, parsed, out)
    return out


def is_all_caps(text: str | None) -> bool:
    """ "THE AMULET OF SAMARKAND": letters, every cased one upper case (a ripper's shouting)."""
    return bool(text) and any(c.isalpha() for c in text or "") and (text or "").isupper()


def same_text_ignoring_case(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _cleanly_cased(
    titled: Sequence[tuple[str, TitleParts]], best: tuple[str, TitleParts]
) -> tuple[str, TitleParts]:
    """An all-caps title gives way to another source's same words properly cased (no noisier)."""
    title = best[1].title or ""
    if not is_all_caps(title):
        return best
    for source, parts in titled:
        other = parts.title or ""
        if (
            not is_all_caps(other)
            and same_text_ignoring_case(other, title)
            and _noise(other) <= _noise(title)
        ):
            return source, parts
    return best


def _choose_series(
    candidates: Sequence[Candidate],
    parsed: list[tuple[str, TitleParts, str | None, str | None]],
    out: CleanFields,
) -> None:
    named = [(src, s, p) for src, _, s, p in candidates if s]
    named += [(src, parts.series, parts.position) for src, parts, _, _ in parsed if parts.series]
    if not named:
        return
    source, series, _ = named[0]
    out.series, out.sources["series"] = series, source
    for src, other, position in named:
        if not (same_series(other, series) and position):
            continue
        value = position_text(position) or position.strip()[:32]
        if out.position is None:
            out.position, out.sources["series_position"] = value, src
        elif value != out.position:
            out.alternatives.setdefault("series_position", f"{src}: {value}")
    for src, other, _ in named:
        if other and not same_series(other, series):
            out.alternatives.setdefault("series", f"{src}: {other}")
