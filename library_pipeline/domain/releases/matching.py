"""Is this release the wanted book? Title candidates, who the release names, which volumes of
the wanted series it names (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import takewhile

from library_pipeline.domain.languages import LANGUAGE_WORDS, fold
from library_pipeline.domain.normalize import (
    WORD_NUMBERS,
    author_match,
    normalize_author,
    normalize_text,
    series_key,
    title_key,
    title_similarity,
)
from library_pipeline.domain.releases.hints import position_values
from library_pipeline.domain.releases.model import Release
from library_pipeline.domain.releases.policy import WantedBook
from library_pipeline.domain.releases.vocabulary import (
    EDITION_WORDS,
    NOISE_WORDS,
    SERIES_WORDS,
    SUMMARY_PHRASES,
)

_BRACKETED_RE = re.compile(r"[\[({][^\[\](){}]*[\])}]")
# Segment separators: " - ", " by ", " / ", ":", "|", "~" (NZB-style "Author ~ Title ~ Series 1").
_SEGMENT_RE = re.compile(r"\s+(?:-|\u2013|\u2014|by|/)\s+|\s*[:|~]\s*|\s+-(?=\S)|(?<=\S)-\s+", re.I)
_BY_RE = re.compile(r"\bby\s+([^\[\](){}|/\-]+)", re.IGNORECASE)
_VOLUME_NOISE_RE = re.compile(
    r"\b(?:book|bk|vol|volume|tome|no|#)\s*\d+(?:\.\d+)?\b|\b\d{2,3}\s*(?:kbps|k)\b"
    r"|\b(?:19|20)\d\d\b",
    re.IGNORECASE,
)
_ARTICLES = ("the ", "a ", "an ")
EXACT = 0.97  # title similarity that counts as the same title
# A number, a bitrate ("64kbps", "64k") or a year: never a title word in a series-only name.
_PACKAGING_NUMBER_RE = re.compile(r"^\d+(?:kbps|kbs|kb|k)?$")


_SCENE_TAG_RE = re.compile(
    r"^(?:audiobook|audiobooks|unabridged|abridged|web|mp3|m4b|"
    r"flac|aac|retail|proper|repack|english|eng)$",
    re.IGNORECASE,
)
_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
# Scene names separate words with "." and "_", but "2.5" is a series position (x.5 novella).
_SCENE_WORD_SPLIT_RE = re.compile(r"_+|(?<!\d)\.+|\.+(?!\d)|\.(?=\d\d)")


def _scene_tokens(title: str) -> list[str]:
    """The words and hyphens of a scene name, in order ("-" for each hyphen)."""
    tokens: list[str] = []
    for part in _SCENE_WORD_SPLIT_RE.split(title):
        for i, piece in enumerate(part.split("-")):
            if i:
                tokens.append("-")
            if piece:
                tokens.append(piece)
    return tokens


def _is_scene_tag(tokens: list[str], i: int) -> bool:
    """A tag that ends the title; a year only when no second year follows ("1984.2008": the
    first is the title)."""
    if _SCENE_TAG_RE.match(tokens[i]):
        return True
    if not _YEAR_RE.match(tokens[i]):
        return False
    following = [t for t in tokens[i + 1 :] if t != "-"]
    return not (following and _YEAR_RE.match(following[0]))


def readable(title: str) -> str:
    """A scene name as words: `Author.Title.2019.AUDIOBOOK.MP3-GROUP` → "Author Title", with
    its hyphens as segment separators (the year, tags and group after the title are cut)."""
    if " " in title.strip() or not ("." in title or "_" in title):
        return title.replace("_", " ")
    tokens = _scene_tokens(title)
    words: list[str] = []
    for i, token in enumerate(tokens):
        if any(w != "-" for w in words) and _is_scene_tag(tokens, i):
            break
        words.append(token)
    while words and words[-1] == "-":
        words.pop()
    return " ".join(words)


def _strip_people(text: str, people: Iterable[str], own_words: frozenset[str] = frozenset()) -> str:
    """The text without the people's names, packaging words and edition words ("Complete",
    unless the wanted title holds it: "The Complete Stories")."""
    drop: set[str] = set()
    for person in people:
        drop.update(normalize_author(person).split())
        drop.update(normalize_text(person).split())
    noise = (NOISE_WORDS | EDITION_WORDS) - own_words
    kept = [t for t in normalize_text(text).split() if t not in drop and t not in noise]
    return " ".join(kept)


def title_candidates(
    release: Release, authors: Iterable[str], wanted_title: str = "", series: str | None = None
) -> list[str]:
    """The strings in a release that could be the book's title."""
    people = [*authors, *release.authors]
    name = readable(release.title)
    candidates: list[str] = [release.book_title] if release.book_title else []
    base = " ".join(_BRACKETED_RE.sub(" ", name).split())
    segments = [s.strip(" .,-") for s in _SEGMENT_RE.split(base) if s and s.strip(" .,-")]
    candidates += [base, *segments]
    own_words = frozenset(normalize_text(wanted_title).split())
    own_numbers = set(re.findall(r"\d+", normalize_text(wanted_title)))
    for text in [base, *segments]:
        stripped = _strip_people(_without_volume_noise(text, own_numbers), people, own_words)
        if stripped:
            candidates.append(stripped)
            candidates.append(_without_series(stripped, series, own_numbers))
    return list(dict.fromkeys(c for c in candidates if c.strip()))


def _without_volume_noise(text: str, own_numbers: set[str]) -> str:
    """The text without "Book 3", "64kbps" and years, except a number the wanted title is
    ("1984", "2001: A Space Odyssey", "Metro 2033")."""
    return _VOLUME_NOISE_RE.sub(
        lambda match: match.group(0) if match.group(0) in own_numbers else " ", text
    )


def _without_series(text: str, series: str | None, own_numbers: set[str]) -> str:
    """ "killing floor jack reacher 1" → "killing floor": the series' name and a number that is
    not part of the wanted title removed."""
    padded = f" {text} "
    for name in series_names(series) if series else []:
        padded = padded.replace(f" {name} ", " ")
    words = [t for t in padded.split() if not (t.isdigit() and t not in own_numbers)]
    return " ".join(words)


def best_title_match(release: Release, wanted: WantedBook) -> tuple[float, str]:
    """(similarity, the release text it was found in) of the best title candidate."""
    best, best_text = 0.0, ""
    for candidate in title_candidates(release, wanted.authors, wanted.title, wanted.series):
        similarity = title_similarity(wanted.title, candidate)
        if wanted.series:
            keyed = title_similarity(
                title_key(wanted.title, wanted.series), title_key(candidate, wanted.series)
            )
            similarity = max(similarity, keyed)
        if similarity > best:
            best, best_text = similarity, candidate
    return best, best_text


_JOINED_RE = re.compile(r"\s+(?:&|\+)\s+")


def joined_titles(release: Release, wanted: WantedBook) -> str | None:
    """A name segment joining the wanted title and another with "&" or "+" ("Animal Farm &
    1984"): two books. None when the wanted title itself holds "&" or "and"."""
    own = f" {normalize_text(wanted.title)} "
    if "&" in wanted.title or " and " in own:
        return None
    people = [*wanted.authors, *release.authors]
    base = " ".join(_BRACKETED_RE.sub(" ", readable(release.title)).split())
    for segment in _SEGMENT_RE.split(base):
        sides = [side.strip(" .,") for side in _JOINED_RE.split(segment)]
        if len(sides) < 2:
            continue
        named = [title_similarity(wanted.title, side) >= EXACT for side in sides]
        others = [_strip_people(side, people) for side, same in zip(sides, named, strict=True)]
        if any(named) and all(o for o, same in zip(others, named, strict=True) if not same):
            return segment.strip()
    return None


# --- who the release names -------------------------------------------------------------------


@dataclass(frozen=True)
class AuthorEvidence:
    """What a release says about its author: `named` (the wanted author), `surname` (only the
    wanted author's surname), `other` (someone else, and not the wanted author), `none`."""

    kind: str
    who: str = ""


def _name_tokens(text: str) -> set[str]:
    return set(normalize_text(text).split())


def _wanted_words(wanted: WantedBook) -> set[str]:
    return _name_tokens(f"{wanted.title} {wanted.series or ''}")


def _names_in_text(names: Iterable[str], text: str) -> tuple[list[str], list[str]]:
    """(fully named, surname only) among `names` in `text` (token containment, any order)."""
    tokens = _name_tokens(text)
    joined = " ".join(normalize_text(text).split())
    full, surname = [], []
    for name in names:
        key_tokens = normalize_author(name).split()
        if not key_tokens:
            continue
        plain = normalize_text(name).split()
        if (
            set(key_tokens) <= tokens
            or (plain and set(plain) <= tokens)
            or ("".join(key_tokens) in joined.replace(" ", ""))
        ):
            full.append(name)
        elif len(key_tokens[-1]) > 2 and key_tokens[-1] in tokens:
            surname.append(name)
    return full, surname


# A capitalised name word, hyphenated ones too ("Wilton-Ely"), or an initial.
_CAPITALISED = r"(?:[A-Z][\w'\u2019]+(?:-[A-Z][\w'\u2019]+)*|[A-Z]\.?)"


def _same_given_names(written: list[str], given: list[str]) -> bool:
    """ "Nick" or "N." for "Nicholas", "Peter F." for "Peter F.": a short form or an initial of
    one of the wanted author's given names."""
    for word in written:
        for name in given:
            if word == name or (len(word) == 1 and name.startswith(word)):
                return True
            if len(word) >= 3 and word[:3] == name[:3]:  # Nick / Nicholas, Jon / Jonathan
                return True
    return False


def _namesake(text: str, author: str, wanted_words: set[str]) -> str | None:
    """Another person with the wanted author's surname: "Laurell K. Hamilton" for "Peter F.
    Hamilton", from the given names written next to the surname (either order)."""
    tokens = normalize_author(author).split()
    surname, given = tokens[-1], tokens[:-1]
    name = re.escape(surname)
    pattern = re.compile(
        rf"((?:{_CAPITALISED}\s+){{1,3}})({name})\b|({name}),\s*((?:{_CAPITALISED}\s*){{1,3}})",
        re.IGNORECASE,
    )
    for match in pattern.finditer(text):
        before = match.group(1) or match.group(4) or ""
        words = [normalize_text(w) for w in before.split() if normalize_text(w)]
        words = [w for w in words if w not in wanted_words and w not in NOISE_WORDS]
        if not words or not all(w[:1].isalpha() for w in words):
            continue
        if not _same_given_names(words, given):
            return " ".join([*(w.title() for w in words), surname.title()])
    return None


def _is_name_word(word: str) -> bool:
    return fold(word).strip(".,'\u2019") not in NOISE_WORDS and not any(c.isdigit() for c in word)


# Names of books about a book ("SparkNotes Study Guide"), never a person's.
_GUIDE_RE = re.compile(
    r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, SUMMARY_PHRASES)) + r")(?![a-z0-9])"
)


def _looks_like_a_person(segment: str, wanted_words: set[str]) -> bool:
    """Two to four capitalised name words; not a title ("A Desolation Called Peace" starts
    with an article) nor a guide's label."""
    words = [w for w in segment.replace(",", " ").split() if _is_name_word(w)]
    segment = " ".join(words)
    if not 2 <= len(words) <= 4:
        return False
    if fold(words[0]) in {a.strip() for a in _ARTICLES} or _GUIDE_RE.search(
        normalize_text(segment)
    ):
        return False
    folded = [fold(w).strip(".'\u2019") for w in words]
    if any(w in NOISE_WORDS or w in SERIES_WORDS or w in LANGUAGE_WORDS for w in folded):
        return False
    if any(any(ch.isdigit() for ch in w) for w in words):
        return False
    if set(normalize_text(segment).split()) <= wanted_words:
        return False
    return all(re.fullmatch(_CAPITALISED + r"\.?", w) for w in words)


def _other_names(release: Release, wanted: WantedBook) -> list[str]:
    """People a release names outside brackets (brackets and braces hold narrators)."""
    text = readable(release.title)
    found: list[str] = []
    by = _BY_RE.search(_BRACKETED_RE.sub(" ", text))
    if by:
        words = list(takewhile(_is_name_word, by.group(1).split()))
        found.append(" ".join(words).strip(" .,"))
    base = " ".join(_BRACKETED_RE.sub(" ", text).split())
    wanted_words = _wanted_words(wanted)
    for segment in _SEGMENT_RE.split(base):
        segment = segment.strip(" .,-")
        if segment and title_similarity(wanted.title, segment) < 0.8:
            found.append(segment)
    if " " not in release.title.strip():  # scene: the words before the title
        start = normalize_text(base).find(normalize_text(_strip_article(wanted.title)))
        if start > 0:
            found.append(base[: len(base[:start])].strip())
    return [
        " ".join(w for w in n.replace(",", " ").split() if _is_name_word(w))
        for n in dict.fromkeys(found)
        if _looks_like_a_person(n, wanted_words)
    ]


def _strip_article(title: str) -> str:
    lower = title.lower()
    for article in _ARTICLES:
        if lower.startswith(article):
            return title[len(article) :]
    return title


def author_evidence(release: Release, wanted: WantedBook) -> AuthorEvidence:
    """Whom the release names, judged against the wanted book's authors."""
    if release.authors:
        shown = ", ".join(release.authors[:2])
        if author_match(wanted.authors, release.authors):
            return AuthorEvidence("named", shown)
        return AuthorEvidence("other", shown)
    text = readable(release.title)
    full, surname = _names_in_text(wanted.authors, text)
    if full:
        return AuthorEvidence("named", full[0])
    wanted_words = _wanted_words(wanted)
    for author in surname:
        other = _namesake(text, author, wanted_words)
        if other:
            return AuthorEvidence("other", other)
    if surname:
        return AuthorEvidence("surname", surname[0])
    others = _other_names(release, wanted)
    if others and not author_match(wanted.authors, others):
        return AuthorEvidence("other", others[0])
    return AuthorEvidence("none")


# --- volumes of the wanted series ------------------------------------------------------------

# "2p5": an x.5 position kept whole through normalize_text (which drops the point).
_NUMBER = r"(\d{1,3}(?:p\d)?|" + "|".join(WORD_NUMBERS) + r")"
_DECIMAL_RE = re.compile(r"(?<![\d.])(\d{1,3})\.(\d)(?![\d.])")


def _number(text: str) -> float:
    return float(WORD_NUMBERS[text]) if text in WORD_NUMBERS else float(text.replace("p", "."))


def _with_positions(text: str) -> str:
    """normalize_text of a name, keeping "2.5" as the one token "2p5"."""
    return normalize_text(_DECIMAL_RE.sub(r"\1p\2", text))


def series_names(series: str) -> list[str]:
    """The series' name as written in releases: with and without its leading article."""
    norm = normalize_text(series)
    names = [norm]
    for article in _ARTICLES:
        if norm.startswith(article) and len(norm) > len(article) + 3:
            names.append(norm[len(article) :])
    return names


def series_range(release: Release, wanted: WantedBook) -> tuple[float, float] | None:
    """The range of volumes the indexer's series data gives for the wanted series ("01-16")."""
    wanted_key = series_key(wanted.series) if wanted.series else None
    for name, position in release.series:
        if wanted_key and name and series_key(name) != wanted_key:
            continue
        values = position_values(position)
        if values is not None and len(values) == 2:
            return values[0], values[1]
    return None


def series_volumes(release: Release, wanted: WantedBook) -> tuple[list[float], list[str]]:
    """Volumes (and pack descriptions) from the indexer's structured series data and from
    "<series> 10", "<series> #10", "<series>, Book Ten", "<series> Vol 10" in the title."""
    volumes: list[float] = []
    packs: list[str] = []
    wanted_key = series_key(wanted.series) if wanted.series else None
    for name, position in release.series:
        if wanted_key and name and series_key(name) != wanted_key:
            continue
        values = position_values(position)
        if values is None:
            continue
        if len(values) == 2:
            packs.append(f"{name} {position}".strip())
        else:
            volumes.append(values[0])
    if wanted.series:
        text = _with_positions(readable(release.title))
        for name in series_names(wanted.series):
            pattern = (
                rf"(?:^| ){re.escape(name)} (?:book |bk |vol |volume |no |part )?"
                rf"{_NUMBER}(?: (?:of|to) \d+)?(?= |$)"
            )
            volumes += [_number(m.group(1)) for m in re.finditer(pattern, text)]
    return volumes, packs


def series_agrees(release: Release, wanted: WantedBook) -> bool:
    """Whether the release names the wanted volume, or the wanted series outside the wanted
    title ("Old Man's War [MP3]" names the title of the series "Old Man's War", not the series)."""
    volumes, _packs = series_volumes(release, wanted)
    if wanted.position is not None and wanted.position in volumes:
        return True
    if not wanted.series:
        return False
    if any(series_key(name) == series_key(wanted.series) for name, _ in release.series if name):
        return True
    text = f" {normalize_text(readable(release.title))} "
    text = text.replace(f" {normalize_text(wanted.title)} ", " ", 1)
    return any(f" {name} " in text for name in series_names(wanted.series))


def names_only_series(release: Release, wanted: WantedBook) -> bool:
    """Whether the name holds the wanted series and a number and nothing that could be another
    title: "Brandon Sanderson - The Stormlight Archive 2 [M4B]", "Cradle 01 [Narrator] m4b"."""
    if not wanted.series or not series_volumes(release, wanted)[0]:
        return False
    if release.hints.volume_range or series_range(release, wanted):
        return False  # a pack ("Earthsea 2-4"): the pack rules judge it
    base = " ".join(_BRACKETED_RE.sub(" ", readable(release.title)).split())
    rest = f" {_strip_people(base, [*wanted.authors, *release.authors])} "
    for name in series_names(wanted.series):
        rest = rest.replace(f" {name} ", " ")
    leftover = [
        word
        for word in rest.split()
        if not _PACKAGING_NUMBER_RE.match(word)
        and word not in WORD_NUMBERS
        and word not in SERIES_WORDS
    ]
    return not leftover


def names_series(release: Release, wanted: WantedBook) -> bool:
    """Whether the release names the wanted series (text or structured data)."""
    if not wanted.series:
        return False
    if any(series_key(name) == series_key(wanted.series) for name, _ in release.series if name):
        return True
    text = f" {normalize_text(readable(release.title))} "
    return any(f" {name} " in text for name in series_names(wanted.series))
