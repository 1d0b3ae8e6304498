"""Answers found for many books at once, before the per-book lookups (filled in by issue 22)."""

from __future__ import annotations

from dataclasses import dataclass

from library_pipeline.domain.work_matching import Match


@dataclass(frozen=True)
class Known:
    """A provider's answer for one book, found by a request that served many books.

    `match` None: the provider's complete listing does not have the book (nothing to ask).
    `via`: the request it came from, for provenance.
    """

    match: Match | None
    via: str
