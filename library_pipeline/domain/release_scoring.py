"""Which release to grab for a missing book: a score a user can read, with reasons (pure).

`score_release(release, wanted, policy)` returns a `ReleaseScore`: a list of `ScorePart`s
("title +40 exact match", "format +15 m4b", "seeders +6.5 (5)") that add up to the total, and
a list of rejection reasons ("wrong author (John Doe)", "abridged", "0 seeders", "pack 'books
1-16' for one missing volume", "wrong volume: release is Book 3, we want Book 2", "foreign
edition (German)"). A release with any rejection, or under `policy.min_score`, is never grabbed.
`choose_release` scores a result list and picks the best acceptable one.

Points (defaults): title up to 40, author 20, volume 5, format 15/10/5 by the preference list,
bitrate up to 5, unabridged 5, language 5, preferred narrator 10, seeders up to 10, freeleech 5,
VIP 3, indexer priority as configured. An author the release does not name costs 10; unknown
seeders cost 5. The default minimum (55) needs a title match plus one strong confirmation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from library_pipeline.domain.normalize import (
    author_keys,
    author_match,
    normalize_author,
    normalize_text,
    parse_series_position,
    series_key,
    title_key,
    title_similarity,
)
from library_pipeline.domain.releases import (
    AUDIO_FORMATS,
    EBOOK_CATEGORIES,
    LANGUAGE_NAMES_EN,
    Release,
    language_code,
    position_values,
)

MB = 1024 * 1024
GB = 1024 * MB


@dataclass(frozen=True)
class WantedBook:
    """The missing book a release must be."""

    title: str
    authors: tuple[str, ...] = ()
    series: str | None = None
    series_position: str | None = None
    language: str | None = None
    narrators: tuple[str, ...] = ()
    duration_seconds: float | None = None

    @property
    def position(self) -> float | None:
        return parse_series_position(self.series_position)


@dataclass(frozen=True)
class ScoringPolicy:
    """The user's preferences (from settings) and the run's constraints."""

    min_score: float = 55.0
    format_preference: tuple[str, ...] = ("m4b", "mp3")
    language: str = "en"
    preferred_narrators: tuple[str, ...] = ()
    indexer_priority: Mapping[str, float] = field(default_factory=dict)  # name -> points
    allow_packs: bool = False
    allow_abridged: bool = False
    min_seeders: int = 1
    min_size_bytes: int = 10 * MB
    max_single_book_bytes: int = 5 * GB
    title_threshold: float = 0.8
    # Indexer or source name (lower case) -> why nothing from it may be grabbed this run
    # (e.g. MAM's unsatisfied-torrent limit reached).
    blocked: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ScorePart:
    label: str
    points: float
    detail: str = ""

    def __str__(self) -> str:
        sign = "+" if self.points >= 0 else ""
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.label} {sign}{self.points:g}{detail}"


@dataclass
class ReleaseScore:
    release: Release
    total: float
    parts: list[ScorePart]
    rejections: list[str]
    min_score: float

    @property
    def accepted(self) -> bool:
        return not self.rejections

    def explain(self) -> str:
        """One line for the UI: 'score 83: title +40 (exact), ... | rejected: abridged'."""
        text = f"score {self.total:g}: " + ", ".join(str(p) for p in self.parts)
        if self.rejections:
            text += " | rejected: " + "; ".join(self.rejections)
        return text

    def as_dict(self) -> dict[str, Any]:
        """For `downloads.score_details` and asset metadata (no links: they hold keys)."""
        return {
            "total": self.total,
            "min_score": self.min_score,
            "accepted": self.accepted,
            "parts": [
                {"label": p.label, "points": p.points, "detail": p.detail} for p in self.parts
            ],
            "rejections": list(self.rejections),
            "summary": self.explain(),
        }


# --- matching helpers -----------------------------------------------------------------------

_BRACKETED_RE = re.compile(r"[\[({][^\[\](){}]*[\])}]")
_SEGMENT_RE = re.compile(r"\s+(?:-|–|—|by|/)\s+|\s*[:|]\s*", re.IGNORECASE)
_BY_RE = re.compile(r"\bby\s+([^\[\](){}|/]+)", re.IGNORECASE)
_NOISE_TOKENS = frozenset(
    {*AUDIO_FORMATS, "epub", "pdf", "mobi", "audiobook", "audio", "unabridged", "abridged",
     "eng", "english", "retail", "kbps", "vbr", "cbr", "chapterized", "chaptered", "vip", "m4b"}
)  # fmt: skip
_VOLUME_NOISE_RE = re.compile(
    r"\b(?:book|bk|vol|volume|tome|no|#)\s*\d+(?:\.\d+)?\b|\b\d{2,3}\s*kbps\b", re.IGNORECASE
)


def _strip_people(text: str, people: Iterable[str]) -> str:
    tokens = normalize_text(text).split()
    drop: set[str] = set()
    for person in people:
        drop.update(normalize_author(person).split())
        drop.update(normalize_text(person).split())
    kept = [t for t in tokens if t not in drop and t not in _NOISE_TOKENS]
    return " ".join(kept)


def title_candidates(release: Release, authors: Iterable[str]) -> list[str]:
    """The strings in a release that could be the book's title."""
    authors = list(authors) + list(release.authors)
    candidates: list[str] = []
    if release.book_title:
        candidates.append(release.book_title)
    base = _BRACKETED_RE.sub(" ", release.title.replace("_", " "))
    base = " ".join(base.split())
    candidates.append(base)
    segments = [s.strip(" .,-") for s in _SEGMENT_RE.split(base) if s and s.strip(" .,-")]
    candidates.extend(segments)
    for text in [base, *segments]:
        stripped = _strip_people(_VOLUME_NOISE_RE.sub(" ", text), authors)
        if stripped:
            candidates.append(stripped)
    dotted = release.title.replace(".", " ")
    if dotted != release.title:
        stripped = _strip_people(_VOLUME_NOISE_RE.sub(" ", dotted), authors)
        if stripped:
            candidates.append(stripped)
    return list(dict.fromkeys(c for c in candidates if c.strip()))


def best_title_match(release: Release, wanted: WantedBook) -> tuple[float, str]:
    best, best_text = 0.0, ""
    for candidate in title_candidates(release, wanted.authors):
        similarity = title_similarity(wanted.title, candidate)
        if wanted.series:
            similarity = max(
                similarity,
                title_similarity(
                    title_key(wanted.title, wanted.series), title_key(candidate, wanted.series)
                ),
            )
        if similarity > best:
            best, best_text = similarity, candidate
    return best, best_text


def _names_in_text(names: Iterable[str], text: str) -> tuple[list[str], list[str]]:
    """(fully named, surname only) among `names` in `text` (token containment, any order)."""
    tokens = set(normalize_text(text).split())
    full, surname = [], []
    for name in names:
        key_tokens = normalize_author(name).split()
        if not key_tokens:
            continue
        plain = normalize_text(name).split()
        if set(key_tokens) <= tokens or (plain and set(plain) <= tokens):
            full.append(name)
        elif len(key_tokens[-1]) > 2 and key_tokens[-1] in tokens:
            surname.append(name)
    return full, surname


def _named_author_in_title(title: str) -> str | None:
    """ "The Final Empire by Brandon Sanderson [...]" → "Brandon Sanderson"."""
    match = _BY_RE.search(_BRACKETED_RE.sub(" ", title))
    if not match:
        return None
    words = [
        w
        for w in match.group(1).split()
        if normalize_text(w) not in _NOISE_TOKENS and not any(ch.isdigit() for ch in w)
    ]
    name = " ".join(words).strip(" .,-")
    return name if 1 <= len(name.split()) <= 5 else None


def _format_volume(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _series_volumes(release: Release, wanted: WantedBook) -> tuple[list[float], list[str]]:
    """Volumes (and pack descriptions) from the indexer's structured series data and from
    "<series name> <n>" in the title."""
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
        norm_title = normalize_text(release.title)
        norm_series = normalize_text(wanted.series)
        pattern = rf"(?:^| ){re.escape(norm_series)} (\d{{1,3}})(?: (\d{{1,3}}))?(?: |$)"
        for match in re.finditer(pattern, norm_title):
            volumes.append(float(match.group(1)))
    return volumes, packs


# --- the score ------------------------------------------------------------------------------


def score_release(release: Release, wanted: WantedBook, policy: ScoringPolicy) -> ReleaseScore:
    parts: list[ScorePart] = []
    rejections: list[str] = []
    hints = release.hints
    add = parts.append

    # availability -------------------------------------------------------------------------
    blocked_reason = policy.blocked.get((release.indexer or "").lower()) or policy.blocked.get(
        release.source.lower()
    )
    if blocked_reason:
        rejections.append(blocked_reason)
    if not release.has_link:
        rejections.append("no download link")

    # title ----------------------------------------------------------------------------------
    similarity, _matched = best_title_match(release, wanted)
    if similarity >= 0.97:
        add(ScorePart("title", 40, "exact match"))
    elif similarity >= policy.title_threshold:
        add(ScorePart("title", round(40 * similarity - 5, 1), f"{similarity:.0%} similar"))
    else:
        add(ScorePart("title", 0, f"best {similarity:.0%}"))
        rejections.append(f"wrong title ({similarity:.0%} similar)")

    # author ---------------------------------------------------------------------------------
    if wanted.authors:
        named_by = _named_author_in_title(release.title)
        if release.authors:
            if author_match(wanted.authors, release.authors):
                add(ScorePart("author", 20, ", ".join(release.authors[:2])))
            else:
                add(ScorePart("author", 0, ", ".join(release.authors[:2])))
                rejections.append(f"wrong author ({', '.join(release.authors[:2])})")
        else:
            full, surname = _names_in_text(wanted.authors, release.title)
            if full:
                add(ScorePart("author", 20, full[0]))
            elif named_by and not author_match(wanted.authors, [named_by]):
                add(ScorePart("author", 0, named_by))
                rejections.append(f"wrong author ({named_by})")
            elif surname:
                add(ScorePart("author", 12, f"surname of {surname[0]}"))
            else:
                add(ScorePart("author", -10, "not named in the release"))

    # volume and packs -----------------------------------------------------------------------
    wanted_text = f" {normalize_text(wanted.title)} {normalize_text(wanted.series or '')} "
    series_vols, series_packs = _series_volumes(release, wanted)
    pack_markers = series_packs + [
        m for m in hints.pack_markers if f" {normalize_text(m)} " not in wanted_text
    ]
    if hints.volume_range and not any("-" in m or " to " in m for m in pack_markers):
        low, high = hints.volume_range
        pack_markers.append(f"books {_format_volume(low)}-{_format_volume(high)}")
    if pack_markers:
        what = pack_markers[0]
        if policy.allow_packs:
            add(ScorePart("pack", -40, what))
        else:
            add(ScorePart("pack", 0, what))
            rejections.append(f"pack ({what!r}) for a single missing volume")
    position = wanted.position
    volumes = list(dict.fromkeys([*hints.volumes, *series_vols]))
    if position is not None and volumes and not pack_markers:
        if position in volumes:
            add(ScorePart("volume", 5, f"book {_format_volume(position)}"))
        else:
            shown = ", ".join(_format_volume(v) for v in volumes)
            add(ScorePart("volume", 0, f"book {shown}"))
            rejections.append(
                f"wrong volume: release is Book {shown}, we want Book {_format_volume(position)}"
            )

    # format and quality ---------------------------------------------------------------------
    if release.categories and all(c in EBOOK_CATEGORIES for c in release.categories):
        rejections.append("ebook category, not an audiobook")
    if hints.ebook_only:
        add(ScorePart("format", 0, "/".join(hints.formats)))
        rejections.append(f"ebook, not an audiobook ({'/'.join(hints.formats)})")
    elif hints.audio_formats:
        preference = [f.lower() for f in policy.format_preference]
        best_points, best_format = 0.0, hints.audio_formats[0]
        for fmt in hints.audio_formats:
            if fmt in preference:
                points = max(15.0 - 5.0 * preference.index(fmt), 5.0)
            else:
                points = 5.0 if fmt in AUDIO_FORMATS else 0.0
            if points > best_points:
                best_points, best_format = points, fmt
        add(ScorePart("format", best_points, best_format))
    else:
        add(ScorePart("format", 0, "not stated"))

    if hints.bitrate_kbps is not None:
        kbps = hints.bitrate_kbps
        if kbps >= 128:
            add(ScorePart("bitrate", 5, f"{kbps} kbps"))
        elif kbps >= 64:
            add(ScorePart("bitrate", 3, f"{kbps} kbps"))
        elif kbps < 48:
            add(ScorePart("bitrate", -5, f"low: {kbps} kbps"))

    if hints.abridged is True:
        if policy.allow_abridged:
            add(ScorePart("abridged", -30))
        else:
            rejections.append("abridged")
    elif hints.abridged is False:
        add(ScorePart("unabridged", 5))
    if hints.dramatised:
        add(ScorePart("dramatised", -5, "full cast / dramatisation"))

    # language -------------------------------------------------------------------------------
    target = language_code(wanted.language) or language_code(policy.language)
    release_languages = [language_code(release.language)] if release.language else []
    release_languages = [x for x in release_languages if x] or list(hints.languages)
    if target and release_languages:
        if target in release_languages:
            add(ScorePart("language", 5, LANGUAGE_NAMES_EN.get(target, target)))
        else:
            other = release_languages[0]
            add(ScorePart("language", 0, LANGUAGE_NAMES_EN.get(other, other)))
            rejections.append(f"foreign edition ({LANGUAGE_NAMES_EN.get(other, other)})")

    # narrator -------------------------------------------------------------------------------
    preferred = [*policy.preferred_narrators, *wanted.narrators]
    narrators = [*release.narrators, *hints.narrators]
    if preferred and narrators and author_match(preferred, narrators):
        matched_narrator = next(
            (n for n in narrators if author_keys([n]) & author_keys(preferred)), narrators[0]
        )
        add(ScorePart("narrator", 10, matched_narrator))

    # size -----------------------------------------------------------------------------------
    size = release.size_bytes
    if size is not None:
        if size < policy.min_size_bytes:
            rejections.append(f"too small for an audiobook ({size / MB:.1f} MB)")
        elif wanted.duration_seconds:
            kbps = size * 8 / wanted.duration_seconds / 1000
            if kbps < 16:
                rejections.append(f"too small for the runtime ({kbps:.0f} kbps equivalent)")
            elif kbps > 512 and "flac" not in hints.formats:
                add(ScorePart("size", -15, f"large for the runtime ({kbps:.0f} kbps)"))
        elif size > policy.max_single_book_bytes and not pack_markers:
            add(ScorePart("size", -10, f"{size / GB:.1f} GB for one book"))

    # swarm and flags ------------------------------------------------------------------------
    seeders = release.seeders
    if seeders is None:
        add(ScorePart("seeders", -5, "unknown"))
    elif seeders <= 0:
        rejections.append("0 seeders")
    elif seeders < policy.min_seeders:
        rejections.append(f"{seeders} seeders (minimum {policy.min_seeders})")
    else:
        add(ScorePart("seeders", round(min(10.0, 2.5 * math.log2(1 + seeders)), 1), str(seeders)))
    if release.freeleech:
        add(ScorePart("freeleech", 5))
    if release.vip:
        add(ScorePart("VIP", 3))
    priority = _indexer_priority(release, policy)
    if priority:
        add(ScorePart("indexer", priority, release.indexer or release.source))

    total = round(sum(p.points for p in parts), 1)
    if not rejections and total < policy.min_score:
        rejections.append(f"score {total:g} below minimum {policy.min_score:g}")
    return ReleaseScore(release, total, parts, rejections, policy.min_score)


def _indexer_priority(release: Release, policy: ScoringPolicy) -> float:
    lowered = {k.lower(): v for k, v in policy.indexer_priority.items()}
    for name in (release.indexer, release.source):
        if name and name.lower() in lowered:
            return float(lowered[name.lower()])
    return 0.0


@dataclass
class Choice:
    best: ReleaseScore | None
    scored: list[ReleaseScore]  # best first; rejected ones after the accepted ones

    @property
    def accepted(self) -> list[ReleaseScore]:
        return [s for s in self.scored if s.accepted]

    def rejection_summary(self, limit: int = 3) -> str:
        """Why nothing was chosen, e.g. "3 releases, none acceptable: X: abridged; Y: 0 seeders"."""
        if not self.scored:
            return "no releases found"
        shown = "; ".join(
            f"{s.release.title[:60]}: {', '.join(s.rejections)}" for s in self.scored[:limit]
        )
        return f"{len(self.scored)} release(s), none acceptable: {shown}"


def choose_release(
    releases: Iterable[Release], wanted: WantedBook, policy: ScoringPolicy
) -> Choice:
    """Score every release (de-duplicated by infohash/guid) and pick the best acceptable one.
    Ties go to more seeders."""
    unique: dict[str, Release] = {}
    for release in releases:
        unique.setdefault(release.key, release)
    scored = [score_release(r, wanted, policy) for r in unique.values()]
    scored.sort(key=lambda s: (s.accepted, s.total, s.release.seeders or 0), reverse=True)
    best = scored[0] if scored and scored[0].accepted else None
    return Choice(best, scored)
