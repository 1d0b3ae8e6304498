"""The import service against a real qbittorrent-nox, the stub Audiobookshelf, real tagged
audio and a real DuckDB: place, scan, rescan, correct, mark imported; faults."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.clients.audiobookshelf import AudiobookshelfClient
from library_pipeline.clients.http import ProviderLimits, ProviderUnavailable
from library_pipeline.clients.qbittorrent import QBittorrentClient
from library_pipeline.domain.import_matching import (
    missing_book_id_from_tags,
    naming_from_torrent_name,
)
from library_pipeline.services.imports import (
    PENDING_SCAN_KEY,
    ImportOptions,
    import_and_correct_authors,
    import_and_correct_series,
    import_completed_downloads,
    read_pending_scan,
    rescan_library_folders,
)
from library_pipeline.storage import decisions
from library_pipeline.storage.engine import make_engine, make_session_factory
from library_pipeline.storage.models import AppState, Book, BookDecision, Download, MissingBookRow
from library_pipeline_tests.support.audio import ffmpeg_path, make_book
from library_pipeline_tests.support.qbittorrent import (
    QbtServer,
    find_qbittorrent_nox,
    make_torrent,
    qbittorrent_server,
)
from library_pipeline_tests.support.stubs.audiobookshelf import AudiobookshelfStub

CATEGORY = "library-pipeline"
FAST_ABS = ProviderLimits(
    requests_per_period=100, period_seconds=1.0, max_attempts=2, timeout_seconds=5.0
)

pytestmark = [
    pytest.mark.slow,  # a real qbittorrent-nox
    pytest.mark.skipif(find_qbittorrent_nox() is None, reason="apt-get install qbittorrent-nox"),
    pytest.mark.skipif(ffmpeg_path() is None, reason="apt-get install ffmpeg (real audio)"),
]


@pytest.fixture(scope="module")
def qbt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QbtServer]:
    with qbittorrent_server(tmp_path_factory.mktemp("qbt")) as server:
        yield server


@pytest.fixture
def env(qbt: QbtServer, duckdb_url: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    qbt.reset()
    library = tmp_path / "library"
    library.mkdir()
    engine = make_engine(duckdb_url)
    session = make_session_factory(engine)()
    with AudiobookshelfStub() as stub:
        yield {
            "qbt": qbt,
            "session": session,
            "library": library,
            "stub": stub,
            "options": ImportOptions(
                library_root=library, category=CATEGORY, qbittorrent_retry_wait=0.05
            ),
        }
    session.close()
    engine.dispose()


def add_book(
    env: dict[str, Any],
    *,
    title: str = "The Final Empire",
    author: str = "Brandon Sanderson",
    series: str | None = "Mistborn",
    position: str | None = "1",
    files: int = 2,
    extras: dict[str, bytes] | None = None,
    with_row: bool = True,
    discovery_source: str = "series_gaps",
    tags: list[str] | None = None,
    torrent_name: str | None = None,
) -> dict[str, Any]:
    """Seeding data in qBittorrent's save dir, a finished torrent, and (optionally) the rows
    the downloads part would have written."""
    qbt: QbtServer = env["qbt"]
    session: Session = env["session"]
    name = torrent_name or f"{author} - {title} [m4b] {{Michael Kramer}}"
    folder = qbt.save_dir / name
    make_book(
        folder,
        "mp3",
        title=title,
        author=author,
        series=series,
        position=position,
        narrator="Michael Kramer",
        files=files,
    )
    for extra, data in (extras or {}).items():
        (folder / extra).write_bytes(data)
    torrent = make_torrent(folder)
    missing = None
    if with_row:
        missing = MissingBookRow(
            match_key=f"{author}|{title}".lower(),
            title=title,
            authors=[author],
            series=series,
            series_position=position,
            discovery_source=discovery_source,
            status="queued",
        )
        session.add(missing)
        session.flush()
        session.add(
            Download(
                missing_book_id=missing.id,
                release_title=name,
                source="prowlarr",
                infohash=torrent.infohash,
                status="queued",
            )
        )
        session.commit()
    tag_list = (
        tags
        if tags is not None
        else (["library-pipeline", f"lp-missing-{missing.id}"] if missing else [])
    )
    client = qbt.api()
    client.torrents_add(
        torrent_files=torrent.data,
        save_path=str(qbt.save_dir),
        category=CATEGORY,
        tags=",".join(tag_list) or None,
    )
    info = qbt.wait_for(torrent.infohash, lambda t: t["progress"] == 1 and t["completion_on"] > 0)
    return {"torrent": torrent, "folder": folder, "missing": missing, "info": info}


def clients(env: dict[str, Any], abs_url: str | None = None):
    qbt: QbtServer = env["qbt"]
    return (
        QBittorrentClient(qbt.url, qbt.username, qbt.password),
        AudiobookshelfClient(
            abs_url or env["stub"].url, AudiobookshelfStub.API_KEY, limits=FAST_ABS
        ),
    )


corrected: list[int] = []


async def fake_correct(book_id: int, session: Session) -> dict[str, Any]:
    corrected.append(book_id)
    return {"book_id": book_id, "fields_updated": ["asin"], "status": "updated", "errors": []}


async def run_import(env: dict[str, Any], abs_url: str | None = None, **kwargs: Any):
    qbt_client, abs_client = clients(env, abs_url)
    kwargs.setdefault("rescan", rescan_library_folders)
    kwargs.setdefault("correct", fake_correct)
    async with abs_client:
        return await import_completed_downloads(
            env["session"], qbt_client, abs_client, options=env["options"], **kwargs
        )


def tree(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_ino, p.stat().st_size)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


async def test_import_end_to_end_service(env: dict[str, Any]) -> None:
    corrected.clear()
    book = add_book(env, extras={"cover.jpg": b"\xff\xd8jpeg", "Visit us.url": b"[x]"})
    result = await run_import(env, infohashes=[book["torrent"].infohash])

    assert result.errors == []
    assert result.completed_downloads == 1
    assert result.imported_count == 1
    target = (
        env["library"] / "Brandon Sanderson/Mistborn/Vol. 1 - The Final Empire {Michael Kramer}"
    )
    assert sorted(p.name for p in target.iterdir()) == [
        "01 - The Final Empire.mp3", "02 - The Final Empire.mp3", "cover.jpg",
    ]  # fmt: skip
    for name in ["01 - The Final Empire.mp3", "cover.jpg"]:  # hardlinked: same inode
        assert (target / name).stat().st_ino == (book["folder"] / name).stat().st_ino
    assert (book["folder"] / "Visit us.url").exists()  # junk stays with the seed, untouched

    assert env["stub"].scan_calls == [AudiobookshelfStub.LIBRARY_ID]
    assert result.audiobookshelf_scan["requested"] is True
    assert result.pending_scan is None

    session: Session = env["session"]
    download = session.scalar(select(Download))
    assert download.status == "imported"
    assert download.imported_path == str(target)
    assert download.imported_at is not None
    assert download.completed_at is not None
    assert session.get(MissingBookRow, book["missing"].id).status == "imported"
    books = session.scalars(select(Book).where(Book.path == str(target))).all()
    assert len(books) == 1
    assert books[0].title == "The Final Empire"
    assert result.rescanned_books == [books[0].id]
    assert corrected == [books[0].id]
    assert result.corrected_count == 1
    # the torrent is still seeding from its own files
    assert env["qbt"].torrents(torrent_hashes=book["torrent"].infohash)[0]["progress"] == 1


async def test_rerun_changes_nothing(env: dict[str, Any]) -> None:
    book = add_book(env)
    first = await run_import(env, infohashes=[book["torrent"].infohash])
    assert first.imported_count == 1
    before = tree(env["library"])
    scans = len(env["stub"].scan_calls)
    session: Session = env["session"]
    row_before = session.scalar(select(Download))
    stamp = (row_before.imported_at, row_before.updated_at)

    again = await run_import(env, infohashes=[book["torrent"].infohash])
    catchup = await run_import(env)  # every finished torrent of the category
    for result in (again, catchup):
        assert result.imported_count == 0
        assert result.already_imported == 1
        assert result.errors == []
        assert result.corrected_count == 0
    assert tree(env["library"]) == before
    assert len(env["stub"].scan_calls) == scans  # nothing new: no scan request
    session.expire_all()
    row = session.scalar(select(Download))
    assert (row.imported_at, row.updated_at) == stamp
    assert session.scalar(select(Download).where(Download.id != row.id)) is None


async def test_audiobookshelf_down_import_completes_scan_pending(env: dict[str, Any]) -> None:
    book = add_book(env)
    result = await run_import(
        env, abs_url="http://127.0.0.1:9", infohashes=[book["torrent"].infohash]
    )
    assert result.imported_count == 1
    assert result.errors == []
    pending = result.pending_scan
    assert pending
    assert pending["attempts"] == 1
    assert "audiobookshelf" in pending["last_error"]
    assert result.audiobookshelf_scan["requested"] is False
    session: Session = env["session"]
    assert session.scalar(select(Download)).status == "imported"
    assert read_pending_scan(session)["paths"] == [result.imported[0]["path"]]

    # still down at the next run: the marker counts the attempts
    second = await run_import(env, abs_url="http://127.0.0.1:9")
    assert second.pending_scan["attempts"] == 2
    assert second.pending_scan["since"] == pending["since"]
    assert env["stub"].scan_calls == []

    # back up: the next run (nothing new to import) retries the scan and clears the marker
    third = await run_import(env)
    assert third.imported_count == 0
    assert third.audiobookshelf_scan["requested"] is True
    assert third.audiobookshelf_scan["retried_pending_since"] == pending["since"]
    assert env["stub"].scan_calls == [AudiobookshelfStub.LIBRARY_ID]
    assert third.pending_scan is None
    assert session.get(AppState, PENDING_SCAN_KEY) is None


async def test_audiobookshelf_error_answer_is_pending_too(env: dict[str, Any]) -> None:
    from library_pipeline_tests.support.stub_server import StubResponse

    book = add_book(env)
    env["stub"].inject(r"/scan$", StubResponse(500, "boom", content_type="text/plain"), times=5)
    result = await run_import(env, infohashes=[book["torrent"].infohash])
    assert result.imported_count == 1
    assert result.pending_scan["attempts"] == 1


async def test_torrent_removed_before_import(env: dict[str, Any]) -> None:
    book = add_book(env)
    env["qbt"].api().torrents_delete(delete_files=False, torrent_hashes=book["torrent"].infohash)
    result = await run_import(env, infohashes=[book["torrent"].infohash])
    assert result.imported_count == 0
    assert result.errors[0]["reason"] == "torrent removed before import"
    session: Session = env["session"]
    download = session.scalar(select(Download))
    assert download.status == "failed"
    assert "removed" in download.error
    assert list(env["library"].iterdir()) == []
    assert env["stub"].scan_calls == []


def assert_left_seeding(env: dict[str, Any], book: dict[str, Any], seed: dict) -> None:
    """The torrent is still in qBittorrent, finished, not stopped, its files untouched."""
    (info,) = env["qbt"].torrents(torrent_hashes=book["torrent"].infohash)
    assert info["progress"] == 1
    assert info["category"] == CATEGORY
    assert not info["state"].startswith(("paused", "stopped")), info["state"]
    assert info["state"] not in ("missingFiles", "error")
    assert tree(book["folder"]) == seed


async def test_a_release_marked_wrong_in_flight_is_never_imported(env: dict[str, Any]) -> None:
    """The user calls the release wrong while it downloads; the book's new search already
    grabbed another one. The wrong torrent finishes: not imported, by the sensor's run or by
    any catch-up run, left seeding; the new search's download and the book are untouched."""
    book = add_book(env)
    session: Session = env["session"]
    infohash = book["torrent"].infohash
    seed = tree(book["folder"])
    wrong = session.scalar(select(Download).where(Download.infohash == infohash))
    decision = decisions.decide(session, book["missing"].id, "wrong_release", "tester",
                                note="a German edition", download_id=wrong.id)  # fmt: skip
    assert session.get(MissingBookRow, book["missing"].id).status == "pending"  # searched again
    replacement = Download(missing_book_id=book["missing"].id, source="prowlarr",
                           release_title="Brandon Sanderson - The Final Empire [MP3]",
                           infohash="cd" * 20, status="queued")  # fmt: skip
    session.add(replacement)
    session.get_one(MissingBookRow, book["missing"].id).status = "queued"
    session.commit()

    for kwargs in ({"infohashes": [infohash]}, {}, {}):  # the sensor's run, then catch-ups
        result = await run_import(env, **kwargs)
        assert list(env["library"].iterdir()) == []
        assert result.imported_count == 0
        assert result.errors == []
        (refused,) = result.refused
        assert refused["infohash"] == infohash
        assert "release marked wrong by tester" in refused["reason"]
    assert env["stub"].scan_calls == []
    session.expire_all()
    row = session.get_one(Download, wrong.id)
    assert row.status == "rejected"
    assert "release marked wrong by tester" in row.error
    assert "seeding" in row.error
    assert row.imported_path is None
    assert session.get_one(Download, replacement.id).status == "queued"
    assert session.get_one(MissingBookRow, book["missing"].id).status == "queued"
    assert [d.kind for d in session.scalars(select(BookDecision))] == ["wrong_release"]
    assert_left_seeding(env, book, seed)

    # Undone ("it was the right one after all"): the next catch-up imports it.
    decisions.undo(session, decision.id, "tester")
    again = await run_import(env)
    assert again.refused == []
    assert again.imported_count == 1
    session.expire_all()
    assert session.get_one(Download, wrong.id).status == "imported"


@pytest.mark.parametrize(
    ("kind", "words", "book_status"),
    [
        ("not_wanted", "book marked not wanted by tester", "ignored"),
        ("owned_elsewhere", "book marked owned elsewhere by tester", "owned"),
    ],
)
async def test_a_book_closed_by_the_user_in_flight_is_not_imported(
    env: dict[str, Any], kind: str, words: str, book_status: str
) -> None:
    """Not wanted / owned elsewhere decided while the book's download is in flight: the row
    says so at once, the finished torrent is never imported and stays seeding."""
    book = add_book(env)
    session: Session = env["session"]
    seed = tree(book["folder"])
    decisions.decide(session, book["missing"].id, kind, "tester")
    session.expire_all()
    assert session.scalar(select(Download)).status == "rejected"  # shown at once

    for kwargs in ({"infohashes": [book["torrent"].infohash]}, {}):
        result = await run_import(env, **kwargs)
        assert list(env["library"].iterdir()) == []
        assert result.imported_count == 0
        assert result.errors == []
        assert words in result.refused[0]["reason"]
    session.expire_all()
    row = session.scalar(select(Download))
    assert row.status == "rejected"
    assert words in row.error
    assert session.get_one(MissingBookRow, book["missing"].id).status == book_status
    assert_left_seeding(env, book, seed)


async def test_a_release_marked_wrong_after_its_import_keeps_the_library_copy(
    env: dict[str, Any],
) -> None:
    """Imported first, called wrong afterwards: nothing in the library is deleted; the
    download and the decisions page say the copy came from a release marked wrong."""
    book = add_book(env)
    session: Session = env["session"]
    first = await run_import(env, infohashes=[book["torrent"].infohash])
    assert first.imported_count == 1
    library = tree(env["library"])
    target = first.imported[0]["path"]

    decisions.decide(session, book["missing"].id, "wrong_release", "tester")
    session.expire_all()
    row = session.scalar(select(Download))
    assert row.status == "imported"
    assert row.imported_path == target
    assert "release marked wrong by tester after its import" in row.error
    assert target in row.error
    assert session.get_one(MissingBookRow, book["missing"].id).status == "imported"
    (listed,) = decisions.decision_rows(session)
    assert "imported before this decision" in listed["download"]
    assert target in listed["download"]

    again = await run_import(env)
    assert again.already_imported == 1
    assert again.imported_count == 0
    assert again.refused == []
    assert tree(env["library"]) == library  # nothing deleted, nothing added
    session.expire_all()
    assert "release marked wrong by tester" in session.scalar(select(Download)).error


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "disk is full"),
        (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
    ],
)
async def test_library_disk_full_or_denied(env, monkeypatch, error, words) -> None:
    book = add_book(env)
    seed_before = tree(book["folder"])

    def fail(*args: Any, **kwargs: Any) -> None:
        raise error

    monkeypatch.setattr(os, "link", fail)
    monkeypatch.setattr(shutil, "copy2", fail)
    result = await run_import(env, infohashes=[book["torrent"].infohash])
    assert result.imported_count == 0
    (entry,) = result.errors
    assert words in entry["reason"]
    assert str(env["library"]) in entry["reason"]
    assert entry["code"] in ("disk_full", "permission_denied")
    session: Session = env["session"]
    download = session.scalar(select(Download))
    assert download.status == "queued"
    assert words in download.error
    assert session.get(MissingBookRow, book["missing"].id).status == "queued"
    assert list(env["library"].rglob("*")) == []  # nothing half-imported, no staging left
    assert tree(book["folder"]) == seed_before  # seeding data untouched
    info = env["qbt"].torrents(torrent_hashes=book["torrent"].infohash)[0]
    assert info["progress"] == 1
    assert info["state"] not in ("missingFiles", "error")

    monkeypatch.undo()  # space freed: the catch-up run imports it
    retry = await run_import(env)
    assert retry.imported_count == 1
    session.expire_all()
    assert session.scalar(select(Download)).status == "imported"


async def test_hand_added_torrent_with_missing_book_tag(env: dict[str, Any]) -> None:
    session: Session = env["session"]
    missing = MissingBookRow(
        match_key="a|b",
        title="Elantris",
        authors=["Brandon Sanderson"],
        discovery_source="author_gaps",
        status="pending",
    )
    session.add(missing)
    session.commit()
    book = add_book(
        env,
        title="Elantris",
        series=None,
        position=None,
        with_row=False,
        tags=[f"lp-missing-{missing.id}"],
        torrent_name="some.release.name",
    )
    result = await run_import(env, infohashes=[book["torrent"].infohash])
    assert result.imported_count == 1, result.errors
    download = session.scalar(select(Download))
    assert download.source == "manual"
    assert download.missing_book_id == missing.id
    assert download.status == "imported"
    assert (env["library"] / "Brandon Sanderson/Elantris").is_dir()
    assert session.get(MissingBookRow, missing.id).status == "imported"


async def test_hand_added_torrent_matched_by_name_or_imported_as_named(env) -> None:
    session: Session = env["session"]
    missing = MissingBookRow(
        match_key="x",
        title="Warbreaker",
        authors=["Brandon Sanderson"],
        discovery_source="author_gaps",
        status="pending",
    )
    session.add(missing)
    session.commit()
    matched = add_book(
        env,
        title="Warbreaker",
        series=None,
        position=None,
        with_row=False,
        tags=[],
        torrent_name="Brandon Sanderson - Warbreaker (Unabridged)",
    )
    unknown = add_book(
        env,
        title="Dune",
        author="Frank Herbert",
        series=None,
        position=None,
        with_row=False,
        tags=[],
        torrent_name="Frank Herbert - Dune",
    )
    result = await run_import(env)
    assert result.imported_count == 2, result.errors
    rows = {d.infohash: d for d in session.scalars(select(Download))}
    assert rows[matched["torrent"].infohash].missing_book_id == missing.id
    assert rows[unknown["torrent"].infohash].missing_book_id is None
    assert (env["library"] / "Brandon Sanderson/Warbreaker").is_dir()
    assert (env["library"] / "Frank Herbert/Dune").is_dir()


async def test_discovery_source_filter_and_seed_names(env: dict[str, Any]) -> None:
    series = add_book(env, title="The Well of Ascension", position="2")
    author = add_book(
        env, title="Elantris", series=None, position=None, discovery_source="author_gaps"
    )
    qbt_client, abs_client = clients(env)
    async with abs_client:
        first = await import_and_correct_series(
            env["session"], qbt_client, abs_client, options=env["options"]
        )
        assert first.imported_count == 1
        assert first.imported[0]["infohash"] == series["torrent"].infohash
        second = await import_and_correct_authors(
            env["session"], qbt_client, abs_client, options=env["options"]
        )
    assert second.imported_count == 1
    assert second.imported[0]["infohash"] == author["torrent"].infohash
    assert first.completed_downloads == 2  # both finished; one is not from series_gaps


class FlakyQbt:
    """The real client, but qBittorrent 'restarts' under the first calls of each kind."""

    def __init__(self, real: QBittorrentClient, failures: int) -> None:
        self.real = real
        self.failures = {"torrents": failures, "files": failures}

    def _maybe_fail(self, what: str) -> None:
        if self.failures[what] > 0:
            self.failures[what] -= 1
            raise ProviderUnavailable("qbittorrent", f"cannot reach qBittorrent on {what}")

    def torrents(self, **kwargs: Any):
        self._maybe_fail("torrents")
        return self.real.torrents(**kwargs)

    def files(self, infohash: str):
        self._maybe_fail("files")
        return self.real.files(infohash)

    def status(self) -> dict[str, Any]:
        return self.real.status()


async def test_qbittorrent_restarting_mid_run_is_retried(env: dict[str, Any]) -> None:
    book = add_book(env)
    qbt_client, abs_client = clients(env)
    flaky = FlakyQbt(qbt_client, failures=2)
    async with abs_client:
        result = await import_completed_downloads(
            env["session"],
            flaky,
            abs_client,
            options=env["options"],  # type: ignore[arg-type]
            infohashes=[book["torrent"].infohash],
        )
    assert result.imported_count == 1
    assert result.errors == []
    assert flaky.failures == {"torrents": 0, "files": 0}


async def test_qbittorrent_down_for_the_whole_run_raises(env: dict[str, Any]) -> None:
    dead = QBittorrentClient("http://127.0.0.1:9", "admin", "x", timeout=2)
    env["options"].qbittorrent_attempts = 2
    with pytest.raises(ProviderUnavailable):
        await import_completed_downloads(env["session"], dead, None, options=env["options"])


async def test_no_library_configured(env: dict[str, Any]) -> None:
    book = add_book(env)
    env["options"].library_root = None
    result = await run_import(env, infohashes=[book["torrent"].infohash])
    assert result.imported_count == 0
    assert "import_root" in result.errors[0]["reason"]


def test_tag_and_name_helpers() -> None:
    assert missing_book_id_from_tags(["library-pipeline", "lp-missing-42"]) == 42
    assert missing_book_id_from_tags(["lp-missing-x", "other"]) is None
    guess = naming_from_torrent_name("Brandon Sanderson - The Final Empire [m4b] (2006) {M K}")
    assert guess.authors == ["Brandon Sanderson"]
    assert guess.title == "The Final Empire"
    guess = naming_from_torrent_name("The.Hobbit.by.J.R.R.Tolkien")
    assert guess.title == "The Hobbit"
    assert guess.authors
    assert naming_from_torrent_name("Just A Title").title == "Just A Title"


async def test_qbittorrent_really_restarts_mid_run(tmp_path: Path, duckdb_url: str) -> None:
    """qbittorrent-nox is killed after a torrent finished and started again (same profile)
    while the import is already retrying: the import waits for it and completes."""
    import asyncio
    import signal
    import subprocess

    from library_pipeline_tests.support.qbittorrent import _wait_ready

    with qbittorrent_server(tmp_path / "qbt") as server, AudiobookshelfStub() as stub:
        library = tmp_path / "library"
        library.mkdir()
        engine = make_engine(duckdb_url)
        session = make_session_factory(engine)()
        env = {
            "qbt": server,
            "session": session,
            "library": library,
            "stub": stub,
            "options": ImportOptions(
                library_root=library,
                category=CATEGORY,
                qbittorrent_attempts=8,
                qbittorrent_retry_wait=0.5,
            ),
        }
        book = add_book(env)
        server.process.send_signal(signal.SIGTERM)  # qBittorrent stops (saves its state)
        server.process.wait(timeout=20)
        restarted: list[subprocess.Popen] = []

        async def restart_later() -> None:
            await asyncio.sleep(1.5)
            environment = {**os.environ, "HOME": str(server.profile_dir)}
            process = subprocess.Popen(
                [
                    find_qbittorrent_nox(),
                    f"--profile={server.profile_dir}",
                    f"--webui-port={server.port}",
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=environment,
                start_new_session=True,
            )
            restarted.append(process)
            await asyncio.to_thread(_wait_ready, server.url, process, 30, tmp_path / "none.log")

        try:
            restart = asyncio.create_task(restart_later())
            result = await run_import(env, infohashes=[book["torrent"].infohash])
            await restart
            assert result.errors == []
            assert result.imported_count == 1
            assert result.providers["qbittorrent"]["failures"] >= 1  # it really was down
            target = library / "Brandon Sanderson/Mistborn"
            assert any(target.iterdir())
        finally:
            for process in restarted:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            session.close()
            engine.dispose()
