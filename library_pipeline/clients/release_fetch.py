"""Fetching a release's .torrent (or its magnet) through an indexer's `HttpClient`.

Indexer download links answer in three ways: the .torrent bytes; a redirect to a `magnet:` URI
(Prowlarr does this for magnet-only indexers and for "redirect" indexers); or a body that *is*
a magnet URI. httpx cannot follow a redirect to `magnet:`, so redirects are followed here, by
hand, through the client's polite transport (rate limit, request counting) without its cache.
Credentials headers of the indexer are never sent to another host a redirect points at.

The infohash is computed from what came back (`TorrentPayload`), before anything is added to
the torrent client: that is what makes a grab idempotent and reconcilable.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urljoin, urlsplit

import httpx

from library_pipeline.clients.http import (
    AuthError,
    HttpClient,
    MalformedResponse,
    NotFound,
    ProviderError,
    ProviderUnavailable,
    redact,
)
from library_pipeline.domain.releases import (
    BencodeError,
    Release,
    TorrentPayload,
    is_magnet,
)

MAX_REDIRECTS = 5
MAX_TORRENT_BYTES = 20 * 1024 * 1024
_SECRET_HEADERS = ("x-api-key", "authorization", "cookie")


class NoDownloadLink(ProviderError):
    """The release carries neither a link nor a magnet."""


def _safe_where(http: HttpClient, url: str) -> str:
    parts = urlsplit(url)
    return redact(f"{parts.netloc}{parts.path}", http.secrets)


async def _get_once(http: HttpClient, url: str, first_host: str) -> httpx.Response:
    request = http.uncached.build_request(
        "GET", url, headers={"Accept": "application/x-bittorrent, */*"}
    )
    if urlsplit(url).netloc != first_host:
        for name in _SECRET_HEADERS:
            request.headers.pop(name, None)
    try:
        response = await http.uncached.send(request, follow_redirects=False)
        await response.aread()
    except httpx.TimeoutException:
        raise ProviderUnavailable(
            http.provider, f"timed out fetching {_safe_where(http, url)}"
        ) from None
    except httpx.TransportError as error:
        raise ProviderUnavailable(
            http.provider,
            f"cannot connect ({type(error).__name__}) fetching {_safe_where(http, url)}",
        ) from None
    return response


def _raise_for(http: HttpClient, response: httpx.Response, url: str) -> None:
    status = response.status_code
    where = _safe_where(http, url)
    if status in (401, 403):
        raise AuthError(http.provider, f"not authorised ({status}) fetching {where}", status)
    if status == 404:
        raise NotFound(http.provider, f"download not found (404) at {where}", status)
    if status == 429 or status >= 500:
        raise ProviderUnavailable(http.provider, f"HTTP {status} fetching {where}", status)
    raise ProviderError(http.provider, f"HTTP {status} fetching {where}", status)


async def fetch_torrent(http: HttpClient, link: str, *, attempts: int = 2) -> TorrentPayload:
    """The payload behind `link`: a magnet as is, else GET it (following redirects by hand)."""
    if is_magnet(link):
        try:
            return TorrentPayload.from_magnet(link)
        except ValueError as error:
            raise MalformedResponse(http.provider, str(error)) from None
    last: ProviderError | None = None
    for attempt in range(attempts):
        try:
            return await _fetch_once(http, link)
        except ProviderUnavailable as error:
            last = error
            http.stats.retries += 1
            await asyncio.sleep(0.2 * (attempt + 1))
    assert last is not None
    http.stats.failures += 1
    http.stats.last_error = redact(str(last), http.secrets)
    raise last


async def _fetch_once(http: HttpClient, link: str) -> TorrentPayload:
    url = link
    first_host = urlsplit(link).netloc
    for _ in range(MAX_REDIRECTS + 1):
        response = await _get_once(http, url, first_host)
        if response.is_redirect:
            location = response.headers.get("location", "")
            if is_magnet(location):
                try:
                    return TorrentPayload.from_magnet(location)
                except ValueError as error:
                    raise MalformedResponse(http.provider, str(error)) from None
            if not location:
                raise MalformedResponse(http.provider, "redirect without a Location header")
            url = urljoin(url, location)
            continue
        if not response.is_success:
            _raise_for(http, response, url)
        body = response.content
        if len(body) > MAX_TORRENT_BYTES:
            raise MalformedResponse(http.provider, f"download too large ({len(body)} bytes)")
        if body[:7].lower() == b"magnet:":
            try:
                return TorrentPayload.from_magnet(body.decode("utf-8", "replace").strip())
            except ValueError as error:
                raise MalformedResponse(http.provider, str(error)) from None
        try:
            return TorrentPayload.from_torrent(body)
        except BencodeError as error:
            kind = response.headers.get("content-type", "unknown type").split(";")[0]
            raise MalformedResponse(
                http.provider,
                f"download at {_safe_where(http, url)} is not a .torrent "
                f"({kind}, {len(body)} bytes: {error})",
            ) from None
    raise ProviderError(http.provider, f"too many redirects fetching {_safe_where(http, link)}")


async def fetch_release(http: HttpClient, release: Release) -> TorrentPayload:
    """The payload of a release: its .torrent link first; its magnet when there is no link or
    the link fails for a reason other than credentials."""
    if not release.link and not release.magnet:
        raise NoDownloadLink(http.provider, f"release {release.title!r} has no download link")
    if release.link:
        try:
            return await fetch_torrent(http, release.link)
        except AuthError:
            raise
        except ProviderError:
            if not release.magnet:
                raise
    assert release.magnet is not None
    return await fetch_torrent(http, release.magnet)
