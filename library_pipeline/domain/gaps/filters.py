"""Rules for catalogue entries that are not books to want.

Each rule is a small function returning a short rejection reason, or None when the rule does not
apply. Entry rules look at one listing and run before editions are grouped (a box set or a
summary must not be merged into a real book). Book rules look at every edition of one book,
after grouping: one edition's position or date is not enough to call a book a novella or
unpublished.

Namesakes (a different person with the same name as an author the user reads) are decided by
``namesake_reason`` on a book that is only an *author* gap; a book in a series the user owns is
by that series' author. The heuristic, in order:

1. name variant: the book's credited name (full key, e.g. "george martin") has never been seen
   on a book the user owns or on a catalogue edition of one ("george rr martin"). Loose matching
   (first + last name) is fine to recognise owned books, not to call a stranger's book missing;
2. career: the book came out more than ``CAREER_GAP_YEARS`` before the author's known career,
   walking back from the earliest owned book through the author's other catalogue books in
   steps of at most that many years (a snooker memoir of 1985 is not a 2016 sci-fi writer's);
3. genre: the title reads as non-fiction of another trade ("Handbook", "3rd Edition",
   "for Beginners", "My Own Story"...) while none of the author's owned books does.
"""

# ruff: noqa: RUF001  # en/em dashes in titles are what the rules look for

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from library_pipeline.domain.gaps.models import CatalogueEntry
from library_pipeline.domain.languages import language_code
from library_pipeline.domain.normalize import (
    ascii_fast_search,
    normalize_text,
    parse_position_range,
    parse_series_position,
)

CAREER_GAP_YEARS = 15


# ----------------------------------------------------------------------------- entry rules

_BOX_SET_RE = re.compile(
    r"\b(?:box(?:ed)?[ -]?set|boxset|omnibus|bundle|anthology of"
    r"|complete (?:series|collection|saga)|collection|books?\s+\d+\s*(?:-|–|—|to|&|and)\s*\d+"
    r"|\d+[ -]book|(?:two|three|four|five|six|"
    r"seven|eight|nine|ten)[ -]book|novels in one|in one volume|\d+ novels|trilogy(?!\s*,?\s*book)"
    r"(?:\s*[:(]|\s*$)|series set|volumes? \d+\s*(?:-|–|to)\s*\d+)",
    re.IGNORECASE,
)
_DERIVATIVE_RE = re.compile(
    r"\b(?:summary|summaries|study guide|workbook|companion|unofficial|cliffs?notes|sparknotes|"
    r"literature guide|reader'?s guide|readers guide|book club guide|trivia|quiz(?:zes)?|"
    r"conversation starters|key takeaways|analysis of|critical analysis|tribute guide|"
    r"lesson plans?|teaching guide|discussion guide|fan ?fiction|parody of)\b",
    re.IGNORECASE,
)
_SPLIT_PART_RE = re.compile(
    r"\((?:part\s*)?\d+\s*(?:of|/)\s*\d+\)"
    r"|\b(?:part|pt\.?|volume|vol\.?|book)\s*\d+\s*(?:of|/)\s*\d+\b"
    r"|[,:(-]\s*part\s+(?:\d+|one|two|three|four|i{1,3}|iv)\b(?!\s+(?:of|in)\s+(?:the|a)\b)",
    re.IGNORECASE,
)
_NOVELLA_RE = re.compile(r"\b(?:novella|short stor(?:y|ies)|a story of)\b", re.IGNORECASE)
_box_set_found = ascii_fast_search(_BOX_SET_RE)
_derivative_found = ascii_fast_search(_DERIVATIVE_RE)
_split_part_found = ascii_fast_search(_SPLIT_PART_RE)
_DIGIT_RE = re.compile(r"\d")
# One of these words (after normalize_text) is in every title the three rules below reject: a
# cheap set test spares most titles the regexes.
JUNK_WORDS = frozenset(
    {"box", "boxed", "boxset", "omnibus", "bundle", "collection", "anthology", "complete", "book",
     "books", "novels", "volume", "volumes", "vol", "trilogy", "set", "summary", "summaries",
     "study", "guide", "workbook", "companion", "unofficial", "cliffsnotes", "cliffnotes",
     "sparknotes", "trivia", "quiz", "quizzes", "starters", "takeaways", "analysis", "lesson",
     "lessons", "fan", "fanfiction", "parody", "part", "pt"}
)  # fmt: skip
# Function words that give a title's language away when the provider left language empty.
_STOPWORDS = {
    "en": frozenset(
        {
            "the",
            "of",
            "and",
            "a",
            "an",
            "to",
            "in",
            "for",
            "with",
            "from",
            "at",
            "on",
            "my",
            "your",
            "is",
            "are",
        }
    ),
    "de": frozenset(
        {
            "der",
            "die",
            "das",
            "und",
            "des",
            "dem",
            "den",
            "ein",
            "eine",
            "im",
            "vom",
            "zum",
            "zur",
            "mit",
        }
    ),
    "es": frozenset({"el", "la", "los", "las", "y", "del", "de", "en", "un", "una", "por", "con"}),
    "fr": frozenset(
        {"le", "la", "les", "et", "des", "du", "un", "une", "dans", "sur", "avec", "pour"}
    ),
    "it": frozenset(
        {"il", "lo", "gli", "della", "delle", "degli", "di", "e", "un", "una", "nel", "con", "per"}
    ),
    "nl": frozenset({"het", "een", "van", "en", "de", "in", "op", "met", "voor"}),
    "pl": frozenset({"i", "w", "z", "na", "do", "o", "się"}),
}


def guess_language(title: str) -> str | None:
    """A language guess from function words; None when the title gives nothing away.

    Needs two function words of one language and none of English ("Harry Potter und der
    Orden des Phönix" → "de"), so English titles with a stray "de" or "la" stay English.
    """
    tokens = normalize_text(title).split()
    if len(tokens) < 3:
        return None
    if any(t in _STOPWORDS["en"] for t in tokens):
        return None
    best, best_hits = None, 1
    for lang, words in _STOPWORDS.items():
        hits = sum(t in words for t in tokens)
        if lang != "en" and hits > best_hits:
            best, best_hits = lang, hits
    return best


def foreign_language_reason(entry: CatalogueEntry, languages: Iterable[str]) -> str | None:
    """A translation (or original) in a language the user does not read."""
    wanted = {language_code(x) for x in languages}
    code = language_code(entry.language) or guess_language(entry.title)
    if code is None or code in wanted:
        return None
    return f"translation ({code})"


def _text(entry: CatalogueEntry) -> str:
    return f"{entry.title}: {entry.subtitle}" if entry.subtitle else entry.title


def might_be_junk(entry: CatalogueEntry) -> bool:
    """Cheap pre-check: False means none of the title rules below can match."""
    if entry.series_position and parse_position_range(entry.series_position) is not None:
        return True
    text = _text(entry)
    if not JUNK_WORDS.isdisjoint(normalize_text(text).split()):
        return True
    return ("/" in text or " of " in text) and _DIGIT_RE.search(text) is not None  # "(1 of 2)"


def box_set_reason(entry: CatalogueEntry) -> str | None:
    """Box sets, omnibus editions, collections, "Books 1-3", position ranges."""
    if entry.series_position and parse_position_range(entry.series_position) is not None:
        return f"omnibus (position {entry.series_position})"
    if _box_set_found(_text(entry)):
        return "box set or omnibus"
    return None


def derivative_reason(entry: CatalogueEntry) -> str | None:
    """Summaries, study guides, workbooks, companions, unofficial guides (usually by others)."""
    if _derivative_found(_text(entry)):
        return "summary, guide or companion"
    return None


def split_part_reason(entry: CatalogueEntry) -> str | None:
    """One book split into parts for one edition: "Part 1 of 3", "(1 of 2)", ", Part One"."""
    if _split_part_found(_text(entry)):
        return "split part of a book"
    return None


def title_rules_reject(text: str, series_position: str | None) -> bool:
    """Whether ``box_set_reason`` or ``derivative_reason`` rejects an entry with this text
    ("Title: Subtitle", as ``_text``) and series position: the rules in one call, for a
    catalogue's worth of entries. Split parts are not rejected: see ``split_edition_of``."""
    if series_position and parse_position_range(series_position) is not None:
        return True
    return _box_set_found(text) or _derivative_found(text)


_SPLIT_PART_ASCII_RE = re.compile(_SPLIT_PART_RE.pattern, re.IGNORECASE)


def split_edition_of(text: str) -> str | None:
    """The whole book's title when this text ("Title: Subtitle") is one part of a book split
    for one edition ("Rhythm of War, Part One", "Words of Radiance (1 of 2)", "A Storm of
    Swords, Part 1: Steel and Snow" → "A Storm of Swords"); else None.

    A split edition is the book: the finder keys it by the whole title, so it is reported once
    as the book when that is missing, and never when the whole book is owned.
    """
    if not _split_part_found(text):
        return None
    match = _SPLIT_PART_ASCII_RE.search(text)
    if match is None:
        return None
    whole = text[: match.start()].rstrip(" ,:;([-–—")
    return whole or None


def entry_rejection(entry: CatalogueEntry, languages: Iterable[str]) -> str | None:
    """The first entry rule that rejects this listing, or None (a split part is not rejected:
    it is the book, ``split_edition_of``)."""
    reason = foreign_language_reason(entry, languages)
    if reason or not might_be_junk(entry):
        return reason
    return box_set_reason(entry) or derivative_reason(entry)


# ----------------------------------------------------------------------------- book rules


def unpublished_reason(entries: Sequence[CatalogueEntry], as_of_year: int) -> str | None:
    """Not out yet as of ``as_of_year``.

    Out if any edition has a known year ≤ as_of_year. With no known year at all, only an
    edition with an ASIN or ISBN counts as proof it exists (announced books such as "The Winds
    of Winter" are listed with neither).
    """
    years = [e.published_year for e in entries if e.published_year is not None]
    if years:
        first = min(years)
        return None if first <= as_of_year else f"not published until {first}"
    if any(e.asin or e.isbn for e in entries):
        return None
    return "no publication date or identifier: announced, not out"


def novella_reason(entries: Sequence[CatalogueEntry]) -> str | None:
    """A novella or short story between main entries.

    Every edition that has a series position has a fractional one (2.5), or a title calls it a
    novella / short story. One edition numbering it as a whole book wins: "Sunrise on the
    Reaping" is 0.5 at one provider and 5 at another, and is a full novel.
    """
    positions = [parse_series_position(e.series_position) for e in entries if e.series_position]
    known = [p for p in positions if p is not None]
    if known and any(p == int(p) for p in known):
        return None
    if known:
        return f"novella (position {min(known):g})"
    if any(
        _NOVELLA_RE.search(_text(e))
        for e in entries
        if "nov" in _text(e).lower() or "stor" in _text(e).lower()
    ):
        return "novella or short story"
    return None


_NONFICTION_RE = re.compile(
    r"\b(?:handbook|textbook|manual|for beginners|step[- ]by[- ]step|introduction to|"
    r"principles of|\d+(?:st|nd|rd|th) edition|proceedings|my own story|autobiography|"
    r"a practical|how to|theory and practice|for dummies|cookery|recipes)\b",
    re.IGNORECASE,
)


_nonfiction_found = ascii_fast_search(_NONFICTION_RE)


def reads_as_nonfiction(title: str) -> bool:
    """Title markers of a different trade's non-fiction (handbooks, textbooks, memoirs...)."""
    return _nonfiction_found(title)


def namesake_reason(
    book_full_keys: frozenset[str],
    corroborated_keys: frozenset[str],
    book_year: int | None,
    career_start: int | None,
    book_titles: Sequence[str],
    owned_titles_nonfiction: bool,
) -> str | None:
    """Whether an author-gap book is probably by someone else with the same name.

    ``career_start`` is the earliest year the author's career reaches, already walked back
    through their catalogue books (see module docstring); ``owned_titles_nonfiction`` is
    whether any owned book of the author reads as non-fiction.
    """
    if not book_full_keys & corroborated_keys:
        return "possible namesake: name variant not seen on an owned book"
    if book_year is not None and career_start is not None and book_year < career_start:
        return f"possible namesake: {book_year} is before the author's career ({career_start})"
    if not owned_titles_nonfiction and any(reads_as_nonfiction(t) for t in book_titles):
        return "possible namesake: non-fiction of another trade"
    return None


def walk_back_career(owned_start: int, catalogue_years: Iterable[int]) -> int:
    """Earliest year reachable from ``owned_start`` through catalogue years in steps of at most
    CAREER_GAP_YEARS; books before (earliest - CAREER_GAP_YEARS) are off the career."""
    earliest = owned_start
    for year in sorted(set(catalogue_years), reverse=True):
        if year >= earliest:
            continue
        if earliest - year > CAREER_GAP_YEARS:
            break
        earliest = year
    return earliest - CAREER_GAP_YEARS
