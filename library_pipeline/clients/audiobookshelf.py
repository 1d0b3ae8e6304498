"""Typed client of an Audiobookshelf server's REST API (v2.x), on the shared `HttpClient`.

The contract is `library_pipeline_tests/contracts/audiobookshelf/` (recorded from a real v2.36.0
server):

- `GET /api/libraries` → `{"libraries": [...]}` (servers before 2.3.0: a bare array);
- `GET /api/libraries/{id}/items?limit=&page=` → a page `{"results", "total", "limit", "page",
  "offset", ...}` whose items are always the *minified* shape (`authorName`, `narratorName`,
  `seriesName` strings; no `authors[]`/`series[]`/`audioFiles`); `seriesName` joins every
  series as `Name #seq` with ", ", ambiguous for a name holding ", " ("Murder, She Wrote #3"):
  such an item is fetched again on its own for its `series[]` objects;
- `GET /api/items/{id}?expanded=1` → one item with `authors[]`, `narrators[]`, `series[]`,
  `audioFiles` (and the helper strings); without `expanded`, the lists but no helper strings;
- `POST /api/libraries/{id}/scan` → plain text `OK` at once (the scan runs asynchronously);
- `PATCH /api/items/{id}/media {"metadata": {...}}` → `{"updated": bool, "libraryItem": {...}}`;
- errors are plain text: `401 Unauthorized`, `403` (not an admin), `404 Not Found`,
  `404 Library not found`.

Authentication is an API key sent as `Authorization: Bearer <key>`. Nothing is cached: the
library is the live state of the server.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ConfigDict, Field

from library_pipeline.clients.http import (
    HttpClient,
    MalformedResponse,
    NotFound,
    ProviderLimits,
    ServiceClient,
    parse_model,
)
from library_pipeline.domain.folder_names import normalize_sequence, split_names
from library_pipeline.domain.tags import (
    normalize_asin,
    normalize_date,
    normalize_isbn,
    normalize_language,
    parse_series_string,
)

PROVIDER = "audiobookshelf"
DEFAULT_PAGE_SIZE = 100
# A server on the user's own network: polite but quick.
LIMITS = ProviderLimits(
    requests_per_period=50, period_seconds=1.0, max_attempts=3, timeout_seconds=30.0
)


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class AbsFolder(_Model):
    id: str
    full_path: str = Field(alias="fullPath")


class AbsLibrary(_Model):
    id: str
    name: str
    media_type: str = Field(alias="mediaType")
    folders: list[AbsFolder] = Field(default_factory=list)


class AbsAuthor(_Model):
    id: str | None = None
    name: str


class AbsSeries(_Model):
    id: str | None = None
    name: str
    sequence: str | None = None


class AbsBookMetadata(_Model):
    title: str | None = None
    subtitle: str | None = None
    # Expanded / single-item shape.
    authors: list[AbsAuthor] | None = None
    narrators: list[str] | None = None
    series: list[AbsSeries] | None = None
    # Minified (list) shape helpers.
    author_name: str | None = Field(default=None, alias="authorName")
    narrator_name: str | None = Field(default=None, alias="narratorName")
    series_name: str | None = Field(default=None, alias="seriesName")
    genres: list[str] = Field(default_factory=list)
    published_year: str | None = Field(default=None, alias="publishedYear")
    published_date: str | None = Field(default=None, alias="publishedDate")
    publisher: str | None = None
    description: str | None = None
    isbn: str | None = None
    asin: str | None = None
    language: str | None = None
    explicit: bool = False
    abridged: bool = False

    def author_names(self) -> list[str]:
        if self.authors is not None:
            return [a.name for a in self.authors if a.name]
        return split_names(self.author_name)

    def narrator_names(self) -> list[str]:
        if self.narrators is not None:
            return [n for n in self.narrators if n]
        return split_names(self.narrator_name)

    def series_entries(self) -> list[tuple[str, str | None]]:
        """(name, sequence) pairs; the minified `seriesName` is "Name #2, Other #1"."""
        if self.series is not None:
            return [(s.name, normalize_sequence(s.sequence)) for s in self.series if s.name]
        if not self.series_name:
            return []
        return [parse_series_string(part) for part in self.series_name.split(", ") if part.strip()]


class AbsFileMetadata(_Model):
    filename: str
    ext: str | None = None
    path: str
    rel_path: str | None = Field(default=None, alias="relPath")
    size: int | None = None
    mtime_ms: int | None = Field(default=None, alias="mtimeMs")


class AbsAudioFile(_Model):
    index: int | None = None
    ino: str | None = None
    metadata: AbsFileMetadata
    duration: float | None = None
    bit_rate: int | None = Field(default=None, alias="bitRate")
    codec: str | None = None
    format: str | None = None
    error: str | None = None
    meta_tags: dict[str, Any] = Field(default_factory=dict, alias="metaTags")


class AbsBookMedia(_Model):
    id: str | None = None
    metadata: AbsBookMetadata
    cover_path: str | None = Field(default=None, alias="coverPath")
    tags: list[str] = Field(default_factory=list)
    duration: float | None = None
    size: int | None = None
    num_audio_files: int | None = Field(default=None, alias="numAudioFiles")
    audio_files: list[AbsAudioFile] | None = Field(default=None, alias="audioFiles")


class AbsLibraryItem(_Model):
    id: str
    library_id: str = Field(alias="libraryId")
    folder_id: str | None = Field(default=None, alias="folderId")
    path: str
    rel_path: str = Field(alias="relPath")
    is_file: bool = Field(default=False, alias="isFile")
    is_missing: bool = Field(default=False, alias="isMissing")
    is_invalid: bool = Field(default=False, alias="isInvalid")
    media_type: str = Field(alias="mediaType")
    media: AbsBookMedia
    num_files: int | None = Field(default=None, alias="numFiles")
    size: int | None = None

    def book_fields(self) -> dict[str, Any]:
        """This item as book columns (the scan's field names), normalised like tags are."""
        meta = self.media.metadata
        series = meta.series_entries()
        name, sequence = series[0] if series else (None, None)
        duration = self.media.duration
        if duration is None and self.media.audio_files:
            duration = sum(f.duration or 0.0 for f in self.media.audio_files) or None
        codec = None
        if self.media.audio_files:
            codec = next((f.codec[:32] for f in self.media.audio_files if f.codec), None)
        return {
            "title": (meta.title or "").strip() or None,
            "subtitle": (meta.subtitle or "").strip() or None,
            "authors": meta.author_names(),
            "narrators": meta.narrator_names(),
            "series": name,
            "series_position": sequence,
            "asin": normalize_asin(meta.asin),
            "isbn": normalize_isbn(meta.isbn),
            "published_date": normalize_date(meta.published_date or meta.published_year),
            "language": normalize_language(meta.language),
            "publisher": (meta.publisher or "").strip() or None,
            "description": (meta.description or "").strip() or None,
            "genres": [g for g in meta.genres if g],
            "duration_seconds": duration,
            "codec": codec,
        }


class AbsItemsPage(_Model):
    results: list[AbsLibraryItem]
    total: int
    limit: int
    page: int
    offset: int | None = None


class AbsLibrariesResponse(_Model):
    libraries: list[AbsLibrary]


class AbsPatchResult(_Model):
    updated: bool
    library_item: AbsLibraryItem = Field(alias="libraryItem")


def _segment(value: str) -> str:
    return quote(value, safe="")


class AudiobookshelfClient(ServiceClient):
    """Audiobookshelf's library API. Use as an async context manager (or call `aclose`)."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        limits: ProviderLimits | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not base_url:
            raise ValueError("Audiobookshelf URL is empty")
        self.base_url = base_url.rstrip("/")
        self.http = HttpClient(
            PROVIDER,
            self.base_url,
            limits=limits or LIMITS,
            cache_dir=None,
            headers={"Authorization": f"Bearer {api_key}"},
            secrets=[api_key],
            transport=transport,
        )

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return await self.http.get_json(path, params, use_cache=False)

    async def list_libraries(self) -> list[AbsLibrary]:
        data = await self._get("/api/libraries")
        if isinstance(data, list):  # servers before 2.3.0 answer a bare array
            data = {"libraries": data}
        return parse_model(PROVIDER, AbsLibrariesResponse, data).libraries

    async def library_items_page(
        self,
        library_id: str,
        page: int = 0,
        limit: int = DEFAULT_PAGE_SIZE,
        *,
        minified: bool = False,
        sort: str | None = None,
    ) -> AbsItemsPage:
        """One page of a library's items (`page` counts from 0; always the minified shape)."""
        params: dict[str, Any] = {"limit": limit, "page": page}
        if minified:
            params["minified"] = 1
        if sort:
            params["sort"] = sort
        data = await self._get(f"/api/libraries/{_segment(library_id)}/items", params)
        return parse_model(PROVIDER, AbsItemsPage, data)

    async def iter_library_items(
        self, library_id: str, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[AbsLibraryItem]:
        """Every item of a library, page by page, until `total` items were seen."""
        page, seen = 0, 0
        while True:
            result = await self.library_items_page(library_id, page, page_size)
            for item in result.results:
                yield item
            seen += len(result.results)
            if not result.results or seen >= result.total:
                return
            page += 1

    async def library_items(
        self, library_id: str, page_size: int = DEFAULT_PAGE_SIZE
    ) -> list[AbsLibraryItem]:
        """Every item of a library, each with unambiguous series (see `with_series_objects`)."""
        items = [item async for item in self.iter_library_items(library_id, page_size)]
        return [await self.with_series_objects(item) for item in items]

    async def with_series_objects(self, item: AbsLibraryItem) -> AbsLibraryItem:
        """`item` with its `series[]` objects when its joined `seriesName` holds ", " (two
        series, or one whose name holds a comma: the string cannot tell): the item is fetched
        on its own. An item that vanished meanwhile keeps what the list said."""
        metadata = item.media.metadata
        if metadata.series is not None or ", " not in (metadata.series_name or ""):
            return item
        try:
            full = await self.get_item(item.id, expanded=False)
        except NotFound:
            return item
        metadata.series = full.media.metadata.series or []
        return item

    async def get_item(self, item_id: str, expanded: bool = True) -> AbsLibraryItem:
        params = {"expanded": 1} if expanded else None
        data = await self._get(f"/api/items/{_segment(item_id)}", params)
        return parse_model(PROVIDER, AbsLibraryItem, data)

    async def scan_library(self, library_id: str) -> str:
        """Ask the server to scan a library (e.g. after an import). Returns its answer, "OK".

        The server answers at once and scans in the background; a non-admin key gets an
        `AuthError` (403), an unknown library a `NotFound`.
        """
        response = await self.http.request(
            "POST", f"/api/libraries/{_segment(library_id)}/scan", use_cache=False
        )
        text = response.text.strip()
        if text != "OK":
            raise MalformedResponse(
                PROVIDER, f"scan answered {text[:40]!r} instead of 'OK' ({response.status_code})"
            )
        return text

    async def patch_item_media(self, item_id: str, metadata: Mapping[str, Any]) -> AbsPatchResult:
        """Update an item's book metadata (`title`, `authors` [{name}], `series` [{name,
        sequence}], `asin`, ...): `PATCH /api/items/{id}/media {"metadata": ...}`."""
        response = await self.http.request(
            "PATCH",
            f"/api/items/{_segment(item_id)}/media",
            content=json.dumps({"metadata": dict(metadata)}).encode(),
            headers={"Content-Type": "application/json"},
            use_cache=False,
        )
        return parse_model(PROVIDER, AbsPatchResult, self.http.decode_json(response))
