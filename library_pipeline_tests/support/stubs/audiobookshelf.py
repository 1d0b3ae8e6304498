"""A stub Audiobookshelf server (v2.36 REST API) on 127.0.0.1, serving the recorded samples.

    with AudiobookshelfStub() as abs_server:
        client = AudiobookshelfClient(abs_server.url, AudiobookshelfStub.API_KEY)
        abs_server.add_item(title="Dune", author="Frank Herbert")   # more items (paging tests)
        ...
        assert abs_server.scan_calls == [AudiobookshelfStub.LIBRARY_ID]

State: one library (`libraries.json`) holding the three recorded items. Each item is kept in
its *expanded* shape (the recorded `library_item_expanded_*.json`; The Final Empire's expanded
sample was recorded after a PATCH, so its pre-patch state is that sample with the metadata of
`item_default_not_expanded.json`), and the other shapes are derived from it exactly as the
server derives them — `minified_item` gives the recorded `library_items.json` entries and
`plain_item` the recorded `item_default_not_expanded.json` (the stub's tests check both).

Routes (all need `Authorization: Bearer <API_KEY>`, else plain-text `401 Unauthorized`):
- `GET /api/libraries` → `{"libraries": [...]}`; `bare_library_list=True`: a bare array, as
  servers before 2.3.0 answer;
- `GET /api/libraries/{id}/items?limit=&page=&sort=&desc=&minified=` → the recorded page
  envelope (`sortBy` only when `sort` is given); `limit=0` = everything; unknown library →
  `404 Library not found`;
- `GET /api/items/{id}` (`?expanded=1`) → the plain / expanded item; unknown → `404 Not Found`;
- `PATCH /api/items/{id}/media {"metadata": {...}}` → `{"updated", "libraryItem"}` (recorded
  in `patches`);
- `POST /api/libraries/{id}/scan` → plain `OK` (recorded in `scan_calls`); `admin=False` →
  `403 Forbidden`.
Faults: `inject(...)` from `StubServer`.
"""

from __future__ import annotations

import copy
import itertools
import uuid
from typing import Any

from library_pipeline_tests.support.stub_server import (
    StubRequest,
    StubResponse,
    StubServer,
    load_contract,
)

SAMPLES = "audiobookshelf"
_LIST_ONLY_TOP = ("numFiles", "size")
_EXPANDED_ONLY_TOP = ("lastScan", "scanVersion", "libraryFiles")
_LIST_MEDIA = ("id", "metadata", "coverPath", "tags", "numTracks", "numAudioFiles",
               "numChapters", "duration", "size")  # fmt: skip
_PLAIN_MEDIA = ("id", "libraryItemId", "metadata", "coverPath", "tags", "audioFiles", "chapters",
                "ebookFile")  # fmt: skip
_LIST_METADATA = ("title", "titleIgnorePrefix", "subtitle", "authorName", "authorNameLF",
                  "narratorName", "seriesName", "genres", "publishedYear", "publishedDate",
                  "publisher", "description", "isbn", "asin", "language", "explicit",
                  "abridged")  # fmt: skip
_PLAIN_METADATA = ("title", "subtitle", "authors", "narrators", "series", "genres",
                   "publishedYear", "publishedDate", "publisher", "description", "isbn", "asin",
                   "language", "explicit", "abridged")  # fmt: skip
_TOP_ORDER = ("id", "ino", "oldLibraryItemId", "libraryId", "folderId", "path", "relPath",
              "isFile", "mtimeMs", "ctimeMs", "birthtimeMs", "addedAt", "updatedAt", "lastScan",
              "scanVersion", "isMissing", "isInvalid", "mediaType", "media", "libraryFiles",
              "numFiles", "size")  # fmt: skip


def _text(status: int, body: str) -> StubResponse:
    return StubResponse(status, body, content_type="text/plain; charset=utf-8")


def _pick(source: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: copy.deepcopy(source[k]) for k in keys if k in source}


def _ignore_prefix(title: str | None) -> str | None:
    if not title:
        return title
    for article in ("The ", "A ", "An "):
        if title.startswith(article):
            return f"{title[len(article) :]}, {article.strip()}"
    return title


def _last_first(name: str) -> str:
    parts = name.split()
    return f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else name


def _refresh_helpers(metadata: dict[str, Any]) -> None:
    """Recompute the helper strings the server derives from the lists."""
    authors = [a["name"] for a in metadata.get("authors") or []]
    metadata["titleIgnorePrefix"] = _ignore_prefix(metadata.get("title"))
    metadata["authorName"] = ", ".join(authors)
    metadata["authorNameLF"] = ", ".join(_last_first(a) for a in authors)
    metadata["narratorName"] = ", ".join(metadata.get("narrators") or [])
    metadata["seriesName"] = ", ".join(
        f"{s['name']} #{s['sequence']}" if s.get("sequence") else s["name"]
        for s in metadata.get("series") or []
    )
    metadata["descriptionPlain"] = metadata.get("description")


def minified_item(expanded: dict[str, Any]) -> dict[str, Any]:
    """The list-endpoint shape of an item (what `GET /api/libraries/{id}/items` returns)."""
    item = {k: copy.deepcopy(v) for k, v in expanded.items() if k not in _EXPANDED_ONLY_TOP}
    media = _pick(expanded["media"], _LIST_MEDIA)
    media["metadata"] = _pick(expanded["media"]["metadata"], _LIST_METADATA)
    item["media"] = media
    return item


def plain_item(expanded: dict[str, Any]) -> dict[str, Any]:
    """`GET /api/items/{id}` without `expanded`: lists but no helper strings or counts."""
    item = {k: copy.deepcopy(v) for k, v in expanded.items() if k not in _LIST_ONLY_TOP}
    media = _pick(expanded["media"], _PLAIN_MEDIA)
    media["metadata"] = _pick(expanded["media"]["metadata"], _PLAIN_METADATA)
    item["media"] = media
    return {k: item[k] for k in _TOP_ORDER if k in item}


def recorded_items() -> list[dict[str, Any]]:
    """The three recorded items in their expanded shape, in the recorded list order."""
    multifile = load_contract(SAMPLES, "library_item_expanded_multifile_series.json")
    no_series = load_contract(SAMPLES, "library_item_expanded_no_series.json")
    final_empire = load_contract(SAMPLES, "library_item_expanded_after_patch.json")
    before = load_contract(SAMPLES, "item_default_not_expanded.json")
    for key in ("subtitle", "publisher", "isbn", "asin", "language", "description"):
        final_empire["media"]["metadata"][key] = before["media"]["metadata"][key]
    final_empire["updatedAt"] = before["updatedAt"]
    listed = [i["id"] for i in load_contract(SAMPLES, "library_items.json")["results"]]
    by_id = {i["id"]: i for i in (multifile, no_series, final_empire)}
    return [by_id[i] for i in listed]


class AudiobookshelfStub(StubServer):
    API_KEY = "stub-abs-api-key-0123456789"
    LIBRARY_ID = "5dbf7303-cee2-473d-8456-7195a18a5cb9"
    FOLDER_ID = "aa7bbe18-297d-41d8-afc0-36b8d4df74ae"
    ROOT = "/audiobooks"

    ITEMS = r"/api/libraries/[^/]+/items"
    SCAN = r"/api/libraries/[^/]+/scan"

    def __init__(
        self, *, admin: bool = True, api_key: str | None = None, bare_library_list: bool = False
    ) -> None:
        self.api_key = api_key or self.API_KEY
        self.admin = admin
        self.bare_library_list = bare_library_list
        self.libraries: list[dict[str, Any]] = load_contract(SAMPLES, "libraries.json")["libraries"]
        self.items: list[dict[str, Any]] = recorded_items()
        self.scan_calls: list[str] = []
        self.patches: list[tuple[str, dict[str, Any]]] = []
        self._ino = itertools.count(3000000)
        super().__init__()

    # --- test helpers ---------------------------------------------------------------------

    def item(self, item_id: str) -> dict[str, Any] | None:
        return next((i for i in self.items if i["id"] == item_id), None)

    def add_item(
        self,
        title: str,
        author: str,
        *,
        narrator: str | None = None,
        series: str | None = None,
        sequence: str | None = None,
        more_series: list[tuple[str, str | None]] | None = None,
        rel_path: str | None = None,
        asin: str | None = None,
        genres: list[str] | None = None,
        year: str | None = None,
        library_id: str | None = None,
    ) -> dict[str, Any]:
        """Another item, shaped like the recorded single-file no-series one."""
        item = copy.deepcopy(load_contract(SAMPLES, "library_item_expanded_no_series.json"))
        item_id = str(uuid.uuid4())
        if rel_path is None:
            rel_path = "/".join(p for p in (author, series, title) if p)
        item.update(
            id=item_id,
            ino=str(next(self._ino)),
            libraryId=library_id or self.LIBRARY_ID,
            path=f"{self.ROOT}/{rel_path}",
            relPath=rel_path,
        )
        media = item["media"]
        media["id"] = str(uuid.uuid4())
        media["libraryItemId"] = item_id
        metadata = media["metadata"]
        metadata.update(
            title=title,
            authors=[{"id": str(uuid.uuid4()), "name": author}],
            narrators=[narrator] if narrator else [],
            series=[
                {"id": str(uuid.uuid4()), "name": name, "sequence": seq}
                for name, seq in ([(series, sequence)] if series else []) + (more_series or [])
            ],
            genres=genres or [],
            publishedYear=year,
            asin=asin,
        )
        _refresh_helpers(metadata)
        self.items.append(item)
        return item

    # --- routes ---------------------------------------------------------------------------

    def setup_routes(self) -> None:
        self.route("GET", r"/api/libraries", self._guard(self._libraries))
        self.route("GET", r"/api/libraries/([^/]+)/items", self._guard(self._library_items))
        self.route("POST", r"/api/libraries/([^/]+)/scan", self._guard(self._scan))
        self.route("GET", r"/api/items/([^/]+)", self._guard(self._get_item))
        self.route("PATCH", r"/api/items/([^/]+)/media", self._guard(self._patch_media))

    def _guard(self, handler):
        def guarded(request: StubRequest, match) -> StubResponse:
            if request.headers.get("authorization") != f"Bearer {self.api_key}":
                return _text(401, "Unauthorized")
            return handler(request, match)

        return guarded

    def _library(self, library_id: str) -> dict[str, Any] | None:
        return next((lib for lib in self.libraries if lib["id"] == library_id), None)

    def _libraries(self, request: StubRequest, match) -> StubResponse:
        if self.bare_library_list:
            return StubResponse(200, self.libraries)
        return StubResponse(200, {"libraries": self.libraries})

    def _library_items(self, request: StubRequest, match) -> StubResponse:
        library_id = match.group(1)
        if self._library(library_id) is None:
            return _text(404, "Library not found")
        limit = int(request.arg("limit", "0") or 0)
        page = int(request.arg("page", "0") or 0)
        sort = request.arg("sort")
        desc = request.arg("desc") in ("1", "true")
        minified = request.arg("minified") in ("1", "true")
        items = [minified_item(i) for i in self.items if i["libraryId"] == library_id]
        if sort:

            def key(item: dict[str, Any]) -> str:
                value: Any = item
                for part in sort.split("."):
                    value = value.get(part) if isinstance(value, dict) else None
                return str(value or "").lower()

            items.sort(key=key, reverse=desc)
        offset = page * limit
        results = items[offset : offset + limit] if limit else items
        body: dict[str, Any] = {
            "results": results,
            "total": len(items),
            "limit": limit,
            "page": page,
        }
        if sort:
            body["sortBy"] = sort
        body.update(
            sortDesc=desc,
            mediaType="book",
            minified=minified,
            collapseseries=False,
            include="",
            offset=offset,
        )
        return StubResponse(200, body)

    def _scan(self, request: StubRequest, match) -> StubResponse:
        library_id = match.group(1)
        if self._library(library_id) is None:
            return _text(404, "Library not found")
        if not self.admin:
            return _text(403, "Forbidden")
        self.scan_calls.append(library_id)
        return _text(200, "OK")

    def _get_item(self, request: StubRequest, match) -> StubResponse:
        item = self.item(match.group(1))
        if item is None:
            return _text(404, "Not Found")
        if request.arg("expanded") in ("1", "true"):
            return StubResponse(200, item)
        return StubResponse(200, plain_item(item))

    def _patch_media(self, request: StubRequest, match) -> StubResponse:
        item = self.item(match.group(1))
        if item is None:
            return _text(404, "Not Found")
        body = request.json() or {}
        changes = body.get("metadata") or {}
        self.patches.append((item["id"], changes))
        metadata = item["media"]["metadata"]
        updated = False
        for key, value in changes.items():
            if key == "authors":
                value = [{"id": a.get("id") or str(uuid.uuid4()), "name": a["name"]} for a in value]
            elif key == "series":
                value = [
                    {"id": s.get("id") or str(uuid.uuid4()), "name": s["name"],
                     "sequence": s.get("sequence")}
                    for s in value
                ]  # fmt: skip
            if metadata.get(key) != value:
                metadata[key] = value
                updated = True
        if updated:
            _refresh_helpers(metadata)
            item["updatedAt"] = item["updatedAt"] + 1
        return StubResponse(200, {"updated": updated, "libraryItem": plain_item(item)})
