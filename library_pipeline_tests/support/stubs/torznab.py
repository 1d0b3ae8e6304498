"""A stub Torznab endpoint on 127.0.0.1 (Prowlarr's `/{id}/api` by default) from the samples.

    with TorznabStub() as feed:
        client = TorznabClient(feed.api_url, TorznabStub.API_KEY)
        feed.items = [feed.item("Some Book by Someone [M4B]", torrent=torrent_bytes)]
        ...
        assert feed.queries[-1]["t"] == "book"

- `?t=caps`: `caps_xml` (default `caps_prowlarr_mam.xml`);
- `?t=book|search|...`: `search_xml` when set, else the items in `items` (made with `item(...)`,
  element order as Prowlarr's `NewznabResults.ToXml`), else `search_prowlarr_mam_book.xml` with
  its `127.0.0.1:9696` links rewritten to this stub;
- no `t`: Prowlarr's `400` + `error_prowlarr_400_missing_t.xml`;
- a wrong `apikey`: `error_100_incorrect_credentials.xml` with `bad_key_status`
  (default 200, as many Newznab/Torznab servers answer);
- `/{id}/download?link=<token>`: the .torrent bytes / magnet redirect registered for the token
  (`serve_torrent`, `serve_magnet`, or `item(..., torrent=..., magnet_redirect=...)`).
Faults: `inject(...)`, e.g. `StubResponse(429, sample_bytes("error_prowlarr_429_indexer_
disabled.xml"), content_type="application/xml")`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from library_pipeline_tests.support.stub_server import (
    StubRequest,
    StubResponse,
    StubServer,
    contract_path,
)
from library_pipeline_tests.support.stubs.prowlarr import RECORDED_BASE, TorrentDownloads

SAMPLES = "torznab"
XML = "application/rss+xml; charset=utf-8"


def sample_bytes(name: str) -> bytes:
    return contract_path(SAMPLES, name).read_bytes()


class TorznabStub(StubServer):
    API_KEY = "0123456789abcdef0123456789abcdef"

    def __init__(self, indexer_id: int = 3, bad_key_status: int = 200) -> None:
        self.indexer_id = indexer_id
        self.bad_key_status = bad_key_status
        self.caps_xml: bytes = sample_bytes("caps_prowlarr_mam.xml")
        self.search_xml: bytes | None = None
        self.items: list[str] | None = None
        self.queries: list[dict[str, str]] = []
        self.downloads = TorrentDownloads()
        self._next = 9000
        super().__init__()

    @property
    def api_url(self) -> str:
        return f"{self.url}/{self.indexer_id}/api"

    # --- test helpers -----------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the recorded samples, no faults, empty logs (to share one stub per module)."""
        with self._lock:
            self._faults.clear()
            self.requests.clear()
        self.caps_xml = sample_bytes("caps_prowlarr_mam.xml")
        self.search_xml = None
        self.items = None
        self.queries.clear()
        self.downloads = TorrentDownloads()

    def sample_search(self) -> bytes:
        text = sample_bytes("search_prowlarr_mam_book.xml").decode("utf-8")
        return text.replace(RECORDED_BASE, self.url).encode("utf-8")

    def serve_torrent(self, token: str, data: bytes) -> None:
        self.downloads.torrents[token] = data

    def serve_magnet(self, token: str, magnet: str) -> None:
        self.downloads.magnets[token] = magnet

    def item(
        self,
        title: str,
        *,
        size: int = 400_000_000,
        seeders: int | None = 12,
        peers: int | None = 14,
        torrent: bytes | None = None,
        magnet_redirect: str | None = None,
        link: str | None = "auto",
        infohash: str | None = None,
        author: str | None = None,
        booktitle: str | None = None,
        indexer: str = "MyAnonamouse",
        categories: tuple[int, ...] = (3030,),
        freeleech: bool = False,
        description: str = "",
        files: int | None = None,
        grabs: int | None = None,
        jackett: bool = False,
    ) -> str:
        """One `<item>` in Prowlarr's element order; `link="auto"` makes a download link on
        this stub (serving `torrent` or redirecting to `magnet_redirect`); None = no link.
        `files`/`grabs` are `torznab:attr`s as Prowlarr sends them; with `jackett`, plain
        `<files>`/`<grabs>` elements and a `<jackettindexer>`, as Jackett sends them."""
        self._next += 1
        token = f"tz{self._next}"
        if link == "auto":
            link = (
                f"{self.url}/{self.indexer_id}/download?apikey={self.API_KEY}&link={token}"
                f"&file={quote(title)}"
            )
        if torrent is not None:
            self.serve_torrent(token, torrent)
        if magnet_redirect is not None:
            self.serve_magnet(token, magnet_redirect)
        tag = "jackettindexer" if jackett else "prowlarrindexer"
        parts = [
            f"<title>{escape(title)}</title>",
            f"<description>{escape(description)}</description>",
            f"<guid>https://indexer.example/t/{self._next}</guid>",
            f'<{tag} id="{self.indexer_id}" type="private">{escape(indexer)}</{tag}>',
            f"<comments>https://indexer.example/t/{self._next}</comments>",
            "<pubDate>Tue, 05 Nov 2024 03:12:44 +0000</pubDate>",
            f"<size>{size}</size>",
        ]
        if jackett:
            parts += [f"<{n}>{v}</{n}>" for n, v in (("files", files), ("grabs", grabs)) if v]
        if link:
            parts.append(f"<link>{escape(link)}</link>")
        parts += [f"<category>{c}</category>" for c in categories]
        if link:
            parts.append(
                f'<enclosure url={quoteattr(link)} length="{size}" '
                'type="application/x-bittorrent" />'
            )
        attrs: list[tuple[str, Any]] = [("category", c) for c in categories]
        if freeleech:
            attrs.append(("tag", "freeleech"))
        if seeders is not None:
            attrs.append(("seeders", seeders))
        if peers is not None:
            attrs.append(("peers", peers))
        if infohash:
            attrs.append(("infohash", infohash))
        if author:
            attrs.append(("author", author))
        if booktitle:
            attrs.append(("booktitle", booktitle))
        if not jackett:
            attrs += [(n, v) for n, v in (("files", files), ("grabs", grabs)) if v is not None]
        attrs.append(("downloadvolumefactor", 0 if freeleech else 1))
        parts += [f'<torznab:attr name="{n}" value={quoteattr(str(v))} />' for n, v in attrs]
        return "<item>" + "".join(parts) + "</item>"

    def render(self, items: list[str]) -> bytes:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="1.0" xmlns:atom="http://www.w3.org/2005/Atom" '
            'xmlns:torznab="http://torznab.com/schemas/2015/feed"><channel>'
            '<atom:link rel="self" type="application/rss+xml" /><title>Prowlarr</title>'
            + "".join(items)
            + "</channel></rss>"
        ).encode("utf-8")

    # --- routes -----------------------------------------------------------------------------

    def setup_routes(self) -> None:
        self.route("GET", r"^/(\d+)/api$", self._api)
        self.route("GET", r"^/(\d+)/download$", self._download)

    def _api(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        query = {k: v[0] for k, v in request.query.items() if v}
        self.queries.append({k: v for k, v in query.items() if k != "apikey"})
        if request.arg("apikey") != self.API_KEY:
            return StubResponse(
                self.bad_key_status,
                sample_bytes("error_100_incorrect_credentials.xml"),
                content_type=XML,
            )
        kind = request.arg("t")
        if not kind:
            return StubResponse(
                400, sample_bytes("error_prowlarr_400_missing_t.xml"), content_type=XML
            )
        if kind == "caps":
            return StubResponse(200, self.caps_xml, content_type=XML)
        if self.search_xml is not None:
            return StubResponse(200, self.search_xml, content_type=XML)
        if self.items is not None:
            return StubResponse(200, self.render(self.items), content_type=XML)
        return StubResponse(200, self.sample_search(), content_type=XML)

    def _download(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        if request.arg("apikey") != self.API_KEY:
            return StubResponse(401, b"", content_type="text/plain")
        return self.downloads.answer(request.arg("link"))
