"""Hostile servers against the shared HTTP layer (issue 21): credentials never leave the
configured origin, nothing secret is cached or logged, and every failure of an exchange (redirect
loops, broken gzip, deeply nested JSON, bodies too large, a server dripping bytes) is one counted
provider error, bounded in time and memory. Real servers on 127.0.0.1 and 127.0.0.2."""

from __future__ import annotations

import gzip
import logging
import stat
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from library_pipeline.clients.http import (
    BadResponse,
    CrossOriginRefused,
    HttpClient,
    MalformedResponse,
    ProviderError,
    ProviderLimits,
    ProviderUnavailable,
)

SECRET = "marker-secret-7f3a9c"
FAST = ProviderLimits(
    requests_per_period=1000,
    period_seconds=1,
    backoff_initial=0.01,
    backoff_max=0.02,
    max_attempts=2,
    timeout_seconds=2.0,
)

Handler = Callable[[BaseHTTPRequestHandler], None]


class Hostile:
    """A real HTTP server on `host` whose paths do what a test tells them; it logs every
    request's path and headers."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Handler] = {}
        self.seen: list[tuple[str, dict[str, str]]] = []
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                outer.seen.append((self.path, dict(self.headers.items())))
                route = outer.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    send(self, 404, b"{}")
                else:
                    route(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), _Handler)
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def saw_secret(self) -> bool:
        return any(SECRET in path or SECRET in str(headers) for path, headers in self.seen)


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def redirect(to: str) -> Handler:
    return lambda h: send(h, 302, b"", {"Location": to})


@pytest.fixture
def home() -> Iterator[Hostile]:
    server = Hostile("127.0.0.1")
    yield server
    server.close()


@pytest.fixture
def elsewhere() -> Iterator[Hostile]:
    server = Hostile("127.0.0.2")  # another origin (the whole of 127/8 is loopback on Linux)
    yield server
    server.close()


def keyed_client(url: str, **kw: object) -> HttpClient:
    return HttpClient(
        "keyed",
        url,
        limits=kw.pop("limits", FAST),  # type: ignore[arg-type]
        headers={"X-Api-Key": SECRET},
        secrets=[SECRET],
        **kw,  # type: ignore[arg-type]
    )


# --- secrets stay home -----------------------------------------------------------------------


@pytest.mark.parametrize("style", ["header", "query"])
async def test_credentials_never_follow_a_redirect_to_another_origin(
    home: Hostile, elsewhere: Hostile, style: str
) -> None:
    home.routes["/books"] = redirect(f"{elsewhere.url}/sso")
    elsewhere.routes["/sso"] = lambda h: send(h, 200, b'{"stolen": true}')
    if style == "header":
        http = keyed_client(home.url)
    else:
        http = HttpClient(
            "keyed", home.url, limits=FAST, params={"apikey": SECRET}, secrets=[SECRET]
        )
    async with http:
        with pytest.raises(CrossOriginRefused, match="another host"):
            await http.get_json("/books")
        assert http.status()["failures"] == 1
        assert SECRET not in str(http.status())
    assert home.saw_secret()  # the configured origin did get the key
    assert not elsewhere.saw_secret()
    assert elsewhere.seen == []  # an authenticated call is not redirected elsewhere at all


async def test_a_same_origin_redirect_is_followed_with_the_key(home: Hostile) -> None:
    home.routes["/old"] = redirect("/new")
    home.routes["/new"] = lambda h: send(h, 200, b'{"ok": 1}')
    async with keyed_client(home.url) as http:
        assert await http.get_json("/old") == {"ok": 1}
    assert [headers.get("X-Api-Key") for _path, headers in home.seen] == [SECRET, SECRET]


async def test_an_absolute_url_carrying_the_key_to_another_host_is_refused(
    home: Hostile, elsewhere: Hostile
) -> None:
    async with keyed_client(home.url) as http:
        with pytest.raises(CrossOriginRefused):
            await http.get_json(f"{elsewhere.url}/x?token={SECRET}")
    assert elsewhere.seen == []


async def test_cache_entries_hold_no_credential_and_are_private(
    home: Hostile, tmp_path: Path
) -> None:
    home.routes["/books"] = lambda h: send(
        h, 200, b'{"items": [1]}', {"Cache-Control": "max-age=60"}
    )
    cache = tmp_path / "http-cache"

    def client() -> HttpClient:
        return HttpClient(
            "keyed",
            home.url,
            limits=FAST,
            cache_dir=cache,
            headers={"X-Goog-Api-Key": SECRET},
            params={"key": SECRET},
            secrets=[SECRET],
        )

    async with client() as http:
        assert await http.get_json("/books") == {"items": [1]}
    async with client() as http:  # answered from the cache: the key is not part of its key
        assert await http.get_json("/books") == {"items": [1]}
        assert http.stats.network_requests == 0
    assert len(home.seen) == 1
    assert home.saw_secret()
    files = [p for p in cache.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert SECRET.encode() not in path.read_bytes(), path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700


async def test_urls_in_the_http_libraries_logs_are_redacted(
    home: Hostile, caplog: pytest.LogCaptureFixture
) -> None:
    home.routes["/api"] = lambda h: send(h, 200, b"{}")
    caplog.set_level(logging.DEBUG)
    http = HttpClient("torznab", home.url, limits=FAST, params={"apikey": SECRET}, secrets=[SECRET])
    async with http:
        await http.get_json("/api", {"t": "search"})
        await http.get_json(f"/api?apikey={SECRET}&q=x")
    assert "HTTP Request" in caplog.text  # httpx did log the requests
    assert SECRET not in caplog.text
    assert home.saw_secret()


def test_a_key_over_plain_http_to_another_machine_is_a_warning() -> None:
    remote = HttpClient(
        "keyed", "http://192.0.2.10:9696", headers={"X-Api-Key": SECRET}, secrets=[SECRET]
    )
    assert "unencrypted" in remote.status()["warnings"][0]
    assert SECRET not in str(remote.status())
    for quiet in (
        HttpClient(
            "keyed", "http://127.0.0.1:9696", headers={"X-Api-Key": SECRET}, secrets=[SECRET]
        ),
        HttpClient("keyed", "http://localhost:9696", params={"apikey": SECRET}, secrets=[SECRET]),
        HttpClient("keyed", "https://example.org", headers={"X-Api-Key": SECRET}, secrets=[SECRET]),
        HttpClient("open", "http://192.0.2.10"),
    ):
        assert "warnings" not in quiet.status()


# --- hostile servers cost one counted error --------------------------------------------------


async def test_redirect_loop_is_a_counted_provider_error_and_opens_the_circuit(
    home: Hostile,
) -> None:
    home.routes["/loop"] = redirect("/loop")
    limits = ProviderLimits(requests_per_period=1000, circuit_threshold=2, max_attempts=3)
    async with HttpClient("loopy", home.url, limits=limits) as http:
        for _ in range(2):
            with pytest.raises(BadResponse, match="too many redirects"):
                await http.get_json("/loop")
        assert http.status()["failures"] == 2
        assert http.status()["circuit_open"] is True
        with pytest.raises(ProviderUnavailable, match="skipped"):
            await http.get_json("/loop")


async def test_broken_gzip_is_a_counted_provider_error(home: Hostile) -> None:
    broken = gzip.compress(b'{"a": 1}' * 100)[:-20] + b"\x00" * 20
    home.routes["/gz"] = lambda h: send(h, 200, broken, {"Content-Encoding": "gzip"})
    async with HttpClient("gz", home.url, limits=FAST) as http:
        with pytest.raises(ProviderError, match="compression"):
            await http.get_json("/gz")
        assert http.status()["failures"] == 1


async def test_deeply_nested_json_is_malformed_not_a_crash(home: Hostile) -> None:
    home.routes["/deep"] = lambda h: send(h, 200, b"[" * 100_000 + b"]" * 100_000)
    async with HttpClient("deep", home.url, limits=FAST) as http:
        with pytest.raises(MalformedResponse, match="nested"):
            await http.get_json("/deep")
        assert http.status()["failures"] == 1


async def test_a_gzip_bomb_stops_at_the_size_cap(home: Hostile, tmp_path: Path) -> None:
    bomb = gzip.compress(b"\x00" * (200 * 1024 * 1024), compresslevel=9)  # ~200 KB on the wire
    home.routes["/bomb"] = lambda h: send(h, 200, bomb, {"Content-Encoding": "gzip"})
    limits = ProviderLimits(requests_per_period=1000, max_body_bytes=1024 * 1024, max_attempts=1)
    async with HttpClient("bomb", home.url, limits=limits, cache_dir=tmp_path) as http:
        with pytest.raises(BadResponse, match="larger than"):
            await http.get_json("/bomb")
        assert http.status()["failures"] == 1
    assert sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file()) < 5 * 1024 * 1024


def drip(handler: BaseHTTPRequestHandler) -> None:
    """Headers at once, then one byte every 0.4 s: never a read timeout, never an end."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    try:
        for _ in range(100):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.4)
    except OSError:
        pass


async def test_a_dripping_server_is_cut_off_at_the_deadline(home: Hostile) -> None:
    home.routes["/drip"] = drip
    limits = ProviderLimits(
        requests_per_period=1000, timeout_seconds=1.0, deadline_seconds=2.0, max_attempts=1
    )
    async with HttpClient("drip", home.url, limits=limits) as http:
        started = time.monotonic()
        with pytest.raises(ProviderUnavailable, match="timed out"):
            await http.get_json("/drip")
        assert time.monotonic() - started < 4.0
        assert http.status()["failures"] == 1
