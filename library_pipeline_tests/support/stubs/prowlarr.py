"""A stub Prowlarr on 127.0.0.1: `/api/v1/search` from the recorded samples, and download links.

    with ProwlarrStub() as prowlarr:
        client = ProwlarrClient(prowlarr.url, ProwlarrStub.API_KEY)
        prowlarr.results = [prowlarr.release("The Final Empire by Brandon Sanderson [M4B]")]
        prowlarr.serve_torrent(prowlarr.results[0], torrent_bytes)
        ...
        assert prowlarr.searches[-1] == {"query": "{author:...}{title:...}", "type": "book", ...}

- `GET /api/v1/search`: the key must come as `X-Api-Key` (or `apikey`); otherwise 401 with an
  empty body (Prowlarr's `ApiKeyAuthenticationHandler`). Answers `results` (default: the
  releases of `search_response.json`, their `127.0.0.1:9696` links rewritten to this stub) —
  or, when `results_for` is set, `results_for(query, type)`. No hit: `search_response_empty.json`.
- `GET /{indexerId}/download?apikey=..&link=<token>&file=..`: Prowlarr's download proxy. A token
  registered with `serve_torrent` answers the bytes (`application/x-bittorrent`); one registered
  with `serve_magnet` answers `301` to the magnet (as Prowlarr does); anything else 404.
- Faults: `inject(...)` from `StubServer`; every request is logged (`count`, `searches`).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from library_pipeline_tests.support.stub_server import (
    StubRequest,
    StubResponse,
    StubServer,
    contract_path,
    load_contract,
)

SAMPLES = "prowlarr"
RECORDED_BASE = "http://127.0.0.1:9696"


def link_token(url: str) -> str | None:
    """The `link` parameter of a Prowlarr download URL."""
    values = parse_qs(urlsplit(url).query).get("link")
    return values[0] if values else None


class TorrentDownloads:
    """Download links served by a stub: token → .torrent bytes or a magnet redirect."""

    def __init__(self) -> None:
        self.torrents: dict[str, bytes] = {}
        self.magnets: dict[str, str] = {}

    def answer(self, token: str | None) -> StubResponse:
        if token in self.torrents:
            return StubResponse(200, self.torrents[token], content_type="application/x-bittorrent")
        if token in self.magnets:
            return StubResponse(
                301, b"", headers={"Location": self.magnets[token]}, content_type="text/plain"
            )
        return StubResponse(404, b"", content_type="text/plain")


class ProwlarrStub(StubServer):
    API_KEY = "0123456789abcdef0123456789abcdef"  # the key inside the recorded download links
    SEARCH = r"^/api/v1/search$"

    def __init__(self) -> None:
        self.results: list[dict[str, Any]] | None = None  # None = the recorded sample
        self.results_for: Callable[[str, str], list[dict[str, Any]]] | None = None
        self.searches: list[dict[str, Any]] = []
        self.downloads = TorrentDownloads()
        self._next_id = 5000
        super().__init__()

    # --- test helpers -----------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the recorded sample, no faults, empty logs (to share one stub per module)."""
        with self._lock:
            self._faults.clear()
            self.requests.clear()
        self.results = None
        self.results_for = None
        self.searches.clear()
        self.downloads = TorrentDownloads()

    def sample_results(self) -> list[dict[str, Any]]:
        """`search_response.json` with its links pointing at this stub."""
        text = contract_path(SAMPLES, "search_response.json").read_text(encoding="utf-8")
        return json.loads(text.replace(RECORDED_BASE, self.url))

    def release(
        self,
        title: str,
        *,
        indexer: str = "AudioBook Bay (ABB)",
        indexer_id: int = 7,
        size: int | None = 400_000_000,
        seeders: int | None = 20,
        leechers: int | None = 1,
        link: bool = True,
        magnet: str | None = None,
        info_hash: str | None = None,
        flags: tuple[str, ...] = (),
        categories: tuple[int, ...] = (3030,),
        protocol: str = "torrent",
        **extra: Any,
    ) -> dict[str, Any]:
        """A `ReleaseResource` shaped like the sample's, null fields omitted (as Prowlarr does).
        Its download token is `release["_token"]` (not part of the wire format; stripped)."""
        self._next_id += 1
        token = f"tok{self._next_id}"
        item: dict[str, Any] = {
            "guid": magnet or f"https://indexer.example/t/{self._next_id}",
            "age": 3,
            "ageHours": 70.5,
            "ageMinutes": 4230.0,
            "grabs": 10,
            "indexerId": indexer_id,
            "indexer": indexer,
            "title": title,
            "sortTitle": title.lower(),
            "imdbId": 0,
            "tmdbId": 0,
            "tvdbId": 0,
            "tvMazeId": 0,
            "publishDate": "2026-11-20T10:00:00Z",
            "infoUrl": f"https://indexer.example/t/{self._next_id}",
            "indexerFlags": list(flags),
            "categories": [{"id": c, "name": "Audio/Audiobook", "subCategories": []}
                           for c in categories],
            "protocol": protocol,
            "fileName": f"{title}.torrent",
            "_token": token,
        }  # fmt: skip
        if size is not None:
            item["size"] = size
        if seeders is not None:
            item["seeders"] = seeders
        if leechers is not None:
            item["leechers"] = leechers
        if info_hash:
            item["infoHash"] = info_hash
        if link:
            url = (
                f"{self.url}/{indexer_id}/download?apikey={self.API_KEY}&link={token}"
                f"&file={quote(title)}"
            )
            item["magnetUrl" if magnet else "downloadUrl"] = url
        item.update(extra)
        return item

    def serve_torrent(self, release: dict[str, Any] | str, data: bytes) -> None:
        self.downloads.torrents[self._token(release)] = data

    def serve_magnet(self, release: dict[str, Any] | str, magnet: str) -> None:
        self.downloads.magnets[self._token(release)] = magnet

    def _token(self, release: dict[str, Any] | str) -> str:
        if isinstance(release, str):
            return release
        if "_token" in release:
            return release["_token"]
        url = release.get("downloadUrl") or release.get("magnetUrl") or ""
        token = link_token(url)
        if token is None:
            raise ValueError("release has no download link")
        return token

    # --- routes -----------------------------------------------------------------------------

    def setup_routes(self) -> None:
        self.route("GET", self.SEARCH, self._search)
        self.route("GET", r"^/(\d+)/download$", self._download)

    def _authorised(self, request: StubRequest) -> bool:
        return (
            request.headers.get("x-api-key") == self.API_KEY
            or request.arg("apikey") == self.API_KEY
        )

    def _search(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        if not self._authorised(request):
            return StubResponse(401, b"", content_type="text/plain")
        query = request.arg("query") or ""
        kind = request.arg("type") or "search"
        self.searches.append(
            {
                "query": query,
                "type": kind,
                "categories": request.query.get("categories", []),
                "indexerIds": request.query.get("indexerIds", []),
            }
        )
        if self.results_for is not None:
            results = self.results_for(query, kind)
        elif self.results is not None:
            results = self.results
        else:
            results = self.sample_results()
        if not results:
            empty = contract_path(SAMPLES, "search_response_empty.json").read_bytes()
            return StubResponse(200, empty)
        wire = [{k: v for k, v in copy.deepcopy(r).items() if k != "_token"} for r in results]
        return StubResponse(200, wire)

    def _download(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        if request.arg("apikey") != self.API_KEY:
            return StubResponse(401, b"", content_type="text/plain")
        return self.downloads.answer(request.arg("link"))


def sample(name: str) -> Any:
    return load_contract(SAMPLES, name)
