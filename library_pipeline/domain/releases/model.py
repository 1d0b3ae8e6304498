"""One search hit from any source (Prowlarr, a Torznab feed, MAM), normalised (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from library_pipeline.domain.releases.hints import ReleaseHints, parse_release_text


@dataclass(frozen=True)
class Release:
    """One search hit. `source` is where it was found; `indexer` the tracker behind it."""

    title: str
    source: str  # prowlarr | torznab | mam
    indexer: str | None = None
    indexer_id: str | None = None
    guid: str | None = None
    link: str | None = None  # an http(s) URL that answers the .torrent (or a magnet redirect)
    magnet: str | None = None
    infohash: str | None = None  # as advertised; the grab recomputes it from the real payload
    size_bytes: int | None = None
    seeders: int | None = None
    leechers: int | None = None
    grabs: int | None = None
    files: int | None = None
    categories: tuple[int, ...] = ()
    published: datetime | None = None
    freeleech: bool = False
    vip: bool = False
    info_url: str | None = None
    # Structured hints some indexers give (MAM, Torznab book attributes); empty when unknown.
    authors: tuple[str, ...] = ()
    narrators: tuple[str, ...] = ()
    book_title: str | None = None
    series: tuple[tuple[str, str | None], ...] = ()  # (series name, position text)
    language: str | None = None  # ISO 639-1 when the indexer says
    file_types: tuple[str, ...] = ()  # e.g. ("m4a", "mp3") from MAM's filetype
    description: str | None = None
    tags: str | None = None  # free text labels (MAM's "Unabridged | 64 kbps | m4b")
    source_id: str | None = None  # the source's own id (MAM torrent id)

    @property
    def download_ref(self) -> str | None:
        """What a grab uses first: the .torrent link (full metadata at once), else the magnet."""
        return self.link or self.magnet

    @property
    def has_link(self) -> bool:
        return bool(self.magnet or self.link)

    @property
    def key(self) -> str:
        """Identity for de-duplication across sources: infohash, else source + guid/link."""
        if self.infohash:
            return f"btih:{self.infohash.lower()}"
        return f"{self.source}:{self.guid or self.link or self.title}"

    @cached_property
    def hints(self) -> ReleaseHints:
        return parse_release_text(
            self.title, description=self.description, tags=self.tags, file_types=self.file_types
        )
