"""A stub MyAnonamouse on 127.0.0.1: the JSON API from the recorded samples, plus guide pages.

Reusable by every MAM test (top-10, downloads, guides crawler):

    with MamStub() as mam:
        client = MamClient(mam.url, MamStub.API_COOKIE, min_delay=0, max_delay=0)
        mam.add_torrent(id=1, title="Dune", category=47, author_info='{"1": "Frank Herbert"}')
        ...
        assert mam.count(MamStub.SEARCH) == 1
        assert mam.searches[-1]["tor"]["sortType"] == "snatchedDesc"

API (`/tor/js/loadSearchJSONbasic.php`, POST JSON; `/jsonLoad.php`, GET):
- cookies: only `mam_id=<API_COOKIE>` (or the value it was rotated to) is signed in; anything
  else gets MAM's real 403 `Error, you are not signed in` body (`error_403_not_signed_in.html`);
- search: by default answers from `torrents` (seeded with the rows of `search_response.json`),
  filtered by `tor.cat` and `tor.text`, sorted by `tor.sortType` (`snatchedDesc`, `seedersDesc`,
  `dateDesc`), paged by `perpage`/`startNumber`, in the recorded envelope; no hit = the
  byte-exact `search_empty.json`. Set `search_body` to answer one fixed body instead (e.g.
  `load_contract("mam", "search_response_api_doc_example.json")`);
- a *browser*-type cookie (`browser_cookies`) on the JSON API gets
  `jsonLoad_wrong_session_type.json` with HTTP `wrong_session_status` (MAM's status is not
  documented: 200 by default, 403 also seen);
- `rotate_cookie(new)`: the next answer carries `Set-Cookie: mam_id=<new>`; from then on only
  the new value is signed in (the strictest reading of MAM's rotation);
- `user_data`: the body of `/jsonLoad.php` (`jsonLoad_user_data.json`); edit it freely;
- `/tor/download.php/<dl>` (no cookie) and `/tor/download.php?tid=<id>` (cookie): a small valid
  .torrent for a row of `torrents` (`torrent_bytes(name)`).

Guides (HTML, for the crawler; the *browser* session cookie `BROWSER_COOKIE` is required —
MAM's API-type sessions cannot load HTML pages):
- `/guides/` the index, linking every guide as `/guides/?gid=<n>`;
- `/guides/?gid=<n>` one guide page; `broken_guides` answer 500, `auth_fail_guides` answer the
  not-signed-in page, `stalled_guides[gid]` waits that many seconds before answering.

Faults: `inject(pattern, StubResponse(...), times=n)` from `StubServer` (429 + Retry-After, 5xx,
delays, dropped connections, malformed bodies). Every request is logged with its arrival time:
`count(...)`, `times(...)`, `min_spacing(...)`, `guide_fetches()`.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import time
from typing import Any

from library_pipeline_tests.support.stub_server import (
    StubRequest,
    StubResponse,
    StubServer,
    contract_path,
    load_contract,
)

SAMPLES = "mam"


def sample_bytes(name: str) -> bytes:
    return contract_path(SAMPLES, name).read_bytes()


GUIDES: dict[int, tuple[str, str]] = {
    101: (
        "Ratio, Seeding and You",
        "Your ratio is the amount you have uploaded divided by the amount you have downloaded. "
        "New members start with a small buffer. Keep every torrent you download seeding for at "
        "least 72 hours within 30 days; until then it counts as unsatisfied. Your class sets "
        "how many unsatisfied torrents you may have at once. Freeleech torrents do not count "
        "against your download amount but still need to be seeded. Seeding old torrents that "
        "nobody else seeds earns the most bonus points over time.",
    ),
    102: (
        "Understanding Freeleech and VIP",
        "Freeleech means the download amount is not counted. Site-wide freeleech is announced "
        "on the front page. Personal freeleech can be bought with bonus points for a single "
        "torrent. VIP torrents are freeleech for VIP members only. Wedges turn any torrent "
        "into a personal freeleech. Always check the flags on the torrent page before you "
        "download, because the download counts as soon as the client connects.",
    ),
    103: (
        "Bonus Points Explained",
        "Bonus points accumulate every hour for every torrent you seed, more for torrents with "
        "few seeders. They can be spent on upload credit, personal freeleech, VIP time or "
        "wedges. Points are capped, so spend them before reaching the cap. The rate per hour "
        "is shown on your profile page together with a breakdown per torrent.",
    ),
    104: (
        "How to Request a Book",
        "Search first, including the title in other languages and the author's other spellings. "
        "Requests need the exact title, author and format. Add bounty from your bonus points to "
        "attract uploaders. Fill other people's requests to earn their bounty. Duplicate "
        "requests are removed without notice, so read the open requests before posting.",
    ),
    105: (
        "Uploading Audiobooks: Naming and Tags",
        "Name the torrent after the book, not the file. Put the author, narrator and series in "
        "their own fields, never in the title. Tags list the format, the bitrate and whether "
        "the book is abridged. One book per torrent unless it is an official collection. "
        "Check for duplicates before uploading: a better quality version may replace an older "
        "one, and the staff will tell you when that is the case.",
    ),
    106: (
        "Client Settings That Keep You Safe",
        "Use a whitelisted client and keep it up to date. Disable DHT, PEX and local peer "
        "discovery for private torrents; a good client does this on its own for private "
        "torrents. Do not announce more often than the tracker asks. Keep the port open so "
        "others can connect to you, which improves your seeding and your bonus points.",
    ),
}


def _page(title: str, body_html: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title} - MyAnonamouse</title></head><body>"
        "<div id='menu'><a href='/'>Home</a> <a href='/guides/'>Guides</a> "
        "<a href='/tor/browse.php'>Browse</a> <a href='/logout.php'>Log out</a></div>"
        f"<div id='mainBody'>{body_html}</div>"
        "<footer><p>MyAnonamouse stub for tests: every page is served from 127.0.0.1.</p>"
        "</footer></body></html>"
    )


class MamStub(StubServer):
    API_COOKIE = "stub-api-session-0001"
    BROWSER_COOKIE = "stub-browser-session-0001"
    SEARCH = r"^/tor/js/loadSearchJSONbasic\.php$"
    USER_DATA = r"^/jsonLoad\.php$"
    GUIDES = r"^/guides/$"

    def __init__(self) -> None:
        self.api_cookies = {self.API_COOKIE}
        self.browser_cookies = {self.BROWSER_COOKIE}
        self.wrong_session_status = 200
        self._pending_rotation: str | None = None
        self.rotations_sent = 0
        self.torrents: list[dict[str, Any]] = list(
            load_contract(SAMPLES, "search_response.json")["data"]
        )
        self.search_body: Any | None = None
        self.searches: list[dict[str, Any]] = []
        self.user_data: dict[str, Any] = load_contract(SAMPLES, "jsonLoad_user_data.json")
        self.guides: dict[int, tuple[str, str]] = dict(GUIDES)
        self.broken_guides: set[int] = set()
        self.auth_fail_guides: set[int] = set()
        self.stalled_guides: dict[int, float] = {}  # gid -> seconds to wait before answering
        super().__init__()

    # --- test helpers -------------------------------------------------------------------------

    def add_torrent(self, **fields: Any) -> dict[str, Any]:
        """A row shaped like `search_response.json`'s first one, with `fields` overriding."""
        row = copy.deepcopy(load_contract(SAMPLES, "search_response.json")["data"][0])
        row.update(fields)
        self.torrents.append(row)
        return row

    def rotate_cookie(self, new_value: str) -> None:
        self._pending_rotation = new_value

    def times(self, pattern: str) -> list[float]:
        regex = re.compile(pattern)
        return [r.time for r in self.requests if regex.search(r.path)]

    def min_spacing(self, pattern: str) -> float | None:
        stamps = self.times(pattern)
        gaps = [b - a for a, b in itertools.pairwise(stamps)]
        return min(gaps) if gaps else None

    def guide_fetches(self) -> list[int | None]:
        """Guide ids fetched, in order (None = the index page)."""
        out: list[int | None] = []
        for r in self.requests:
            if re.search(self.GUIDES, r.path):
                gid = r.arg("gid")
                out.append(int(gid) if gid and gid.isdigit() else None)
        return out

    def guide_url(self, gid: int) -> str:
        return f"{self.url}/guides/?gid={gid}"

    # --- routes ---------------------------------------------------------------------------------

    def setup_routes(self) -> None:
        self.route("POST", self.SEARCH, self._search)
        self.route("GET", self.SEARCH, self._search)
        self.route("GET", self.USER_DATA, self._user_data)
        self.route("GET", self.GUIDES, self._guides)
        self.route("GET", r"^/tor/download\.php(?:/(?P<dl>[^/]+))?$", self._download)
        self.route(
            "GET",
            r"^/favicon\.ico$",
            lambda r, m: StubResponse(404, b"", content_type="text/plain"),
        )

    @staticmethod
    def _cookie(request: StubRequest) -> str | None:
        for part in request.headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "mam_id":
                return value
        return None

    @staticmethod
    def not_signed_in() -> StubResponse:
        return StubResponse(
            403, sample_bytes("error_403_not_signed_in.html"), content_type="text/html"
        )

    def _signed_in(self, request: StubRequest, allowed: set[str]) -> bool:
        return self._cookie(request) in allowed

    def _api_refusal(self, request: StubRequest) -> StubResponse | None:
        """Why the JSON API refuses this request's cookie (None: it is an API session)."""
        if self._signed_in(request, self.api_cookies):
            return None
        if self._signed_in(request, self.browser_cookies):
            body = sample_bytes("jsonLoad_wrong_session_type.json")
            return StubResponse(self.wrong_session_status, body)
        return self.not_signed_in()

    def _json(self, body: Any) -> StubResponse:
        headers: dict[str, str] = {}
        if self._pending_rotation:
            new = self._pending_rotation
            self._pending_rotation = None
            self.api_cookies = {new}
            self.rotations_sent += 1
            headers["Set-Cookie"] = (
                f"mam_id={new}; expires=Fri, 01-Jan-2038 00:00:00 GMT; Max-Age=2592000; path=/; "
                "domain=127.0.0.1; secure; HttpOnly"
            )
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        return StubResponse(200, payload, headers=headers)

    def _search(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        if (refusal := self._api_refusal(request)) is not None:
            return refusal
        try:
            body = request.json() or {}
        except ValueError:
            return StubResponse(400, {"error": "bad json"})
        self.searches.append(body)
        if self.search_body is not None:
            return self._json(self.search_body)
        tor = body.get("tor", {})
        rows = list(self.torrents)
        cats = [int(c) for c in tor.get("cat", []) if str(c).isdigit() and int(c) != 0]
        if cats:
            rows = [r for r in rows if _int(r.get("category")) in cats]
        text = str(tor.get("text") or "").strip().lower()
        if text:
            rows = [
                r
                for r in rows
                if text in str(r.get("title") or r.get("name") or "").lower()
                or text in str(r.get("author_info") or "").lower()
            ]
        sort = tor.get("sortType", "default")
        keys = {
            "snatchedDesc": "times_completed",
            "seedersDesc": "seeders",
            "dateDesc": "added",
        }
        if sort in keys:
            key = keys[sort]
            rows.sort(key=lambda r: _sort_value(r.get(key)), reverse=True)
        start = _int(tor.get("startNumber")) or 0
        perpage = _int(body.get("perpage")) or 50
        page = rows[start : start + perpage]
        if not page:
            return self._json(sample_bytes("search_empty.json"))
        return self._json(
            {
                "perpage": perpage,
                "start": start,
                "data": page,
                "total": len(page),  # rows in this answer
                "found": len(rows),  # matches in all
            }
        )

    def _download(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        """A .torrent: by per-user `dl` hash (no cookie needed) or by `?tid=` (cookie needed)."""
        dl = match.group("dl")
        row = None
        if dl:
            row = next((r for r in self.torrents if r.get("dl") == dl), None)
        elif self._signed_in(request, self.api_cookies):
            tid = _int(request.arg("tid"))
            row = next((r for r in self.torrents if _int(r.get("id")) == tid), None)
        else:
            return self.not_signed_in()
        if row is None:
            return StubResponse(404, "no such torrent", content_type="text/plain")
        return StubResponse(
            200,
            torrent_bytes(str(row.get("title") or row.get("name"))),
            content_type="application/x-bittorrent",
        )

    def _user_data(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        if (refusal := self._api_refusal(request)) is not None:
            return refusal
        return self._json(self.user_data)

    def _guides(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        if not self._signed_in(request, self.browser_cookies):
            return self.not_signed_in()
        gid_text = request.arg("gid")
        if not gid_text:
            items = "".join(
                f"<li><a href='/guides/?gid={gid}'>{title}</a></li>"
                for gid, (title, _text) in sorted(self.guides.items())
            )
            intro = (
                "<h1>Guides</h1><p>Guides written by staff and members. Read the rules and the "
                "ratio guide before you download anything; most questions are answered here.</p>"
            )
            return StubResponse(
                200,
                _page("Guides", f"{intro}<ul id='guides'>{items}</ul>"),
                content_type="text/html; charset=utf-8",
            )
        gid = int(gid_text) if gid_text.isdigit() else -1
        if gid in self.auth_fail_guides:
            return self.not_signed_in()
        if gid in self.broken_guides:
            return StubResponse(
                500, "<html><body>Internal error</body></html>", content_type="text/html"
            )
        if gid not in self.guides:
            return StubResponse(
                404, _page("Not found", "<p>No such guide.</p>"), content_type="text/html"
            )
        if gid in self.stalled_guides:
            time.sleep(self.stalled_guides[gid])
        title, text = self.guides[gid]
        paragraphs = "".join(
            f"<p>{sentence.strip().rstrip('.')}.</p>" for sentence in text.split(". ") if sentence
        )
        html = _page(title, f"<h1>{title}</h1>{paragraphs}<p><a href='/guides/'>All guides</a></p>")
        return StubResponse(200, html, content_type="text/html; charset=utf-8")


def _int(value: Any) -> int | None:
    try:
        return int(str(value).replace(",", ""))
    except (TypeError, ValueError):
        return None


def _sort_value(value: Any) -> Any:
    number = _int(value)
    return (0, number) if number is not None else (1, str(value))


def torrent_bytes(name: str) -> bytes:
    """A small, valid single-file .torrent (bencoded) named `name`."""

    def bencode(value: Any) -> bytes:
        if isinstance(value, int):
            return b"i%de" % value
        if isinstance(value, str):
            value = value.encode()
        if isinstance(value, bytes):
            return b"%d:%s" % (len(value), value)
        if isinstance(value, dict):
            items = sorted((k.encode() if isinstance(k, str) else k, v) for k, v in value.items())
            return b"d" + b"".join(bencode(k) + bencode(v) for k, v in items) + b"e"
        raise TypeError(type(value))

    info = {
        "length": 16384,
        "name": f"{name}.m4b",
        "piece length": 16384,
        "pieces": b"\0" * 20,
        "private": 1,
    }
    return bencode(
        {"announce": "https://t.myanonamouse.net/tracker.php/stub/announce", "info": info}
    )
