"""Tolerant parsing of MyAnonamouse's JSON quirks (pure functions, no I/O).

MAM's answers are loosely typed (see ``library_pipeline_tests/contracts/mam/README.md``):

- numbers arrive as JSON numbers or as strings (``"5"``, ``"1,250"``);
- flags as ``0``/``1``, ``"0"``/``"1"`` or ``true``/``false``;
- sizes as human strings (``"847.9 MiB"``, ``"1,018.3 KiB"``) or byte counts (``"6324306932"``);
- ``author_info`` / ``narrator_info`` / ``series_info`` are JSON documents *inside* a JSON string,
  ``""`` or ``"{}"`` when empty, sometimes malformed (unescaped double quotes in a name);
  ``series_info`` values are ``[name, position, ...extra]``;
- the download hash ``dl`` may be truncated with ``...`` (the documentation's own example);
- no hits is ``{"error": "Nothing returned, out of 0"}`` with HTTP 200;
- a bad or expired session is ``Error, you are not signed in`` (HTML, HTTP 403);
- a browser-type session on the JSON API is ``{"error": "Request not via correct session
  type"}``.

Every parser here returns a value or ``None`` (never raises on bad input); the ``*_info`` parsers
also say when they had to repair or drop something, so the caller can record it.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup

NOT_SIGNED_IN = "Error, you are not signed in"
WRONG_SESSION_TYPE = "Request not via correct session type"
NOTHING_RETURNED = "Nothing returned, out of"
AUDIOBOOKS_MAIN_CAT = 13
CATEGORY_PREFIX = "Audiobooks - "

# MAM's audiobook categories (main category 13) as MAM lists them, mirrored by Prowlarr's and
# Jackett's MyAnonamouse indexers. The live list is refreshed from the categories MAM reports
# in search answers (`catname`), so a renamed or added category is picked up.
AUDIOBOOK_CATEGORIES: dict[int, str] = {
    39: "Action/Adventure",
    49: "Art",
    50: "Biographical",
    83: "Business",
    51: "Computer/Internet",
    97: "Crafts",
    40: "Crime/Thriller",
    41: "Fantasy",
    106: "Food",
    42: "General Fiction",
    52: "General Non-Fic",
    98: "Historical Fiction",
    54: "History",
    55: "Home/Garden",
    43: "Horror",
    99: "Humor",
    84: "Instructional",
    44: "Juvenile",
    56: "Language",
    45: "Literary Classics",
    57: "Math/Science/Tech",
    85: "Medical",
    87: "Mystery",
    119: "Nature",
    88: "Philosophy",
    58: "Pol/Soc/Relig",
    59: "Recreation",
    46: "Romance",
    47: "Science Fiction",
    53: "Self-Help",
    89: "Travel/Adventure",
    100: "True Crime",
    108: "Urban Fantasy",
    48: "Western",
    111: "Young Adult",
}

# --- scalars -------------------------------------------------------------------------------

_TRUE = {"1", "true", "yes", "y", "on", "t"}
_FALSE = {"0", "false", "no", "n", "off", "f", "", "null", "none"}


def to_int(value: Any) -> int | None:
    """An integer from ``5``, ``5.0``, ``"5"``, ``"1,250"``, ``" 7 "``; ``None`` otherwise."""
    if value is None or isinstance(value, bool):
        return None if value is None else int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value and abs(value) != float("inf") else None
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return None
            return int(number) if number == number and abs(number) != float("inf") else None
    return None


def to_float(value: Any) -> float | None:
    """A float from a number or a numeric string (``"4.12"``, ``"1,024.5"``); ``None`` for
    anything else (``"Inf."``, ``"---"``)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", ""))
        except ValueError:
            return None
    else:
        return None
    return number if number == number and abs(number) != float("inf") else None


def to_bool(value: Any) -> bool:
    """A flag from ``0/1``, ``"0"/"1"``, ``true/false``, ``"true"/"false"``; unknown → False."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        number = to_float(text)
        return bool(number) if number is not None else False
    return False


def to_text(value: Any) -> str | None:
    """A clean display string: HTML entities decoded, whitespace collapsed; ``None`` if empty."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    text = " ".join(html.unescape(value).split())
    return text or None


_SIZE_RE = re.compile(r"^\s*([\d.,]+)\s*([kmgtp]?)(i?)(b|bytes?)?\s*$", re.IGNORECASE)
_SIZE_POWER = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4, "p": 5}


def parse_size(value: Any) -> int | None:
    """Bytes from ``"847.9 MiB"``, ``"1,018.3 KiB"``, ``"5.89 GiB"``, ``"6324306932"`` or a
    number. Trackers mean binary units by KB/MB/GB too, so both spellings count in 1024s."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if value >= 0 else None
    if not isinstance(value, str):
        return None
    match = _SIZE_RE.match(value)
    if not match:
        return None
    number = to_float(match.group(1))
    if number is None or number < 0:
        return None
    unit = float(1024 ** _SIZE_POWER[match.group(2).lower()])  # int ** int is typed Any
    return round(number * unit)


def parse_added(value: Any) -> datetime | None:
    """MAM's ``added`` (``"2024-11-05 03:12:44"``, UTC) as a naive UTC datetime."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


# --- the JSON-inside-JSON fields -----------------------------------------------------------


@dataclass
class InfoParse:
    """What came out of one ``*_info`` field, and whether it had to be repaired."""

    values: list[Any] = field(default_factory=list)
    warning: str | None = None


def _loads_embedded(raw: Any) -> tuple[Any, bool]:
    """(decoded value, ok). Accepts an already-decoded dict/list, a JSON string, or emptiness."""
    if raw is None:
        return {}, True
    if isinstance(raw, dict | list):
        return raw, True
    if not isinstance(raw, str):
        return None, False
    text = raw.strip()
    if text in ("", "{}", "[]", "null", "false", "0"):
        return {}, True
    try:
        decoded = json.loads(text)
    except (json.JSONDecodeError, ValueError):
        return None, False
    # Doubly encoded ("\"{\\\"1\\\": \\\"A\\\"}\"") happens when a proxy re-serialises.
    if isinstance(decoded, str):
        return _loads_embedded(decoded)
    return decoded, True


# `"123": "Name with "quotes" inside"` — a value ends at a quote followed by `,` + key or `}`.
_PAIR_RE = re.compile(r'"\s*(\d+)\s*"\s*:\s*"(.*?)"\s*(?=,\s*"\s*\d+\s*"\s*:|\s*}\s*$)', re.S)
_SERIES_PAIR_RE = re.compile(
    r'"\s*(\d+)\s*"\s*:\s*\[\s*"(.*?)"\s*(?:,\s*"(.*?)"\s*)?(?:,[^\]]*)?\]', re.S
)


def _name(value: Any) -> str | None:
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return to_text(value)


def parse_people_info(raw: Any, field_name: str = "author_info") -> InfoParse:
    """Names from ``author_info`` / ``narrator_info`` (``{"145278": "Brandon Sanderson"}``), in
    MAM's order, de-duplicated. Malformed JSON is repaired where the pairs can still be read."""
    decoded, ok = _loads_embedded(raw)
    warning = None
    names: list[str] = []
    if ok:
        items: list[Any]
        if isinstance(decoded, dict):
            items = list(decoded.values())
        elif isinstance(decoded, list):
            items = decoded
        else:
            items = [decoded]
        for item in items:
            name = _name(item)
            if name:
                names.append(name)
    else:
        text = raw if isinstance(raw, str) else ""
        pairs = _PAIR_RE.findall(text)
        names = [n for n in (to_text(value) for _key, value in pairs) if n]
        if names:
            warning = f"{field_name}: malformed JSON, repaired ({len(names)} name(s) recovered)"
        else:
            warning = f"{field_name}: malformed JSON, ignored"
    unique = list(dict.fromkeys(names))
    return InfoParse(values=unique, warning=warning)


@dataclass(frozen=True)
class SeriesRef:
    name: str
    position: str | None = None


def _series_from_value(value: Any) -> SeriesRef | None:
    if isinstance(value, list | tuple):
        name = to_text(value[0]) if value else None
        position = to_text(value[1]) if len(value) > 1 and value[1] not in (None, "") else None
    elif isinstance(value, dict):
        name = to_text(value.get("name") or value.get("0"))
        position = to_text(value.get("position") or value.get("1"))
    else:
        name, position = to_text(value), None
    return SeriesRef(name, position) if name else None


def parse_series_info(raw: Any) -> InfoParse:
    """``SeriesRef``s from ``series_info`` (``{"3171": ["Mistborn", "1"]}``); extra elements
    after the position are ignored; malformed JSON is repaired where possible."""
    decoded, ok = _loads_embedded(raw)
    refs: list[SeriesRef] = []
    warning = None
    if ok:
        items = list(decoded.values()) if isinstance(decoded, dict) else decoded
        if not isinstance(items, list):
            items = [items]
        for item in items:
            ref = _series_from_value(item)
            if ref:
                refs.append(ref)
    else:
        text = raw if isinstance(raw, str) else ""
        for _key, name, position in _SERIES_PAIR_RE.findall(text):
            ref = _series_from_value([name, position or None])
            if ref:
                refs.append(ref)
        warning = (
            f"series_info: malformed JSON, repaired ({len(refs)} series recovered)"
            if refs
            else "series_info: malformed JSON, ignored"
        )
    return InfoParse(values=list(dict.fromkeys(refs)), warning=warning)


# --- other fields --------------------------------------------------------------------------

_ASIN_RE = re.compile(r"\bASIN:\s*([A-Z0-9]{10})\b", re.IGNORECASE)
_ISBN_RE = re.compile(r"\b(97[89]\d{10}|\d{9}[\dX])\b", re.IGNORECASE)


def parse_isbn_field(value: Any) -> tuple[str | None, str | None]:
    """(asin, isbn) from MAM's ``isbn`` field, which holds either (``"ASIN:B002UZMLXM"``)."""
    text = to_text(value)
    if not text:
        return None, None
    asin_match = _ASIN_RE.search(text)
    asin = asin_match.group(1).upper() if asin_match else None
    rest = _ASIN_RE.sub(" ", text).replace("-", "")
    isbn_match = _ISBN_RE.search(rest)
    return asin, isbn_match.group(1).upper() if isbn_match else None


def usable_dl_hash(value: Any) -> str | None:
    """The per-user download hash, or ``None`` when absent or truncated (``"...abc,..."``)."""
    text = value.strip() if isinstance(value, str) else None
    if not text or text.endswith("...") or "…" in text or " " in text:
        return None
    return text


def category_genre(catname: Any) -> str | None:
    """``"Audiobooks - Urban Fantasy"`` → ``"Urban Fantasy"``; other main categories → None."""
    text = to_text(catname)
    if not text or not text.lower().startswith(CATEGORY_PREFIX.lower()):
        return None
    return text[len(CATEGORY_PREFIX) :].strip() or None


def is_not_signed_in(body: bytes | str) -> bool:
    """MAM's answer to a missing, expired or IP-mismatched session (matched by its prefix)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return text.lstrip().startswith(NOT_SIGNED_IN)


def is_wrong_session_type(body: bytes | str) -> bool:
    """MAM's JSON answer to a session cookie of the wrong kind (a browser-type ``mam_id`` on
    the API): ``{"error": "Request not via correct session type"}``, with HTTP 200 or 403."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return WRONG_SESSION_TYPE.lower() in text[:300].lower()


def search_error(data: Any) -> tuple[bool, str | None]:
    """(is_empty_result, other_error) for a decoded search body.

    ``{"error": "Nothing returned, out of 0"}`` is an empty result, not a failure; any other
    ``error`` / ``message`` string without ``data`` is an error to report.
    """
    if not isinstance(data, dict):
        return False, None
    error = data.get("error")
    if isinstance(error, str) and error.strip().lower().startswith(NOTHING_RETURNED.lower()):
        return True, None
    if "data" not in data:
        message = error or data.get("message")
        if isinstance(message, str) and message.strip():
            return False, message.strip()
    return False, None


# --- guides (HTML) -------------------------------------------------------------------------


def guide_id(url: str) -> int | None:
    """The `gid` of a guide URL (`/guides/?gid=37729`), or None."""
    values = parse_qs(urlsplit(url).query).get("gid") or []
    return to_int(values[0]) if values else None


def canonical_guide_url(url: str) -> str:
    """A guide URL with only its `gid` kept (no fragments, tracking or sort parameters)."""
    parts = urlsplit(url)
    gid = guide_id(url)
    query = f"gid={gid}" if gid is not None else ""
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def extract_guide_links(html_text: str, page_url: str, index_path: str) -> list[tuple[str, str]]:
    """(canonical URL, link text) of every guide linked from a page, in page order, once each.

    A guide link stays on the page's host, has the index path as its path and a `gid`.
    """
    host = urlsplit(page_url).netloc
    wanted_path = "/" + index_path.strip("/") + "/"
    links: dict[str, str] = {}
    for anchor in BeautifulSoup(html_text or "", "html.parser").find_all("a", href=True):
        absolute = urljoin(page_url, str(anchor["href"]))
        parts = urlsplit(absolute)
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        if parts.netloc != host or path != wanted_path or guide_id(absolute) is None:
            continue
        url = canonical_guide_url(absolute)
        links.setdefault(url, to_text(anchor.get_text(" ")) or "")
    return list(links.items())


def is_login_page(url: str | None, html_text: str | None) -> bool:
    """Whether a fetched HTML page is MAM telling the browser session it is not signed in."""
    if url and "login.php" in url.lower():
        return True
    text = (html_text or "").lstrip()[:2000]
    if is_not_signed_in(text):
        return True
    body_start = re.sub(r"<[^>]+>", " ", text)
    return NOT_SIGNED_IN.lower() in " ".join(body_start.split()).lower()[:300]


def slugify(text: str, max_length: int = 60) -> str:
    """A file-name-safe slug: "Ratio, Seeding & You" → "ratio-seeding-you"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "guide"
