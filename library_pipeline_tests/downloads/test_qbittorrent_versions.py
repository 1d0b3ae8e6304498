"""The qBittorrent client against both answer shapes (4.5 and 5.x stubs): idempotent adds,
refusals, stop/start (pause/resume before 5.0). The real 4.5.2 is in test_qbittorrent.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from library_pipeline.clients.qbittorrent import AddOutcome, QBittorrentClient, TorrentRejected
from library_pipeline.domain.releases import TorrentPayload
from library_pipeline_tests.support.qbittorrent import audiobook_torrent
from library_pipeline_tests.support.stubs.qbittorrent import QbtStub

MAGNET = "magnet:?xt=urn:btih:" + "ab" * 20 + "&dn=Refused"


@pytest.fixture(params=["4.5", "5.x"])
def qbt(request: pytest.FixtureRequest) -> Iterator[QbtStub]:
    with QbtStub(request.param) as stub:
        yield stub


def client(qbt: QbtStub) -> QBittorrentClient:
    return QBittorrentClient(qbt.url, QbtStub.USERNAME, QbtStub.PASSWORD)


@pytest.fixture
def payload(tmp_path: Path) -> TorrentPayload:
    return TorrentPayload.from_torrent(
        audiobook_torrent(tmp_path, "Brandon Sanderson - Elantris").data
    )


def test_login_reads_each_version(qbt: QbtStub) -> None:
    assert client(qbt).login() == qbt.shape["app"]


def test_add_then_add_again_links_the_present_torrent(
    qbt: QbtStub, payload: TorrentPayload
) -> None:
    qbt_client = client(qbt)
    book = payload
    first = qbt_client.add_torrent(book, category="library-pipeline", tags=["library-pipeline"])
    assert first.outcome is AddOutcome.ADDED
    assert first.torrent is not None
    assert first.torrent.tags == ["library-pipeline"]
    # 4.5 answers `Fails.`, 5.x answers HTTP 409: both mean "already present: link it".
    again = qbt_client.add_torrent(book, tags=["library-pipeline", "lp-missing-7"])
    assert again.outcome is AddOutcome.ALREADY_PRESENT
    assert again.torrent is not None
    assert "lp-missing-7" in again.torrent.tags
    assert len(qbt.torrents) == 1


def test_a_refused_magnet_is_torrent_rejected(qbt: QbtStub) -> None:
    qbt.refuse.add("ab" * 20)
    with pytest.raises(TorrentRejected, match="refused"):
        client(qbt).add_torrent(TorrentPayload.from_magnet(MAGNET))
    assert qbt.torrents == {}


def test_stop_and_start_use_the_versions_endpoint_names(
    qbt: QbtStub, payload: TorrentPayload
) -> None:
    qbt_client = client(qbt)
    added = qbt_client.add_torrent(payload)
    qbt_client.stop(added.infohash)
    stopped = qbt_client.torrent(added.infohash)
    assert stopped is not None
    assert stopped.state == ("pausedDL" if qbt.version == "4.5" else "stoppedDL")
    assert stopped.is_stopped
    qbt_client.start(added.infohash)
    started = qbt_client.torrent(added.infohash)
    assert started is not None
    assert not started.is_stopped
    assert qbt.count(f"/api/v2/torrents/{qbt.shape['stop']}") == 1


async def test_a_5x_conflict_links_the_wanted_book(duckdb_url: str, tmp_path: Path) -> None:
    """The service end to end on 5.x: the torrent is already in qBittorrent (409), so the book
    is linked to it and queued, not failed."""
    from sqlalchemy import select

    from library_pipeline.clients.prowlarr import ProwlarrClient
    from library_pipeline.services.downloads import download_missing_series_books
    from library_pipeline.storage.engine import make_engine, session_scope
    from library_pipeline.storage.models import Download, MissingBookRow
    from library_pipeline_tests.downloads.runs import grab
    from library_pipeline_tests.support.stubs.prowlarr import ProwlarrStub

    book = audiobook_torrent(tmp_path, "Brandon Sanderson - The Final Empire")
    engine = make_engine(duckdb_url)
    with session_scope(engine) as session:
        session.add(
            MissingBookRow(
                match_key="final", title="The Final Empire", authors=["Brandon Sanderson"],
                series="Mistborn", series_position="1", language="en", reasons=["series_gaps"],
                priority=5, catalogue_ids=[], discovery_source="series_gaps",
            )
        )  # fmt: skip
    with QbtStub("5.x") as qbt, ProwlarrStub() as prowlarr:
        sample = prowlarr.sample_results()
        prowlarr.serve_torrent(sample[0], book.data)
        prowlarr.results_for = lambda query, kind: sample if "Final Empire" in query else []
        client(qbt).add_torrent(TorrentPayload.from_torrent(book.data))  # added by hand
        with session_scope(engine) as session:
            result = await grab(
                download_missing_series_books,
                session,
                sources=[ProwlarrClient(prowlarr.url, ProwlarrStub.API_KEY)],
                qbittorrent=client(qbt),
            )
        added = qbt.count("^/api/v2/torrents/add$")
    assert (result.linked_count, result.failed_count) == (1, 0), result
    assert added == 2  # ours got the 409
    with session_scope(engine) as session:
        row = session.scalars(select(Download)).one()
        assert row.status == "queued"
        assert row.score_details["qbittorrent"] == "already_present"
    engine.dispose()
