"""The shared HTTP layer against a real local server: limits, retries, cache, errors, secrets."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pydantic import BaseModel

from library_pipeline.clients.http import (
    AuthError,
    CircuitOpen,
    HttpClient,
    MalformedResponse,
    ProviderLimits,
    ProviderUnavailable,
    RateLimited,
    parse_model,
    parse_retry_after,
    redact,
)
from library_pipeline_tests.support.stub_server import StubRequest, StubResponse, StubServer

SECRET = "sk-very-secret-key-123"


class EchoStub(StubServer):
    def setup_routes(self) -> None:
        self.route("GET", r"/items/(\d+)", self._item)
        self.route("POST", r"/graphql", lambda r, m: StubResponse(200, {"data": r.json()}))

    def _item(self, request: StubRequest, match) -> StubResponse:
        return StubResponse(200, {"id": int(match.group(1)), "name": f"item {match.group(1)}"})


FAST = ProviderLimits(
    requests_per_period=1000, period_seconds=1, backoff_initial=0.01, backoff_max=0.05
)


@pytest.fixture
def stub():
    with EchoStub() as server:
        yield server


def client(stub: StubServer, tmp_path: Path | None = None, **kw) -> HttpClient:
    return HttpClient(
        "echo",
        stub.url,
        limits=kw.pop("limits", FAST),
        cache_dir=tmp_path,
        params={"key": SECRET},
        secrets=[SECRET],
        **kw,
    )


async def test_get_json_and_cache_makes_zero_requests_on_rerun(stub, tmp_path) -> None:
    async with client(stub, tmp_path) as http:
        assert (await http.get_json("/items/7"))["name"] == "item 7"
    assert stub.count("/items") == 1
    async with client(stub, tmp_path) as http:  # a new process-like client, same disk cache
        assert (await http.get_json("/items/7"))["id"] == 7
        assert http.stats.network_requests == 0
        assert http.stats.cache_hits == 1
    assert stub.count("/items") == 1


async def test_post_cache_keyed_by_body(stub, tmp_path) -> None:
    async with client(stub, tmp_path) as http:
        a = await http.post_json("/graphql", {"q": 1}, cache=True)
        b = await http.post_json("/graphql", {"q": 1}, cache=True)
        c = await http.post_json("/graphql", {"q": 2}, cache=True)
    assert a == b == {"data": {"q": 1}}
    assert c == {"data": {"q": 2}}
    assert stub.count("/graphql") == 2


async def test_rate_limit_spaces_requests(stub) -> None:
    limits = ProviderLimits(requests_per_period=20, period_seconds=1)
    async with client(stub, limits=limits) as http:
        start = time.monotonic()
        for i in range(6):
            await http.get_json(f"/items/{i}", use_cache=False)
        elapsed = time.monotonic() - start
    gaps = [b.time - a.time for a, b in zip(stub.requests, stub.requests[1:], strict=False)]
    assert min(gaps) >= 0.05 * 0.8  # 20/s -> 50 ms apart (timer slack)
    assert elapsed >= 5 * 0.05 * 0.8


async def test_retry_after_is_honoured_then_succeeds(stub) -> None:
    stub.inject("/items", StubResponse(429, {"error": "slow down"}, {"Retry-After": "1"}))
    async with client(stub) as http:
        data = await http.get_json("/items/1", use_cache=False)
        assert data["id"] == 1
        assert http.stats.retries == 1
    first, second = stub.requests
    assert second.time - first.time >= 0.95


async def test_retry_after_too_long_gives_up_at_once(stub) -> None:
    stub.inject("/items", StubResponse(429, {}, {"Retry-After": "3600"}), times=5)
    async with client(stub) as http:
        with pytest.raises(RateLimited) as info:
            await http.get_json("/items/1", use_cache=False)
    assert info.value.retry_after == 3600
    assert stub.count("/items") == 1


async def test_5xx_retried_with_backoff_then_fails(stub) -> None:
    stub.inject("/items", StubResponse(503, "down", content_type="text/plain"), times=10)
    async with client(stub) as http:
        with pytest.raises(ProviderUnavailable, match="server error 503"):
            await http.get_json("/items/1")
    assert stub.count("/items") == FAST.max_attempts


async def test_html_instead_of_json_is_a_clear_error(stub) -> None:
    stub.inject("/items", StubResponse(200, "<html>captcha</html>", content_type="text/html"))
    async with client(stub) as http:
        with pytest.raises(MalformedResponse, match="expected JSON, got text/html"):
            await http.get_json("/items/1")


async def test_auth_error_not_retried_and_secret_never_shown(stub) -> None:
    stub.inject("/items", StubResponse(401, {"error": f"bad key {SECRET}"}))
    async with client(stub) as http:
        with pytest.raises(AuthError) as info:
            await http.get_json(f"/items/1?key={SECRET}")
        assert SECRET not in str(info.value)
        assert SECRET not in str(http.status())
    assert stub.count("/items") == 1


async def test_connection_refused_opens_circuit() -> None:
    limits = ProviderLimits(max_attempts=1, circuit_threshold=2)
    async with HttpClient("dead", "http://127.0.0.1:9", limits=limits) as http:
        for _ in range(2):
            with pytest.raises(ProviderUnavailable, match="cannot connect"):
                await http.get_json("/x")
        with pytest.raises(CircuitOpen):
            await http.get_json("/x")
        assert http.status()["circuit_open"] is True


def test_parse_helpers() -> None:
    class Volume(BaseModel):
        title: str

    with pytest.raises(MalformedResponse, match="field title: Input should be a valid string"):
        parse_model("google_books", Volume, {"title": 3})
    assert parse_retry_after("7") == 7
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60
    assert parse_retry_after("soon") is None
    assert redact(f"url?key={SECRET}", [SECRET]) == "url?key=***"
