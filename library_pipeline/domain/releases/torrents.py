"""`.torrent` files and magnets: a minimal bencode decoder, infohashes, `TorrentPayload` (what is
handed to the torrent client) and `redact_link` (download links carry API keys and passkeys:
never store or show them raw). Pure, no I/O.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


class BencodeError(ValueError):
    pass


def _bdecode(data: bytes, i: int, spans: dict[str, tuple[int, int]], depth: int) -> tuple[Any, int]:
    if depth > 64:
        raise BencodeError("nested too deeply")
    if i >= len(data):
        raise BencodeError("truncated")
    c = data[i : i + 1]
    if c == b"i":
        end = data.index(b"e", i)
        return int(data[i + 1 : end]), end + 1
    if c == b"l":
        i += 1
        items = []
        while data[i : i + 1] != b"e":
            item, i = _bdecode(data, i, spans, depth + 1)
            items.append(item)
        return items, i + 1
    if c == b"d":
        i += 1
        result: dict[bytes, Any] = {}
        while data[i : i + 1] != b"e":
            key, i = _bdecode(data, i, spans, depth + 1)
            if not isinstance(key, bytes):
                raise BencodeError("dictionary key is not a string")
            start = i
            value, i = _bdecode(data, i, spans, depth + 1)
            if depth == 0 and key == b"info":
                spans["info"] = (start, i)
            result[key] = value
        return result, i + 1
    if c.isdigit():
        colon = data.index(b":", i)
        length = int(data[i:colon])
        start = colon + 1
        if length < 0 or start + length > len(data):
            raise BencodeError("string runs past the end")
        return data[start : start + length], start + length
    raise BencodeError(f"unexpected byte {c!r} at {i}")


def bdecode(data: bytes) -> Any:
    """Decode one bencoded value (the whole input)."""
    try:
        value, end = _bdecode(data, 0, {}, 0)
    except (ValueError, IndexError) as error:
        raise BencodeError(str(error) or "invalid bencode") from None
    if end != len(data):
        raise BencodeError("trailing bytes after the value")
    return value


@dataclass(frozen=True)
class TorrentMeta:
    infohash: str  # what qBittorrent calls `hash`: v1 SHA-1, or the truncated v2 hash
    name: str | None
    size: int | None
    private: bool


def parse_torrent(data: bytes) -> TorrentMeta:
    """Infohash, name and size of a .torrent; `BencodeError` when it is not one."""
    spans: dict[str, tuple[int, int]] = {}
    try:
        top, _end = _bdecode(data, 0, spans, 0)
    except (ValueError, IndexError) as error:
        raise BencodeError(str(error) or "invalid bencode") from None
    if not isinstance(top, dict) or not isinstance(top.get(b"info"), dict) or "info" not in spans:
        raise BencodeError("no info dictionary")
    info = top[b"info"]
    raw_info = data[spans["info"][0] : spans["info"][1]]
    if b"pieces" in info:
        infohash = hashlib.sha1(raw_info).hexdigest()
    elif info.get(b"meta version") == 2:
        infohash = hashlib.sha256(raw_info).hexdigest()[:40]
    else:
        raise BencodeError("info dictionary has neither pieces nor meta version 2")
    name = info.get(b"name")
    if b"length" in info and isinstance(info[b"length"], int):
        size: int | None = info[b"length"]
    elif isinstance(info.get(b"files"), list):
        size = sum(f.get(b"length", 0) for f in info[b"files"] if isinstance(f, dict))
    else:
        size = None
    return TorrentMeta(
        infohash=infohash,
        name=name.decode("utf-8", "replace") if isinstance(name, bytes) else None,
        size=size,
        private=info.get(b"private") == 1,
    )


def infohash_from_torrent(data: bytes) -> str:
    return parse_torrent(data).infohash


_BTIH_RE = re.compile(r"urn:btih:([0-9a-fA-F]{40}|[A-Za-z2-7]{32})(?![0-9A-Za-z])")
_BTMH_RE = re.compile(r"urn:btmh:1220([0-9a-fA-F]{64})")


def is_magnet(link: str | None) -> bool:
    return link is not None and link.strip().lower().startswith("magnet:")


def infohash_from_magnet(uri: str) -> str | None:
    """The lower-case hex infohash of a magnet (hex or base32 btih; v2 btmh truncated)."""
    if not is_magnet(uri):
        return None
    match = _BTIH_RE.search(uri)
    if match:
        value = match.group(1)
        if len(value) == 32:
            return base64.b32decode(value.upper()).hex()
        return value.lower()
    match = _BTMH_RE.search(uri)
    return match.group(1).lower()[:40] if match else None


@dataclass(frozen=True)
class TorrentPayload:
    """What is handed to the torrent client: the .torrent bytes or a magnet, and its infohash
    (computed from the payload itself, before anything is added)."""

    infohash: str
    torrent: bytes | None = field(default=None, repr=False)
    magnet: str | None = None
    name: str | None = None
    size: int | None = None

    @classmethod
    def from_torrent(cls, data: bytes) -> TorrentPayload:
        meta = parse_torrent(data)
        return cls(infohash=meta.infohash, torrent=data, name=meta.name, size=meta.size)

    @classmethod
    def from_magnet(cls, uri: str) -> TorrentPayload:
        infohash = infohash_from_magnet(uri)
        if infohash is None:
            raise ValueError("magnet link without a usable infohash (urn:btih)")
        return cls(infohash=infohash, magnet=uri.strip())

    @property
    def kind(self) -> str:
        return "torrent" if self.torrent is not None else "magnet"


_SECRET_PARAM_RE = re.compile(
    r"(?:api_?key|passkey|pass|key|token|auth|sid|sig|signature|secret|uid|rsskey|torrent_pass"
    r"|hash|dl|link|mam_id|session)",
    re.IGNORECASE,
)


# A per-user download token in the path (MAM's `/tor/download.php/<dl>`, RSS-style `/dl/<key>/`).
_PATH_TOKEN_RE = re.compile(r"((?:download(?:\.php)?|dl|rss)/)[^/?#]{12,}", re.IGNORECASE)


def redact_link(url: str | None) -> str | None:
    """A link safe to store and show: secret-looking query values become `***`; a magnet keeps
    only its infohash and name."""
    if not url:
        return url
    if is_magnet(url):
        params = parse_qsl(urlsplit(url).query, keep_blank_values=True)
        kept = [(k, v) for k, v in params if k in ("xt", "dn")]
        return "magnet:?" + urlencode(kept, safe=":")
    parts = urlsplit(url)
    path = _PATH_TOKEN_RE.sub(r"\1***", parts.path)
    params = parse_qsl(parts.query, keep_blank_values=True)
    cleaned = [(k, "***" if _SECRET_PARAM_RE.fullmatch(k) else v) for k, v in params]
    query = urlencode(cleaned, safe="*") if params else parts.query
    return urlunsplit(parts._replace(path=path, query=query))
