"""Which release to grab for a missing book, with reasons a user can read (pure).

Order of precedence:
1. Hard rules reject what the user did not ask for, each naming its rule and reason (wrong
   title, another author, pack, wrong volume, another series, foreign edition, dramatisation,
   summary, sample, ebook, abridged, bad encode, implausible size for the runtime, dead torrent,
   blocked source, no link), then a score under `policy.min_score`.
2. Among the acceptable releases the user's format order wins: the most preferred format that
   has a healthy release (at least `policy.healthy_seeders` seeders); when none is healthy,
   the most preferred format present.
3. Within a format, in this order: how surely it is the book (the title, author, volume,
   language and pack points), then the bitrate (in half-octave steps, so 64 and 66 kbps tie
   and 96 beats 64), then "unabridged", then the other points (preferred narrator, seeders,
   freeleech/VIP, indexer priority).

When a less-preferred format wins, the chosen release's `note` says why ("m4b release has 1
seeder (health floor 3)").
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from library_pipeline.domain.releases.model import Release
from library_pipeline.domain.releases.policy import (
    GB,
    MB,
    ReleaseScore,
    ScorePart,
    ScoringPolicy,
    WantedBook,
)
from library_pipeline.domain.releases.rules import RULES, Scoring

__all__ = [
    "GB",
    "MB",
    "Choice",
    "ReleaseScore",
    "ScorePart",
    "ScoringPolicy",
    "WantedBook",
    "choose_release",
    "score_release",
]


def score_release(release: Release, wanted: WantedBook, policy: ScoringPolicy) -> ReleaseScore:
    """Run every rule; a release with any rejection, or under the minimum score, is not grabbed."""
    scoring = Scoring(release, wanted, policy)
    for rule in RULES:
        rule(scoring)
    total = round(sum(p.points for p in scoring.parts), 1)
    if not scoring.rejections and total < policy.min_score:
        scoring.reject("min_score", f"score {total:g} below minimum {policy.min_score:g}")
    return ReleaseScore(
        release=release,
        total=total,
        parts=scoring.parts,
        rejections=scoring.rejections,
        min_score=policy.min_score,
        rejected_by=scoring.rejected_by,
        format=scoring.format,
        format_rank=scoring.format_rank,
        bitrate_kbps=scoring.kbps,
    )


@dataclass
class Choice:
    best: ReleaseScore | None
    scored: list[ReleaseScore]  # the accepted ones in the order they are tried, then the rest

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


def _healthy(score: ReleaseScore, policy: ScoringPolicy) -> bool:
    seeders = score.release.seeders
    return seeders is not None and seeders >= policy.healthy_seeders


# The score parts that say how surely a release is the wanted book (an adapted text is less
# so), and its abridgement.
_IDENTITY_PARTS = frozenset({"title", "author", "volume", "language", "pack", "dramatised"})
_ABRIDGEMENT_PARTS = frozenset({"unabridged", "abridged"})
# The author confirmed by surname ("Nick Eames" for Nicholas Eames) is as sure as by full name.
_AUTHOR_CONFIRMED = 12.0
# The bitrates encoders offer; a bitrate implied by size snaps to the nearest (log scale), so
# an estimate a few kbps off does not outrank a stated rate.
_BITRATE_LADDER = (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)


def _bitrate_step(kbps: float | None) -> int:
    """The place of the nearest standard bitrate on the ladder; -1 when unknown."""
    if kbps is None or kbps <= 0:
        return -1
    distances = [abs(math.log(kbps / rate)) for rate in _BITRATE_LADDER]
    return distances.index(min(distances))


def _identity_points(score: ReleaseScore) -> float:
    return sum(
        min(p.points, _AUTHOR_CONFIRMED) if p.label == "author" else p.points
        for p in score.parts
        if p.label in _IDENTITY_PARTS
    )


def _within_format_order(score: ReleaseScore) -> tuple[float, int, float, float]:
    """Identity, then bitrate, then unabridged, then the other points (larger is better)."""
    identity = _identity_points(score)
    abridgement = sum(p.points for p in score.parts if p.label in _ABRIDGEMENT_PARTS)
    bitrate = sum(p.points for p in score.parts if p.label == "bitrate")
    identity_parts = sum(p.points for p in score.parts if p.label in _IDENTITY_PARTS)
    rest = score.total - identity_parts - abridgement - bitrate
    return (identity, _bitrate_step(score.bitrate_kbps), abridgement, rest)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _why_not_preferred(
    best: ReleaseScore, scored: list[ReleaseScore], policy: ScoringPolicy
) -> str | None:
    """Why each format the user ranks above the chosen one lost, or None when none does."""
    preference = [f.lower() for f in policy.format_preference]
    reasons: list[str] = []
    for fmt in preference[: best.format_rank]:
        same = [s for s in scored if s.format == fmt]
        accepted = [s for s in same if s.accepted]
        if accepted:
            most = max(s.release.seeders or 0 for s in accepted)
            reasons.append(
                f"{fmt} release has {_plural(most, 'seeder')} "
                f"(health floor {policy.healthy_seeders})"
            )
        elif same:
            reasons.append(f"every {fmt} release was rejected ({same[0].rejections[0]})")
        else:
            reasons.append(f"no {fmt} release found")
    if not reasons:
        return None
    return f"{best.format or 'format not stated'} chosen: " + "; ".join(reasons)


def choose_release(
    releases: Iterable[Release], wanted: WantedBook, policy: ScoringPolicy
) -> Choice:
    """Score every release (de-duplicated by infohash/guid) and order the acceptable ones:
    healthy before weak swarms, then the user's format order, then identity, bitrate,
    unabridged and the other points, then seeders."""
    unique: dict[str, Release] = {}
    for release in releases:
        unique.setdefault(release.key, release)
    scored = [score_release(r, wanted, policy) for r in unique.values()]
    accepted = sorted(
        (s for s in scored if s.accepted),
        key=lambda s: (
            not _healthy(s, policy),
            s.format_rank,
            tuple(-v for v in _within_format_order(s)),
            -(s.release.seeders or 0),
        ),
    )
    rejected = sorted((s for s in scored if not s.accepted), key=lambda s: -s.total)
    best = accepted[0] if accepted else None
    if best is not None:
        best.note = _why_not_preferred(best, scored, policy)
    return Choice(best, accepted + rejected)
