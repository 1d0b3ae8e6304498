"""The `download_requests` asset in real Dagster: dry run, then real grabs, readable metadata."""

from __future__ import annotations

import json

import dagster as dg
import pytest
from sqlalchemy import select

from library_pipeline.defs.downloads.assets import DownloadRequestsConfig, download_requests
from library_pipeline.defs.downloads.resources import (
    DownloadPolicyResource,
    ProwlarrResource,
    QBittorrentResource,
    TorznabResource,
)
from library_pipeline.defs.mam.resources import MamResource
from library_pipeline.defs.resources import LibraryDatabase
from library_pipeline.storage.engine import make_engine, session_scope
from library_pipeline.storage.models import Download, MissingBookRow
from library_pipeline_tests.support.qbittorrent import QbtServer, audiobook_torrent
from library_pipeline_tests.support.stubs.prowlarr import ProwlarrStub

# Every test here uses the real qbittorrent-nox (the `qbt` fixture).
pytestmark = pytest.mark.slow


def resources(duckdb_url: str, qbt: QbtServer, prowlarr: ProwlarrStub) -> dict:
    return {
        "library_db": LibraryDatabase(url=duckdb_url),
        "qbittorrent": QBittorrentResource(
            url=qbt.url, username=qbt.username, password=qbt.password, save_path=str(qbt.save_dir)
        ),
        "prowlarr": ProwlarrResource(url=prowlarr.url, api_key=ProwlarrStub.API_KEY),
        "torznab": TorznabResource(),
        "mam": MamResource(),
        "download_policy": DownloadPolicyResource(),
    }


def materialize(duckdb_url: str, qbt: QbtServer, prowlarr: ProwlarrStub, **config) -> dict:
    result = dg.materialize(
        [download_requests],
        resources=resources(duckdb_url, qbt, prowlarr),
        run_config=dg.RunConfig({"download_requests": DownloadRequestsConfig(**config)}),
    )
    assert result.success
    events = result.asset_materializations_for_node("download_requests")
    return {k: v.value for k, v in events[0].metadata.items()}


def test_download_requests_dry_run_then_grab(
    duckdb_url: str, qbt: QbtServer, prowlarr: ProwlarrStub
) -> None:
    torrent = audiobook_torrent(qbt.save_dir, "Brandon Sanderson - The Final Empire")
    sample = prowlarr.sample_results()
    prowlarr.serve_torrent(sample[0], torrent.data)
    prowlarr.results_for = lambda query, kind: sample if "Final Empire" in query else []
    engine = make_engine(duckdb_url)
    with session_scope(engine) as session:
        for title, source in (("The Final Empire", "series_gaps"), ("Warbreaker", "author_gaps")):
            session.add(
                MissingBookRow(
                    match_key=title.lower(), title=title, authors=["Brandon Sanderson"],
                    series="Mistborn" if source == "series_gaps" else None,
                    series_position="1" if source == "series_gaps" else None,
                    reasons=[source], catalogue_ids=[], discovery_source=source, priority=5,
                )
            )  # fmt: skip

    dry = materialize(duckdb_url, qbt, prowlarr, dry_run=True)
    assert dry["dry_run"] is True
    assert dry["chosen_count"] == 1
    assert dry["skipped_count"] == 1
    assert dry["download_queued_count"] == 0
    assert "The Final Empire by Brandon Sanderson [ENG / M4B]" in dry["chosen_releases"]
    assert "title +40 (exact match)" in dry["chosen_releases"]
    assert "no releases found" in dry["preview"]
    assert "pack" in dry["rejected_releases"]  # Love at Stake series, with its reasons
    assert qbt.torrents() == []

    real = materialize(duckdb_url, qbt, prowlarr, mode="auto")
    assert real["download_queued_count"] == 1
    assert real["success_count"] == 1
    assert real["per_source"]["series_gaps"]["success_count"] == 1
    assert real["providers"]["qbittorrent"]["failures"] == 0
    assert real["dagster/row_count"] == 1
    listed = qbt.torrents(tag="library-pipeline")
    assert [t["hash"] for t in listed] == [torrent.infohash]
    with session_scope(engine) as session:
        row = session.scalars(select(Download)).one()
        assert row.status == "queued"
        assert row.infohash == torrent.infohash
    text = json.dumps([dry, real], default=str)
    assert ProwlarrStub.API_KEY not in text
    assert qbt.password not in text
    engine.dispose()


def test_download_requests_reports_qbittorrent_down_per_book(
    duckdb_url: str, qbt: QbtServer, prowlarr: ProwlarrStub
) -> None:

    engine = make_engine(duckdb_url)
    with session_scope(engine) as session:
        session.add(
            MissingBookRow(
                match_key="x", title="The Final Empire", authors=["Brandon Sanderson"],
                reasons=[], catalogue_ids=[], discovery_source="top10",
            )
        )  # fmt: skip
    engine.dispose()
    res = resources(duckdb_url, qbt, prowlarr)
    res["qbittorrent"] = QBittorrentResource(
        url=qbt.url, username=qbt.username, password="definitely-wrong-pw"
    )
    result = dg.materialize(
        [download_requests],
        resources=res,
        run_config=dg.RunConfig({"download_requests": DownloadRequestsConfig(mode="auto")}),
    )
    assert result.success  # per-book errors never fail the run
    metadata = {
        k: v.value
        for k, v in result.asset_materializations_for_node("download_requests")[0].metadata.items()
    }
    assert metadata["failed_count"] == 1
    assert "wrong username or password" in metadata["errors"][0]
    assert "definitely-wrong-pw" not in json.dumps(metadata, default=str)
