"""A tiny threaded HTTP server on 127.0.0.1 for stubbing internet services in tests.

A stub subclasses `StubServer`, registers routes that answer from the recorded samples in
`library_pipeline_tests/contracts/<service>/`, and gets for free: a log of every request (with
its time, for spacing checks), fault injection (status, body, headers, delay, a dropped
connection) for the next N matching requests, and `url` to point a client at.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

# The project's own copy of the recorded samples (new recordings arrive beside the checkout first).
CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"


def contract_path(service: str, name: str) -> Path:
    """A recorded sample under library_pipeline_tests/contracts/."""
    path = CONTRACTS / service / name
    if not path.exists():
        raise FileNotFoundError(f"contract sample missing: {path}")
    return path


def load_contract(service: str, name: str) -> Any:
    return json.loads(contract_path(service, name).read_text(encoding="utf-8"))


@dataclass
class StubRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    time: float

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class StubResponse:
    status: int = 200
    body: bytes | str | Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    delay: float = 0.0
    drop_connection: bool = False

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


Handler = Callable[[StubRequest, re.Match[str]], StubResponse]


@dataclass
class _Fault:
    method: str | None
    pattern: re.Pattern[str]
    response: StubResponse
    remaining: int


class StubServer:
    """Start with `with MyStub() as stub:`; register routes in `setup_routes`."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.requests: list[StubRequest] = []
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()
        self.setup_routes()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._make_handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- to override / use ------------------------------------------------------------------

    def setup_routes(self) -> None:
        """Register routes with `self.route(...)`."""

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        """`pattern` is a regex matched against the whole path (no query)."""
        self.routes.append((method.upper(), re.compile(pattern), handler))

    def inject(
        self,
        pattern: str,
        response: StubResponse,
        times: int = 1,
        method: str | None = None,
    ) -> None:
        """Answer the next `times` requests whose path matches `pattern` with `response`."""
        with self._lock:
            self._faults.append(_Fault(method, re.compile(pattern), response, times))

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def count(self, pattern: str = ".*", method: str | None = None) -> int:
        regex = re.compile(pattern)
        return sum(
            1
            for r in self.requests
            if regex.search(r.path) and (method is None or r.method == method)
        )

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> StubServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- internals --------------------------------------------------------------------------

    def _take_fault(self, method: str, path: str) -> StubResponse | None:
        with self._lock:
            for fault in self._faults:
                if (
                    fault.remaining > 0
                    and fault.pattern.search(path)
                    and (fault.method is None or fault.method == method)
                ):
                    fault.remaining -= 1
                    return fault.response
        return None

    def _dispatch(self, request: StubRequest) -> StubResponse:
        fault = self._take_fault(request.method, request.path)
        if fault is not None:
            return fault
        for method, pattern, handler in self.routes:
            if method == request.method and (match := pattern.fullmatch(request.path)):
                return handler(request, match)
        return StubResponse(404, {"error": f"stub has no route for {request.path}"})

    def _make_handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = StubRequest(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                    time=time.monotonic(),
                )
                with stub._lock:
                    stub.requests.append(request)
                response = stub._dispatch(request)
                if response.delay:
                    time.sleep(response.delay)
                if response.drop_connection:
                    self.close_connection = True
                    self.wfile.flush()
                    self.connection.shutdown(2)
                    return
                payload = response.encoded()
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        return _Handler
