"""Torrent releases: what the indexers return, what their names say, and which one to grab.

- `model.Release`: one search hit from any source, normalised.
- `hints.parse_release_text`: what a release name says (format, bitrate, kind, language,
  volumes, packs, narrator) as `ReleaseHints`.
- `torrents`: bencode, infohashes, magnets, `TorrentPayload`, `redact_link`.
- `scoring` (imported on its own): `score_release` and `choose_release`, the user's policy.
"""

from library_pipeline.domain.releases.hints import (
    ReleaseHints,
    parse_release_text,
    position_values,
)
from library_pipeline.domain.releases.model import Release
from library_pipeline.domain.releases.torrents import (
    BencodeError,
    TorrentMeta,
    TorrentPayload,
    bdecode,
    infohash_from_magnet,
    infohash_from_torrent,
    is_magnet,
    parse_torrent,
    redact_link,
)
from library_pipeline.domain.releases.vocabulary import (
    AUDIO_FORMATS,
    AUDIOBOOK_CATEGORY,
    EBOOK_CATEGORIES,
    EBOOK_FORMATS,
)

__all__ = [
    "AUDIOBOOK_CATEGORY",
    "AUDIO_FORMATS",
    "EBOOK_CATEGORIES",
    "EBOOK_FORMATS",
    "BencodeError",
    "Release",
    "ReleaseHints",
    "TorrentMeta",
    "TorrentPayload",
    "bdecode",
    "infohash_from_magnet",
    "infohash_from_torrent",
    "is_magnet",
    "parse_release_text",
    "parse_torrent",
    "position_values",
    "redact_link",
]
