"""MAM as a release source (the MAM part's `MamClient` + `MamStub`) and its unsatisfied limit."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from library_pipeline.clients.mam import MamClient
from library_pipeline.clients.qbittorrent import QBittorrentClient
from library_pipeline.domain.releases import infohash_from_torrent
from library_pipeline.services.downloads import (
    DownloadPolicy,
    MamReleaseSource,
    download_missing_series_books,
    download_missing_top10_books,
)
from library_pipeline.storage.engine import make_engine, session_scope
from library_pipeline.storage.models import Download, MissingBookRow
from library_pipeline_tests.downloads.runs import grab
from library_pipeline_tests.support.qbittorrent import QbtServer
from library_pipeline_tests.support.stubs.mam import MamStub, torrent_bytes

# Every test here uses the real qbittorrent-nox (the `qbt` fixture).
pytestmark = pytest.mark.slow

DL = "Xk3v9Qp0dummyDlHashForTests,abc123"  # the first sample row's per-user download hash


@pytest.fixture
def db(duckdb_url: str) -> Iterator[Engine]:
    engine = make_engine(duckdb_url)
    yield engine
    engine.dispose()


@pytest.fixture
def mam(qbt: QbtServer) -> Iterator[MamStub]:
    # The stub serves a small .torrent at `/tor/download.php/<dl>` (no cookie, as MAM does).
    with MamStub() as stub:
        yield stub


def want(engine: Engine, title: str, authors: list[str], **kw) -> int:
    with session_scope(engine) as session:
        row = MissingBookRow(
            match_key=title.lower(),
            title=title,
            authors=authors,
            reasons=["top10"],
            catalogue_ids=[],
            discovery_source=kw.pop("source", "top10"),
            language="en",
            **kw,
        )
        session.add(row)
        session.flush()
        return row.id


def run_args(mam: MamStub, qbt: QbtServer) -> dict:
    source = MamReleaseSource(MamClient(mam.url, MamStub.API_COOKIE, min_delay=0, max_delay=0))
    return {
        "sources": [source],
        "qbittorrent": QBittorrentClient(qbt.url, qbt.username, qbt.password),
        "policy": DownloadPolicy(save_path=str(qbt.save_dir), mam_reserve=1),
    }


async def test_mam_search_grab_with_its_dl_link(db: Engine, mam: MamStub, qbt: QbtServer) -> None:
    book_id = want(db, "The Final Empire", ["Brandon Sanderson"], series="Mistborn",
                   series_position="1")  # fmt: skip
    args = run_args(mam, qbt)
    with session_scope(db) as session:
        result = await grab(download_missing_top10_books, session, **args)
    assert result.download_queued_count == 1, result
    item = result.items[0]
    assert item.indexer == "MyAnonamouse"
    # Structured MAM data scored: author, m4b, unabridged, English, Book 1 of Mistborn.
    summary = item.score_summary
    for part in ("author +20", "format +15 (m4b)", "unabridged +5", "language +5", "volume +5"):
        assert part in summary
    assert mam.searches[0]["tor"]["text"] == "The Final Empire Brandon Sanderson"
    with session_scope(db) as session:
        row = session.scalars(select(Download)).one()
        assert row.source == "mam"
        assert row.status == "queued"
        assert row.infohash == infohash_from_torrent(torrent_bytes("The Final Empire"))
        assert row.link is not None
        assert DL not in row.link
        assert "download.php/***" in row.link
        assert session.get(MissingBookRow, book_id).status == "queued"
    assert mam.count(MamStub.USER_DATA) == 1  # the unsatisfied limit was checked once
    # Neither the cookie nor the dl hash anywhere in the result.
    text = json.dumps(result, default=str)
    assert MamStub.API_COOKIE not in text
    assert DL not in text


async def test_mam_at_its_unsatisfied_limit_is_not_used(
    db: Engine, mam: MamStub, qbt: QbtServer
) -> None:
    want(db, "The Final Empire", ["Brandon Sanderson"], source="series_gaps")
    mam.user_data["unsat"] = {"count": 49, "red": False, "size": None, "limit": 50}
    with session_scope(db) as session:
        result = await grab(download_missing_series_books, session, **run_args(mam, qbt))
    item = result.items[0]
    assert item.outcome == "skipped"
    assert "MAM unsatisfied limit: 49/50 (keeping 1 free)" in item.reason
    assert mam.count(r"^/tor/download") == 0
    assert qbt.torrents() == []


async def test_mam_signed_out_is_a_per_book_failure(
    db: Engine, mam: MamStub, qbt: QbtServer
) -> None:

    want(db, "The Final Empire", ["Brandon Sanderson"])
    want(db, "Elantris", ["Brandon Sanderson"])
    mam.api_cookies = {"a-different-cookie"}
    with session_scope(db) as session:
        result = await grab(download_missing_top10_books, session, **run_args(mam, qbt))
    assert result.failed_count == 2
    assert all("not signed in" in e.error for e in result.errors)
    assert MamStub.API_COOKIE not in json.dumps(result, default=str)


async def test_a_browser_session_cookie_says_which_session_to_create(
    db: Engine, mam: MamStub, qbt: QbtServer
) -> None:
    """Every MAM grab is refused, and the reason names the kind of session MAM wants."""
    want(db, "The Final Empire", ["Brandon Sanderson"], source="series_gaps")
    args = run_args(mam, qbt)
    args["sources"] = [
        MamReleaseSource(MamClient(mam.url, MamStub.BROWSER_COOKIE, min_delay=0, max_delay=0))
    ]
    with session_scope(db) as session:
        result = await grab(download_missing_series_books, session, **args)
    assert result.failed_count == 1
    reason = result.errors[0].error or ""
    assert "API-type session" in reason
    assert "Request not via correct session type" in reason
    assert MamStub.BROWSER_COOKIE not in json.dumps(result, default=str)
