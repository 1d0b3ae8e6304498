"""Torrent releases as the indexers describe them, and what their titles say (pure, no I/O).

- `Release`: one search hit from any source (Prowlarr, a Torznab feed, MAM), normalised: title,
  indexer, link and/or magnet, infohash, size, seeders, flags, and the structured hints an indexer
  may add (authors, narrators, series positions, language, file types).
- `parse_release_text`: the hints hidden in a release title (format, bitrate, abridged,
  language, volume numbers, packs, narrator) as `ReleaseHints`.
- `.torrent` and magnet helpers: a minimal bencode decoder, `infohash_from_torrent`,
  `infohash_from_magnet`, `TorrentPayload` (what is handed to the torrent client), and
  `redact_link` (download links carry API keys and passkeys: never store or show them raw).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from library_pipeline.domain.normalize import WORD_NUMBERS, normalize_text

AUDIO_FORMATS = ("m4b", "m4a", "mp3", "flac", "aac", "opus", "ogg", "wma", "alac", "wav")
EBOOK_FORMATS = ("epub", "pdf", "mobi", "azw3", "azw", "cbz", "cbr", "djvu", "lit")
AUDIOBOOK_CATEGORY = 3030  # Newznab/Torznab "Audio/Audiobook"
EBOOK_CATEGORIES = frozenset({7000, 7010, 7020, 7030, 7040})


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


# --- release title parsing ------------------------------------------------------------------

_LANGUAGE_NAMES: dict[str, str] = {
    "english": "en", "eng": "en", "en": "en",
    "german": "de", "deutsch": "de", "ger": "de", "deu": "de", "de": "de",
    "french": "fr", "francais": "fr", "fre": "fr", "fra": "fr", "fr": "fr",
    "spanish": "es", "espanol": "es", "castellano": "es", "spa": "es", "esp": "es", "es": "es",
    "italian": "it", "italiano": "it", "ita": "it", "it": "it",
    "dutch": "nl", "nederlands": "nl", "nld": "nl", "dut": "nl", "nl": "nl",
    "polish": "pl", "polski": "pl", "pol": "pl", "pl": "pl",
    "russian": "ru", "rus": "ru", "ru": "ru",
    "portuguese": "pt", "portugues": "pt", "por": "pt", "pt": "pt",
    "swedish": "sv", "svenska": "sv", "swe": "sv",
    "danish": "da", "dansk": "da", "dan": "da",
    "norwegian": "no", "norsk": "no", "nor": "no",
    "finnish": "fi", "suomi": "fi", "fin": "fi",
    "japanese": "ja", "jpn": "ja", "chinese": "zh", "chi": "zh", "zho": "zh",
    "czech": "cs", "cesky": "cs", "cze": "cs", "hungarian": "hu", "magyar": "hu", "hun": "hu",
    "turkish": "tr", "turkce": "tr", "tur": "tr", "greek": "el", "gre": "el",
}  # fmt: skip
# Words that mark a language wherever they stand (a title can say "German" and be English).
_LANGUAGE_MARKERS: dict[str, str] = {
    "deutsch": "de", "horbuch": "de", "ungekurzt": "de", "gekurzt": "de", "gelesen von": "de",
    "francais": "fr", "livre audio": "fr", "lu par": "fr",
    "espanol": "es", "audiolibro": "es", "leido por": "es", "narrado por": "es",
    "italiano": "it", "letto da": "it", "audiolibro letto": "it",
    "nederlands": "nl", "luisterboek": "nl", "gelezen door": "nl",
    "polski": "pl", "audiobook pl": "pl", "czyta": "pl",
    "svenska": "sv", "ljudbok": "sv", "dansk": "da", "lydbog": "da", "norsk": "no",
    "lydbok": "no", "suomi": "fi", "aanikirja": "fi",
}  # fmt: skip
LANGUAGE_NAMES_EN = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "nl": "Dutch", "pl": "Polish", "ru": "Russian", "pt": "Portuguese", "sv": "Swedish",
    "da": "Danish", "no": "Norwegian", "fi": "Finnish", "ja": "Japanese", "zh": "Chinese",
    "cs": "Czech", "hu": "Hungarian", "tr": "Turkish", "el": "Greek",
}  # fmt: skip

_NUM = r"(\d{1,3}(?:\.\d)?|" + "|".join(WORD_NUMBERS) + r")"
_VOL_WORD = r"(?:books?|bks?\.?|vols?\.?|volumes?|tomes?|novels?|parts?|#)"
_RANGE_RE = re.compile(
    r"(?<![a-z0-9])" + _VOL_WORD + r"\s*#?\s*" + _NUM
    + r"\s*(?:-|to|thru|through|&|and)\s*#?\s*" + _NUM + r"(?![a-z0-9]|\.\d)"
)  # fmt: skip
_SINGLE_RE = re.compile(
    r"(?<![a-z0-9])(?:book|bk\.?|vol\.?|volume|tome|novel|#)\s*#?\s*" + _NUM + r"(?![a-z0-9])"
    r"(?!\s*(?:-|to|thru|through|&)\s*\d)"
)
_OF_TOTAL_RE = re.compile(r"^\s*of\s+\d+")
# Strong pack phrases always mean several books; weak ones only when no single volume is named
# ("Mistborn Trilogy, Book 1" is one book, "The Mistborn Trilogy" is three).
_STRONG_PACK_PHRASES = (
    "complete series", "the complete", "complete collection", "complete works", "complete saga",
    "complete trilogy", "box set", "boxed set", "boxset", "omnibus", "all books",
)  # fmt: skip
_WEAK_PACK_PHRASES = (
    "collection", "anthology", "trilogy", "duology", "quartet", "quintet", "series", "saga",
    "books", "volumes", "bundle",
)  # fmt: skip
_FORMAT_RE = re.compile(
    r"(?<![a-z0-9])(" + "|".join(AUDIO_FORMATS + EBOOK_FORMATS) + r")(?![a-z0-9])"
)
_BITRATE_RE = re.compile(
    r"(?<![\d.])(\d{2,3})(?:\s*(?:-|–|to)\s*(\d{2,3}))?\s*(?:kbps|kb/s|kbit/?s?|kbits|k\b)"
)
_NARRATOR_RE = re.compile(
    r"(?:read by|narrated by|narrator:?|narr\.|performed by)\s+([^\[\](){}|,;.]+)", re.I
)
_BRACES_NARRATOR_RE = re.compile(r"\{([^{}]+)\}")
_BRACKETS_RE = re.compile(r"[\[(]([^\[\]()]*)[\])]")


@dataclass(frozen=True)
class ReleaseHints:
    """What a release's own text says about it (None / empty = it does not say)."""

    formats: tuple[str, ...] = ()  # audio and ebook extensions named, in order of appearance
    bitrate_kbps: int | None = None  # the lowest bitrate named
    abridged: bool | None = None  # True abridged, False unabridged, None unknown
    dramatised: bool = False
    languages: tuple[str, ...] = ()  # ISO 639-1 codes named (brackets, markers)
    volumes: tuple[float, ...] = ()  # single volume numbers named ("Book 3")
    volume_range: tuple[float, float] | None = None  # "Books 1-10"
    pack_markers: tuple[str, ...] = ()  # "complete series", "box set", "books 1-10"...
    narrators: tuple[str, ...] = ()

    @property
    def audio_formats(self) -> tuple[str, ...]:
        return tuple(f for f in self.formats if f in AUDIO_FORMATS)

    @property
    def ebook_only(self) -> bool:
        return bool(self.formats) and not self.audio_formats


def _number(token: str) -> float | None:
    token = token.strip().lower()
    if token in WORD_NUMBERS:
        return float(WORD_NUMBERS[token])
    try:
        return float(token)
    except ValueError:
        return None


def _dedupe(items: list[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(items))


def parse_release_text(
    title: str,
    *,
    description: str | None = None,
    tags: str | None = None,
    file_types: tuple[str, ...] = (),
) -> ReleaseHints:
    """Hints from a release title (primary), its tags and the start of its description.

    Volume numbers and packs come from the title only: descriptions mention other volumes
    ("follows Book 2...") and would mislead. Format, bitrate and abridgement also read the tags
    and the first 300 characters of the description; an indexer's `file_types` count as formats.
    """
    lower = title.lower().replace("–", "-").replace("—", "-")
    extra = " ".join(x for x in (tags or "", (description or "")[:300]) if x)
    extra_lower = extra.lower().replace("–", "-").replace("—", "-")
    norm_all = normalize_text(f"{title} {extra}")

    formats = [f.lower() for f in file_types if f]
    formats += _FORMAT_RE.findall(lower) + _FORMAT_RE.findall(extra_lower)
    bitrates = []
    for match in _BITRATE_RE.finditer(f"{lower} {extra_lower}"):
        low = int(match.group(1))
        if 8 <= low <= 1411:
            bitrates.append(low)

    abridged: bool | None = None
    if re.search(r"\b(?:unabridged|ungekurzt|integrale?|integral|completo)\b", norm_all):
        abridged = False
    elif re.search(r"\b(?:abridged|gekurzt|abridgement)\b", norm_all):
        abridged = True  # "unabridged" / "ungekurzt" have no word boundary before the match
    dramatised = bool(
        re.search(
            r"\b(?:dramati[sz]ed|dramati[sz]ation|full cast|radio play|bbc radio)\b", norm_all
        )
    )

    languages: list[str] = []
    for inner in _BRACKETS_RE.findall(title):
        for token in normalize_text(inner).split():
            code = _LANGUAGE_NAMES.get(token)
            if code and (len(token) > 2 or inner.strip().lower() == token):
                languages.append(code)
    norm_title = normalize_text(title)
    padded = f" {normalize_text(title + ' ' + (tags or ''))} "
    for marker, code in _LANGUAGE_MARKERS.items():
        if f" {marker} " in padded:
            languages.append(code)
    for name in ("german", "french", "spanish", "italian", "dutch", "polish", "russian"):
        if re.search(rf"\b{name} (?:edition|version|audiobook|audio)\b", norm_title):
            languages.append(_LANGUAGE_NAMES[name])

    volume_range: tuple[float, float] | None = None
    packs: list[str] = []
    for match in _RANGE_RE.finditer(lower):
        a, b = _number(match.group(1)), _number(match.group(2))
        if a is not None and b is not None and b > a:
            volume_range = (a, b) if volume_range is None else volume_range
            packs.append(" ".join(match.group(0).split()))
    without_ranges = _RANGE_RE.sub(" ", lower)
    volumes: list[float] = []
    for match in _SINGLE_RE.finditer(without_ranges):
        value = _number(match.group(1))
        if value is not None:
            volumes.append(value)
    norm_padded = f" {norm_title} "
    for phrase in _STRONG_PACK_PHRASES:
        if f" {phrase} " in norm_padded:
            packs.append(phrase)
    if not volumes:
        for phrase in _WEAK_PACK_PHRASES:
            if f" {phrase} " in norm_padded:
                packs.append(phrase)

    narrators = [n.strip() for n in _NARRATOR_RE.findall(f"{title} {extra}") if n.strip()]
    narrators += [n.strip() for n in _BRACES_NARRATOR_RE.findall(title) if n.strip()]

    return ReleaseHints(
        formats=_dedupe(formats),
        bitrate_kbps=min(bitrates) if bitrates else None,
        abridged=abridged,
        dramatised=dramatised,
        languages=_dedupe(languages),
        volumes=_dedupe(volumes),
        volume_range=volume_range,
        pack_markers=_dedupe(packs),
        narrators=_dedupe(narrators),
    )


def language_code(value: str | None) -> str | None:
    """ISO 639-1 code of a language name or code ("English", "eng", "en", "en-US", "ENG")."""
    if not value:
        return None
    text = normalize_text(value.replace("_", "-").split("-")[0])
    return _LANGUAGE_NAMES.get(text) or (text if len(text) == 2 and text.isalpha() else None)


def position_values(text: str | None) -> tuple[float, ...] | tuple[float, float] | None:
    """Series positions from an indexer's position text: "1" → (1.0,), "01-16, 13.5" → the range
    (1.0, 16.0) marked as a pack by the caller (two values), "" → None."""
    if not text:
        return None
    cleaned = text.strip().lower().replace("–", "-").replace("—", "-")
    range_match = re.match(r"^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)", cleaned)
    if range_match:
        a, b = float(range_match.group(1)), float(range_match.group(2))
        if b > a:
            return (a, b)
    numbers = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", cleaned)]
    if len(numbers) == 1:
        return (numbers[0],)
    if len(numbers) > 1:
        return (min(numbers), max(numbers))
    return None


# --- bencode, infohashes, magnets ------------------------------------------------------------


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
        top, end = _bdecode(data, 0, spans, 0)
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
    return bool(link) and link.strip().lower().startswith("magnet:")


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
