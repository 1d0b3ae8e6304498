"""Review before grabbing, through a real Dagster instance and the real qbittorrent-nox:
approve mode sends nothing, an approved partition grabs exactly its release, a vanished release
returns to review, decisions change the next run, approve-above-a-score is one job."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from sqlalchemy import select

from library_pipeline.defs.downloads.assets import DownloadRequestsConfig, download_requests
from library_pipeline.defs.downloads.decisions import (
    BookDecisionConfig,
    Decision,
    UndoDecisionConfig,
    book_decision_job,
    book_decisions,
    undo_book_decision_job,
)
from library_pipeline.defs.downloads.resources import (
    DownloadPolicyResource,
    ProwlarrResource,
    QBittorrentResource,
    TorznabResource,
)
from library_pipeline.defs.downloads.review import (
    REVIEW_PARTITIONS,
    ApproveAboveScoreConfig,
    approve_downloads_above_score_job,
    approved_downloads,
    download_review,
)
from library_pipeline.defs.mam.resources import MamResource
from library_pipeline.defs.resources import LibraryDatabase
from library_pipeline.storage.engine import make_engine, session_scope
from library_pipeline.storage.models import BookDecision, Download, MissingBookRow
from library_pipeline_tests.support.qbittorrent import QbtServer, TestTorrent, audiobook_torrent
from library_pipeline_tests.support.stubs.prowlarr import ProwlarrStub

pytestmark = pytest.mark.slow  # real qbittorrent-nox and a real Dagster instance
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

M4B = "Brandon Sanderson - Mistborn 1 - The Final Empire [M4B]"
MP3 = "Brandon Sanderson - Mistborn 1 - The Final Empire [MP3]"
BETTER = "Brandon Sanderson - Mistborn 1 - The Final Empire (Unabridged) [M4B] 128kbps"


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as inst:
        yield inst


class Shop:
    """The stub Prowlarr's releases of The Final Empire, each with a real .torrent served."""

    def __init__(self, prowlarr: ProwlarrStub, qbt: QbtServer) -> None:
        self.prowlarr, self.qbt = prowlarr, qbt
        self.releases: dict[str, dict[str, Any]] = {}
        self.torrents: dict[str, TestTorrent] = {}
        for title, seeders in ((M4B, 20), (MP3, 12), (BETTER, 500)):
            release = prowlarr.release(title, seeders=seeders)
            torrent = audiobook_torrent(qbt.save_dir, title.replace("[", "").replace("]", ""))
            prowlarr.serve_torrent(release, torrent.data)
            self.releases[title], self.torrents[title] = release, torrent
        self.listed = [M4B, MP3]
        prowlarr.results_for = lambda query, kind: (
            [self.releases[t] for t in self.listed] if "Final Empire" in query else []
        )


def want(url: str, title: str = "The Final Empire") -> int:
    engine = make_engine(url)
    with session_scope(engine) as session:
        row = MissingBookRow(
            match_key=title.lower(), title=title, authors=["Brandon Sanderson"],
            series="Mistborn", series_position="1", language="en", reasons=["series_gap"],
            evidence="you own Mistborn #2 and #3; #1 is listed by Audnexus",
            catalogue_ids=[], discovery_source="series_gaps", priority=5,
        )  # fmt: skip
        session.add(row)
        session.flush()
        book_id = row.id
    engine.dispose()
    return book_id


def resources(url: str, qbt: QbtServer, prowlarr: ProwlarrStub) -> dict[str, Any]:
    return {
        "library_db": LibraryDatabase(url=url),
        "qbittorrent": QBittorrentResource(
            url=qbt.url, username=qbt.username, password=qbt.password, save_path=str(qbt.save_dir)
        ),
        "prowlarr": ProwlarrResource(url=prowlarr.url, api_key=ProwlarrStub.API_KEY),
        "torznab": TorznabResource(),
        "mam": MamResource(),
        "download_policy": DownloadPolicyResource(),  # mode approve: the default
    }


def metadata_of(result: dg.ExecuteInProcessResult, node: str) -> dict[str, Any]:
    events = result.asset_materializations_for_node(node)
    return {k: v.value for k, v in events[-1].metadata.items()}


def request(instance, url, qbt, prowlarr, **config) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    result = dg.materialize(
        [download_requests],
        instance=instance,
        resources=resources(url, qbt, prowlarr),
        run_config=dg.RunConfig({"download_requests": DownloadRequestsConfig(**config)}),
    )
    assert result.success
    return metadata_of(result, "download_requests")


def approve(instance, url, qbt, prowlarr, key: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    result = dg.materialize(
        [approved_downloads],
        instance=instance,
        resources=resources(url, qbt, prowlarr),
        partition_key=key,
        selection=[approved_downloads],
    )
    assert result.success
    return metadata_of(result, "approved_downloads")


def decide(instance, url, book_id: int, decision: Decision, **extra: Any) -> None:  # type: ignore[no-untyped-def]
    config = BookDecisionConfig(missing_book_id=book_id, decision=decision, **extra)
    result = book_decision_job.execute_in_process(
        run_config=dg.RunConfig(ops={"decide_book": config}),
        instance=instance,
        resources={"library_db": LibraryDatabase(url=url)},
    )
    assert result.success


def partitions(instance: dg.DagsterInstance) -> list[str]:
    return list(instance.get_dynamic_partitions(REVIEW_PARTITIONS.name or ""))


def rows(url: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    with session_scope(engine) as session:
        out = [
            (r.release_title, r.status)
            for r in session.scalars(select(Download).order_by(Download.id))
        ]
    engine.dispose()
    return out


def book_status(url: str, book_id: int) -> str:
    engine = make_engine(url)
    with session_scope(engine) as session:
        status = session.get_one(MissingBookRow, book_id).status
    engine.dispose()
    return status


def test_approve_mode_sends_nothing_and_an_approval_grabs_exactly_that_release(
    duckdb_url: str, qbt: QbtServer, prowlarr: ProwlarrStub, instance: dg.DagsterInstance
) -> None:
    shop = Shop(prowlarr, qbt)
    want(duckdb_url)
    first = request(instance, duckdb_url, qbt, prowlarr)
    assert first["mode"] == "approve"
    assert first["awaiting_approval_count"] == 1, (first["preview"], first["rejected_releases"])
    assert first["download_queued_count"] == 0
    assert qbt.torrents() == []
    assert rows(duckdb_url) == [(M4B, "awaiting_approval")]
    (key,) = partitions(instance)
    assert "The Final Empire" in key

    # A second run leaves the waiting book alone (nothing re-chosen, still nothing sent).
    again = request(instance, duckdb_url, qbt, prowlarr)
    assert again["awaiting_approval_count"] == 0
    assert rows(duckdb_url) == [(M4B, "awaiting_approval")]

    review = dg.materialize([download_review], instance=instance,
                            resources={"library_db": LibraryDatabase(url=duckdb_url)})  # fmt: skip
    page = metadata_of(review, "download_review")
    assert page["waiting_count"] == 1
    table = page["review"]
    assert M4B in table
    assert MP3 in table
    assert "you own Mistborn #2 and #3" in table  # why the book is missing
    assert "format +15 (m4b)" in table  # the score explanation

    # A better release appears before the approval: the approval still grabs the chosen one.
    shop.listed = [BETTER, M4B, MP3]
    done = approve(instance, duckdb_url, qbt, prowlarr, key)
    assert done["grabbed_count"] == 1
    assert [t["hash"] for t in qbt.torrents(tag="library-pipeline")] == [
        shop.torrents[M4B].infohash
    ]
    engine = make_engine(duckdb_url)
    with session_scope(engine) as session:
        row = session.scalars(select(Download)).one()
        assert (row.status, row.infohash) == ("queued", shop.torrents[M4B].infohash)
        assert row.approved_by
        assert row.approved_at
    engine.dispose()
    assert partitions(instance) == [key]  # kept while its run ran; the next refresh drops it
    request(instance, duckdb_url, qbt, prowlarr)
    assert partitions(instance) == []


def test_materialize_all_approves_nothing(
    duckdb_url: str, qbt: QbtServer, prowlarr: ProwlarrStub, instance: dg.DagsterInstance
) -> None:
    # "Materialize all" selects approved_downloads with every partition: not a decision.
    Shop(prowlarr, qbt)
    want(duckdb_url)
    request(instance, duckdb_url, qbt, prowlarr)
    (key,) = partitions(instance)
    result = dg.materialize(
        [download_review, approved_downloads],
        instance=instance,
        resources=resources(duckdb_url, qbt, prowlarr),
        partition_key=key,
    )
    assert result.success
    page = metadata_of(result, "approved_downloads")
    assert page["approved"] == 0
    assert "download_review" in page["not_approved"]
    assert qbt.torrents() == []
    assert rows(duckdb_url) == [(M4B, "awaiting_approval")]
    assert approve(instance, duckdb_url, qbt, prowlarr, key)["grabbed_count"] == 1  # alone: yes


def test_a_vanished_release_returns_to_review(
    duckdb_url: str, qbt: QbtServer, prowlarr: ProwlarrStub, instance: dg.DagsterInstance
) -> None:
    shop = Shop(prowlarr, qbt)
    want(duckdb_url)
    request(instance, duckdb_url, qbt, prowlarr)
    (key,) = partitions(instance)
    shop.listed = [MP3]  # the chosen M4B is gone from the indexer
    done = approve(instance, duckdb_url, qbt, prowlarr, key)
    assert done["vanished_count"] == 1
    assert "no longer listed" in done["outcomes"]
    assert qbt.torrents() == []  # nothing else grabbed silently
    assert rows(duckdb_url) == [(M4B, "vanished"), (MP3, "awaiting_approval")]
    assert partitions(instance)[-1] != key  # the new choice waits for its own approval
    assert len(partitions(instance)) == 2  # (the approved one's is dropped by the next refresh)


def test_each_decision_changes_the_next_download_run(
    duckdb_url: str, qbt: QbtServer, prowlarr: ProwlarrStub, instance: dg.DagsterInstance
) -> None:
    Shop(prowlarr, qbt)
    book_id = want(duckdb_url)
    request(instance, duckdb_url, qbt, prowlarr)

    decide(instance, duckdb_url, book_id, Decision.wrong_release, note="a German edition")
    assert rows(duckdb_url) == [(M4B, "rejected")]
    assert partitions(instance) == []
    assert book_status(duckdb_url, book_id) == "pending"
    after_wrong = request(instance, duckdb_url, qbt, prowlarr)
    assert after_wrong["awaiting_approval_count"] == 1
    assert rows(duckdb_url)[-1] == (MP3, "awaiting_approval")  # the blocklisted one is never chosen
    assert "blocklisted: a German edition" in after_wrong["rejected_releases"]

    decide(instance, duckdb_url, book_id, Decision.not_wanted)
    assert book_status(duckdb_url, book_id) == "ignored"
    assert rows(duckdb_url)[-1] == (MP3, "rejected")
    assert partitions(instance) == []
    after_not_wanted = request(instance, duckdb_url, qbt, prowlarr)
    assert after_not_wanted["awaiting_approval_count"] == 0
    assert len(rows(duckdb_url)) == 2  # not searched

    page = dg.materialize([book_decisions], instance=instance,
                          resources={"library_db": LibraryDatabase(url=duckdb_url)})  # fmt: skip
    listing = metadata_of(page, "book_decisions")
    assert listing["in_force_count"] == 2
    assert "wrong_release" in listing["decisions"]
    assert "not_wanted" in listing["decisions"]
    assert "dagster run" in listing["decisions"]  # who

    engine = make_engine(duckdb_url)
    with session_scope(engine) as session:
        not_wanted = select(BookDecision).where(BookDecision.kind == "not_wanted")
        decision_id = session.scalars(not_wanted).one().id
    engine.dispose()
    undo = UndoDecisionConfig(decision_id=decision_id)
    undone = undo_book_decision_job.execute_in_process(
        run_config=dg.RunConfig(ops={"undo_book_decision": undo}),
        instance=instance,
        resources={"library_db": LibraryDatabase(url=duckdb_url)},
    )  # fmt: skip
    assert undone.success
    assert book_status(duckdb_url, book_id) == "pending"
    after_undo = request(instance, duckdb_url, qbt, prowlarr)
    assert after_undo["awaiting_approval_count"] == 1  # wanted again (the M4B stays blocklisted)
    assert rows(duckdb_url)[-1] == (MP3, "awaiting_approval")


def test_approve_every_choice_above_a_score(
    duckdb_url: str, qbt: QbtServer, prowlarr: ProwlarrStub, instance: dg.DagsterInstance
) -> None:
    shop = Shop(prowlarr, qbt)
    want(duckdb_url)
    request(instance, duckdb_url, qbt, prowlarr)
    res = resources(duckdb_url, qbt, prowlarr)
    for min_score, grabbed in ((1000.0, []), (0.0, [shop.torrents[M4B].infohash])):
        result = approve_downloads_above_score_job.execute_in_process(
            run_config=dg.RunConfig(
                ops={"approve_downloads_above_score": ApproveAboveScoreConfig(min_score=min_score)}
            ),
            instance=instance,
            resources=res,
        )
        assert result.success
        assert [t["hash"] for t in qbt.torrents()] == grabbed
    assert partitions(instance) == []
    events = instance.fetch_materializations(dg.AssetKey("approved_downloads"), limit=5).records
    assert len(events) == 1  # the approval shows on the approved_downloads partition


def test_review_page_in_the_web_ui(
    duckdb_url: str,
    qbt: QbtServer,
    prowlarr: ProwlarrStub,
    tmp_path: Path,
) -> None:
    """The review asset's page in headless Chromium (the real webserver on this instance)
    shows the review table: the book, the chosen release and the runner-up."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    from library_pipeline_tests.imports.harness import (
        ROOT,
        VENV_BIN,
        _wait_http,
        start_process,
        stop_process,
    )
    from library_pipeline_tests.support.qbittorrent import free_port

    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\nnux:\n  enabled: false\n")
    Shop(prowlarr, qbt)
    want(duckdb_url)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        request(instance, duckdb_url, qbt, prowlarr)
        dg.materialize([download_review], instance=instance,
                       resources={"library_db": LibraryDatabase(url=duckdb_url)})  # fmt: skip
    env = {**os.environ, "DAGSTER_HOME": str(home), "LIBRARY_PIPELINE_DATABASE_URL": duckdb_url}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "webserver.log"
    args = [str(VENV_BIN / "dagster-webserver"), "-w", str(ROOT / "workspace.yaml"),
            "-h", "127.0.0.1", "-p", str(port)]  # fmt: skip
    process = start_process(args, env, log, ROOT)
    try:
        _wait_http(f"{url}/server_info", process, log, 90)
        ARTIFACTS.mkdir(exist_ok=True)
        with sync_playwright() as p:
            chrome = p.chromium.launch(executable_path=browser, args=["--no-sandbox"])
            page = chrome.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(f"{url}/assets/download_review", wait_until="networkidle")
            page.get_by_text("waiting_count").first.wait_for(timeout=60_000)
            table = page.locator("table", has_text="why missing").last  # the markdown table
            table.wait_for(timeout=60_000)
            text = table.inner_text()
            page.screenshot(path=str(ARTIFACTS / "dagster-download-review.png"), full_page=True)
            chrome.close()
    finally:
        stop_process(process)
    assert "why missing" in text
    assert "The Final Empire" in text
    assert M4B in text
    assert MP3 in text  # the runner-up with its explanation
    assert "you own Mistborn #2 and #3" in text
