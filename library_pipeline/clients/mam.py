"""MyAnonamouse (MAM) client: JSON torrent search and the user-data endpoint.

MAM is a private tracker with strict rules; a careless tool can cost the user their account.
This client is polite, not stealthy:

- it sends the user's own session cookie (`mam_id`, an *API-type* session created under
  Preferences → Security) and an honest User-Agent;
- requests are spaced by a jittered delay never below the configured minimum, a 429's
  `Retry-After` pauses every request, and 5xx/timeouts are retried a few times with backoff;
- when MAM answers with a rotated `mam_id` (Set-Cookie), the new value is kept in a
  `CookieStore` (the library DB's `app_state`, or a 0600 file) and used from then on;
- "not signed in" (HTTP 403, `Error, you are not signed in`) raises one `MamNotSignedIn` that
  says what to do, and every later call of this client fails fast with it (no hammering);
- the cookie never appears in logs, error texts or metadata (`HttpClient` redaction, plus the
  rotated values);
- no HTTP cache: MAM answers are per-user and must be fresh (`cache_dir=None`).

Parsing is tolerant of every quirk in `library_pipeline_tests/contracts/mam/README.md` (see
`domain/mam_parsing.py`); a row that cannot be read is skipped with a warning, a body of the
wrong shape is a `MalformedResponse` naming the field.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from http.cookies import CookieError, SimpleCookie
from typing import Any, TypeVar

import httpx

from library_pipeline.clients.http import (
    AuthError,
    HttpClient,
    MalformedResponse,
    ProviderError,
    ProviderLimits,
    redact,
)
from library_pipeline.clients.mam_cookies import CookieStore, MemoryCookieStore, cookie_origin
from library_pipeline.domain import mam_parsing as mp
from library_pipeline.domain.mam_results import (
    MamAnswerError,
    MamRefusal,
    MamSearch,
    MamSearchResult,
    MamTorrent,
    MamUserData,
    parse_search,
    parse_user_data,
    period_window,
)

PROVIDER = "mam"
SEARCH_PATH = "/tor/js/loadSearchJSONbasic.php"
USER_DATA_PATH = "/jsonLoad.php"

# After MAM refused the cookie, no request is sent with it for this long (a new cookie resets it).
SIGNED_OUT_GRACE = timedelta(hours=6)
_Parsed = TypeVar("_Parsed")

NOT_SIGNED_IN_HELP = (
    "not signed in: MAM rejected the session cookie (missing, expired, revoked, or locked to "
    "another IP/ASN). Create a new API-type session on MAM under Preferences → Security "
    "(lock it to this machine's IP or ASN) and put its mam_id in LIBRARY_PIPELINE_MAM_ID; "
    "no further MAM requests are made until then."
)


class MamNotSignedIn(AuthError):
    """MAM does not accept the session cookie; the user must create a new one."""

    def __init__(self, detail: str = "") -> None:
        message = NOT_SIGNED_IN_HELP + (f" ({detail})" if detail else "")
        super().__init__(PROVIDER, message, 403)


WRONG_SESSION_HELP = (
    'wrong kind of session: MAM answered "{answer}" — the mam_id in LIBRARY_PIPELINE_MAM_ID '
    "is not an API-type session (a browser-type session's cookie only works for web pages; it "
    "belongs in LIBRARY_PIPELINE_MAM_BROWSER_MAM_ID, for the guides crawler). Create an "
    "API-type session on MAM under Preferences → Security (session type API, locked to this "
    "machine's IP or ASN) and put its mam_id in LIBRARY_PIPELINE_MAM_ID; no further MAM "
    "requests are made until then."
)


class MamWrongSessionType(MamNotSignedIn):
    """The cookie is a browser-type session's: MAM's JSON API wants an API-type one."""

    def __init__(self, detail: str = "") -> None:
        message = WRONG_SESSION_HELP.format(answer=mp.WRONG_SESSION_TYPE)
        AuthError.__init__(self, PROVIDER, message + (f" ({detail})" if detail else ""), 403)


SIGN_OUT_KINDS: dict[str, type[MamNotSignedIn]] = {
    "not_signed_in": MamNotSignedIn,
    "wrong_session_type": MamWrongSessionType,
}


class MamNotConfigured(AuthError):
    def __init__(self) -> None:
        super().__init__(
            PROVIDER,
            "no session cookie configured: set LIBRARY_PIPELINE_MAM_ID to the mam_id of an "
            "API-type session (MAM → Preferences → Security)",
        )


class MamSearchError(ProviderError):
    """MAM answered the search with an error message instead of results."""


def _parsed(parse: Callable[..., _Parsed], *args: Any) -> _Parsed:
    """A pure parser's result, its errors as this client's `ProviderError`s."""
    try:
        return parse(*args)
    except MamRefusal as error:
        raise MamSearchError(PROVIDER, str(error)) from None
    except MamAnswerError as error:
        raise MalformedResponse(PROVIDER, str(error)) from None


# --- the client ----------------------------------------------------------------------------


class MamClient:
    """Polite MAM JSON client. Use as an async context manager.

    `min_delay`/`max_delay`: every request leaves at least a random delay drawn from
    [min_delay, max_delay] after the previous one (never below `min_delay`).
    """

    def __init__(
        self,
        base_url: str,
        mam_id: str,
        *,
        cookie_store: CookieStore | None = None,
        min_delay: float = 2.0,
        max_delay: float = 5.0,
        max_attempts: int = 3,
        timeout_seconds: float = 30.0,
        signed_out_grace: timedelta = SIGNED_OUT_GRACE,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._configured = mam_id.strip()
        self.store = cookie_store or MemoryCookieStore()
        self.min_delay = max(0.0, min_delay)
        self.max_delay = max(self.min_delay, max_delay)
        self.rotations = 0
        self.signed_out_grace = signed_out_grace
        self._signed_out: MamNotSignedIn | None = None
        self._signed_in: bool | None = None
        self._last_sent: float | None = None
        self._pace_lock = asyncio.Lock()
        self._cookie = self._initial_cookie()
        limits = ProviderLimits(
            requests_per_period=1,
            period_seconds=max(self.min_delay, 0.001),
            max_attempts=max_attempts,
            backoff_initial=max(self.min_delay, 1.0),
            backoff_max=60.0,
            timeout_seconds=timeout_seconds,
            max_connections=2,
            circuit_threshold=4,
        )
        self.http = HttpClient(
            PROVIDER,
            self.base_url,
            limits=limits,
            cache_dir=None,  # never cache MAM: answers are per-user and must be fresh
            secrets=[s for s in (self._configured, self._cookie) if s],
            classify=self._inspect,
            transport=transport,
        )
        # A redirect (to login.php) is MAM saying "not signed in": see it, don't follow it.
        self.http.client.follow_redirects = False
        self.http.uncached.follow_redirects = False

    # --- lifecycle ----------------------------------------------------------------------------

    async def __aenter__(self) -> MamClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    @property
    def configured(self) -> bool:
        """Whether a session cookie was given at all."""
        return bool(self._configured)

    @property
    def signed_out(self) -> MamNotSignedIn | None:
        """The not-signed-in error once MAM refused the cookie (then no request is sent)."""
        return self._signed_out

    def status(self) -> dict[str, Any]:
        """Provider health for asset metadata (never the cookie)."""
        return {
            **self.http.status(),
            "cookie_rotations": self.rotations,
            "signed_in": False if self._signed_out is not None else self._signed_in,
            "min_delay_seconds": self.min_delay,
            "max_delay_seconds": self.max_delay,
        }

    def redact(self, text: str) -> str:
        return redact(text, self.http.secrets)

    # --- public calls ---------------------------------------------------------------------------

    async def search(self, query: MamSearch) -> MamSearchResult:
        """One page of search results (`query.per_page` rows from `query.start_number`)."""
        data = await self._call("POST", SEARCH_PATH, body=query.body())
        return self._read(parse_search, data, self.base_url)

    async def search_text(
        self,
        text: str,
        *,
        categories: Sequence[int] = (),
        languages: Sequence[int] = (),
        per_page: int = 50,
        sort_type: str = "default",
    ) -> MamSearchResult:
        """Audiobooks matching `text` in title, author, narrator or series."""
        return await self.search(
            MamSearch(
                text=text,
                categories=tuple(categories),
                languages=tuple(languages),
                per_page=per_page,
                sort_type=sort_type,
            )
        )

    async def top10(
        self,
        category_id: int | None,
        period: str = "week",
        *,
        limit: int = 10,
        now: datetime | None = None,
    ) -> MamSearchResult:
        """MAM's live top-10: audiobooks (of one category) added in the period, most snatched
        first (`sortType: snatchedDesc`); `period` is day | week | month | all."""
        start, end = period_window(period, now)
        query = MamSearch(
            text="",
            search_in=(
                "title",
                "description",
                "tags",
                "author",
                "narrator",
                "series",
                "fileTypes",
                "filenames",
            ),
            categories=(category_id,) if category_id else (),
            sort_type="snatchedDesc",
            per_page=max(5, limit),
            start_date=start,
            end_date=end,
        )
        result = await self.search(query)
        return result.model_copy(update={"torrents": result.torrents[:limit]})

    async def user_data(self, snatch_summary: bool = False) -> MamUserData:
        """The account's class, ratio, bonus points and unsatisfied-torrent count and limit."""
        params = {"snatch_summary": ""} if snatch_summary else None
        data = await self._call("GET", USER_DATA_PATH, params=params)
        return self._read(parse_user_data, data)

    async def download_torrent(self, torrent: MamTorrent | str) -> bytes:
        """The .torrent file of a search hit (or a `/tor/download.php...` URL of this MAM),
        paced like every other request; its per-user `dl` hash never shows in errors."""
        url = torrent.download_url if isinstance(torrent, MamTorrent) else torrent
        if isinstance(torrent, MamTorrent) and torrent.dl_hash:
            self.http.secrets.append(torrent.dl_hash)
        path = url[len(self.base_url) :] if url.startswith(self.base_url) else url
        if not path.startswith("/tor/download.php"):
            raise ValueError("not a MAM download link")
        if path.startswith("/tor/download.php/"):  # the per-user dl hash is in the path
            self.http.secrets.append(path.split("?", 1)[0].rsplit("/", 1)[-1])
        response = await self._send("GET", path)
        if not response.content.startswith(b"d"):
            kind = response.headers.get("content-type", "unknown type").split(";")[0]
            raise MalformedResponse(
                PROVIDER, f"expected a .torrent file, got {kind} ({len(response.content)} bytes)"
            )
        return response.content

    # --- internals ------------------------------------------------------------------------------

    def _load_record(self) -> dict[str, Any] | None:
        """The stored record of *this* configured cookie (None for another cookie's)."""
        if not self._configured:
            return None
        try:
            record = self.store.load()
        except Exception:  # noqa: BLE001 - a broken store must not stop the run
            return None
        if isinstance(record, dict) and record.get("origin") == cookie_origin(self._configured):
            return record
        return None

    def _save_record(self, **changes: Any) -> None:
        record = self._load_record() or {"origin": cookie_origin(self._configured)}
        record.update(changes)
        with contextlib.suppress(Exception):  # a broken store: keep the in-memory state
            self.store.save(record)

    def _initial_cookie(self) -> str:
        record = self._load_record()
        if record is None:
            return self._configured
        refused_at = _parse_time(record.get("signed_out_at"))
        if refused_at is not None and datetime.now(UTC) - refused_at < self.signed_out_grace:
            retry_at = (refused_at + self.signed_out_grace).isoformat(timespec="minutes")
            kind = SIGN_OUT_KINDS.get(str(record.get("signed_out_kind")), MamNotSignedIn)
            self._signed_out = kind(
                f"refused at {refused_at.isoformat(timespec='minutes')}; not retried before "
                f"{retry_at} unless a new cookie is set"
            )
        value = record.get("value")
        return value if isinstance(value, str) and value else self._configured

    async def _pace(self) -> None:
        """Wait until a jittered delay in [min_delay, max_delay] has passed since the last MAM
        request: of this client, or (first request) of any earlier client that shared the
        store, so separate runs in separate processes stay spaced too."""
        async with self._pace_lock:
            wait = random.uniform(self.min_delay, self.max_delay)
            if self._last_sent is not None:
                remaining = self._last_sent + wait - time.monotonic()
            else:
                record = self._load_record() or {}
                previous = record.get("last_request_at")
                remaining = (
                    float(previous) + wait - time.time()
                    if isinstance(previous, int | float)
                    else 0.0
                )
                remaining = min(remaining, self.max_delay)  # a clock jump must not stall us
            if remaining > 0:
                await asyncio.sleep(remaining)
            self._last_sent = time.monotonic()

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
    ) -> httpx.Response:
        """One paced request with the session cookie (rotation and sign-out handled)."""
        if not self._configured:
            raise MamNotConfigured()
        if self._signed_out is not None:
            raise self._signed_out
        await self._pace()
        headers = {"Cookie": f"mam_id={self._cookie}"}
        try:
            if method == "POST":
                response = await self.http.request(
                    "POST",
                    path,
                    params=params,
                    content=json.dumps(body).encode(),
                    headers={**headers, "Content-Type": "application/json"},
                    use_cache=False,
                )
            else:
                response = await self.http.request(
                    method, path, params=params, headers=headers, use_cache=False
                )
        finally:
            self._last_sent = time.monotonic()
            self._save_record(last_request_at=time.time())
        return response

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        response = await self._send(method, path, params=params, body=body)
        data = self.http.decode_json(response)
        if not self._signed_in:
            self._signed_in = True
            self._save_record(signed_out_at=None)
        return data

    def _read(self, parse: Callable[..., _Parsed], *args: Any) -> _Parsed:
        """`_parsed`, its errors (a refusal, a malformed body) counted in the provider status."""
        try:
            return _parsed(parse, *args)
        except ProviderError as error:
            self.http.note_failure(error)
            raise

    def _inspect(self, response: httpx.Response) -> ProviderError | None:
        """Every response: keep a rotated cookie, recognise "not signed in"."""
        self._capture_rotation(response)
        status = response.status_code
        if 300 <= status < 400:
            location = response.headers.get("location", "")
            if "login" in location.lower():
                return self._sign_out("redirected to the login page")
            return None
        body = response.content[:200]
        if mp.is_wrong_session_type(body):
            return self._sign_out(f"HTTP {status}", MamWrongSessionType)
        if mp.is_not_signed_in(body):
            return self._sign_out(f"HTTP {status}")
        # MAM's JSON endpoints explain a refused session in `msg`/`error` (IP mismatch...),
        # with a 403 or a 200: "…not signed in" is a sign-out whatever the status.
        detail = _json_refusal(response)
        if status in (401, 403) or "not signed in" in detail.lower():
            return self._sign_out(f"HTTP {status}" + (f": {detail[:120]}" if detail else ""))
        return None

    def _sign_out(self, detail: str, kind: type[MamNotSignedIn] = MamNotSignedIn) -> MamNotSignedIn:
        error = kind(self.redact(detail))
        self._signed_out = error
        name = next(k for k, v in SIGN_OUT_KINDS.items() if v is kind)
        self._save_record(
            signed_out_at=datetime.now(UTC).isoformat(timespec="seconds"), signed_out_kind=name
        )
        return error

    def _capture_rotation(self, response: httpx.Response) -> None:
        # httpx keeps cookies in its jar too; this client sends its own Cookie header only.
        self.http.client.cookies.clear()
        self.http.uncached.cookies.clear()
        for header in response.headers.get_list("set-cookie"):
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(header)
            except CookieError:
                continue
            morsel = jar.get("mam_id")
            if morsel is None:
                continue
            value = morsel.value.strip()
            if not value or value.lower() == "deleted" or value == self._cookie:
                continue
            self._cookie = value
            self.rotations += 1
            if value not in self.http.secrets:
                self.http.secrets.append(value)
            self._save_record(
                value=value, rotated_at=datetime.now(UTC).isoformat(timespec="seconds")
            )


def _json_refusal(response: httpx.Response) -> str:
    """The `msg`/`error` text of a small JSON object answer without results, else ""."""
    body = response.content
    if len(body) > 4096 or not body.lstrip().startswith(b"{"):
        return ""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(data, dict) or "data" in data:
        return ""
    return str(data.get("msg") or data.get("error") or "")


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
