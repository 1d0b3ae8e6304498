"""What a release's own name says about it: formats, bitrate, abridgement, what kind of
production it is, languages, volumes and packs, narrators (pure).

`parse_release_text` runs one named step per kind of hint. Volume numbers, packs, languages and
kinds come from the title (and the indexer's tags); descriptions mention other volumes and
blurbs use words like "summary", so they only add format, bitrate, abridgement and narrators.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TypeVar

from library_pipeline.domain.languages import LANGUAGE_WORDS, LANGUAGES, fold, language_code
from library_pipeline.domain.normalize import WORD_NUMBERS, normalize_text
from library_pipeline.domain.releases.vocabulary import (
    ABRIDGED_WORDS,
    AUDIO_FORMATS,
    BAD_ENCODE_PHRASES,
    DRAMATISATION_PHRASES,
    EBOOK_FORMATS,
    EBOOK_PHRASES,
    EDITION_PHRASES,
    LANGUAGE_NAME_FOLLOWERS,
    NOISE_WORDS,
    ONE_BOOK_AFTER_COMPLETE,
    SAMPLE_PHRASES,
    STRONG_PACK_PHRASES,
    SUMMARY_PHRASES,
    UNABRIDGED_WORDS,
    WEAK_PACK_PHRASES,
)

T = TypeVar("T")


@dataclass(frozen=True)
class ReleaseHints:
    """What a release's own text says about it (None / empty = it does not say)."""

    formats: tuple[str, ...] = ()  # audio and ebook extensions named, in order of appearance
    bitrate_kbps: int | None = None  # the lowest bitrate named
    abridged: bool | None = None  # True abridged, False unabridged, None unknown
    dramatisation: tuple[str, ...] = ()  # "full cast", "bbc radio" ... as named
    summary: tuple[str, ...] = ()  # "summary", "study guide", "companion" ...
    sample: tuple[str, ...] = ()  # "sample", "excerpt", "trailer" ...
    bad_encode: tuple[str, ...] = ()  # "tts", "incomplete", "missing chapters" ...
    ebook_words: tuple[str, ...] = ()  # "ebook", "kindle edition" ...
    language_markers: tuple[tuple[str, str], ...] = ()  # (ISO 639-1 code, the word naming it)
    foreign_script: str | None = None  # "Cyrillic", "Japanese" when most letters are not Latin
    volumes: tuple[float, ...] = ()  # single volume numbers named ("Book 3", "#3", "03 - ")
    volume_range: tuple[float, float] | None = None  # "Books 1-10", "(Series 1-3)"
    pack_markers: tuple[str, ...] = ()  # "complete series", "box set", "books 1-10"...
    weak_pack_markers: tuple[str, ...] = ()  # the pack markers that are only "trilogy", "series"
    narrators: tuple[str, ...] = ()
    # One part of a split edition: "part 1 of 2", "part 2", "1 of 3" ("Parts 1-3" is whole).
    parts: tuple[str, ...] = ()

    @property
    def dramatised(self) -> bool:
        return bool(self.dramatisation)

    @property
    def languages(self) -> tuple[str, ...]:
        return _dedupe([code for code, _word in self.language_markers])

    @property
    def audio_formats(self) -> tuple[str, ...]:
        return tuple(f for f in self.formats if f in AUDIO_FORMATS)

    @property
    def ebook_only(self) -> bool:
        return bool(self.formats) and not self.audio_formats


def _dedupe(items: list[T]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(items))


def _phrase_finder(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted(phrases, key=len, reverse=True)
    return re.compile(
        r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, alternatives)) + r")(?![a-z0-9])"
    )


_DRAMATISATION_RE = _phrase_finder(DRAMATISATION_PHRASES)
_SUMMARY_RE = _phrase_finder(SUMMARY_PHRASES)
_SAMPLE_RE = _phrase_finder(SAMPLE_PHRASES)
_BAD_ENCODE_RE = _phrase_finder(BAD_ENCODE_PHRASES)
_EBOOK_RE = _phrase_finder(EBOOK_PHRASES)
_STRONG_PACK_RE = _phrase_finder(STRONG_PACK_PHRASES)
_WEAK_PACK_RE = _phrase_finder(WEAK_PACK_PHRASES)
# "the complete" followed by a name, not by an edition word or the end of the name.
_THE_COMPLETE_RE = re.compile(
    r"(?<![a-z0-9])the complete (?!(?:"
    + "|".join(map(re.escape, ONE_BOOK_AFTER_COMPLETE))
    + r")(?![a-z0-9]))(?=[a-z0-9])"
)
_ABRIDGED_RE = _phrase_finder(ABRIDGED_WORDS)
_UNABRIDGED_RE = _phrase_finder(UNABRIDGED_WORDS)
_EDITION_RE = _phrase_finder(tuple(EDITION_PHRASES))


def _find(regex: re.Pattern[str], normalized: str) -> tuple[str, ...]:
    return _dedupe(regex.findall(normalized))


# --- formats, bitrate, abridgement, narrators ------------------------------------------------

_FORMAT_RE = re.compile(
    r"(?<![a-z0-9])(" + "|".join(AUDIO_FORMATS + EBOOK_FORMATS) + r")(?![a-z0-9])"
)
_BITRATE_RE = re.compile(
    r"(?<![\d.])(\d{1,4})(?:\s*(?:-|to)\s*(\d{2,3}))?\s*(?:kbps|kb/s|kbit/?s?|kbits|k\b)"
)
# "[MP3 96]", "MP3 128", "m4b@64": a format followed by a standard bitrate, then a bracket,
# a separator or the end of the name ("MP3 2016" is a year, "MP3 01 - Title" a track).
_FORMAT_BITRATE_RE = re.compile(
    r"(?<![a-z0-9])(?:mp3|m4b|m4a|aac|opus|ogg)[\s@_/-]*"
    r"(32|40|48|56|64|80|96|112|128|160|192|224|256|320)(?=\s*(?:[\[\](){},;/|]|$))"
)
_NARRATOR_RE = re.compile(
    r"(?:read by|narrated by|narrator:?|narr\.|performed by)\s+([^\[\](){}|,;.]+)", re.I
)
_BRACES_NARRATOR_RE = re.compile(r"\{([^{}]+)\}")


def _formats(lower: str, extra_lower: str, file_types: tuple[str, ...]) -> tuple[str, ...]:
    formats = [f.lower() for f in file_types if f]
    formats += _FORMAT_RE.findall(lower) + _FORMAT_RE.findall(extra_lower)
    return _dedupe(formats)


def _bitrate(text: str) -> int | None:
    rates = [int(m.group(1)) for m in _BITRATE_RE.finditer(text)]
    rates += [int(m.group(1)) for m in _FORMAT_BITRATE_RE.finditer(text)]
    rates = [r for r in rates if 8 <= r <= 1411]
    return min(rates) if rates else None


def _abridgement(normalized: str) -> bool | None:
    if _UNABRIDGED_RE.search(normalized):
        return False
    if _ABRIDGED_RE.search(normalized):
        return True
    return None


def _narrators(title: str, extra: str) -> tuple[str, ...]:
    found = [n.strip() for n in _NARRATOR_RE.findall(f"{title} {extra}") if n.strip()]
    for inner in _BRACES_NARRATOR_RE.findall(title):
        # "{64kbps m4b}" holds packaging, "{Michael Kramer}" a narrator.
        if not set(normalize_text(inner).split()) & NOISE_WORDS and not _BITRATE_RE.search(
            inner.lower()
        ):
            found.append(inner.strip())
    return _dedupe(found)


# --- languages -------------------------------------------------------------------------------

_BRACKETS_RE = re.compile(r"[\[({]([^\[\](){}]*)[\])}]")
# Names a language is called by in itself or elsewhere ("Deutsch", "Castellano", "Русский"):
# they mark an edition wherever they stand. English names ("German") and codes ("GER") are
# ordinary title words too, so they count only in a bracket of packaging, in a scene-style
# name in capitals, or before "edition", "version" ...
_NATIVE_NAMES: dict[str, str] = {
    fold(name): language.code
    for language in LANGUAGES
    for name in (*language.native, *language.other)
    if len(fold(name)) > 2
}
_ENGLISH_NAMES: dict[str, str] = {language.english.lower(): language.code for language in LANGUAGES}
_NATIVE_RE = re.compile(
    r"(?<!\w)("
    + "|".join(map(re.escape, sorted(_NATIVE_NAMES, key=len, reverse=True)))
    + r")(?!\w)"
)
_NAME_BEFORE_RE = re.compile(
    r"(?<![a-z])("
    + "|".join(_ENGLISH_NAMES)
    + r") (?:"
    + "|".join(LANGUAGE_NAME_FOLLOWERS)
    + r")\b"
)
_SCRIPTS = ("CYRILLIC", "GREEK", "CJK", "HIRAGANA", "KATAKANA", "HANGUL", "ARABIC", "HEBREW",
            "THAI", "DEVANAGARI", "GEORGIAN", "ARMENIAN")  # fmt: skip
_BITRATE_TOKEN_RE = re.compile(r"^\d+(?:kbps|k|kbs)?$")


def _bracket_languages(title: str) -> list[tuple[str, str]]:
    """Languages in a bracket that holds only packaging: "[GER / M4B]", "(Italian)", "[es]"."""
    found: list[tuple[str, str]] = []
    for inner in _BRACKETS_RE.findall(title):
        tokens = [t for t in re.split(r"[^\w]+", fold(inner)) if t]
        if len(tokens) == 1 and len(tokens[0]) == 2:
            code = language_code(tokens[0])
            if code:
                found.append((code, tokens[0]))
            continue
        words = [(t, LANGUAGE_WORDS.get(t)) for t in tokens]
        packaging = all(
            code or t in NOISE_WORDS or t in LANGUAGE_NAME_FOLLOWERS or _BITRATE_TOKEN_RE.match(t)
            for t, code in words
        )
        if packaging:
            found.extend((code, t) for t, code in words if code)
    return found


def _scene_languages(title: str) -> list[tuple[str, str]]:
    """`Author.Title.GERMAN.2016.AUDIOBOOK-GROUP`: a language in capitals among dotted tokens."""
    if " " in title.strip():
        return []
    found: list[tuple[str, str]] = []
    for token in re.split(r"[._\-]+", title):
        if len(token) > 2 and token.isupper() and fold(token) in LANGUAGE_WORDS:
            found.append((LANGUAGE_WORDS[fold(token)], fold(token)))
    return found


# Japanese writes with kanji (CJK) and kana together: one script family, named by its kana.
_JAPANESE_KANA = ("Hiragana", "Katakana")


def _script_of(title: str) -> str | None:
    """The non-Latin script most letters of the name are written in, if any ("Cyrillic",
    "Japanese" for kanji with kana, "CJK" for Chinese characters alone)."""
    letters = [c for c in title if c.isalpha()]
    if not letters:
        return None
    counts: dict[str, int] = {}
    for char in letters:
        name = unicodedata.name(char, "")
        script = next((s for s in _SCRIPTS if name.startswith(s)), None)
        if script:
            label = "CJK" if script == "CJK" else script.title()
            counts[label] = counts.get(label, 0) + 1
    kana = sum(counts.pop(k, 0) for k in _JAPANESE_KANA)
    if kana:
        counts["Japanese"] = kana + counts.pop("CJK", 0)
    if not counts:
        return None
    script, number = max(counts.items(), key=lambda item: item[1])
    return script if number * 2 > len(letters) else None


def _languages(title: str, tags: str | None) -> tuple[tuple[str, str], ...]:
    found = _bracket_languages(title) + _scene_languages(title)
    folded = fold(f"{title} {tags or ''}")
    found += [(_NATIVE_NAMES[m], m) for m in _NATIVE_RE.findall(folded)]
    normalized = normalize_text(f"{title.replace('.', ' ')} {tags or ''}")
    found += [(_ENGLISH_NAMES[m], m) for m in _NAME_BEFORE_RE.findall(normalized)]
    found += [(EDITION_PHRASES[m], m) for m in _EDITION_RE.findall(normalized)]
    return _dedupe(found)


# --- volumes and packs -----------------------------------------------------------------------

_NUM = r"(\d{1,3}(?:\.\d)?|" + "|".join(WORD_NUMBERS) + r")"
_VOL_WORD = r"(?:books?|bks?\.?|vols?\.?|volumes?|tomes?|novels?|#)"
_SEP = r"\s*(?:-|to|thru|through|&|and|\+|,)\s*"
_RANGE_RE = re.compile(
    r"(?<![a-z0-9])" + _VOL_WORD + r"\s*#?\s*" + _NUM + _SEP + r"#?\s*" + _NUM
    + r"(?![a-z0-9]|\.\d)"
)  # fmt: skip
# "(Wheel of Time 1-3)", "Series 01-16 - Title": a bare range of small numbers, not "64-128k".
_BARE_RANGE_RE = re.compile(
    r"(?<![\w.\-])(\d{1,2})\s?-\s?(\d{1,2})(?![\w.]|\s*-\s*\d|\s*k(?:bps|b)?\b|\s*kbps)"
)
_SINGLE_RE = re.compile(
    r"(?<![a-z0-9])(?:book|bk\.?|vol\.?|volume|tome|novel|#)\s*#?\s*" + _NUM + r"(?![a-z0-9])"
    r"(?!\s*(?:-|to|thru|through|&)\s*\d)"
)
# "Robert Jordan - 10 - Knife of Dreams", "10 - Knife of Dreams": a number alone in a segment.
_SEGMENT_NUMBER_RE = re.compile(r"(?:^|\s[-:]\s|[\])]\s*)(\d{1,2}(?:\.\d)?)\s*[-:.]\s+(?=\D)")


_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-"})  # en and em dashes


def _number(token: str) -> float | None:
    token = token.strip().lower()
    if token in WORD_NUMBERS:
        return float(WORD_NUMBERS[token])
    try:
        return float(token)
    except ValueError:
        return None


# Parts of ONE book: "Complete (Parts 1-3)" is the whole book, "Part 1 of 2", "Part Two",
# "Pt. 2", a bracket holding only "(1 of 3)" and "CD 2 of 10" are one part of it.
_PARTS_RANGE_RE = re.compile(
    r"(?<![a-z0-9])(?:parts|pts?\.?)\s*" + _NUM + _SEP + _NUM + r"(?![a-z0-9])"
)
_PART_RE = re.compile(
    r"(?<![a-z0-9])(?:part|pt\.?|cd|disc|disk)\s*" + _NUM + r"(?:\s*(?:of|/)\s*" + _NUM + r")?"
    r"(?![a-z0-9])"
)
_BRACKET_OF_RE = re.compile(r"[\[(]\s*(\d{1,2})\s*of\s*(\d{1,2})\s*[\])]")


def _parts(lower: str) -> tuple[tuple[str, ...], str]:
    """One part of a split edition, as "part N" or "part N of M", and the text without any
    mention of parts (a range of parts is the whole book and no pack)."""
    lower = _PARTS_RANGE_RE.sub(" ", lower)
    found: list[str] = []
    for match in [*_PART_RE.finditer(lower), *_BRACKET_OF_RE.finditer(lower)]:
        number = _number(match.group(1))
        total = _number(match.group(2)) if match.group(2) else None
        if number is None or (total is not None and not 1 <= number <= total):
            continue
        if total is not None and number == total == 1:
            continue  # "Part 1 of 1" is the whole book
        found.append(f"part {number:g}" + (f" of {total:g}" if total else ""))
    lower = _BRACKET_OF_RE.sub(" ", _PART_RE.sub(" ", lower))
    return _dedupe(found), lower


def _ranges(lower: str) -> tuple[tuple[float, float] | None, list[str], str]:
    """The first volume range, every range as written, and the text without them."""
    first: tuple[float, float] | None = None
    written: list[str] = []
    for regex in (_RANGE_RE, _BARE_RANGE_RE):
        for match in regex.finditer(lower):
            low, high = _number(match.group(1)), _number(match.group(2))
            if low is not None and high is not None and high > low:
                first = first or (low, high)
                written.append(" ".join(match.group(0).split()))
        lower = regex.sub(" ", lower)
    return first, written, lower


def _single_volumes(lower: str) -> tuple[list[float], list[float]]:
    """(volumes named with a volume word, numbers standing alone in a segment)."""
    worded = [v for m in _SINGLE_RE.finditer(lower) if (v := _number(m.group(1))) is not None]
    alone = [float(m.group(1)) for m in _SEGMENT_NUMBER_RE.finditer(lower)]
    return worded, alone


def _volumes_and_packs(
    title: str,
) -> tuple[tuple[float, ...], tuple[float, float] | None, tuple[str, ...], tuple[str, ...]]:
    _found, lower = _parts(title.lower().translate(_DASHES).replace("_", " "))
    volume_range, packs, rest = _ranges(lower)
    worded, alone = _single_volumes(rest)
    if len(set(worded)) > 1:
        packs.append("books " + ", ".join(f"{v:g}" for v in dict.fromkeys(worded)))
    normalized = normalize_text(title.replace(".", " "))
    packs += _find(_STRONG_PACK_RE, normalized)
    if _THE_COMPLETE_RE.search(normalized):
        packs.append("the complete")
    weak: tuple[str, ...] = ()
    if not worded and not alone:
        weak = _find(_WEAK_PACK_RE, normalized)
    return _dedupe(worded + alone), volume_range, _dedupe(packs + list(weak)), weak


def parse_release_text(
    title: str,
    *,
    description: str | None = None,
    tags: str | None = None,
    file_types: tuple[str, ...] = (),
) -> ReleaseHints:
    """Hints from a release title (primary), its tags and the start of its description."""
    lower = title.lower().translate(_DASHES)
    extra = " ".join(x for x in (tags or "", (description or "")[:300]) if x)
    extra_lower = extra.lower()
    named = normalize_text(f"{title.replace('.', ' ').replace('_', ' ')} {tags or ''}")
    volumes, volume_range, packs, weak = _volumes_and_packs(title)
    return ReleaseHints(
        formats=_formats(lower, extra_lower, file_types),
        bitrate_kbps=_bitrate(f"{lower} {extra_lower}"),
        abridged=_abridgement(normalize_text(f"{title} {extra}")),
        dramatisation=_find(_DRAMATISATION_RE, named),
        summary=_find(_SUMMARY_RE, named),
        sample=_find(_SAMPLE_RE, named),
        bad_encode=_find(_BAD_ENCODE_RE, named),
        ebook_words=_find(_EBOOK_RE, named),
        language_markers=_languages(title, tags),
        foreign_script=_script_of(title),
        volumes=volumes,
        volume_range=volume_range,
        pack_markers=packs,
        weak_pack_markers=weak,
        narrators=_narrators(title, extra),
        parts=_parts(lower.replace("_", " "))[0],
    )


def position_values(text: str | None) -> tuple[float, ...] | None:
    """Series positions from an indexer's position text: "1" → (1.0,), "01-16, 13.5" → the range
    (1.0, 16.0) marked as a pack by the caller (two values), "" → None."""
    if not text:
        return None
    cleaned = text.strip().lower().translate(_DASHES)
    range_match = re.match(r"^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)", cleaned)
    if range_match:
        low, high = float(range_match.group(1)), float(range_match.group(2))
        if high > low:
            return (low, high)
    numbers = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", cleaned)]
    if len(numbers) == 1:
        return (numbers[0],)
    if len(numbers) > 1:
        return (min(numbers), max(numbers))
    return None
