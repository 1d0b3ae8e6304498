"""What the downloads service needs from its collaborators, and MAM as a release source."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from library_pipeline.clients.qbittorrent import AddResult, QbtTorrent
from library_pipeline.clients.release_fetch import fetch_release
from library_pipeline.domain.import_matching import (
    MISSING_TAG_PREFIX,
    missing_book_id_from_tags,
    missing_tag,
)
from library_pipeline.domain.mam_results import MamTorrent
from library_pipeline.domain.releases import Release, TorrentPayload

# The tag that ties a torrent to its wanted book (`lp-missing-<id>`) is one rule, shared
# with imports (domain/import_matching.py): these are its names in the downloads service.
BOOK_TAG_PREFIX = MISSING_TAG_PREFIX
book_tag = missing_tag
book_id_from_tags = missing_book_id_from_tags

MAM_NAMES = ("mam", "myanonamouse")


def is_mam_release(release: Release) -> bool:
    names = {release.source.lower(), (release.indexer or "").lower().replace(" ", "")}
    return bool(names & set(MAM_NAMES))


@runtime_checkable
class ReleaseSource(Protocol):
    """A place to search releases (Prowlarr, Torznab, MAM) and fetch what it found."""

    name: str

    async def search(self, title: str, author: str | None = None) -> list[Release]: ...

    async def fetch(self, release: Release) -> TorrentPayload: ...

    def status(self) -> dict[str, Any]: ...


@runtime_checkable
class UnsatisfiedLimit(Protocol):
    """MAM's unsatisfied-torrent count and limit (from its user-data endpoint)."""

    async def unsatisfied(self) -> tuple[int, int | None]: ...


class TorrentClient(Protocol):
    """What is used of `clients.qbittorrent.QBittorrentClient` (sync; run in a thread)."""

    def login(self) -> str: ...

    def add_torrent(
        self,
        payload: TorrentPayload,
        *,
        category: str | None = None,
        tags: Sequence[str] = (),
        save_path: str | None = None,
    ) -> AddResult: ...

    def torrents(
        self,
        *,
        category: str | None = None,
        tag: str | None = None,
        hashes: Sequence[str] | None = None,
    ) -> list[QbtTorrent]: ...

    def status(self) -> dict[str, Any]: ...


class MamSearchApi(Protocol):
    """The part of `clients.mam.MamClient` used here."""

    http: Any

    async def search_text(self, text: str, *, languages: Sequence[int] = ()) -> Any: ...

    async def user_data(self) -> Any: ...

    def status(self) -> dict[str, Any]: ...


class MamReleaseSource:
    """MAM's own search as a `ReleaseSource` + `UnsatisfiedLimit` (adapts `MamClient`).

    Grabs use the per-user download link MAM returns with `dlLink` (`/tor/download.php/<dl>`),
    which needs no cookie; a row without a usable `dl` has no link and is never grabbed. The
    `dl` value is registered as a secret of the client so it never shows in errors.
    """

    name = "mam"

    def __init__(self, client: MamSearchApi, *, languages: Sequence[int] = ()) -> None:
        self.client = client
        self.languages = tuple(languages)

    async def search(self, title: str, author: str | None = None) -> list[Release]:
        text = " ".join(x for x in (title, author or "") if x)
        result = await self.client.search_text(text, languages=self.languages)
        if not result.torrents and author:
            result = await self.client.search_text(title, languages=self.languages)
        return [self.to_release(t) for t in result.torrents]

    def to_release(self, torrent: MamTorrent) -> Release:
        if torrent.dl_hash and torrent.dl_hash not in self.client.http.secrets:
            self.client.http.secrets.append(torrent.dl_hash)
        file_types = tuple((torrent.filetype or "").lower().replace(",", " ").split())
        return Release(
            title=torrent.title,
            source="mam",
            indexer="MyAnonamouse",
            indexer_id=None,
            guid=torrent.info_url,
            link=torrent.download_url if torrent.dl_hash else None,
            size_bytes=torrent.size_bytes,
            seeders=torrent.seeders,
            leechers=torrent.leechers,
            grabs=torrent.snatched,
            files=torrent.num_files,
            published=torrent.added,
            freeleech=bool(torrent.freeleech),
            vip=bool(torrent.vip or torrent.fl_vip),
            info_url=torrent.info_url,
            authors=tuple(torrent.authors),
            narrators=tuple(torrent.narrators),
            book_title=torrent.title,
            series=tuple((s.name, s.position) for s in torrent.series),
            language=torrent.language_code,
            file_types=file_types,
            description=torrent.description,
            tags=torrent.tags,
            source_id=str(torrent.id),
        )

    async def fetch(self, release: Release) -> TorrentPayload:
        return await fetch_release(self.client.http, release)

    async def unsatisfied(self) -> tuple[int, int | None]:
        unsat = (await self.client.user_data()).unsat
        return int(unsat.count), (int(unsat.limit) if unsat.limit is not None else None)

    def status(self) -> dict[str, Any]:
        return dict(self.client.status())
