"""The user's qBittorrent (WebUI API v2), through `qbittorrent-api`, as a thin typed client.

qBittorrent is a local service on the user's network, not an internet provider: no rate limit
or cache applies, so this client wraps the maintained `qbittorrent-api` library (session
cookie, re-login on expiry, version quirks) instead of `HttpClient`, and maps its exceptions to
the same `ProviderError` family (`AuthError`, `ProviderUnavailable`, `NotFound`, ...), redacted.

Supported: qBittorrent 4.5 to 5.x (WebAPI 2.8 to 2.14). Behaviour verified against a real
qbittorrent-nox 4.5.2 and stubs of both answer shapes (`library_pipeline_tests/contracts/
qbittorrent/`):
- login with bad credentials answers `200 Fails.` → `AuthError("wrong username or password")`;
  after too many failures the IP is banned (403) → `AuthError` too;
- `torrents/add` answers `Ok.` (4.x) or a JSON body with `success_count`/`failure_count`
  (newer WebAPI); for a torrent it already has, `Fails.` (4.x) or HTTP 409 (5.x); for a magnet
  or torrent it refuses, `Fails.` or a JSON `failure_count`. `add_torrent` tells "already
  present" from "refused" by looking the infohash up: `AddOutcome.ALREADY_PRESENT` (our tags
  are added to it) vs `TorrentRejected`;
- an invalid .torrent upload is a 415 → `TorrentRejected`;
- 5.0 renamed pause/resume to stop/start and `pausedUP`/`pausedDL` to `stoppedUP`/`stoppedDL`:
  `stop`/`start` call the name the server knows (qbittorrent-api asks its WebAPI version) and
  `QbtTorrent.is_stopped` reads both.
Methods are synchronous (sensors call them directly); async code uses `asyncio.to_thread`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from library_pipeline.clients.http import (
    AuthError,
    ClientStats,
    NotFound,
    ProviderError,
    ProviderUnavailable,
    parse_model,
    redact,
)
from library_pipeline.domain.releases import TorrentPayload

PROVIDER = "qbittorrent"


class TorrentRejected(ProviderError):
    """qBittorrent refused a torrent or magnet (not a duplicate)."""


class TorrentConflict(ProviderError):
    """HTTP 409 from qBittorrent 5.x: e.g. `torrents/add` of a torrent it already has."""


STOPPED_STATES = frozenset({"pausedUP", "pausedDL", "stoppedUP", "stoppedDL"})


class QbtTorrent(BaseModel):
    """One entry of `torrents/info` (the fields the pipeline uses)."""

    model_config = ConfigDict(extra="ignore")

    hash: str
    name: str
    state: str
    progress: float
    category: str = ""
    tags: list[str] = Field(default_factory=list)
    auto_tmm: bool = False
    save_path: str = ""
    content_path: str = ""
    size: int = 0
    total_size: int = -1
    amount_left: int = 0
    added_on: int = 0
    completion_on: int = 0
    num_seeds: int = 0
    num_leechs: int = 0
    magnet_uri: str = ""

    @field_validator("tags", mode="before")
    @classmethod
    def _split_tags(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [t.strip() for t in value.split(",") if t.strip()]
        return value

    @property
    def is_complete(self) -> bool:
        return self.progress >= 1.0 and self.amount_left == 0

    @property
    def is_stopped(self) -> bool:
        """Stopped by the user (4.x says `paused…`, 5.x `stopped…`)."""
        return self.state in STOPPED_STATES

    @property
    def has_metadata(self) -> bool:
        return self.state not in ("metaDL", "forcedMetaDL") and self.total_size >= 0


class QbtFile(BaseModel):
    """One entry of `torrents/files` (`is_seed` is only on the first entry)."""

    model_config = ConfigDict(extra="ignore")

    index: int
    name: str
    size: int
    progress: float
    priority: int
    is_seed: bool | None = None
    availability: float | None = None


class _TorrentList(BaseModel):
    items: list[QbtTorrent]


class _FileList(BaseModel):
    items: list[QbtFile]


class AddOutcome(StrEnum):
    ADDED = "added"
    ALREADY_PRESENT = "already_present"


@dataclass(frozen=True)
class AddResult:
    outcome: AddOutcome
    infohash: str
    torrent: QbtTorrent | None


class QBittorrentClient:
    """Typed access to one qBittorrent WebUI."""

    name = PROVIDER

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        *,
        timeout: float = 15.0,
        verify_tls: bool = True,
    ) -> None:
        import qbittorrentapi

        self.url = url.rstrip("/")
        self.secrets = [s for s in (password,) if s]
        self.stats = ClientStats()
        self._api = qbittorrentapi.Client(
            host=self.url,
            username=username,
            password=password,
            # Redirects are refused: a 307/308 answer to the login would re-POST the password
            # to whatever host it names (issue 21); a WebUI never redirects its API.
            REQUESTS_ARGS={
                "timeout": (min(5.0, timeout), timeout),
                "allow_redirects": False,
                "hooks": {"response": [_refuse_redirect]},
            },
            VERIFY_WEBUI_CERTIFICATE=verify_tls,
            DISABLE_LOGGING_DEBUG_OUTPUT=True,
            RAISE_NOTIMPLEMENTEDERROR_FOR_UNIMPLEMENTED_API_ENDPOINTS=False,
        )

    # --- plumbing ----------------------------------------------------------------------------

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one library call, mapping its exceptions to redacted `ProviderError`s."""
        import qbittorrentapi as q

        self.stats.network_requests += 1
        try:
            result = fn(*args, **kwargs)
        except q.LoginFailed:
            error: ProviderError = AuthError(PROVIDER, "wrong username or password", 401)
        except (q.Forbidden403Error, q.Unauthorized401Error) as exc:
            error = AuthError(
                PROVIDER,
                f"not authorised on {what} (banned after failed logins, or wrong credentials)",
                getattr(exc, "http_status_code", 403),
            )
        except q.NotFound404Error:
            error = NotFound(PROVIDER, f"not found on {what}", 404)
        except q.Conflict409Error as exc:
            error = TorrentConflict(PROVIDER, f"{what}: {self._text(exc)}", 409)
        except q.UnsupportedMediaType415Error as exc:
            error = TorrentRejected(PROVIDER, f"{what}: {self._text(exc)}", 415)
        except q.HTTP5XXError as exc:
            error = ProviderUnavailable(PROVIDER, f"server error on {what}: {self._text(exc)}")
        except q.HTTPError as exc:
            status = getattr(exc, "http_status_code", None)
            error = ProviderError(PROVIDER, f"HTTP {status} on {what}: {self._text(exc)}", status)
        except q.APIConnectionError as exc:
            reason = type(exc.__cause__ or exc).__name__
            error = ProviderUnavailable(PROVIDER, f"cannot reach qBittorrent ({reason}) on {what}")
        except q.APIError as exc:
            error = ProviderError(PROVIDER, f"{what}: {self._text(exc)}")
        else:
            self.stats.consecutive_failures = 0
            return result
        self.stats.failures += 1
        self.stats.consecutive_failures += 1
        self.stats.last_error = str(error)
        raise error

    def _text(self, exc: Exception) -> str:
        return redact(str(exc).strip()[:200] or type(exc).__name__, self.secrets)

    def status(self) -> dict[str, Any]:
        return {"provider": PROVIDER, **self.stats.as_dict()}

    def close(self) -> None:
        with contextlib.suppress(Exception):  # logging out is a courtesy
            self._api.auth_log_out()

    # --- API ---------------------------------------------------------------------------------

    def login(self) -> str:
        """Log in (checks the URL and credentials); returns the qBittorrent version."""
        self._call("auth/login", self._api.auth_log_in)
        return str(self._call("app/version", self._api.app_version))

    def version(self) -> str:
        return str(self._call("app/version", self._api.app_version))

    def torrents(
        self,
        *,
        category: str | None = None,
        tag: str | None = None,
        hashes: Iterable[str] | None = None,
        status_filter: str | None = None,
    ) -> list[QbtTorrent]:
        """`torrents/info`, filtered by category, tag, hashes and/or status
        (`completed`, `downloading`, ...)."""
        kwargs: dict[str, Any] = {}
        if category is not None:
            kwargs["category"] = category
        if tag is not None:
            kwargs["tag"] = tag
        if hashes is not None:
            kwargs["torrent_hashes"] = [h.lower() for h in hashes]
        if status_filter is not None:
            kwargs["status_filter"] = status_filter
        raw = self._call("torrents/info", self._api.torrents_info, **kwargs)
        return parse_model(PROVIDER, _TorrentList, {"items": [dict(t) for t in raw]}).items

    def torrent(self, infohash: str) -> QbtTorrent | None:
        found = self.torrents(hashes=[infohash])
        return found[0] if found else None

    def files(self, infohash: str) -> list[QbtFile]:
        """`torrents/files` (empty while a magnet has no metadata; `NotFound` if unknown)."""
        raw = self._call("torrents/files", self._api.torrents_files, torrent_hash=infohash.lower())
        return parse_model(PROVIDER, _FileList, {"items": [dict(f) for f in raw]}).items

    def categories(self) -> dict[str, str]:
        """Category name → save path."""
        raw = self._call("torrents/categories", self._api.torrents_categories)
        return {name: (dict(value).get("savePath") or "") for name, value in dict(raw).items()}

    def ensure_category(self, name: str, save_path: str | None = None) -> None:
        """Create the category unless it exists (`torrents/add` creates it, `setCategory` not)."""
        if name not in self.categories():
            self._call(
                "torrents/createCategory",
                self._api.torrents_create_category,
                name=name,
                save_path=save_path,
            )

    def set_category(self, infohash: str, category: str) -> None:
        self.ensure_category(category)
        self._call(
            "torrents/setCategory",
            self._api.torrents_set_category,
            category=category,
            torrent_hashes=[infohash.lower()],
        )

    def add_tags(self, infohash: str, tags: Sequence[str]) -> None:
        if tags:
            self._call(
                "torrents/addTags",
                self._api.torrents_add_tags,
                tags=list(tags),
                torrent_hashes=[infohash.lower()],
            )

    def add_torrent(
        self,
        payload: TorrentPayload,
        *,
        category: str | None = None,
        tags: Sequence[str] = (),
        save_path: str | None = None,
        paused: bool = False,
        confirm_timeout: float = 5.0,
    ) -> AddResult:
        """Add a .torrent or magnet; return whether it was added or already there.

        The infohash is the payload's (computed before adding). An add not taken (`Fails.`,
        HTTP 409, a JSON failure count) for a torrent that is present means "already have it":
        it is linked, not duplicated (`_link_present`); for one that is absent it is a refusal
        → `TorrentRejected`. After a success the torrent is looked up until it shows
        (qBittorrent may add asynchronously).
        """
        infohash = payload.infohash.lower()
        kwargs: dict[str, Any] = {"tags": list(tags) or None, "is_stopped": paused}
        if category:
            kwargs["category"] = category
        if save_path:
            kwargs["save_path"] = save_path
            kwargs["use_auto_torrent_management"] = False
        if payload.torrent is not None:
            kwargs["torrent_files"] = {f"{infohash}.torrent": payload.torrent}
        else:
            kwargs["urls"] = payload.magnet
        try:
            answer = self._call("torrents/add", self._api.torrents_add, **kwargs)
        except TorrentConflict:
            answer = "Fails."  # 5.x: already present (it is looked up below, like 4.x's Fails.)
        if not _add_accepted(answer):
            return self._link_present(payload, infohash, category, tags)
        deadline = time.monotonic() + confirm_timeout
        while True:
            found = self.torrent(infohash)
            if found is not None:
                return AddResult(AddOutcome.ADDED, infohash, found)
            if time.monotonic() >= deadline:
                raise TorrentRejected(
                    PROVIDER, f"qBittorrent accepted {infohash} but never listed it"
                )
            time.sleep(0.1)

    def _link_present(
        self, payload: TorrentPayload, infohash: str, category: str | None, tags: Sequence[str]
    ) -> AddResult:
        """An add qBittorrent did not take: the torrent it already has, linked (our tags added;
        `category` set only when it has none and is not under automatic management, since a
        category change would then move the user's files) — or, absent, a refusal."""
        existing = self.torrent(infohash)
        if existing is None:
            raise TorrentRejected(PROVIDER, f"qBittorrent refused the {payload.kind} {infohash}")
        missing = [t for t in tags if t not in existing.tags]
        if missing:
            self.add_tags(infohash, missing)
        if category and not existing.category and not existing.auto_tmm:
            self.set_category(infohash, category)
        if missing or (category and not existing.category):
            existing = self.torrent(infohash) or existing
        return AddResult(AddOutcome.ALREADY_PRESENT, infohash, existing)

    def stop(self, infohash: str) -> None:
        """Stop (pause, before 5.0) a torrent."""
        self._call("torrents/stop", self._api.torrents_stop, torrent_hashes=[infohash.lower()])

    def start(self, infohash: str) -> None:
        """Start (resume, before 5.0) a torrent."""
        self._call("torrents/start", self._api.torrents_start, torrent_hashes=[infohash.lower()])


def _refuse_redirect(response: Any, *args: Any, **kwargs: Any) -> None:
    """requests response hook: a redirect answer is an HTTP error, never followed."""
    if response.is_redirect:
        import qbittorrentapi

        error = qbittorrentapi.HTTPError("redirect refused (credentials stay with this address)")
        error.http_status_code = response.status_code
        raise error


def _add_accepted(answer: Any) -> bool:
    """Whether `torrents/add` took the torrent: `Ok.` (4.x) or a JSON body counting a success
    (newer WebAPI; anything else from the library, as before, counts as taken)."""
    if isinstance(answer, str):
        return not answer.strip().lower().startswith("fails")
    if isinstance(answer, Mapping):
        success, failure = answer.get("success_count"), answer.get("failure_count")
        if isinstance(success, int) and isinstance(failure, int):
            return success > 0 or failure == 0
    return True
