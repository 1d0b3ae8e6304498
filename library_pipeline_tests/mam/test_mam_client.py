"""The MAM client against the stub MAM serving the recorded samples."""

from __future__ import annotations

import itertools
import json
import os
import stat
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from library_pipeline.clients.http import (
    USER_AGENT,
    MalformedResponse,
    ProviderError,
    ProviderUnavailable,
)
from library_pipeline.clients.mam import (
    MamClient,
    MamNotConfigured,
    MamNotSignedIn,
    MamWrongSessionType,
)
from library_pipeline.clients.mam_cookies import FileCookieStore, MemoryCookieStore, cookie_origin
from library_pipeline.domain.mam_results import MamSearch, period_window
from library_pipeline.services.mam import AppStateCookieStore
from library_pipeline.storage.engine import make_engine
from library_pipeline_tests.support.stub_server import StubResponse, load_contract
from library_pipeline_tests.support.stubs.mam import MamStub

COOKIE = MamStub.API_COOKIE


def client(mam: MamStub, cookie: str = COOKIE, **kw) -> MamClient:
    kw.setdefault("min_delay", 0)
    kw.setdefault("max_delay", 0)
    return MamClient(mam.url, cookie, **kw)


async def test_search_parses_the_recorded_answer(mam) -> None:
    async with client(mam) as mam_client:
        result = await mam_client.search(MamSearch(per_page=50))
    assert [t.id for t in result.torrents] == [1125678, 273200]
    first, second = result.torrents
    assert first.title == "The Final Empire"
    assert first.authors == ["Brandon Sanderson"]
    assert first.narrators == ["Michael Kramer"]
    assert (first.series[0].name, first.series[0].position) == ("Mistborn", "1")
    assert first.size_bytes == round(847.9 * 1024**2)
    assert first.snatched == 2411
    assert first.genre == "Fantasy"
    assert first.asin == "B002UZMLXM"
    assert not first.freeleech
    assert first.download_url == f"{mam.url}/tor/download.php/Xk3v9Qp0dummyDlHashForTests,abc123"
    assert second.narrators == ["Abby Craden", "Deanna Hurst", "Lorna Bennett"]
    assert second.free
    assert second.vip
    assert second.my_snatched
    assert second.freeleech
    assert result.total == result.found == 2
    assert result.warnings == []
    request = mam.requests[-1]
    assert request.headers["user-agent"] == USER_AGENT
    assert request.headers["cookie"] == f"mam_id={COOKIE}"
    assert request.headers["content-type"] == "application/json"
    body = mam.searches[-1]
    assert body["tor"]["main_cat"] == [13]
    assert body["tor"]["cat"] == ["0"]
    assert body["dlLink"] == "true"
    assert body["perpage"] == 50


async def test_doc_example_quirks_strings_name_total_found_truncated_dl(mam) -> None:
    mam.search_body = load_contract("mam", "search_response_api_doc_example.json")
    async with client(mam) as mam_client:
        result = await mam_client.search_text("love at stake")
    (torrent,) = result.torrents
    assert torrent.id == 273200
    assert torrent.title == "Love at Stake series"
    assert torrent.size_bytes == 6324306932
    assert torrent.seeders == 5
    assert torrent.snatched == 1250
    assert torrent.category_id == 108
    assert not torrent.vip
    assert not torrent.my_snatched
    # The documented `dl` is truncated ("...,"): fall back to the cookie-authenticated link.
    assert torrent.dl_hash is None
    assert torrent.download_url == f"{mam.url}/tor/download.php?tid=273200"
    assert result.total == 1
    assert result.found == 1


async def test_no_hits_is_an_empty_result(mam) -> None:
    async with client(mam) as mam_client:
        result = await mam_client.search_text("nothing matches this")
    assert result.torrents == []
    assert result.total == 0
    assert mam.count(MamStub.SEARCH) == 1


async def test_malformed_rows_are_skipped_or_repaired_with_warnings(mam) -> None:
    mam.torrents = [
        mam.add_torrent(id=1, author_info='{"1": "John "Jack" Smith"}', category=41),
        mam.add_torrent(id="not-a-number", category=41),
        mam.add_torrent(id=3, narrator_info='{"1": broken', series_info="", category=41),
    ][:]
    async with client(mam) as mam_client:
        result = await mam_client.search(MamSearch())
    assert [t.id for t in result.torrents] == [1, 3]
    assert result.torrents[0].authors == ['John "Jack" Smith']
    assert result.torrents[1].narrators == []
    assert result.torrents[1].series == []
    joined = " ".join(result.warnings)
    assert "data.1: skipped, field id" in joined
    assert "torrent 1: author_info: malformed JSON, repaired" in joined
    assert "torrent 3: narrator_info: malformed JSON, ignored" in joined


async def test_wrong_shapes_are_malformed_responses_naming_the_field(mam) -> None:
    mam.search_body = {"data": {"oops": 1}}
    async with client(mam) as mam_client:
        with pytest.raises(MalformedResponse, match="field data: expected a list"):
            await mam_client.search(MamSearch())
    mam.inject(
        MamStub.SEARCH, StubResponse(200, "<html>maintenance</html>", content_type="text/html")
    )
    async with client(mam) as mam_client:
        with pytest.raises(MalformedResponse, match="expected JSON, got text/html"):
            await mam_client.search(MamSearch())


async def test_user_data_and_unsatisfied_limit(mam) -> None:
    async with client(mam) as mam_client:
        user = await mam_client.user_data()
    assert user.username == "library_user"
    assert user.classname == "Power User"
    assert user.ratio == 4.12
    assert user.seedbonus == 48213
    assert user.wedges == 3
    assert user.unsat.count == 2
    assert user.unsat.limit == 50
    assert user.unsat.remaining == 48
    assert not user.unsat.at_limit
    assert not user.vip
    mam.user_data["unsat"] = {"count": "50", "red": "1", "size": None, "limit": "50"}
    async with client(mam) as mam_client:
        user = await mam_client.user_data(snatch_summary=True)
    assert user.unsat.remaining == 0
    assert user.unsat.at_limit
    assert "snatch_summary" in mam.requests[-1].query


async def test_not_signed_in_is_one_clear_error_and_no_more_requests(mam, tmp_path) -> None:
    store = FileCookieStore(tmp_path / "mam.json")
    bad = "expired-cookie-value-123"
    async with client(mam, bad, cookie_store=store) as mam_client:
        with pytest.raises(MamNotSignedIn) as caught:
            await mam_client.search_text("x")
        with pytest.raises(MamNotSignedIn):  # fails fast: no second request
            await mam_client.user_data()
        status = mam_client.status()
    message = str(caught.value)
    assert "Preferences → Security" in message
    assert "LIBRARY_PIPELINE_MAM_ID" in message
    assert bad not in message
    assert bad not in json.dumps(status)
    assert status["signed_in"] is False
    assert mam.count(".*") == 1
    # A new run with the same cookie does not knock again for a while...
    async with client(mam, bad, cookie_store=store) as mam_client:
        with pytest.raises(MamNotSignedIn, match="not retried before"):
            await mam_client.user_data()
    assert mam.count(".*") == 1
    # ...but a new cookie is tried at once.
    async with client(mam, COOKIE, cookie_store=store) as mam_client:
        assert (await mam_client.user_data()).uid == 123456
    assert stat.S_IMODE(os.stat(tmp_path / "mam.json").st_mode) == 0o600


@pytest.mark.parametrize("status", [200, 403])
async def test_a_browser_session_cookie_is_named_as_the_wrong_kind(mam, status) -> None:
    """MAM answers a browser-type mam_id on its JSON API with "Request not via correct session
    type": the error says which kind of session to create, not "field uid: missing"."""
    mam.wrong_session_status = status
    async with client(mam, MamStub.BROWSER_COOKIE) as mam_client:
        with pytest.raises(MamWrongSessionType) as caught:
            await mam_client.user_data()
        with pytest.raises(MamWrongSessionType):  # fails fast: no second request
            await mam_client.search_text("x")
    message = str(caught.value)
    assert "Request not via correct session type" in message
    assert "API-type session" in message
    assert "browser-type" in message
    assert "LIBRARY_PIPELINE_MAM_ID" in message
    assert MamStub.BROWSER_COOKIE not in message
    assert mam.count(".*") == 1


async def test_missing_cookie_is_not_configured(mam) -> None:
    async with client(mam, "") as mam_client:
        with pytest.raises(MamNotConfigured, match="LIBRARY_PIPELINE_MAM_ID"):
            await mam_client.search_text("x")
    assert mam.count(".*") == 0


async def test_rotated_cookie_is_kept_in_app_state_and_used_next_run(mam, duckdb_url) -> None:
    engine = make_engine(duckdb_url)
    store = AppStateCookieStore(engine)
    mam.rotate_cookie("rotated-session-0002")
    async with client(mam, cookie_store=store) as mam_client:
        await mam_client.user_data()  # answer carries Set-Cookie: mam_id=rotated...
        await mam_client.user_data()  # sent with the new value (the old one is dead now)
        assert mam_client.status()["cookie_rotations"] == 1
    assert mam.requests[-1].headers["cookie"] == "mam_id=rotated-session-0002"
    record = store.load()
    assert record["value"] == "rotated-session-0002"
    assert record["origin"] == cookie_origin(COOKIE)
    # The next run (a new client, same configured cookie) starts with the rotated value.
    async with client(mam, cookie_store=AppStateCookieStore(engine)) as mam_client:
        await mam_client.search_text("final empire")
    assert mam.requests[-1].headers["cookie"] == "mam_id=rotated-session-0002"
    # A cookie the user sets later wins over the rotation of the old one.
    mam.api_cookies.add("fresh-user-cookie")
    async with client(mam, "fresh-user-cookie", cookie_store=store) as mam_client:
        await mam_client.user_data()
    assert mam.requests[-1].headers["cookie"] == "mam_id=fresh-user-cookie"
    engine.dispose()


async def test_rotated_cookie_never_shows_in_errors(mam) -> None:
    mam.rotate_cookie("rotated-secret-0003")
    async with client(mam, max_attempts=2) as mam_client:
        await mam_client.user_data()
        mam.inject(MamStub.USER_DATA, StubResponse(503, "down"), times=5)
        with pytest.raises(ProviderUnavailable) as caught:
            await mam_client.user_data()
        status = mam_client.status()
    for secret in (COOKIE, "rotated-secret-0003"):
        assert secret not in str(caught.value)
        assert secret not in json.dumps(status)


async def test_retry_after_is_honoured_and_5xx_retried(mam) -> None:
    mam.inject(MamStub.SEARCH, StubResponse(429, {"error": "slow"}, headers={"Retry-After": "1"}))
    async with client(mam) as mam_client:
        started = time.monotonic()
        result = await mam_client.search_text("final empire")
        waited = time.monotonic() - started
    assert result.torrents
    assert waited >= 1.0
    times = mam.times(MamStub.SEARCH)
    assert len(times) == 2
    assert times[1] - times[0] >= 1.0
    mam.inject(MamStub.USER_DATA, StubResponse(502, "bad gateway"), times=1)
    async with client(mam) as mam_client:
        assert (await mam_client.user_data()).uid == 123456
        assert mam_client.status()["retries"] == 1


async def test_requests_are_spaced_by_jittered_delay_never_below_minimum(mam) -> None:
    store = MemoryCookieStore()
    async with client(mam, min_delay=0.25, max_delay=0.4, cookie_store=store) as mam_client:
        for _ in range(4):
            await mam_client.user_data()
    # A new client (another run) sharing the store waits for the last request too.
    async with client(mam, min_delay=0.25, max_delay=0.4, cookie_store=store) as mam_client:
        await mam_client.user_data()
    times = mam.times(MamStub.USER_DATA)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 4, gaps
    assert min(gaps) >= 0.25, gaps
    assert max(gaps) < 3.0  # jittered, not stalled


async def test_top10_request_shape_and_period_window(mam) -> None:
    mam.add_torrent(id=5, title="Less Snatched", times_completed=10, category=41)
    mam.add_torrent(id=6, title="Most Snatched", times_completed="9,999", category=41)
    async with client(mam) as mam_client:
        week = await mam_client.top10(41, "week", limit=2)
        everything = await mam_client.top10(None, "all")
    assert [t.id for t in week.torrents] == [6, 1125678]
    body = mam.searches[0]
    assert body["tor"]["sortType"] == "snatchedDesc"
    assert body["tor"]["cat"] == [41]
    assert body["tor"]["text"] == ""
    assert body["perpage"] == 5
    start, end = body["tor"]["startDate"], body["tor"]["endDate"]
    assert end - start == 7 * 24 * 3600
    assert abs(end - datetime.now(UTC).timestamp()) < 3600
    assert mam.searches[1]["tor"]["startDate"] == ""
    assert mam.searches[1]["tor"]["cat"] == ["0"]
    assert len(everything.torrents) == 4
    assert period_window("day", datetime(2026, 1, 2, 10, 30, tzinfo=UTC)) == (
        int(datetime(2026, 1, 1, 10, tzinfo=UTC).timestamp()),
        int(datetime(2026, 1, 2, 10, tzinfo=UTC).timestamp()),
    )
    with pytest.raises(ValueError, match="unknown MAM top-10 period"):
        period_window("year")


def test_file_store_is_private(tmp_path: Path) -> None:
    store = FileCookieStore(tmp_path / "state" / "mam.json")
    store.save({"origin": "x", "value": "y"})
    assert store.load() == {"origin": "x", "value": "y"}
    assert stat.S_IMODE(os.stat(tmp_path / "state" / "mam.json").st_mode) == 0o600


async def test_download_torrent_is_paced_and_keeps_the_dl_hash_secret(mam) -> None:
    async with client(mam, min_delay=0.2, max_delay=0.25) as mam_client:
        result = await mam_client.search_text("final empire")
        payload = await mam_client.download_torrent(result.torrents[0])
        by_tid = await mam_client.download_torrent(f"{mam.url}/tor/download.php?tid=273200")
        mam.torrents[0]["dl"] = "gone-hash-0001"
        with pytest.raises(ProviderError) as caught:
            await mam_client.download_torrent(result.torrents[0])
    assert payload.startswith(b"d8:announce")
    assert b"The Final Empire.m4b" in payload
    assert b"Love at Stake series.m4b" in by_tid
    assert "Xk3v9Qp0dummyDlHashForTests" not in str(caught.value)
    times = [r.time for r in mam.requests]
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.2
    async with client(mam) as mam_client:
        with pytest.raises(ValueError, match="not a MAM download link"):
            await mam_client.download_torrent("https://elsewhere.example/x.torrent")


async def test_found_counts_every_match_and_total_the_rows_of_this_page(mam) -> None:
    """MAM's `found` is the number of matches in all, `total` the rows in this answer."""
    for n in range(7):
        mam.add_torrent(id=900 + n, title=f"Paged Book {n}", category=41)
    async with client(mam) as mam_client:
        first = await mam_client.search(MamSearch(text="Paged Book", per_page=5))
        second = await mam_client.search(MamSearch(text="Paged Book", per_page=5, start_number=5))
    assert (first.found, first.total, len(first.torrents)) == (7, 5, 5)
    assert first.more
    assert (second.found, second.total, second.start) == (7, 2, 5)
    assert not second.more


async def test_zero_downloaded_bytes_is_zero_not_unknown(mam) -> None:
    mam.user_data.update(downloaded_bytes=0.0, uploaded_bytes=0)
    mam.user_data.pop("downloaded", None)
    mam.user_data.pop("uploaded", None)
    async with client(mam) as mam_client:
        user = await mam_client.user_data()
    assert user.downloaded_bytes == 0
    assert user.uploaded_bytes == 0


async def test_owner_fields_may_be_absent(mam) -> None:
    """`owner`/`owner_name` can be missing: the name comes from `ownership` when it is there,
    and a row with neither is read all the same."""
    row = dict(mam.torrents[0])
    for key in ("owner", "owner_name"):
        row.pop(key, None)
    bare = {k: v for k, v in row.items() if k != "ownership"}
    mam.search_body = {"data": [row, {**bare, "id": 999999}], "total": 2, "found": 2}
    async with client(mam) as mam_client:
        result = await mam_client.search(MamSearch(text="x"))
    assert result.warnings == []
    with_ownership, without = result.torrents
    assert with_ownership.owner_name == "uploader_name"
    assert with_ownership.owner_id == 123456
    assert (without.owner_name, without.owner_id) == (None, None)
