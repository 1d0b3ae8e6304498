"""The rules a release is scored by, one named step each (pure).

Each rule reads the release, the wanted book and the user's policy from a `Scoring` and adds
points (`add`) or a rejection with its reason (`reject`, under the rule's name). Hard rules
reject what the user did not ask for; points only order what is left.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from library_pipeline.domain.languages import language_code, language_name
from library_pipeline.domain.normalize import author_keys, author_match, normalize_text
from library_pipeline.domain.releases.hints import ReleaseHints, parse_release_text
from library_pipeline.domain.releases.matching import (
    EXACT,
    author_evidence,
    best_title_match,
    joined_titles,
    names_only_series,
    names_series,
    series_agrees,
    series_range,
    series_volumes,
)
from library_pipeline.domain.releases.model import Release
from library_pipeline.domain.releases.policy import GB, MB, ScorePart, ScoringPolicy, WantedBook
from library_pipeline.domain.releases.vocabulary import (
    AUDIO_FORMATS,
    CAST_READING_PHRASES,
    EBOOK_CATEGORIES,
)

_ADAPTED = ("young readers", "young reader s", "for kids", "children s edition", "retold",
            "simplified", "easy reader", "graded reader")  # fmt: skip
# The languages written in each non-Latin script (`ReleaseHints.foreign_script`).
_SCRIPT_LANGUAGES = {
    "Cyrillic": {"ru", "uk", "bg", "sr"}, "Greek": {"el"}, "CJK": {"zh", "ja"},
    "Japanese": {"ja"}, "Hangul": {"ko"}, "Arabic": {"ar", "fa"}, "Hebrew": {"he"},
    "Thai": {"th"}, "Devanagari": {"hi"},
}  # fmt: skip


@dataclass
class Scoring:
    """One release being scored: inputs, what the rules found so far, and the results."""

    release: Release
    wanted: WantedBook
    policy: ScoringPolicy
    parts: list[ScorePart] = field(default_factory=list)
    rejections: list[str] = field(default_factory=list)
    rejected_by: list[str] = field(default_factory=list)
    similarity: float = 0.0
    matched_text: str = ""
    packs: list[str] = field(default_factory=list)
    format: str | None = None
    format_rank: int = 0
    kbps: float | None = None  # stated, else implied by size over the runtime

    @property
    def hints(self) -> ReleaseHints:
        return self.release.hints

    def add(self, label: str, points: float, detail: str = "") -> None:
        self.parts.append(ScorePart(label, points, detail))

    def reject(self, rule: str, reason: str) -> None:
        self.rejections.append(reason)
        self.rejected_by.append(rule)

    def unwanted(self, markers: tuple[str, ...]) -> list[str]:
        """Markers that are not words of the wanted book's own title or series."""
        own_words = f"{self.wanted.title} {self.wanted.series or ''}"
        own = f" {normalize_text(own_words)} "
        return [m for m in markers if f" {normalize_text(m)} " not in own]


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


# --- availability ----------------------------------------------------------------------------


def availability(s: Scoring) -> None:
    release, blocked = s.release, s.policy.blocked
    reason = blocked.get((release.indexer or "").lower()) or blocked.get(release.source.lower())
    if reason:
        s.reject("blocked", reason)
    if not release.has_link:
        s.reject("availability", "no download link")


# --- what kind of recording it is ------------------------------------------------------------


def production_kind(s: Scoring) -> None:
    """Dramatisations, summaries, samples and bad encodes are not the book the user wants."""
    hints = s.hints
    drama = s.unwanted(hints.dramatisation)
    if drama and not s.policy.allow_dramatisations:
        s.reject("dramatisation", f"dramatisation / full cast ({drama[0]!r})")
    elif adapted_text := [d for d in drama if d not in CAST_READING_PHRASES]:
        s.add("dramatised", -5, adapted_text[0])  # an adaptation: less surely the book
    elif drama:
        s.add("full cast", -5, drama[0])  # the text read by several voices
    if summary := s.unwanted(hints.summary):
        s.reject("summary", f"summary or study guide ({summary[0]!r})")
    if sample := s.unwanted(hints.sample):
        s.reject("sample", f"sample or excerpt ({sample[0]!r})")
    if bad := s.unwanted(hints.bad_encode):
        s.reject("bad_encode", f"bad or incomplete recording ({bad[0]!r})")
    adapted = [a for a in _ADAPTED if f" {a} " in f" {normalize_text(s.release.title)} "]
    if adapted := s.unwanted(tuple(adapted)):
        s.reject("adapted", f"adapted edition ({adapted[0]!r})")


def _part_core(marker: str) -> str:
    return marker.split(" of ")[0]


def partial(s: Scoring) -> None:
    """One part of a split edition ("Part 1 of 2") is not the book, unless the wanted book is
    itself that part."""
    own = {_part_core(m) for m in parse_release_text(s.wanted.title).parts}
    parts = [m for m in s.hints.parts if _part_core(m) not in own]
    if parts:
        s.reject("partial", f"one part of a split edition ({parts[0]!r})")


def ebook(s: Scoring) -> None:
    release, hints = s.release, s.hints
    if release.categories and all(c in EBOOK_CATEGORIES for c in release.categories):
        s.reject("ebook", "ebook category, not an audiobook")
    elif hints.ebook_only:
        s.reject("ebook", f"ebook, not an audiobook ({'/'.join(hints.formats)})")
    elif (words := s.unwanted(hints.ebook_words)) and not hints.audio_formats:
        s.reject("ebook", f"ebook, not an audiobook ({words[0]!r})")


def abridgement(s: Scoring) -> None:
    if s.hints.abridged is True:
        if s.policy.allow_abridged:
            s.add("abridged", -30)
        else:
            s.reject("abridged", "abridged")
    elif s.hints.abridged is False:
        s.add("unabridged", 5)


# --- is it the wanted book -------------------------------------------------------------------


# Packs whose size the word says ("Earthsea Quartet" is books 1-4), and packs of every book.
_PACK_SIZES = {"duology": 2, "trilogy": 3, "quartet": 4, "quintet": 5}
_WHOLE_SERIES = ("complete series", "the complete", "complete collection", "complete saga",
                 "all books", "full series", "entire series")  # fmt: skip


def _pack_holding_wanted(s: Scoring) -> str | None:
    """With packs allowed, a pack of the wanted series holding the wanted volume: its range
    ("Books 1-6", "Earthsea 2-4"), its size word ("Quartet") or "Complete Series"."""
    position = s.wanted.position
    if not s.policy.allow_packs or position is None or not names_series(s.release, s.wanted):
        return None
    held = f"pack of {s.wanted.series} holding book {_fmt(position)}"
    span = s.hints.volume_range or series_range(s.release, s.wanted)
    if span:
        return held if span[0] <= position <= span[1] else None
    markers = s.hints.pack_markers
    sizes = [size for word, size in _PACK_SIZES.items() if word in markers]
    if sizes:
        return held if position <= max(sizes) else None
    return held if any(m in _WHOLE_SERIES for m in markers) else None


def title(s: Scoring) -> None:
    """The wanted title named; or, in a name holding only the series and a number, no title
    at all (the volume rule then judges the number)."""
    s.similarity, s.matched_text = best_title_match(s.release, s.wanted)
    if s.similarity >= EXACT:
        s.add("title", 40, "exact match")
    elif s.similarity >= s.policy.title_threshold:
        s.add("title", round(40 * s.similarity - 5, 1), f"{s.similarity:.0%} similar")
    elif names_only_series(s.release, s.wanted):
        s.add("title", 30, f"not named; {s.wanted.series} and a volume only")
    elif holds := _pack_holding_wanted(s):
        s.add("title", 30, f"not named; {holds}")
    else:
        s.add("title", 0, f"best {s.similarity:.0%}")
        s.reject("title", f"wrong title ({s.similarity:.0%} similar)")


def author(s: Scoring) -> None:
    """The wanted author named; another author and not the wanted one rejects; no author at all
    passes only on the exact title with the series or volume agreeing."""
    if not s.wanted.authors:
        return
    evidence = author_evidence(s.release, s.wanted)
    if evidence.kind == "named":
        s.add("author", 20, evidence.who)
    elif evidence.kind == "surname":
        s.add("author", 12, f"surname of {evidence.who}")
    elif evidence.kind == "other":
        s.add("author", 0, evidence.who)
        s.reject("author", f"names another author ({evidence.who}), not {s.wanted.authors[0]}")
    elif s.similarity < EXACT:
        s.reject("author", "names no author, and the title is not an exact match")
    elif s.wanted.series and not series_agrees(s.release, s.wanted):
        s.reject("author", f"names no author, nor the series or volume ({s.wanted.series})")
    else:
        s.add("author", 10, "not named; exact title")


def packs(s: Scoring) -> None:
    hints = s.hints
    series_vols, series_packs = series_volumes(s.release, s.wanted)
    markers = series_packs + s.unwanted(hints.pack_markers)
    exact_elsewhere = s.similarity >= EXACT and not any(
        w in normalize_text(s.matched_text).split() for w in hints.weak_pack_markers
    )
    if exact_elsewhere:  # "Jack Reacher Series - Killing Floor" is one book
        markers = [m for m in markers if m not in hints.weak_pack_markers]
    if hints.volume_range and not markers:
        low, high = hints.volume_range
        if f" {_fmt(low)} {_fmt(high)} " not in f" {normalize_text(s.wanted.title)} ":
            markers.append(f"books {_fmt(low)}-{_fmt(high)}")
    if len(set(series_vols)) > 1:
        markers.append("books " + ", ".join(_fmt(v) for v in dict.fromkeys(series_vols)))
    if joined := joined_titles(s.release, s.wanted):
        markers.append(f"two books: {joined}")
    s.packs = markers
    if not markers:
        return
    if s.policy.allow_packs:  # below any single release of the same format
        s.add("pack", -15, markers[0])
    else:
        s.add("pack", 0, markers[0])
        s.reject("pack", f"pack ({markers[0]!r}) for a single missing volume")


def volume(s: Scoring) -> None:
    position = s.wanted.position
    if s.packs:
        return
    wanted_numbers = {float(t) for t in normalize_text(s.wanted.title).split() if t.isdigit()}
    series_vols, _ = series_volumes(s.release, s.wanted)
    named = [v for v in s.hints.volumes if v not in wanted_numbers or v == position]
    volumes = list(dict.fromkeys([*named, *series_vols]))
    if position is None or not volumes:
        # A release filed under another series name is not rejected for it: "The Alloy of Law"
        # is Mistborn #4 and Wax and Wayne #1 (one book, two numberings).
        return
    if position in volumes:
        s.add("volume", 5, f"book {_fmt(position)}")
        return
    shown = ", ".join(_fmt(v) for v in volumes)
    s.add("volume", 0, f"book {shown}")
    s.reject("volume", f"wrong volume: release is Book {shown}, we want Book {_fmt(position)}")


def language(s: Scoring) -> None:
    target = language_code(s.wanted.language) or language_code(s.policy.language)
    if not target:
        return
    structured = language_code(s.release.language) if s.release.language else None
    if structured:
        named: list[tuple[str, str]] = [(structured, s.release.language or "")]
    else:
        own = f" {normalize_text(s.wanted.title)} "
        named = [(c, w) for c, w in s.hints.language_markers if f" {normalize_text(w)} " not in own]
    foreign = [(c, w) for c, w in named if c != target]
    if foreign:
        code, word = foreign[0]
        s.add("language", 0, language_name(code))
        name = language_name(code)
        shown = len(word) > 3 and normalize_text(word) != normalize_text(name)
        said = f": {word!r}" if shown else ""
        s.reject("language", f"foreign edition ({name}{said})")
    elif (script := s.hints.foreign_script) and target not in _SCRIPT_LANGUAGES.get(script, ()):
        s.reject("language", f"foreign edition ({script} script)")
    elif named:
        s.add("language", 5, language_name(target))
    else:  # nothing foreign named: the wanted language is assumed, as an English tag would say
        s.add("language", 5, f"{language_name(target)}, not stated")


# --- quality ---------------------------------------------------------------------------------


def audio_format(s: Scoring) -> None:
    preference = [f.lower() for f in s.policy.format_preference]
    formats = s.hints.audio_formats
    s.format_rank = len(preference)
    if not formats:
        if not s.hints.ebook_only:
            s.add("format", 0, "not stated")
        return
    best_points, s.format = 0.0, formats[0]
    for fmt in formats:
        rank = preference.index(fmt) if fmt in preference else len(preference)
        points = max(15.0 - 5.0 * rank, 5.0) if fmt in AUDIO_FORMATS else 0.0
        if rank < s.format_rank or (s.format_rank == len(preference) and points > best_points):
            s.format_rank, s.format, best_points = rank, fmt, points
    s.add("format", best_points, s.format)


def _implied_kbps(s: Scoring) -> float | None:
    """The bitrate the size implies over the expected runtime."""
    size_bytes, minutes = s.release.size_bytes, s.wanted.expected_runtime_minutes
    if not size_bytes or not minutes:
        return None
    return size_bytes * 8 / (minutes * 60) / 1000


def bitrate(s: Scoring) -> None:
    """The stated bitrate, else the one the size implies over the runtime (a tie-break)."""
    kbps = s.hints.bitrate_kbps
    if kbps is not None and kbps < s.policy.min_bitrate_kbps:
        s.reject("bad_encode", f"bitrate {kbps} kbps, below {s.policy.min_bitrate_kbps} kbps")
        return
    implied = _implied_kbps(s)
    value, how = (kbps, "stated") if kbps is not None else (implied, "by size")
    if value is None or s.packs:
        return
    s.kbps = value
    if value >= 120:
        s.add("bitrate", 9, f"{value:.0f} kbps {how}")
    elif value >= 60:
        s.add("bitrate", 3, f"{value:.0f} kbps {how}")


def narrator(s: Scoring) -> None:
    preferred = [*s.policy.preferred_narrators, *s.wanted.narrators]
    if not preferred:
        return
    narrators = [*s.release.narrators, *s.hints.narrators]
    if narrators and author_match(preferred, narrators):
        keys = author_keys(preferred)
        s.add("narrator", 10, next((n for n in narrators if author_keys([n]) & keys), narrators[0]))
        return
    text = f" {normalize_text(s.release.title)} "
    named = [p for p in preferred if f" {normalize_text(p)} " in text]
    if named:
        s.add("narrator", 10, named[0])


def size(s: Scoring) -> None:
    """Too small for any audiobook, or implausible for the expected runtime at any sane
    bitrate (samples, summaries, abridgements and dramatisations are much shorter)."""
    size_bytes, policy = s.release.size_bytes, s.policy
    if size_bytes is None:
        return
    minutes = s.wanted.expected_runtime_minutes
    if size_bytes < policy.min_size_bytes:
        s.reject("size", f"too small for an audiobook ({size_bytes / MB:.1f} MB)")
    elif minutes:
        kbps = size_bytes * 8 / (minutes * 60) / 1000
        shown = f"{size_bytes / MB:,.0f} MB for {minutes:,.0f} min is {kbps:,.0f} kbps"
        if kbps < policy.min_plausible_kbps:
            s.reject(
                "runtime", f"too small for the runtime: {shown} (< {policy.min_plausible_kbps:g})"
            )
        elif kbps > policy.max_plausible_kbps and not s.packs:
            s.reject(
                "runtime", f"too large for the runtime: {shown} (> {policy.max_plausible_kbps:g})"
            )
    elif size_bytes > policy.max_single_book_bytes and not s.packs:
        s.add("size", -10, f"{size_bytes / GB:.1f} GB for one book")


def swarm(s: Scoring) -> None:
    seeders, policy = s.release.seeders, s.policy
    if seeders is None:
        s.add("seeders", -5, "unknown")
    elif seeders <= 0:
        s.reject("seeders", "dead torrent: 0 seeders")
    elif seeders < policy.min_seeders:
        s.reject("seeders", f"{seeders} seeders (minimum {policy.min_seeders})")
    else:
        s.add("seeders", round(min(12.0, 2.0 * math.log2(1 + seeders)), 1), str(seeders))
    if s.release.freeleech:
        s.add("freeleech", 5)
    if s.release.vip:
        s.add("VIP", 3)
    lowered = {k.lower(): v for k, v in policy.indexer_priority.items()}
    for name in (s.release.indexer, s.release.source):
        if name and name.lower() in lowered:
            s.add("indexer", float(lowered[name.lower()]), name)
            break


RULES: tuple[Callable[[Scoring], None], ...] = (
    availability,
    production_kind,
    partial,
    ebook,
    abridgement,
    title,
    author,
    packs,
    volume,
    language,
    audio_format,
    bitrate,
    narrator,
    size,
    swarm,
)
