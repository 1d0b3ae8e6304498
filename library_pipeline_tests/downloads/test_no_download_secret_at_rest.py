"""The grep test of issue 21 for the downloads path: `download_requests` and `approved_downloads`
in real Dagster (an instance with its storage on disk), the real qbittorrent-nox and the
Prowlarr/Torznab stubs, with marker secrets: the Prowlarr API key, the Torznab API key, the
qBittorrent password, and a wrong Torznab key and qBittorrent password the services refuse (so
error texts are covered). Releases are searched at both indexer kinds and grabbed; one run meets
a Prowlarr 401, a wrong Torznab key and a download link answering 404, another a Torznab 500.
Then the markers are looked for in everything left behind: run events, captured logs (DEBUG),
stdout/stderr, the instance's files, the data dir, the library DB (rows and file), and
qBittorrent itself (its torrents, its profile: log and resume data)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from library_pipeline.clients import prowlarr as prowlarr_client
from library_pipeline.clients import torznab as torznab_client
from library_pipeline.defs.downloads.assets import DownloadRequestsConfig, download_requests
from library_pipeline.defs.downloads.resources import (
    DownloadPolicyResource,
    ProwlarrResource,
    QBittorrentResource,
    TorznabResource,
)
from library_pipeline.defs.downloads.review import REVIEW_PARTITIONS, approved_downloads
from library_pipeline.defs.mam.resources import MamResource
from library_pipeline.defs.resources import LibraryDatabase
from library_pipeline.settings import env_name, get_settings
from library_pipeline.storage.engine import make_engine, session_scope
from library_pipeline.storage.models import MissingBookRow
from library_pipeline_tests.support.qbittorrent import QbtServer, TestTorrent, audiobook_torrent
from library_pipeline_tests.support.stub_server import StubResponse
from library_pipeline_tests.support.stubs.prowlarr import ProwlarrStub
from library_pipeline_tests.support.stubs.torznab import TorznabStub
from library_pipeline_tests.test_no_secret_at_rest import database_rows_holding, files_holding

pytestmark = pytest.mark.slow  # real qbittorrent-nox and a Dagster instance on disk

WRONG_QBT_PASSWORD = "qbt-wrong-pw-MARKER-5e2f9b"
WRONG_TORZNAB_KEY = "torznab-wrong-MARKER-a71c0d"

FINAL = "Brandon Sanderson - Mistborn 1 - The Final Empire [M4B]"
WELL = "Brandon Sanderson - Mistborn 2 - The Well of Ascension [M4B]"
HERO = "Brandon Sanderson - Mistborn 3 - The Hero of Ages [M4B]"


class MarkedProwlarr(ProwlarrStub):
    API_KEY = "prowlarr-key-MARKER-9f1c2e7a"  # also inside its download links, as Prowlarr does


class MarkedTorznab(TorznabStub):
    API_KEY = "torznab-key-MARKER-4d8b0a6c"  # also inside its download links


# Own stubs (not conftest's shared ones): their keys are the markers.
@pytest.fixture
def prowlarr() -> Iterator[MarkedProwlarr]:
    with MarkedProwlarr() as stub:
        yield stub


@pytest.fixture
def feed() -> Iterator[MarkedTorznab]:
    with MarkedTorznab() as stub:
        yield stub


def want(url: str, *titles: str) -> None:
    engine = make_engine(url)
    with session_scope(engine) as session:
        for title in titles:
            session.add(
                MissingBookRow(
                    match_key=title.lower(), title=title, authors=["Brandon Sanderson"],
                    series="Mistborn", reasons=["series_gap"], catalogue_ids=[],
                    discovery_source="series_gaps", priority=5,
                )
            )  # fmt: skip
    engine.dispose()


def resources(
    url: str,
    qbt: QbtServer,
    prowlarr: ProwlarrStub,
    feed: TorznabStub,
    *,
    qbt_password: str | None = None,
    torznab_key: str | None = None,
) -> dict[str, Any]:
    return {
        "library_db": LibraryDatabase(url=url),
        "qbittorrent": QBittorrentResource(
            url=qbt.url,
            username=qbt.username,
            password=qbt_password or qbt.password,
            save_path=str(qbt.save_dir),
        ),
        "prowlarr": ProwlarrResource(url=prowlarr.url, api_key=prowlarr.API_KEY),
        "torznab": TorznabResource(
            url=feed.api_url, api_key=torznab_key or feed.API_KEY, name="MAM via Prowlarr"
        ),
        "mam": MamResource(),
        "download_policy": DownloadPolicyResource(),
    }


def metadata_of(result: dg.ExecuteInProcessResult, node: str) -> dict[str, Any]:
    events = result.asset_materializations_for_node(node)
    return {k: v.value for k, v in events[-1].metadata.items()}


class Runs:
    """The runs of the test on one instance, their results kept for the event grep."""

    def __init__(self, instance: dg.DagsterInstance, url: str) -> None:
        self.instance, self.url = instance, url
        self.results: list[dg.ExecuteInProcessResult] = []

    def request(self, res: dict[str, Any], mode: str) -> dict[str, Any]:
        result = dg.materialize(
            [download_requests],
            instance=self.instance,
            resources=res,
            run_config=dg.RunConfig({"download_requests": DownloadRequestsConfig(mode=mode)}),
        )
        self.results.append(result)
        assert result.success
        return metadata_of(result, "download_requests")

    def approve(self, res: dict[str, Any], key: str) -> dict[str, Any]:
        result = dg.materialize(
            [approved_downloads],
            instance=self.instance,
            resources=res,
            partition_key=key,
            selection=[approved_downloads],
        )
        self.results.append(result)
        assert result.success
        return metadata_of(result, "approved_downloads")

    def partition(self, title: str) -> str:
        keys = self.instance.get_dynamic_partitions(REVIEW_PARTITIONS.name or "")
        return next(k for k in keys if title in k)

    def events(self) -> str:
        return "\n".join(repr(e) for r in self.results for e in r.all_events)


def book_torrent(qbt: QbtServer, release_title: str) -> TestTorrent:
    """A real .torrent of a generated book folder in qBittorrent's save path."""
    return audiobook_torrent(qbt.save_dir, release_title.replace("[", "").replace("]", ""))


def serve_releases(qbt: QbtServer, prowlarr: ProwlarrStub, feed: TorznabStub) -> dict[str, str]:
    """The Final Empire and The Hero of Ages at Prowlarr, The Well of Ascension at the Torznab
    feed, with real .torrents but for The Hero of Ages; returns title -> infohash."""
    hashes: dict[str, str] = {}
    listed: dict[str, dict[str, Any]] = {}
    for title, book in ((FINAL, "Final Empire"), (HERO, "Hero of Ages")):
        listed[book] = prowlarr.release(title, seeders=40)
    torrent = book_torrent(qbt, FINAL)
    prowlarr.serve_torrent(listed["Final Empire"], torrent.data)  # The Hero of Ages' link: 404
    hashes[FINAL] = torrent.infohash
    prowlarr.results_for = lambda query, kind: [r for b, r in listed.items() if b in query]
    torrent = book_torrent(qbt, WELL)
    feed.items = [feed.item(WELL, torrent=torrent.data, author="Brandon Sanderson", seeders=30)]
    hashes[WELL] = torrent.infohash
    return hashes


def run_downloads(
    runs: Runs, qbt: QbtServer, prowlarr: ProwlarrStub, feed: TorznabStub
) -> dict[str, str]:
    """Choose, approve (once refused by qBittorrent), grab from both indexer kinds, and a run
    where Prowlarr answers 401, the Torznab key is wrong and a download link fails."""
    url = runs.url
    good = resources(url, qbt, prowlarr, feed)
    hashes = serve_releases(qbt, prowlarr, feed)
    want(url, "The Final Empire", "The Well of Ascension")
    chosen = runs.request(good, "approve")
    assert chosen["awaiting_approval_count"] == 2, chosen["preview"]
    assert prowlarr.searches, "Prowlarr was searched"
    assert feed.queries, "the Torznab feed was searched"

    refused = resources(url, qbt, prowlarr, feed, qbt_password=WRONG_QBT_PASSWORD)
    held = runs.approve(refused, runs.partition("Final Empire"))
    assert held["grabbed_count"] == 0, held["outcomes"]
    assert "password" in held["outcomes"], held["outcomes"]
    assert runs.approve(good, runs.partition("Well of Ascension"))["grabbed_count"] == 1

    want(url, "The Hero of Ages")
    prowlarr.inject(ProwlarrStub.SEARCH, StubResponse(401, b"", content_type="text/plain"))
    bad_key = resources(url, qbt, prowlarr, feed, torznab_key=WRONG_TORZNAB_KEY)
    failing = runs.request(bad_key, "auto")
    assert "not authorised (401)" in failing["preview"], failing["preview"]
    assert "torznab error 100" in " ".join(failing["source_errors"]), failing["source_errors"]
    assert "download not found (404)" in " ".join(failing["errors"]), failing["errors"]

    feed.inject(r"/api$", StubResponse(500, b"", content_type="text/plain"))  # retried
    last = runs.request(good, "auto")
    assert last["success_count"] == 1, last["preview"]  # the held approval, grabbed at last
    assert last["providers"]["MAM via Prowlarr"]["retries"] == 1, last["providers"]
    return hashes


def test_no_download_secret_rests_anywhere(
    qbt: QbtServer,
    prowlarr: MarkedProwlarr,
    feed: MarkedTorznab,
    duckdb_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    markers = (
        MarkedProwlarr.API_KEY,
        MarkedTorznab.API_KEY,
        qbt.password,
        WRONG_QBT_PASSWORD,
        WRONG_TORZNAB_KEY,
    )
    data_dir = tmp_path / "data"
    monkeypatch.setenv(env_name("data_dir"), str(data_dir))
    get_settings.cache_clear()
    for client in (prowlarr_client, torznab_client):  # stubs on 127.0.0.1: no need to wait
        fast = replace(client.DEFAULT_LIMITS, requests_per_period=100, backoff_initial=0.01)
        monkeypatch.setattr(client, "DEFAULT_LIMITS", fast)
    caplog.set_level(logging.DEBUG)
    home = tmp_path / "dagster_home"
    home.mkdir()
    try:
        with dg.instance_for_test(temp_dir=str(home)) as instance:
            runs = Runs(instance, duckdb_url)
            hashes = run_downloads(runs, qbt, prowlarr, feed)
            events = runs.events()
    finally:
        get_settings.cache_clear()
    torrents = qbt.torrents(tag="library-pipeline")
    grabbed = {t["hash"] for t in torrents}
    assert {hashes[FINAL], hashes[WELL]} <= grabbed, "both indexer kinds' releases were sent"
    out = capfd.readouterr()
    database_files = Path(duckdb_url.removeprefix("duckdb:///")).parent.glob("*.duckdb*")
    leaks = [
        *(f"run events: {m}" for m in markers if m in events),
        *(f"captured log: {m}" for m in markers if m in caplog.text),
        *(f"stdout/stderr: {m}" for m in markers if m in out.out + out.err),
        *files_holding(home, markers),
        *files_holding(data_dir, markers),
        *(f"{p}: {m}" for p in database_files for m in markers if m.encode() in p.read_bytes()),
        *database_rows_holding(duckdb_url, markers),
        *(f"qBittorrent's torrents: {m}" for m in markers if m in repr(torrents)),
        *files_holding(qbt.profile_dir, markers),  # its log and resume data
    ]
    assert leaks == [], "\n".join(leaks)
