"""A release's identity across searches: the one the user approved, the ones they blocklisted.

Links cannot be stored (they carry API keys and MAM's per-user download key), so an approved
release is found again by a new search and recognised by its identity: the infohash when both
sides know it, else the indexer's guid, else the exact name at the same indexer.
"""

from __future__ import annotations

from typing import Any

from library_pipeline.domain.releases import Release
from library_pipeline.storage.decisions import BlockedRelease
from library_pipeline.storage.models import Download


def _same_indexer(release: Release, indexer: str | None) -> bool:
    mine = (release.indexer or release.source or "").casefold()
    return not indexer or not mine or mine == indexer.casefold()


def same_release(
    release: Release,
    *,
    infohash: str | None,
    guid: str | None,
    indexer: str | None,
    title: str | None,
) -> bool:
    """Whether `release` is the release these identity fields describe."""
    if infohash and release.infohash:
        return release.infohash.lower() == infohash.lower()
    if guid and release.guid:
        return release.guid == guid and _same_indexer(release, indexer)
    return bool(title) and release.title == title and _same_indexer(release, indexer)


def find_bound(releases: list[Release], row: Download) -> Release | None:
    """The release of an approved `downloads` row among a new search's results (None: gone)."""
    return next(
        (
            r
            for r in releases
            if same_release(
                r,
                infohash=row.infohash,
                guid=row.guid,
                indexer=row.indexer or row.source,
                title=row.release_title,
            )
        ),
        None,
    )


def drop_blocked(
    releases: list[Release], blocked: list[BlockedRelease]
) -> tuple[list[Release], list[dict[str, Any]]]:
    """The releases not blocklisted for the book, and the blocklisted ones as rejected rows
    (release, indexer, score, reasons) for the run's metadata and the review."""
    if not blocked:
        return releases, []
    kept: list[Release] = []
    dropped: list[dict[str, Any]] = []
    for release in releases:
        hit = next(
            (
                b
                for b in blocked
                if same_release(
                    release, infohash=b.infohash, guid=b.guid, indexer=b.indexer, title=b.title
                )
            ),
            None,
        )
        if hit is None:
            kept.append(release)
        else:
            dropped.append(
                {
                    "release": release.title,
                    "indexer": release.indexer or release.source,
                    "score": None,
                    "reasons": [hit.reason],
                }
            )
    return kept, dropped
