"""Find the right work before taking anything from it.

A wrong book's description is worse than none, so a provider record is used only when it is
this book:

1. **Identity**: the book's ISBN (ISBN-10 and -13 compared as ISBN-13) or ASIN is the record's →
   confidence 1.0, unless title *and* author both disagree (a mistagged identifier).
2. **Rejections** (confidence 0, with the reason kept):
   - a *foreign edition*: the record's language(s) do not include the book's (or, when the book
     does not say, the library's default language);
   - the *wrong volume*: both sides give a position in the same series and they differ, or the
     record is an omnibus ("1-3") while the book is one volume; titles carrying different
     numbers ("Book 2" / "Book 3") score 0 already (`normalize.title_similarity`);
   - another *edition length*: the runtimes differ by more than 25 % (abridged vs unabridged);
   - a *different author*: the author lists share nobody;
   - a *different title* by the same author: title similarity below 0.9 ("Children of Ruin" is
     not "Children of Time", however alike the words).
3. **Title + author search**: ``0.6 · title + 0.4 · author`` with rapidfuzz on the normalised
   keys (`domain.normalize`: series noise and articles dropped, "Lastname, First" and initials
   handled). Without authors on either side the title alone counts, scaled by 0.8, so a bare
   title never passes the default threshold of 0.85.

Below the threshold nothing is taken and `Match.reason` says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz

from library_pipeline.domain.languages import language_code
from library_pipeline.domain.normalize import (
    author_keys,
    author_match,
    clean_title,
    parse_position_range,
    parse_series_position,
    series_key,
    title_similarity,
)
from library_pipeline.domain.tags import normalize_asin, normalize_isbn

TITLE_WEIGHT = 0.6
AUTHOR_WEIGHT = 0.4
TITLE_ONLY_FACTOR = 0.8
MIN_RUNTIME_RATIO = 0.75
MIN_TITLE_SCORE = 0.9


def isbn13(value: str | None) -> str | None:
    """An ISBN as ISBN-13 (ISBN-10s converted), or None when it is not an ISBN."""
    digits = normalize_isbn(value)
    if digits is None:
        return None
    if len(digits) == 13:
        return digits
    core = "978" + digits[:9]
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(core))
    return core + str((10 - total % 10) % 10)


def preferred_isbn(values: Iterable[str | None]) -> str | None:
    """The ISBN to store from several: the first ISBN-13, else the first ISBN-10 converted."""
    converted = [isbn13(v) for v in values]
    valid = [v for v in converted if v]
    return valid[0] if valid else None


class Candidate(Protocol):
    """What matching reads of a provider record (`clients.records.BookRecord` fits)."""

    title: str
    subtitle: str | None
    authors: list[str]
    series: str | None
    series_position: str | None
    language: str | None
    languages: list[str]
    isbns: list[str]
    asin: str | None
    duration_seconds: float | None


@dataclass(frozen=True)
class BookQuery:
    """What the library knows about the book being looked up."""

    title: str
    authors: tuple[str, ...] = ()
    series: str | None = None
    series_position: str | None = None
    language: str | None = None
    isbn: str | None = None
    asin: str | None = None
    duration_seconds: float | None = None


@dataclass(frozen=True)
class MatchScore:
    confidence: float
    method: str  # isbn | asin | title_author | title
    reason: str
    rejected: bool = False


@dataclass(frozen=True)
class Match:
    """The chosen record (None when nothing was confident enough) and why."""

    record: Candidate | None
    confidence: float
    method: str | None
    reason: str

    @property
    def accepted(self) -> bool:
        return self.record is not None


def _titles(title: str, subtitle: str | None, series: str | None) -> set[str]:
    out = {title}
    if subtitle:
        out.add(f"{title}: {subtitle}")
    if series:
        out.add(clean_title(title, series))
    return {t for t in out if t}


def title_score(query: BookQuery, record: Candidate) -> float:
    """Best similarity between the book's title forms and the record's."""
    return max(
        (
            title_similarity(a, b)
            for a in _titles(query.title, None, query.series)
            for b in _titles(record.title, record.subtitle, record.series)
        ),
        default=0.0,
    )


def author_score(mine: Sequence[str], theirs: Sequence[str]) -> float | None:
    """1.0 when the lists share a person, else the best fuzzy ratio; None when one is empty."""
    if not mine or not theirs:
        return None
    if author_match(mine, theirs):
        return 1.0
    keys_a, keys_b = author_keys(mine), author_keys(theirs)
    return max((fuzz.token_sort_ratio(a, b) / 100.0 for a in keys_a for b in keys_b), default=0.0)


def _languages(record: Candidate) -> list[str]:
    values = record.languages or ([record.language] if record.language else [])
    codes = [language_code(v) for v in values]
    return [c for c in codes if c]


def _same_series(a: str | None, b: str | None) -> bool:
    return not a or not b or series_key(a) == series_key(b)


def _rejected(method: str, reason: str) -> MatchScore:
    return MatchScore(0.0, method, reason, rejected=True)


def score_candidate(
    query: BookQuery, record: Candidate, default_language: str | None = "en"
) -> MatchScore:
    """How sure we are that `record` is the book `query` describes (see the module doc)."""
    t_score = title_score(query, record)
    a_score = author_score(query.authors, record.authors)

    wanted_isbn = isbn13(query.isbn)
    wanted_asin = normalize_asin(query.asin)
    identity = None
    if wanted_isbn and wanted_isbn in {isbn13(v) for v in record.isbns}:
        identity = f"isbn {wanted_isbn}"
    elif wanted_asin and normalize_asin(record.asin) == wanted_asin:
        identity = f"asin {wanted_asin}"
    if identity:
        method = identity.split()[0]
        if t_score < 0.35 and a_score is not None and a_score < 0.5:
            return _rejected(method, f"{identity} matches but title and author differ")
        return MatchScore(1.0, method, f"{identity} matches")

    method = "title_author" if a_score is not None else "title"
    wanted_language = language_code(query.language) or language_code(default_language)
    languages = _languages(record)
    if wanted_language and languages and wanted_language not in languages:
        return _rejected(method, f"foreign edition ({'/'.join(languages)}, want {wanted_language})")

    if _same_series(query.series, record.series):
        mine = parse_series_position(query.series_position)
        theirs = parse_series_position(record.series_position)
        if mine is not None and theirs is not None and mine != theirs:
            return _rejected(
                method, f"wrong volume (#{record.series_position}, want #{query.series_position})"
            )
        if mine is not None and parse_position_range(record.series_position):
            return _rejected(
                method, f"omnibus (#{record.series_position}) for volume #{query.series_position}"
            )

    if query.duration_seconds and record.duration_seconds:
        ratio = min(query.duration_seconds, record.duration_seconds) / max(
            query.duration_seconds, record.duration_seconds
        )
        if ratio < MIN_RUNTIME_RATIO:
            return _rejected(method, f"runtime differs by {100 * (1 - ratio):.0f}% (edition?)")

    if a_score is None:
        return MatchScore(
            round(t_score * TITLE_ONLY_FACTOR, 4), method, f"title {t_score:.2f}, no authors"
        )
    if a_score < 0.5:
        return _rejected(method, f"different author ({', '.join(record.authors[:2])})")
    if t_score < MIN_TITLE_SCORE:
        # Same author, similar title: another book of theirs ("Children of Ruin" / "of Time").
        return _rejected(method, f"title differs ({t_score:.2f})")
    confidence = TITLE_WEIGHT * t_score + AUTHOR_WEIGHT * a_score
    return MatchScore(round(confidence, 4), method, f"title {t_score:.2f}, author {a_score:.2f}")


def _describe(record: Candidate) -> str:
    by = f" by {', '.join(record.authors[:2])}" if record.authors else ""
    return f"'{record.title}'{by}"


_DETAIL_FIELDS = ("subtitle", "description", "publisher", "published_date", "cover", "series")


def _fullness(record: Candidate) -> int:
    """How much a record would give (ties between equally confident records)."""
    return sum(1 for name in _DETAIL_FIELDS if getattr(record, name, None))


def best_match(
    query: BookQuery,
    records: Iterable[Candidate],
    *,
    threshold: float = 0.85,
    default_language: str | None = "en",
) -> Match:
    """The most confident acceptable record, or none with the reason."""
    scored = [(score_candidate(query, r, default_language), r) for r in records]
    if not scored:
        return Match(None, 0.0, None, "no results")
    wanted = language_code(query.language) or language_code(default_language)
    usable = [(s, r) for s, r in scored if not s.rejected]
    if usable:
        score, record = max(
            usable,
            key=lambda sr: (
                sr[0].confidence,
                wanted is not None and language_code(sr[1].language) == wanted,
                _fullness(sr[1]),
            ),
        )
        if score.confidence >= threshold:
            return Match(
                record, score.confidence, score.method, f"{_describe(record)}: {score.reason}"
            )
        return Match(
            None,
            score.confidence,
            score.method,
            f"no confident match: best {_describe(record)} scored {score.confidence:.2f} "
            f"< {threshold:.2f} ({score.reason})",
        )
    reasons = sorted({s.reason for s, _ in scored})
    return Match(None, 0.0, None, "rejected: " + "; ".join(reasons)[:300])
