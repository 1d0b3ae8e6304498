"""Prowlarr's own API (v1): search every configured indexer at once.

`GET /api/v1/search?query=...&type=book&categories=3030` with the key in `X-Api-Key`. A book
search carries the author and title as `{author:…}{title:…}` in `query` (Prowlarr's
`NewznabRequest` BookRegex); when it finds nothing (indexers without book search are not asked),
a general search for "title author" follows.
Wire format (`library_pipeline_tests/contracts/prowlarr/`): a JSON array of `ReleaseResource`,
camelCase, null properties omitted; a wrong key is a 401 with an empty body; failed indexers
are swallowed (an empty array). Usenet results are dropped: only torrents can be grabbed here.
Prowlarr omits null properties, so any field can be absent on one release: each release is
validated on its own, and one missing a needed field is skipped and recorded (`warnings`, in
`status()`), never the whole page.
Download links are Prowlarr proxy links carrying the API key in their query: the release keeps
them for the grab; anything shown or stored goes through `redact_link`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from library_pipeline.clients.http import (
    HttpClient,
    MalformedResponse,
    ProviderLimits,
    ServiceClient,
    describe_validation_error,
    redact,
)
from library_pipeline.clients.release_fetch import fetch_release
from library_pipeline.domain.normalize import clean_title
from library_pipeline.domain.releases import (
    AUDIOBOOK_CATEGORY,
    Release,
    TorrentPayload,
    is_magnet,
)

PROVIDER = "prowlarr"
# Prowlarr fans a search out to every indexer: slow answers are normal, so a long timeout and
# few retries.
DEFAULT_LIMITS = ProviderLimits(
    requests_per_period=1, period_seconds=1, max_attempts=2, timeout_seconds=90
)


class ProwlarrCategory(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: int
    name: str | None = None


class ProwlarrRelease(BaseModel):
    """One `ReleaseResource` (only the fields used; null ones are omitted on the wire)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    guid: str
    title: str
    indexer_id: int = Field(alias="indexerId")
    protocol: str
    indexer: str | None = None
    size: int | None = None
    files: int | None = None
    grabs: int | None = None
    seeders: int | None = None
    leechers: int | None = None
    download_url: str | None = Field(default=None, alias="downloadUrl")
    magnet_url: str | None = Field(default=None, alias="magnetUrl")
    info_hash: str | None = Field(default=None, alias="infoHash")
    info_url: str | None = Field(default=None, alias="infoUrl")
    publish_date: datetime | None = Field(default=None, alias="publishDate")
    indexer_flags: list[str] = Field(default_factory=list, alias="indexerFlags")
    categories: list[ProwlarrCategory] = Field(default_factory=list)


def parse_releases(data: Any) -> tuple[list[ProwlarrRelease], list[str]]:
    """A search answer's releases, and a warning naming the field for each one skipped."""
    if not isinstance(data, list):
        raise MalformedResponse(
            PROVIDER, f"field <body>: expected a list of releases, got {type(data).__name__}"
        )
    releases: list[ProwlarrRelease] = []
    warnings: list[str] = []
    for index, item in enumerate(data):
        try:
            releases.append(ProwlarrRelease.model_validate(item))
        except ValidationError as error:
            title = item.get("title") if isinstance(item, dict) else None
            label = f"release {index}" + (f" {str(title)[:80]!r}" if title else "")
            warnings.append(f"{label} skipped: {describe_validation_error(error)}")
    return releases, warnings


_VIP_RE = re.compile(r"\[\s*vip\s*\]", re.IGNORECASE)


def to_release(item: ProwlarrRelease) -> Release:
    """A `ProwlarrRelease` as the shared `Release`."""
    magnet = next(
        (u for u in (item.magnet_url, item.guid, item.download_url) if u and is_magnet(u)), None
    )
    # magnetUrl is usually a Prowlarr proxy link that redirects to the magnet: still a link.
    link = next((u for u in (item.download_url, item.magnet_url) if u and not is_magnet(u)), None)
    flags = {f.lower() for f in item.indexer_flags}
    published = item.publish_date.replace(tzinfo=None) if item.publish_date else None
    return Release(
        title=item.title,
        source=PROVIDER,
        indexer=item.indexer,
        indexer_id=str(item.indexer_id),
        guid=item.guid,
        link=link,
        magnet=magnet,
        infohash=item.info_hash.lower() if item.info_hash else None,
        size_bytes=item.size,
        seeders=item.seeders,
        leechers=item.leechers,
        grabs=item.grabs,
        files=item.files,
        categories=tuple(c.id for c in item.categories),
        published=published,
        freeleech="freeleech" in flags,
        vip=bool(_VIP_RE.search(item.title)),
        info_url=item.info_url,
    )


def book_query(title: str, author: str | None) -> str:
    """`{author:…}{title:…}` — braces would end a value early, so they are dropped."""

    def value(text: str) -> str:
        return " ".join(text.replace("{", " ").replace("}", " ").split())

    query = f"{{title:{value(title)}}}"
    if author:
        query = f"{{author:{value(author)}}}" + query
    return query


class ProwlarrClient(ServiceClient):
    """Search Prowlarr; use as an async context manager (or call `aclose`)."""

    name = PROVIDER

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        categories: Sequence[int] = (AUDIOBOOK_CATEGORY,),
        indexer_ids: Sequence[int] = (),
        limit: int = 100,
        limits: ProviderLimits | None = None,
        cache_dir: Path | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.categories = list(categories)
        self.indexer_ids = list(indexer_ids)
        self.limit = limit
        self.warnings: list[str] = []
        self.http = HttpClient(
            PROVIDER,
            base_url,
            limits=limits or DEFAULT_LIMITS,
            cache_dir=cache_dir,
            headers={"X-Api-Key": api_key},
            secrets=[api_key],
            transport=transport,
        )

    async def raw_search(self, query: str, search_type: str = "search") -> list[ProwlarrRelease]:
        params: dict[str, Any] = {
            "query": query,
            "type": search_type,
            "limit": self.limit,
            "offset": 0,
        }
        if self.categories:
            params["categories"] = self.categories
        if self.indexer_ids:
            params["indexerIds"] = self.indexer_ids
        data = await self.http.get_json("/api/v1/search", params, use_cache=False)
        releases, warnings = parse_releases(data)
        self.warnings.extend(redact(w, self.http.secrets) for w in warnings)
        return releases

    def status(self) -> dict[str, Any]:
        return {**self.http.status(), "warnings": self.warnings[-5:]}

    async def search(self, title: str, author: str | None = None) -> list[Release]:
        """Torrent releases for a book: a book search, then a general one if that found none."""
        items = [r for r in await self.raw_search(book_query(title, author), "book")]
        torrents = [r for r in items if r.protocol == "torrent"]
        if not torrents:
            words = " ".join(x for x in (clean_title(title), author or "") if x)
            items = await self.raw_search(words, "search")
            torrents = [r for r in items if r.protocol == "torrent"]
        return [to_release(r) for r in torrents]

    async def fetch(self, release: Release) -> TorrentPayload:
        """The .torrent or magnet of a release found here."""
        return await fetch_release(self.http, release)
