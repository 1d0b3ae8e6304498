"""`download_missing_*_books` end to end: stub indexers, a real qbittorrent-nox, both engines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from library_pipeline.clients.http import ProviderLimits, ProviderUnavailable
from library_pipeline.clients.prowlarr import ProwlarrClient
from library_pipeline.clients.qbittorrent import QBittorrentClient
from library_pipeline.clients.torznab import TorznabClient
from library_pipeline.domain.releases import Release, TorrentPayload
from library_pipeline.domain.releases.scoring import ScoringPolicy
from library_pipeline.services.downloads import (
    DownloadPolicy,
    book_tag,
    download_missing_author_books,
    download_missing_series_books,
    download_missing_top10_books,
)
from library_pipeline.storage.engine import make_engine, session_scope
from library_pipeline.storage.models import Download, MissingBookRow, utcnow
from library_pipeline_tests.downloads.runs import grab
from library_pipeline_tests.support.qbittorrent import QbtServer, audiobook_torrent, free_port
from library_pipeline_tests.support.stubs.prowlarr import ProwlarrStub
from library_pipeline_tests.support.stubs.torznab import TorznabStub

# Every test here uses the real qbittorrent-nox (the `qbt` fixture).
pytestmark = pytest.mark.slow

KEY = ProwlarrStub.API_KEY
FAST = ProviderLimits(
    requests_per_period=1000, period_seconds=1, max_attempts=2, backoff_initial=0.01,
    backoff_max=0.02, timeout_seconds=5,
)  # fmt: skip
ABB_HASH = "9d99e48a436d9d0dd34453f6cd65c8f61eabe925"


@pytest.fixture
def db(duckdb_url: str) -> Iterator[Engine]:
    engine = make_engine(duckdb_url)
    yield engine
    engine.dispose()


def want(
    engine: Engine,
    title: str,
    authors: list[str],
    *,
    series: str | None = None,
    position: str | None = None,
    source: str = "series_gaps",
    priority: int = 5,
    language: str | None = "en",
) -> int:
    with session_scope(engine) as session:
        row = MissingBookRow(
            match_key=f"{title}|{authors[0]}".lower(),
            title=title,
            authors=authors,
            series=series,
            series_position=position,
            language=language,
            reasons=[source],
            priority=priority,
            catalogue_ids=[],
            discovery_source=source,
        )
        session.add(row)
        session.flush()
        return row.id


def policy_for(qbt: QbtServer | None, **kw: Any) -> DownloadPolicy:
    defaults: dict[str, Any] = {
        "category": "library-pipeline",
        "tags": ("library-pipeline",),
        "save_path": str(qbt.save_dir) if qbt else None,
    }
    defaults.update(kw)
    return DownloadPolicy(**defaults)


def qbt_client(qbt: QbtServer, password: str | None = None) -> QBittorrentClient:
    return QBittorrentClient(qbt.url, qbt.username, password or qbt.password)


def prowlarr_client(prowlarr: ProwlarrStub, key: str = KEY) -> ProwlarrClient:
    return ProwlarrClient(prowlarr.url, key, limits=FAST)


def downloads(engine: Engine) -> list[Download]:
    with session_scope(engine) as session:
        return list(session.scalars(select(Download).order_by(Download.id)))


def book(engine: Engine, book_id: int) -> MissingBookRow:
    with session_scope(engine) as session:
        found = session.get(MissingBookRow, book_id)
        assert found is not None
        return found


def no_secrets(*values: Any, secrets: tuple[str, ...] = (KEY,)) -> None:
    text = json.dumps(values, default=str)
    for secret in secrets:
        assert secret not in text


def serve_books(prowlarr: ProwlarrStub, qbt: QbtServer) -> dict[str, Any]:
    """Prowlarr answers per book: the recorded sample for The Final Empire (its MAM .torrent
    served), a pack + the right volume for The Well of Ascension, ABB's magnet for PHM."""
    final = audiobook_torrent(qbt.save_dir, "Brandon Sanderson - The Final Empire")
    well = audiobook_torrent(qbt.save_dir, "Brandon Sanderson - The Well of Ascension")
    pack = prowlarr.release("Brandon Sanderson - Mistborn Books 1-3 [M4B]", seeders=300)
    right = prowlarr.release(
        "Mistborn Book 2 - The Well of Ascension - Brandon Sanderson [MP3]", seeders=8
    )
    prowlarr.serve_torrent(right, well.data)
    sample = prowlarr.sample_results()
    prowlarr.serve_torrent(sample[0], final.data)
    prowlarr.serve_magnet(sample[2], sample[2]["guid"])

    def answer(query: str, kind: str) -> list[dict[str, Any]]:
        if "Final Empire" in query:
            return sample
        if "Well of Ascension" in query:
            return [pack, right]
        if "Project Hail Mary" in query:
            return [sample[2]]
        return []

    prowlarr.results_for = answer
    return {"final": final, "well": well, "pack": pack}


# --- the happy path, on both engines -----------------------------------------------------------


async def test_series_and_author_gaps_become_tagged_torrents(
    db_url: str, prowlarr: ProwlarrStub, feed: TorznabStub, qbt: QbtServer
) -> None:
    engine = make_engine(db_url)
    torrents = serve_books(prowlarr, qbt)
    feed.items = []
    final_id = want(engine, "The Final Empire", ["Brandon Sanderson"], series="Mistborn",
                    position="1", priority=9)  # fmt: skip
    well_id = want(engine, "The Well of Ascension", ["Brandon Sanderson"], series="Mistborn",
                   position="2", priority=3)  # fmt: skip
    phm_id = want(engine, "Project Hail Mary", ["Andy Weir"], source="author_gaps")
    low_id = want(engine, "Elantris", ["Brandon Sanderson"], source="author_gaps", priority=1)

    def run_kwargs() -> dict[str, Any]:
        return {
            "sources": [
                prowlarr_client(prowlarr),
                TorznabClient(feed.api_url, feed.API_KEY, limits=FAST),
            ],
            "qbittorrent": qbt_client(qbt),
            "policy": policy_for(qbt),
        }

    with session_scope(engine) as session:
        result = await grab(download_missing_series_books, session, batch_size=10, **run_kwargs())
    assert result.download_queued_count == 2, result
    assert (result.success_count, result.failed_count, result.skipped_count) == (2, 0, 0)
    assert result.errors == []
    # highest priority first
    assert [i.missing_book_id for i in result.items] == [final_id, well_id]
    assert [i.indexer for i in result.items] == ["MyAnonamouse", "AudioBook Bay (ABB)"]
    well_item = result.items[1]
    assert any("pack" in "; ".join(r["reasons"]) for r in well_item.rejected)

    rows = {row.missing_book_id: row for row in downloads(engine)}
    final_row = rows[final_id]
    assert final_row.status == "queued"
    assert final_row.queued_at is not None
    assert final_row.infohash == torrents["final"].infohash
    assert final_row.release_title == "The Final Empire by Brandon Sanderson [ENG / M4B]"
    assert final_row.source == "prowlarr"
    assert final_row.category == "library-pipeline"
    assert final_row.score is not None
    assert final_row.score >= 55
    assert final_row.score_details["qbittorrent"] == "added"
    assert "title +40" in final_row.score_details["summary"]
    assert final_row.link is not None
    assert KEY not in final_row.link
    assert final_row.save_path == str(qbt.save_dir)
    assert book(engine, final_id).status == "queued"
    assert book(engine, well_id).status == "queued"

    listed = {t["hash"]: t for t in qbt.torrents(category="library-pipeline")}
    assert set(listed) == {torrents["final"].infohash, torrents["well"].infohash}
    tags = listed[torrents["final"].infohash]["tags"].split(", ")
    assert sorted(tags) == ["library-pipeline", book_tag(final_id)]
    # The data sits in the save path: the completion sensor will see it finish.
    qbt.wait_for(torrents["final"].infohash, lambda t: t["progress"] == 1)

    # Idempotent: a second run selects nothing and adds nothing.
    with session_scope(engine) as session:
        again = await grab(download_missing_series_books, session, **run_kwargs())
    assert again.items == []
    assert again.download_queued_count == 0
    assert len(qbt.torrents()) == 2
    assert len(downloads(engine)) == 2

    # Author gaps, only priority >= 5: the magnet from ABB; Elantris (priority 1) untouched.
    with session_scope(engine) as session:
        author = await grab(
            download_missing_author_books, session, batch_size=10, max_priority=5, **run_kwargs()
        )
    assert [i.missing_book_id for i in author.items] == [phm_id]
    assert author.items[0].kind == "magnet"
    assert author.download_queued_count == 1
    assert rows_by_book(engine)[phm_id].infohash == ABB_HASH
    assert book(engine, low_id).status == "pending"
    assert ABB_HASH in {t["hash"] for t in qbt.torrents(tag=book_tag(phm_id))}

    with session_scope(engine) as session:
        top10 = await grab(download_missing_top10_books, session, **run_kwargs())
    assert top10.items == []
    assert top10.errors == []
    no_secrets(
        result, again, author, [r.link for r in downloads(engine)], secrets=(KEY, qbt.password)
    )
    engine.dispose()


def rows_by_book(engine: Engine) -> dict[int | None, Download]:
    return {row.missing_book_id: row for row in downloads(engine)}


# --- idempotency and crash recovery ----------------------------------------------------------


async def test_a_torrent_qbittorrent_already_has_is_linked(
    db: Engine, prowlarr: ProwlarrStub, qbt: QbtServer
) -> None:
    torrents = serve_books(prowlarr, qbt)
    book_id = want(db, "The Final Empire", ["Brandon Sanderson"], series="Mistborn", position="1")
    qbt.api().torrents_add(torrent_files=torrents["final"].data, save_path=str(qbt.save_dir))
    qbt.wait_for(torrents["final"].infohash)
    with session_scope(db) as session:
        result = await grab(download_missing_series_books,
            session, sources=[prowlarr_client(prowlarr)], qbittorrent=qbt_client(qbt),
            policy=policy_for(qbt),
        )  # fmt: skip
    assert result.download_queued_count == 0
    assert (result.success_count, result.linked_count) == (1, 1)
    assert "already had" in result.items[0].reason
    row = rows_by_book(db)[book_id]
    assert row.status == "queued"
    assert row.score_details["qbittorrent"] == "already_present"
    listed = qbt.torrents()
    assert len(listed) == 1
    assert book_tag(book_id) in listed[0]["tags"]
    assert listed[0]["category"] == "library-pipeline"  # so the completion sensor sees it


class CrashingQbt(QBittorrentClient):
    """Simulates a crash around the add: `after=True` adds, then fails (as if the process died
    before recording); `after=False` fails before anything reaches qBittorrent."""

    def __init__(self, qbt: QbtServer, after: bool) -> None:
        super().__init__(qbt.url, qbt.username, qbt.password)
        self.after = after

    def add_torrent(self, payload: TorrentPayload, **kwargs: Any):  # type: ignore[override]
        if self.after:
            super().add_torrent(payload, **kwargs)
        raise ProviderUnavailable("qbittorrent", "connection reset (simulated crash)")


async def test_an_interrupted_grab_is_reconciled_by_infohash(
    db: Engine, prowlarr: ProwlarrStub, qbt: QbtServer
) -> None:
    torrents = serve_books(prowlarr, qbt)
    final_id = want(db, "The Final Empire", ["Brandon Sanderson"], series="Mistborn",
                    position="1", priority=9)  # fmt: skip
    well_id = want(db, "The Well of Ascension", ["Brandon Sanderson"], series="Mistborn",
                   position="2", priority=3)  # fmt: skip
    policy = policy_for(qbt)
    # Run 1: the first add reaches qBittorrent, then the "process dies" (nothing recorded).
    with session_scope(db) as session:
        first = await grab(download_missing_series_books,
            session, batch_size=1, sources=[prowlarr_client(prowlarr)],
            qbittorrent=CrashingQbt(qbt, after=True), policy=policy,
        )  # fmt: skip
    assert first.failed_count == 1
    assert "reconciled" in first.errors[0].error
    row = rows_by_book(db)[final_id]
    assert row.status == "adding"
    assert row.infohash == torrents["final"].infohash
    assert book(db, final_id).status == "pending"
    # Run 2: the next book fails before qBittorrent sees it.
    with session_scope(db) as session:
        second = await grab(download_missing_series_books,
            session, batch_size=1, sources=[prowlarr_client(prowlarr)],
            qbittorrent=CrashingQbt(qbt, after=False), policy=policy,
        )  # fmt: skip
    assert second.reconciled == {"confirmed": 1, "abandoned": 0, "adopted": 0}
    assert rows_by_book(db)[final_id].status == "queued"
    assert book(db, final_id).status == "queued"
    assert [i.missing_book_id for i in second.items] == [well_id]
    assert rows_by_book(db)[well_id].status == "adding"
    # A torrent tagged for a wanted book but with no row (e.g. a restored DB) is adopted.
    orphan_id = want(db, "Elantris", ["Brandon Sanderson"], source="author_gaps")
    orphan = audiobook_torrent(qbt.save_dir, "Brandon Sanderson - Elantris")
    qbt.api().torrents_add(
        torrent_files=orphan.data, save_path=str(qbt.save_dir),
        tags=f"library-pipeline,{book_tag(orphan_id)}",
    )  # fmt: skip
    qbt.wait_for(orphan.infohash)
    # Run 3, healthy: the absent `adding` row is abandoned and its book grabbed again.
    with session_scope(db) as session:
        third = await grab(download_missing_series_books,
            session, sources=[prowlarr_client(prowlarr)], qbittorrent=qbt_client(qbt),
            policy=policy,
        )  # fmt: skip
    assert third.reconciled == {"confirmed": 0, "abandoned": 1, "adopted": 1}
    assert third.download_queued_count == 1
    rows = downloads(db)
    assert len(rows) == 3  # the abandoned row was reused, not duplicated
    by_book = {r.missing_book_id: r for r in rows}
    assert by_book[well_id].status == "queued"
    assert by_book[well_id].infohash == torrents["well"].infohash
    assert by_book[orphan_id].status == "queued"
    assert by_book[orphan_id].source == "reconciled"
    assert book(db, orphan_id).status == "queued"
    assert {t["hash"] for t in qbt.torrents()} == {
        torrents["final"].infohash, torrents["well"].infohash, orphan.infohash,
    }  # fmt: skip


# --- faults: recorded per book, the batch goes on ---------------------------------------------


async def test_indexer_faults_are_recorded_per_book(
    db: Engine, prowlarr: ProwlarrStub, feed: TorznabStub, qbt: QbtServer
) -> None:
    first = want(db, "Dune", ["Frank Herbert"], priority=9)
    second = want(db, "Hyperion", ["Dan Simmons"], priority=8)
    down = ProwlarrClient(f"http://127.0.0.1:{free_port()}", KEY, limits=FAST)
    bad_key = TorznabClient(feed.api_url, "wrong-torznab-key", limits=FAST)
    with session_scope(db) as session:
        result = await grab(
            download_missing_series_books,
            session,
            sources=[down, bad_key],
            qbittorrent=qbt_client(qbt),
            policy=policy_for(qbt),
        )
    assert result.failed_count == 2
    assert result.download_queued_count == 0
    assert [e.missing_book_id for e in result.errors] == [first, second]
    message = result.errors[0].error
    assert message.startswith("every release source failed: ")
    assert "cannot connect" in message
    assert "torznab error 100" in message
    assert downloads(db) == []
    assert book(db, first).status == "pending"
    no_secrets(result, secrets=(KEY, "wrong-torznab-key", qbt.password))


async def test_401_torznab_errors_empty_results_and_links(
    db: Engine, prowlarr: ProwlarrStub, feed: TorznabStub, qbt: QbtServer
) -> None:
    dune = audiobook_torrent(qbt.save_dir, "Frank Herbert - Dune")
    dune_id = want(db, "Dune", ["Frank Herbert"], priority=9)
    nolink_id = want(db, "Hyperion", ["Dan Simmons"], priority=8)
    empty_id = want(db, "Nothing Anywhere", ["Nobody Known"], priority=7)

    def items(query: str) -> list[str]:
        if "Dune" in query:
            return [
                feed.item("Dune by Frank Herbert [M4B]", torrent=dune.data, author="Frank Herbert")
            ]
        if "Hyperion" in query:
            return [feed.item("Hyperion - Dan Simmons [M4B]", link=None)]
        return []

    class PerQueryFeed(TorznabClient):
        async def raw_search(self, params: dict[str, Any]) -> list[Release]:
            feed.items = items(str(params.get("q", "")))
            return await super().raw_search(params)

    with session_scope(db) as session:
        result = await grab(
            download_missing_series_books,
            session,
            sources=[
                prowlarr_client(prowlarr, key="wrong-prowlarr-key"),  # 401, empty body
                PerQueryFeed(feed.api_url, feed.API_KEY, limits=FAST),
            ],
            qbittorrent=qbt_client(qbt),
            policy=policy_for(qbt),
        )
    outcome = {i.missing_book_id: i for i in result.items}
    assert outcome[dune_id].outcome == "queued"
    assert "not authorised (401)" in outcome[dune_id].source_errors[0]
    assert outcome[nolink_id].outcome == "skipped"
    assert "no download link" in outcome[nolink_id].reason
    assert outcome[empty_id].outcome == "skipped"
    assert outcome[empty_id].reason.startswith("no releases found")
    assert (result.download_queued_count, result.skipped_count) == (1, 2)
    assert rows_by_book(db)[dune_id].source == "torznab"
    assert [r.missing_book_id for r in downloads(db)] == [dune_id]
    no_secrets(result, secrets=(KEY, "wrong-prowlarr-key"))


@pytest.mark.parametrize("fault", ["wrong password", "down"])
async def test_qbittorrent_faults_fail_every_book_without_rows(
    fault: str, db: Engine, prowlarr: ProwlarrStub, qbt: QbtServer
) -> None:
    serve_books(prowlarr, qbt)
    ids = [
        want(db, "The Final Empire", ["Brandon Sanderson"], series="Mistborn", position="1"),
        want(db, "The Well of Ascension", ["Brandon Sanderson"], series="Mistborn", position="2"),
    ]
    if fault == "down":
        client = QBittorrentClient(f"http://127.0.0.1:{free_port()}", "admin", "pw-secret-1")
        expected = "cannot reach qBittorrent"
    else:
        client = qbt_client(qbt, password="wrong-password-42")
        expected = "wrong username or password"
    with session_scope(db) as session:
        result = await grab(download_missing_series_books,
            session, sources=[prowlarr_client(prowlarr)], qbittorrent=client,
            policy=policy_for(qbt),
        )  # fmt: skip
    assert [e.missing_book_id for e in result.errors] == ids
    assert all(expected in e.error for e in result.errors)
    assert prowlarr.searches == []  # no point searching while qBittorrent cannot take it
    assert downloads(db) == []
    assert qbt.torrents() == []
    no_secrets(result, secrets=("wrong-password-42", "pw-secret-1", KEY))


class RejectingFirst:
    """Wraps a source: the first fetched release becomes a magnet qBittorrent refuses."""

    def __init__(self, inner: ProwlarrClient) -> None:
        self.inner, self.name, self.fetched = inner, inner.name, 0

    async def search(self, title: str, author: str | None = None) -> list[Release]:
        return await self.inner.search(title, author)

    async def fetch(self, release: Release) -> TorrentPayload:
        self.fetched += 1
        if self.fetched == 1:
            return TorrentPayload(infohash="e" * 40, magnet="magnet:?xt=urn:btih:not-valid")
        return await self.inner.fetch(release)

    def status(self) -> dict[str, Any]:
        return self.inner.status()


async def test_a_rejected_magnet_falls_back_to_the_next_release(
    db: Engine, prowlarr: ProwlarrStub, qbt: QbtServer
) -> None:
    other = audiobook_torrent(qbt.save_dir, "Brandon Sanderson - The Final Empire (mp3)")
    good = prowlarr.release("The Final Empire - Brandon Sanderson [M4B]", seeders=50)
    fallback = prowlarr.release("The Final Empire - Brandon Sanderson [MP3]", seeders=5)
    prowlarr.serve_torrent(fallback, other.data)
    prowlarr.results = [good, fallback]
    book_id = want(db, "The Final Empire", ["Brandon Sanderson"], series="Mistborn", position="1")
    source = RejectingFirst(prowlarr_client(prowlarr))
    with session_scope(db) as session:
        result = await grab(
            download_missing_series_books,
            session,
            sources=[source],
            qbittorrent=qbt_client(qbt),
            policy=policy_for(qbt),
        )
    assert result.download_queued_count == 1
    rows = downloads(db)
    assert [(r.status, r.release_title) for r in rows] == [
        ("failed", "The Final Empire - Brandon Sanderson [M4B]"),
        ("queued", "The Final Empire - Brandon Sanderson [MP3]"),
    ]
    assert "refused the magnet" in (rows[0].error or "")
    assert rows[1].infohash == other.infohash
    assert book(db, book_id).status == "queued"


# --- dry run and limits ---------------------------------------------------------------------------


async def test_dry_run_records_choices_without_sending(
    db: Engine, prowlarr: ProwlarrStub, qbt: QbtServer
) -> None:
    torrents = serve_books(prowlarr, qbt)
    final_id = want(db, "The Final Empire", ["Brandon Sanderson"], series="Mistborn", position="1")
    for _ in range(2):  # a second dry run updates the same row
        with session_scope(db) as session:
            result = await grab(download_missing_series_books,
                session, sources=[prowlarr_client(prowlarr)], qbittorrent=None,
                policy=policy_for(qbt, mode="dry_run"),
            )  # fmt: skip
        assert result.dry_run is True
        assert result.chosen_count == 1
        assert result.download_queued_count == 0
        assert result.success_count == 1
    rows = downloads(db)
    assert [(r.status, r.missing_book_id) for r in rows] == [("chosen", final_id)]
    assert rows[0].infohash is None
    assert "title +40" in rows[0].score_details["summary"]
    assert book(db, final_id).status == "pending"
    assert qbt.torrents() == []
    assert prowlarr.count(r"/download$") == 0  # nothing fetched either
    # Dry run off: the chosen row becomes the real download.
    with session_scope(db) as session:
        real = await grab(download_missing_series_books,
            session, sources=[prowlarr_client(prowlarr)], qbittorrent=qbt_client(qbt),
            policy=policy_for(qbt),
        )  # fmt: skip
    assert real.download_queued_count == 1
    rows = downloads(db)
    assert len(rows) == 1
    assert rows[0].status == "queued"
    assert rows[0].infohash == torrents["final"].infohash


async def test_run_and_daily_limits(db: Engine, prowlarr: ProwlarrStub, qbt: QbtServer) -> None:
    serve_books(prowlarr, qbt)
    first = want(db, "The Final Empire", ["Brandon Sanderson"], series="Mistborn", position="1",
                 priority=9)  # fmt: skip
    second = want(db, "The Well of Ascension", ["Brandon Sanderson"], series="Mistborn",
                  position="2")  # fmt: skip
    with session_scope(db) as session:
        result = await grab(download_missing_series_books,
            session, sources=[prowlarr_client(prowlarr)], qbittorrent=qbt_client(qbt),
            policy=policy_for(qbt, max_per_run=1),
        )  # fmt: skip
    outcome = {i.missing_book_id: i for i in result.items}
    assert outcome[first].outcome == "queued"
    assert outcome[second].outcome == "skipped"
    assert outcome[second].reason == "per-run limit reached (1)"
    # Daily: one queued an hour ago + limit 1 → nothing more today.
    with session_scope(db) as session:
        session.get(Download, downloads(db)[0].id).queued_at = utcnow() - timedelta(hours=1)
    with session_scope(db) as session:
        daily = await grab(download_missing_series_books,
            session, sources=[prowlarr_client(prowlarr)], qbittorrent=qbt_client(qbt),
            policy=policy_for(qbt, max_per_day=1),
        )  # fmt: skip
    assert daily.items[0].reason == "daily limit reached (1 in 24 h)"
    # A grab the user later rejected (or that failed to import) was still a grab at the tracker.
    for status in ("rejected", "failed"):
        with session_scope(db) as session:
            session.get(Download, downloads(db)[0].id).status = status
        with session_scope(db) as session:
            again = await grab(download_missing_series_books,
                session, sources=[prowlarr_client(prowlarr)], qbittorrent=qbt_client(qbt),
                policy=policy_for(qbt, max_per_day=1),
            )  # fmt: skip
        assert again.items[0].reason == "daily limit reached (1 in 24 h)", status
    # 25 hours later the window has moved on.
    with session_scope(db) as session:
        later = await grab(download_missing_series_books,
            session, sources=[prowlarr_client(prowlarr)], qbittorrent=qbt_client(qbt),
            policy=policy_for(qbt, max_per_day=1), now=utcnow() + timedelta(hours=25),
        )  # fmt: skip
    assert later.download_queued_count == 1


class FixedUnsatisfied:
    def __init__(self, count: int, limit: int | None) -> None:
        self.value = (count, limit)
        self.calls = 0

    async def unsatisfied(self) -> tuple[int, int | None]:
        self.calls += 1
        return self.value


async def test_mam_unsatisfied_limit_blocks_mam_releases_only(
    db: Engine, prowlarr: ProwlarrStub, qbt: QbtServer
) -> None:
    torrents = serve_books(prowlarr, qbt)
    final_id = want(db, "The Final Empire", ["Brandon Sanderson"], series="Mistborn", position="1",
                    priority=9)  # fmt: skip
    phm_id = want(db, "Project Hail Mary", ["Andy Weir"])
    limit = FixedUnsatisfied(49, 50)  # reserve 1 → no MAM grab
    with session_scope(db) as session:
        result = await grab(download_missing_series_books,
            session, sources=[prowlarr_client(prowlarr)], qbittorrent=qbt_client(qbt),
            mam_limit=limit, policy=policy_for(qbt, mam_reserve=1),
        )  # fmt: skip
    outcome = {i.missing_book_id: i for i in result.items}
    # The Final Empire exists only on MAM (via Prowlarr): skipped, saying why.
    assert outcome[final_id].outcome == "skipped"
    assert "MAM unsatisfied limit: 49/50 (keeping 1 free)" in outcome[final_id].reason
    # Project Hail Mary comes from ABB: not affected.
    assert outcome[phm_id].outcome == "queued"
    assert limit.calls == 1
    # With room on MAM, the MAM release is grabbed.
    with session_scope(db) as session:
        ok = await grab(download_missing_series_books,
            session, sources=[prowlarr_client(prowlarr)], qbittorrent=qbt_client(qbt),
            mam_limit=FixedUnsatisfied(2, 50), policy=policy_for(qbt),
        )  # fmt: skip
    assert ok.download_queued_count == 1
    assert rows_by_book(db)[final_id].infohash == torrents["final"].infohash


async def test_scoring_policy_min_score_is_respected(
    db: Engine, prowlarr: ProwlarrStub, qbt: QbtServer
) -> None:

    serve_books(prowlarr, qbt)
    want(db, "The Final Empire", ["Brandon Sanderson"], series="Mistborn", position="1")
    with session_scope(db) as session:
        result = await grab(download_missing_series_books,
            session, sources=[prowlarr_client(prowlarr)], qbittorrent=qbt_client(qbt),
            policy=policy_for(qbt, scoring=ScoringPolicy(min_score=500)),
        )  # fmt: skip
    assert result.skipped_count == 1
    assert "below minimum 500" in result.items[0].reason
    assert downloads(db) == []
    assert qbt.torrents() == []
