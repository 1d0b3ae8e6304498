"""A stub qBittorrent WebUI (API v2) on 127.0.0.1 speaking the 4.5 or the 5.x shapes.

The real qbittorrent-nox 4.5.2 runs in the tests too (`support/qbittorrent.py`); this stub is
for the shapes that build cannot produce (`library_pipeline_tests/contracts/qbittorrent/`):

    with QbtStub("5.x") as qbt:
        client = QBittorrentClient(qbt.url, "admin", QbtStub.PASSWORD)

- `4.5` (WebAPI 2.8.19, as recorded): `torrents/add` answers `Ok.`, and `Fails.` both for a
  torrent it already has and for one it refuses; `torrents/pause`/`resume`; states `pausedUP`,
  `pausedDL`.
- `5.x` (WebAPI 2.14, the version qbittorrent-api reads a JSON add answer from): `torrents/add`
  answers the JSON of `torrents_add_5x_response.json` (its ids and counts for this add), and
  **HTTP 409** for a torrent it already has; `torrents/stop`/`start` (pause/resume are 404);
  states `stoppedUP`, `stoppedDL`.
- `refuse` (infohashes) makes an add fail as qBittorrent does for a bad magnet: `Fails.` on
  4.5, a JSON answer with `failure_count` and no `success_count` on 5.x.
"""

from __future__ import annotations

import copy
import re
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs

from library_pipeline.domain.releases import infohash_from_magnet, infohash_from_torrent
from library_pipeline_tests.support.stub_server import (
    StubRequest,
    StubResponse,
    StubServer,
    load_contract,
)

VERSIONS = {
    "4.5": {"app": "v4.5.2", "webapi": "2.8.19", "stop": "pause", "start": "resume"},
    "5.x": {"app": "v5.1.2", "webapi": "2.14.0", "stop": "stop", "start": "start"},
}
TEXT = "text/plain; charset=UTF-8"


def form_fields(request: StubRequest) -> tuple[dict[str, list[str]], list[bytes]]:
    """The form fields and uploaded files of a urlencoded or multipart POST."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/"):
        return parse_qs(request.body.decode()), []
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + request.body
    )
    fields: dict[str, list[str]] = {}
    files: list[bytes] = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True) or b""
        if part.get_filename():
            files.append(payload)
        else:
            name = part.get_param("name", header="content-disposition") or ""
            fields.setdefault(str(name), []).append(payload.decode())
    return fields, files


class QbtStub(StubServer):
    USERNAME = "admin"
    PASSWORD = "stub-qbt-password"
    SID = "stub-session-id"

    def __init__(self, version: str = "5.x") -> None:
        self.version = version
        self.shape = VERSIONS[version]
        self.torrents: dict[str, dict[str, Any]] = {}
        self.categories: dict[str, dict[str, str]] = {}
        self.refuse: set[str] = set()
        super().__init__()

    # --- routes --------------------------------------------------------------------------------

    def setup_routes(self) -> None:
        api = "/api/v2"
        self.route("POST", f"{api}/auth/login", self._login)
        self.route("POST", f"{api}/auth/logout", lambda r, m: self._text("Ok."))
        for method in ("GET", "POST"):
            self.route(method, f"{api}/app/version", self._guard(self._app_version))
            self.route(method, f"{api}/app/webapiVersion", self._guard(self._webapi_version))
            self.route(method, f"{api}/torrents/info", self._guard(self._info))
            self.route(method, f"{api}/torrents/categories", self._guard(self._categories))
        self.route("POST", f"{api}/torrents/add", self._guard(self._add))
        self.route("POST", f"{api}/torrents/addTags", self._guard(self._add_tags))
        self.route("POST", f"{api}/torrents/setCategory", self._guard(self._set_category))
        self.route("POST", f"{api}/torrents/createCategory", self._guard(self._create_category))
        self.route("POST", f"{api}/torrents/{self.shape['stop']}", self._guard(self._stop))
        self.route("POST", f"{api}/torrents/{self.shape['start']}", self._guard(self._start))

    def _guard(self, handler: Any) -> Any:
        def guarded(request: StubRequest, match: re.Match[str]) -> StubResponse:
            if f"SID={self.SID}" not in request.headers.get("cookie", ""):
                return StubResponse(403, "Forbidden", content_type=TEXT)
            return handler(request, match)  # type: ignore[no-any-return]

        return guarded

    @staticmethod
    def _text(body: str, status: int = 200) -> StubResponse:
        return StubResponse(status, body, content_type=TEXT)

    def _login(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        fields, _ = form_fields(request)
        ok = fields.get("username") == [self.USERNAME] and fields.get("password") == [self.PASSWORD]
        if not ok:
            return self._text("Fails.")
        headers = {"Set-Cookie": f"SID={self.SID}; HttpOnly; path=/; SameSite=Strict"}
        return StubResponse(200, "Ok.", headers=headers, content_type=TEXT)

    def _app_version(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        return self._text(self.shape["app"])

    def _webapi_version(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        return self._text(self.shape["webapi"])

    def _info(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        query = {k: v[0] for k, v in request.query.items()}
        if request.method == "POST":
            query.update({k: v[0] for k, v in form_fields(request)[0].items()})
        hashes = set(query["hashes"].split("|")) if query.get("hashes") else None
        found = [
            t
            for h, t in self.torrents.items()
            if (hashes is None or h in hashes)
            and ("category" not in query or t["category"] == query["category"])
            and ("tag" not in query or query["tag"] in t["tags"].split(", "))
        ]
        return StubResponse(200, found)

    def _categories(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        return StubResponse(200, self.categories)

    def _add(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        fields, files = form_fields(request)
        infohashes = [infohash_from_torrent(data) for data in files]
        for url in fields.get("urls", [""])[0].split("\n"):
            if url.strip():
                infohashes.append(infohash_from_magnet(url.strip()) or url.strip())
        present = [h for h in infohashes if h in self.torrents]
        refused = [h for h in infohashes if h in self.refuse]
        if self.version == "4.5" and (present or refused):
            return self._text("Fails.")
        if present:
            return self._text("Torrent is already present", status=409)
        if refused:
            failed = {"added_torrent_ids": [], "failure_count": len(refused), "success_count": 0}
            return StubResponse(200, {**failed, "pending_count": 0})
        tags = (fields.get("tags") or [""])[0]
        stopped = (fields.get("stopped") or fields.get("paused") or ["false"])[0] == "true"
        for infohash in infohashes:
            self.torrents[infohash] = self._torrent(infohash, fields, tags, stopped)
        if self.version == "4.5":
            return self._text("Ok.")
        answer = copy.deepcopy(load_contract("qbittorrent", "torrents_add_5x_response.json"))
        answer.update(added_torrent_ids=infohashes, success_count=len(infohashes))
        return StubResponse(200, answer)

    def _torrent(
        self, infohash: str, fields: dict[str, list[str]], tags: str, stopped: bool
    ) -> dict[str, Any]:
        category = (fields.get("category") or [""])[0]
        if category:
            self.categories.setdefault(category, {"name": category, "savePath": ""})
        return {
            "hash": infohash,
            "name": f"torrent {infohash[:8]}",
            "state": self._stopped_state() if stopped else "stalledDL",
            "progress": 0.0,
            "category": category,
            "tags": ", ".join(t.strip() for t in tags.split(",") if t.strip()),
            "auto_tmm": False,
            "save_path": (fields.get("savepath") or ["/downloads/complete"])[0],
            "content_path": "",
            "size": 0,
            "total_size": 1000,
            "amount_left": 1000,
            "added_on": 1,
            "completion_on": 0,
            "num_seeds": 0,
            "num_leechs": 0,
            "magnet_uri": f"magnet:?xt=urn:btih:{infohash}",
        }

    def _stopped_state(self) -> str:
        return "pausedDL" if self.version == "4.5" else "stoppedDL"

    def _hashes(self, request: StubRequest) -> list[str]:
        fields, _ = form_fields(request)
        return [h for h in (fields.get("hashes") or [""])[0].split("|") if h in self.torrents]

    def _add_tags(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        fields, _ = form_fields(request)
        new = [t.strip() for t in (fields.get("tags") or [""])[0].split(",") if t.strip()]
        for infohash in self._hashes(request):
            torrent = self.torrents[infohash]
            tags = [t for t in torrent["tags"].split(", ") if t]
            torrent["tags"] = ", ".join(tags + [t for t in new if t not in tags])
        return self._text("")

    def _set_category(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        fields, _ = form_fields(request)
        for infohash in self._hashes(request):
            self.torrents[infohash]["category"] = (fields.get("category") or [""])[0]
        return self._text("")

    def _create_category(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        fields, _ = form_fields(request)
        name = (fields.get("category") or [""])[0]
        self.categories[name] = {"name": name, "savePath": (fields.get("savePath") or [""])[0]}
        return self._text("")

    def _stop(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        for infohash in self._hashes(request):
            self.torrents[infohash]["state"] = self._stopped_state()
        return self._text("")

    def _start(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        for infohash in self._hashes(request):
            self.torrents[infohash]["state"] = "stalledDL"
        return self._text("")
