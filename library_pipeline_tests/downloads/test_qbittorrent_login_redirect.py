"""The qBittorrent login never re-sends the password to the host a redirect names (issue 21):
a WebUI answering 307/308 on login (a proxy, a hijacked address) gets one counted error, and
the other host sees nothing. Real servers on 127.0.0.1 and 127.0.0.2."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from library_pipeline.clients.http import ProviderError
from library_pipeline.clients.qbittorrent import QBittorrentClient

PASSWORD = "marker-qbt-password-51c2"


class Recorder:
    """A real server on `host` answering every request with `status` (+ `location`)."""

    def __init__(self, host: str, status: int = 200, location: str = "") -> None:
        self.seen: list[tuple[str, str, bytes]] = []
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                outer.seen.append((self.command, self.path, self.rfile.read(length)))
                self.send_response(status)
                if location:
                    self.send_header("Location", location + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), _Handler)
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def elsewhere() -> Iterator[Recorder]:
    server = Recorder("127.0.0.2")  # another origin (the whole of 127/8 is loopback on Linux)
    yield server
    server.close()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_login_does_not_follow_a_redirect_to_another_host(elsewhere: Recorder, status: int) -> None:
    home = Recorder("127.0.0.1", status, location=elsewhere.url)
    try:
        client = QBittorrentClient(home.url, "admin", PASSWORD, timeout=3.0)
        with pytest.raises(ProviderError) as caught:
            client.login()
        assert PASSWORD not in str(caught.value)
        assert client.status()["failures"] == 1
        assert [m for m, p, _ in home.seen] == ["POST"]
        assert PASSWORD.encode() in home.seen[0][2]  # the configured host did get the login
        assert elsewhere.seen == []  # ... and the other host nothing
    finally:
        home.close()
