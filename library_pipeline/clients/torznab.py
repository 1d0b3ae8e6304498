"""Any Torznab endpoint (Prowlarr `/{id}/api`, Jackett `.../results/torznab/api`, others).

- `caps()` (`t=caps`) says which searches the indexer supports; a book search uses `t=book`
  (with `author`/`title` when the indexer lists them, else `q`), otherwise `t=search&q=...`;
  an empty book search is retried as a general search.
- Errors come as `<error code=".." description=".."/>`, with HTTP 200 or an error status:
  100-102 (credentials, suspended, no permission) → `AuthError`; 429 (Prowlarr: indexer disabled
  after failures) → `IndexerDisabled`; other codes → `TorznabError`. Descriptions are redacted.
- Items become `Release`s: `torznab:attr` seeders/peers/infohash/magneturl/files/grabs/category/
  downloadvolumefactor/tag/author/booktitle; `files`/`grabs` also as plain child elements
  (Jackett sends them so); Prowlarr's `<prowlarrindexer>` or Jackett's `<jackettindexer>`
  names the indexer. Supported: Prowlarr 1.x and Jackett feeds, any Torznab 1.x server.
The API key travels as `apikey` in the query (the protocol's way); errors only ever show paths.
Formats: `library_pipeline_tests/contracts/torznab/`.
"""

from __future__ import annotations

import email.utils
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from library_pipeline.clients.http import (
    AuthError,
    HttpClient,
    MalformedResponse,
    NotFound,
    ProviderError,
    ProviderLimits,
    ServiceClient,
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

TORZNAB_NS = "http://torznab.com/schemas/2015/feed"
DEFAULT_LIMITS = ProviderLimits(
    requests_per_period=1, period_seconds=2, max_attempts=3, timeout_seconds=60
)


class TorznabError(ProviderError):
    """An `<error>` answer that is not about credentials."""

    def __init__(self, provider: str, code: int | None, description: str) -> None:
        self.code = code
        super().__init__(provider, f"torznab error {code}: {description}")


class IndexerDisabled(TorznabError):
    """Prowlarr disabled the indexer after failures (code 429): retrying now will not help."""


@dataclass(frozen=True)
class TorznabCaps:
    search: bool = True
    book_search: bool = False
    book_params: frozenset[str] = frozenset({"q"})
    categories: dict[int, str] = field(default_factory=dict)
    limit_max: int | None = None
    limit_default: int | None = None
    server_title: str | None = None


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(float(value.strip()))
    except ValueError:
        return None


def _parse_xml(provider: str, content: bytes) -> ET.Element:
    head = content[:2048].lower()
    if b"<!doctype" in head or b"<!entity" in head:
        raise MalformedResponse(provider, "XML with a DOCTYPE/ENTITY declaration refused")
    try:
        return ET.fromstring(content)
    except ET.ParseError as error:
        raise MalformedResponse(provider, f"not XML ({error})") from None


def torznab_error(provider: str, root: ET.Element, secrets: Sequence[str]) -> ProviderError:
    code = _int(root.get("code"))
    description = redact(root.get("description") or "unknown error", secrets)
    if code in (100, 101, 102):
        return AuthError(provider, f"torznab error {code}: {description}", 401)
    if code == 429:
        return IndexerDisabled(provider, code, description)
    if code == 300:
        return NotFound(provider, f"torznab error {code}: {description}", 404)
    return TorznabError(provider, code, description)


def parse_caps(provider: str, content: bytes) -> TorznabCaps:
    root = _parse_xml(provider, content)
    if root.tag == "error":
        raise torznab_error(provider, root, ())
    if root.tag != "caps":
        raise MalformedResponse(provider, f"field <caps>: got <{root.tag}>")
    searching = root.find("searching")
    search = book = False
    book_params: frozenset[str] = frozenset({"q"})
    if searching is not None:
        node = searching.find("search")
        search = node is not None and node.get("available", "no").lower() == "yes"
        node = searching.find("book-search")
        if node is not None and node.get("available", "no").lower() == "yes":
            book = True
            params = node.get("supportedParams") or "q"
            book_params = frozenset(p.strip().lower() for p in params.split(",") if p.strip())
    categories: dict[int, str] = {}
    for cat in root.iter("category"):
        if (cid := _int(cat.get("id"))) is not None:
            categories[cid] = cat.get("name") or ""
    for sub in root.iter("subcat"):
        if (cid := _int(sub.get("id"))) is not None:
            categories[cid] = sub.get("name") or ""
    limits = root.find("limits")
    server = root.find("server")
    return TorznabCaps(
        search=search,
        book_search=book,
        book_params=book_params,
        categories=categories,
        limit_max=_int(limits.get("max")) if limits is not None else None,
        limit_default=_int(limits.get("default")) if limits is not None else None,
        server_title=server.get("title") if server is not None else None,
    )


def _pub_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(text.strip())
    except (TypeError, ValueError):
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


class _ItemAttrs:
    """An item's `torznab:attr` values by lower-case name (some names repeat: category, tag)."""

    def __init__(self, item: ET.Element) -> None:
        self.values: dict[str, list[str]] = {}
        for attr in item.findall(f"{{{TORZNAB_NS}}}attr"):
            name, value = attr.get("name"), attr.get("value")
            if name and value is not None:
                self.values.setdefault(name.lower(), []).append(value)

    def first(self, name: str) -> str | None:
        values = self.values.get(name)
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        return self.values.get(name, [])


def _text(item: ET.Element, tag: str) -> str | None:
    return (item.findtext(tag) or "").strip() or None


def _count(item: ET.Element, attrs: _ItemAttrs, name: str) -> int | None:
    """A count sent as a `torznab:attr` (Prowlarr) or as a plain child element (Jackett)."""
    value = _int(attrs.first(name))
    return value if value is not None else _int(item.findtext(name))


def _links(item: ET.Element, attrs: _ItemAttrs) -> tuple[str | None, str | None]:
    """(the .torrent link, the magnet) of an item."""
    enclosure = item.find("enclosure")
    enclosure_url = enclosure.get("url") if enclosure is not None else None
    link_text = _text(item, "link")
    candidates = (attrs.first("magneturl"), link_text, enclosure_url)
    magnet = next((u for u in candidates if u and is_magnet(u)), None)
    link = next((u for u in (enclosure_url, link_text) if u and not is_magnet(u)), None)
    return link, magnet


def _size(item: ET.Element, attrs: _ItemAttrs) -> int | None:
    enclosure = item.find("enclosure")
    length = _int(enclosure.get("length")) if enclosure is not None else None
    return _int(item.findtext("size")) or length or _int(attrs.first("size"))


def _peers(attrs: _ItemAttrs) -> tuple[int | None, int | None]:
    """(seeders, leechers); leechers from `peers` minus seeders when not sent."""
    seeders = _int(attrs.first("seeders"))
    peers = _int(attrs.first("peers"))
    leechers = _int(attrs.first("leechers"))
    if leechers is None and peers is not None and seeders is not None:
        leechers = max(0, peers - seeders)
    return seeders, leechers


def _categories(item: ET.Element, attrs: _ItemAttrs) -> tuple[int, ...]:
    categories = [c for c in (_int(v) for v in attrs.all("category")) if c is not None]
    if not categories:
        categories = [c for c in (_int(e.text) for e in item.findall("category")) if c is not None]
    return tuple(dict.fromkeys(categories))


def _indexer(
    item: ET.Element, indexer_name: str | None, feed_title: str | None
) -> tuple[str | None, str | None]:
    """(name, id) of the indexer: Prowlarr's `<prowlarrindexer>` or Jackett's
    `<jackettindexer>`, else the configured name, else the feed's title."""
    node = item.find("prowlarrindexer")
    if node is None:
        node = item.find("jackettindexer")
    name = (node.text or "").strip() if node is not None else None
    return name or indexer_name or feed_title, node.get("id") if node is not None else None


def _freeleech(attrs: _ItemAttrs) -> bool:
    volume_factor = attrs.first("downloadvolumefactor")
    tags = {t.lower() for t in attrs.all("tag")}
    return "freeleech" in tags or (
        volume_factor is not None and volume_factor.strip() in ("0", "0.0")
    )


def parse_item(
    item: ET.Element, indexer_name: str | None, feed_title: str | None, source: str
) -> Release | None:
    """One `<item>` as a `Release` (None without a title)."""
    title = _text(item, "title")
    if not title:
        return None
    attrs = _ItemAttrs(item)
    link, magnet = _links(item, attrs)
    seeders, leechers = _peers(attrs)
    indexer, indexer_id = _indexer(item, indexer_name, feed_title)
    infohash = attrs.first("infohash")
    author = attrs.first("author")
    return Release(
        title=title,
        source=source,
        indexer=indexer,
        indexer_id=indexer_id,
        guid=_text(item, "guid"),
        link=link,
        magnet=magnet,
        infohash=infohash.lower() if infohash else None,
        size_bytes=_size(item, attrs),
        seeders=seeders,
        leechers=leechers,
        grabs=_count(item, attrs, "grabs"),
        files=_count(item, attrs, "files"),
        categories=_categories(item, attrs),
        published=_pub_date(item.findtext("pubDate")),
        freeleech=_freeleech(attrs),
        vip="vip" in {t.lower() for t in attrs.all("tag")} or "[vip]" in title.lower(),
        info_url=_text(item, "comments"),
        authors=(author,) if author else (),
        book_title=attrs.first("booktitle"),
        description=_text(item, "description"),
    )


def parse_results(
    provider: str, content: bytes, indexer_name: str | None, source: str, secrets: Sequence[str]
) -> tuple[list[Release], list[str]]:
    """Releases of an RSS answer, and warnings for items that had to be skipped."""
    root = _parse_xml(provider, content)
    if root.tag == "error":
        raise torznab_error(provider, root, secrets)
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise MalformedResponse(provider, f"field <rss><channel>: got <{root.tag}>")
    feed_title = _text(channel, "title")
    releases: list[Release] = []
    warnings: list[str] = []
    for index, item in enumerate(channel.findall("item")):
        release = parse_item(item, indexer_name, feed_title, source)
        if release is None:
            warnings.append(f"item {index}: no <title>, skipped")
        else:
            releases.append(release)
    return releases, warnings


def _split_url(url: str) -> tuple[str, str]:
    """("http://host:9696", "/3/api"): the path is requested as is, never with a slash added."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        raise ValueError("torznab URL must be absolute (http://host:port/path/api)")
    base = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    return base, parts.path or "/api"


class TorznabClient(ServiceClient):
    """One Torznab feed; use as an async context manager (or call `aclose`)."""

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        name: str | None = None,
        source: str = "torznab",
        categories: Sequence[int] = (AUDIOBOOK_CATEGORY,),
        limits: ProviderLimits | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        base, self.path = _split_url(url)
        self.name = name or source
        self.source = source
        self.indexer_name = name
        self.categories = list(categories)
        self.warnings: list[str] = []
        self._caps: TorznabCaps | None = None
        self.http = HttpClient(
            self.name,
            base,
            limits=limits or DEFAULT_LIMITS,
            params={"apikey": api_key} if api_key else None,
            secrets=[api_key],
            classify=self._classify,
            transport=transport,
            headers={"Accept": "application/rss+xml, application/xml, text/xml, */*"},
        )

    def status(self) -> dict[str, Any]:
        return {**self.http.status(), "warnings": self.warnings[-5:]}

    def _classify(self, response: httpx.Response) -> ProviderError | None:
        """An `<error>` document is an error whatever the status (many send it with 200)."""
        body = response.content.lstrip()[:4096]
        if b"<error" not in body:
            return None
        try:
            root = ET.fromstring(response.content)
        except ET.ParseError:
            return None
        if root.tag != "error":
            return None
        return torznab_error(self.name, root, self.http.secrets)

    async def _get(self, params: dict[str, Any]) -> bytes:
        response = await self.http.request("GET", self.path, params=params, use_cache=False)
        return response.content

    async def caps(self) -> TorznabCaps:
        if self._caps is None:
            self._caps = parse_caps(self.name, await self._get({"t": "caps"}))
        return self._caps

    def _category_param(self, caps: TorznabCaps) -> str | None:
        wanted = [c for c in self.categories if not caps.categories or c in caps.categories]
        return ",".join(str(c) for c in wanted) or None

    async def raw_search(self, params: dict[str, Any]) -> list[Release]:
        releases, warnings = parse_results(
            self.name, await self._get(params), self.indexer_name, self.source, self.http.secrets
        )
        self.warnings.extend(warnings)
        return releases

    async def search(self, title: str, author: str | None = None) -> list[Release]:
        """Releases for a book: `t=book` when supported, else (or when empty) `t=search`."""
        caps = await self.caps()
        words = " ".join(x for x in (clean_title(title), author or "") if x)
        base: dict[str, Any] = {"extended": 1}
        if (cat := self._category_param(caps)) is not None:
            base["cat"] = cat
        if caps.book_search:
            params = {**base, "t": "book"}
            if {"title", "author"} <= caps.book_params and author:
                params.update(title=clean_title(title), author=author)
            elif "title" in caps.book_params and not author:
                params["title"] = clean_title(title)
            else:
                params["q"] = words
            releases = await self.raw_search(params)
            if releases or not caps.search:
                return releases
        return await self.raw_search({**base, "t": "search", "q": words})

    async def fetch(self, release: Release) -> TorrentPayload:
        return await fetch_release(self.http, release)
