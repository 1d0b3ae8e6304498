"""The library scan end to end: real tagged audio, a real DuckDB file and a real PostgreSQL."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from library_pipeline.services.scan import reading, walk, writes
from library_pipeline.storage.models import Book, BookFile, ScanIssue
from library_pipeline_tests.library.conftest import (
    FINAL_EMPIRE,
    GOLDEN_SON,
    HAIL_MARY,
    LIGHT_FANTASTIC,
    LOOSE,
    NOVELLA,
    build_sample_library,
    refuse_listing,
    scan,
)
from library_pipeline_tests.support.audio import (
    corrupt,
    make_audio_file,
    make_book,
    template,
    write_tags,
)


def books_by_relative_path(session: Any, root: Path) -> dict[str, Book]:
    prefix = f"{root}/"
    return {b.path.removeprefix(prefix): b for b in session.scalars(select(Book))}


async def test_full_scan_reads_every_format_and_records_sources(
    db_url: str, library_root: Path, session_for: Any
) -> None:
    build_sample_library(library_root)
    with session_for(db_url) as session:
        result = await scan(session, [library_root])
        assert (result["new"], result["total_books"], result["files_read"]) == (6, 6, 7)
        assert (result["unreadable"], result["issues"], result["removed"]) == (0, [], 0)
        books = books_by_relative_path(session, library_root)
        files = session.scalars(select(BookFile).order_by(BookFile.path)).all()

    empire = books[FINAL_EMPIRE]
    assert (empire.title, empire.authors, empire.narrators) == (
        "The Final Empire",
        ["Brandon Sanderson"],
        ["Michael Kramer"],
    )
    assert (empire.series, empire.series_position, empire.asin) == ("Mistborn", "1", "B002UZMLXM")
    assert (empire.published_date, empire.genres, empire.codec) == ("2006", ["Fantasy"], "aac")
    assert empire.metadata_source["narrators"] == "tags"
    assert empire.metadata_source["series"] == "tags"
    assert (empire.source, empire.status, empire.library_root) == (
        "folder",
        "active",
        str(library_root),
    )
    assert empire.duration_seconds
    assert 0.9 < empire.duration_seconds < 1.2
    # title, authors, narrators, date, genres, ASIN of the ten counted fields
    assert empire.metadata_completeness_percent == 60.0

    fantastic = books[LIGHT_FANTASTIC]  # two chapter files, album/artist tags only
    assert (fantastic.title, fantastic.narrators) == ("The Light Fantastic", ["Nigel Planer"])
    assert (fantastic.series, fantastic.series_position) == ("Discworld", "2")
    assert fantastic.metadata_source == {
        "title": "tags", "authors": "tags", "narrators": "folder", "series": "folder",
        "series_position": "folder", "published_date": "folder",
    }  # fmt: skip
    assert fantastic.duration_seconds
    assert fantastic.duration_seconds > 2.0

    hail_mary = books[HAIL_MARY]  # untagged: everything from the folder
    assert (hail_mary.title, hail_mary.authors, hail_mary.codec) == (
        "Project Hail Mary",
        ["Andy Weir"],
        "flac",
    )
    assert set(hail_mary.metadata_source.values()) == {"folder"}
    assert hail_mary.metadata_completeness_percent == 20.0

    golden = books[GOLDEN_SON]  # grouping "Red Rising Saga #2", composer = narrator
    assert (golden.series, golden.series_position) == ("Red Rising Saga", "2")
    assert (golden.narrators, golden.isbn, golden.language) == (
        ["Tim Gerard Reynolds"],
        "9780345539812",
        "eng",
    )
    novella = books[NOVELLA]
    assert (novella.title, novella.series_position, novella.codec) == (
        "Dark Age Novella",
        "2.5",
        "aac",
    )
    loose = books[LOOSE]  # a single file in the root is a book of its own
    assert (loose.title, loose.authors, loose.codec) == ("Loose Book", ["Solo Writer"], "opus")

    assert len(files) == 7
    assert {f.status for f in files} == {"active"}
    chapters = [f for f in files if f.book_id == fantastic.id]
    assert [f.track_index for f in chapters] == [0, 1]
    assert chapters[0].tags["talb"] == ["The Light Fantastic"]
    assert chapters[0].format == "mp3"
    assert chapters[0].size_bytes > 0


async def test_rescan_is_incremental(
    db_url: str, library_root: Path, session_for: Any, mutagen_calls: list[str]
) -> None:
    files = build_sample_library(library_root)
    mutagen_calls.clear()  # (making the files used mutagen too)
    with session_for(db_url) as session:
        await scan(session, [library_root])
        assert len(mutagen_calls) == 7

        # Nothing changed: one walk, no tag read, no write.
        before = dict(session.execute(select(Book.path, Book.updated_at)).all())
        mutagen_calls.clear()
        result = await scan(session, [library_root])
        assert mutagen_calls == []
        assert result["files_read"] == 0
        assert (result["unchanged"], result["new"], result["changed"], result["removed"]) == (
            6,
            0,
            0,
            0,
        )
        assert dict(session.execute(select(Book.path, Book.updated_at)).all()) == before

        # Enrichment set a title; then one chapter of the two-file book is retagged.
        fantastic_path = f"{library_root}/{LIGHT_FANTASTIC}"
        session.execute(
            update(Book)
            .where(Book.path == fantastic_path)
            .values(
                title="The Light Fantastic (Discworld #2)",
                metadata_source={"title": "google_books", "authors": "tags"},
            )
        )
        session.commit()
        chapter = files[LIGHT_FANTASTIC][1]
        stat = chapter.stat()
        write_tags(chapter, title="Part 2", album="The Light Fantastic", narrator="Nigel Planer")
        os.utime(chapter, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        mutagen_calls.clear()
        result = await scan(session, [library_root])
        assert mutagen_calls == [str(chapter)]  # the other chapter's tags come from the DB
        assert (result["changed"], result["unchanged"]) == (1, 5)
        fantastic = session.scalars(select(Book).where(Book.path == fantastic_path)).one()
        assert fantastic.title == "The Light Fantastic (Discworld #2)"  # the provider's, kept
        assert fantastic.narrators == ["Nigel Planer"]
        assert fantastic.metadata_source["narrators"] == "tags"

        # A book vanishes: marked removed, never deleted.
        hail_mary_path = f"{library_root}/{HAIL_MARY}"
        book_id = session.scalars(select(Book.id).where(Book.path == hail_mary_path)).one()
        shutil.rmtree(library_root / HAIL_MARY)
        result = await scan(session, [library_root])
        assert (result["removed"], result["total_books"]) == (1, 5)
        gone = session.get(Book, book_id)
        assert gone is not None
        assert gone.status == "removed"
        assert gone.removed_at is not None
        assert {
            f.status for f in session.scalars(select(BookFile).where(BookFile.book_id == book_id))
        } == {"removed"}

        # It comes back: the same row, active again.
        make_book(library_root / HAIL_MARY, "flac", tagged=False)
        result = await scan(session, [library_root])
        session.expire_all()
        back = session.get(Book, book_id)
        assert result["restored"] == 1
        assert back is not None
        assert (back.status, back.removed_at) == ("active", None)


async def test_bad_input_is_recorded_and_the_scan_goes_on(
    db_url: str,
    library_root: Path,
    tmp_path: Path,
    session_for: Any,
    monkeypatch: pytest.MonkeyPatch,
    mutagen_calls: list[str],
) -> None:
    build_sample_library(library_root)
    locked = library_root / "Locked Author" / "Kept Book"
    make_book(locked, "mp3", title="Kept Book", author="Locked Author")
    with session_for(db_url) as session:
        assert (await scan(session, [library_root]))["new"] == 7

    bad = library_root / "Bad Input"
    zero = corrupt(make_audio_file(bad / "Zero" / "zero.mp3"), "zero")
    truncated = corrupt(make_audio_file(bad / "Truncated" / "t.m4b", title="x"), "truncated")
    garbage = corrupt(make_audio_file(bad / "Garbage" / "g.flac", title="x"), "garbage")
    text_mp3 = corrupt(make_audio_file(bad / "Text" / "notes.mp3"), "text")
    mixed = make_book(bad / "Mixed", "mp3", title="Mixed", author="M. Ixed", files=2)
    corrupt(mixed[1], "garbage")
    # A name that is not UTF-8 (Latin-1 "é").
    raw_folder = os.fsencode(bad) + b"/Caf\xe9 Author/Caf\xe9 Book"
    os.makedirs(raw_folder)
    shutil.copyfile(template("mp3"), raw_folder + b"/caf\xe9.mp3")
    write_tags(os.fsdecode(raw_folder + b"/caf\xe9.mp3"), title="Cafe", author="Bad Bytes")
    # A symlink back to an ancestor, one to itself, one to nothing.
    os.symlink(bad, bad / "Loop")
    os.symlink(bad / "Self", bad / "Self")
    os.symlink(bad / "missing.mp3", bad / "Text" / "broken.mp3")
    # The same book in a second root.
    second = tmp_path / "second"
    make_book(second / HAIL_MARY, "mp3", tagged=False)
    # A folder that cannot be listed.
    refuse_listing(monkeypatch, locked)

    mutagen_calls.clear()
    with session_for(db_url) as session:
        result = await scan(session, [library_root, second])
        reasons = {issue["path"]: issue["reason"] for issue in result["issues"]}
        assert "empty file" in reasons[str(zero)]
        for broken in (truncated, garbage, text_mp3, mixed[1]):
            assert reasons[str(broken)].startswith("unreadable audio"), broken
        escaped = f"{bad}/Caf\\xe9 Author/Caf\\xe9 Book"
        assert "not valid UTF-8" in reasons[f"{escaped}/caf\\xe9.mp3"]
        assert "symlink loop" in reasons[str(bad / "Loop")]
        assert "symlink loop" in reasons[str(bad / "Self")]
        assert "not found" in reasons[str(bad / "Text" / "broken.mp3")]
        assert "permission denied" in reasons[str(locked)]
        assert "duplicate of" in reasons[f"{second}/{HAIL_MARY}"]
        assert result["unreadable"] == 6  # 5 files + the folder
        assert result["removed"] == 0  # the book behind the unreadable folder is kept
        assert str(zero) not in mutagen_calls  # an empty file is not even opened

        books = books_by_relative_path(session, library_root)
        assert all(b.status == "active" for b in books.values())  # nothing lost
        assert books["Locked Author/Kept Book"].title == "Kept Book"
        cafe = session.scalars(select(Book).where(Book.path == escaped)).one()
        assert (cafe.title, cafe.authors) == ("Cafe", ["Bad Bytes"])
        mixed_book = books["Bad Input/Mixed"]
        assert mixed_book.title == "Mixed"
        mixed_files = session.scalars(select(BookFile).where(BookFile.book_id == mixed_book.id))
        assert [f.path for f in mixed_files] == [str(mixed[0])]
        assert f"{second}/{HAIL_MARY}" in {b.path for b in session.scalars(select(Book))}
        stored = {i.path: i for i in session.scalars(select(ScanIssue))}
        assert set(reasons) <= set(stored)
        assert all(stored[p].resolved_at is None for p in reasons)

    # Re-scan: unreadable files are not read again while unchanged; a repaired one resolves.
    shutil.copyfile(template("flac"), garbage)
    write_tags(garbage, title="Repaired", author="Fixer")
    mutagen_calls.clear()  # (repairing used mutagen too)
    with session_for(db_url) as session:
        again = await scan(session, [library_root, second])
        assert mutagen_calls == [str(garbage)]
        paths = {issue["path"] for issue in again["issues"]}
        assert str(garbage) not in paths
        assert str(truncated) in paths
        assert str(zero) in paths
        assert again["unreadable"] == 5
        issue = session.scalars(select(ScanIssue).where(ScanIssue.path == str(garbage))).one()
        assert issue.resolved_at is not None


async def test_audiobookshelf_items_fill_gaps_link_books_and_add_server_only_books(
    db_url: str, library_root: Path, session_for: Any
) -> None:
    from library_pipeline.clients.audiobookshelf import AudiobookshelfClient
    from library_pipeline_tests.support.stubs.audiobookshelf import AudiobookshelfStub

    # Local copies of two of the recorded server's folders, with fewer tags than it knows.
    make_book(
        library_root / FINAL_EMPIRE, "m4b", title="The Final Empire", author="Brandon Sanderson"
    )
    make_book(library_root / LIGHT_FANTASTIC, "mp3", tagged=False, files=2)
    with AudiobookshelfStub() as stub, session_for(db_url) as session:
        dune = stub.add_item("Dune", "Frank Herbert", series="Dune", sequence="1", year="1965")
        async with AudiobookshelfClient(stub.url, stub.API_KEY) as client:
            result = await scan(session, [library_root], abs_client=client)
            summary = result["audiobookshelf"]
            assert summary["error"] is None
            assert (summary["items"], summary["matched"], summary["new"]) == (4, 2, 2)
            assert result["new"] == 4
            assert result["total_books"] == 4
            books = {b.path: b for b in session.scalars(select(Book))}
            empire = books[f"{library_root}/{FINAL_EMPIRE}"]
            assert empire.abs_item_id == "64b3f0d1-4c50-4c37-a252-a3f132d160f9"
            assert empire.genres == ["Fantasy"]
            assert empire.metadata_source["genres"] == "audiobookshelf"
            assert empire.metadata_source["title"] == "tags"  # local sources keep precedence
            fantastic = books[f"{library_root}/{LIGHT_FANTASTIC}"]
            assert fantastic.abs_item_id == "79938687-ccb2-47b0-a046-464bad1f1336"
            server_only = books["/audiobooks/Andy Weir/Project Hail Mary"]
            assert (server_only.source, server_only.title, server_only.narrators) == (
                "audiobookshelf",
                "Project Hail Mary",
                ["Ray Porter"],
            )
            assert (server_only.genres, server_only.published_date) == (["Science Fiction"], "2021")
            assert set(server_only.metadata_source.values()) == {"audiobookshelf"}
            assert books[dune["path"]].series_position == "1"

            # Unchanged server: nothing written. An item leaves the server: removed.
            again = await scan(session, [library_root], abs_client=client)
            assert again["audiobookshelf"]["updated"] == 0
            assert again["audiobookshelf"]["new"] == 0
            stub.items.remove(dune)
            gone = await scan(session, [library_root], abs_client=client)
            assert gone["audiobookshelf"]["removed"] == 1
            assert gone["total_books"] == 3
            session.expire_all()
            assert (
                session.scalars(select(Book.status).where(Book.path == dune["path"])).one()
                == "removed"
            )


async def test_audiobookshelf_failure_is_reported_not_raised(
    duckdb_url: str, library_root: Path, session_for: Any
) -> None:
    from library_pipeline.clients.audiobookshelf import AudiobookshelfClient

    make_book(library_root / HAIL_MARY, "mp3", tagged=False)
    with session_for(duckdb_url) as session:
        async with AudiobookshelfClient("http://127.0.0.1:9", "key") as client:
            client.http.limits = client.http.limits.__class__(max_attempts=1, timeout_seconds=2)
            result = await scan(session, [library_root], abs_client=client)
    assert result["new"] == 1
    assert "cannot connect" in result["audiobookshelf"]["error"]


async def test_worker_processes_read_exactly_as_in_process(
    tmp_path: Path, library_root: Path, session_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tag-reading workers and a walk helper process (workers=2) store what one process does."""
    from library_pipeline.storage.engine import migrate

    build_sample_library(library_root)
    monkeypatch.setattr(reading, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(walk, "HELPER_MIN_FOLDERS", 1)
    started: list[int] = []
    start = walk.WalkHelper.start.__func__  # type: ignore[attr-defined]

    def counted_start(cls: Any, walk: Any, folders: Any) -> Any:
        helper = start(cls, walk, folders)
        started.append(len(folders) if helper is not None else 0)
        return helper

    monkeypatch.setattr(walk.WalkHelper, "start", classmethod(counted_start))
    snapshots = []
    for workers in (2, 1):
        url = f"duckdb:///{tmp_path / f'w{workers}.duckdb'}"
        migrate(url)
        with session_for(url) as session:
            result = await scan(session, [library_root], workers=workers)
            assert result["files_read"] == 7
            rows = session.execute(
                select(Book.path, Book.title, Book.authors, Book.narrators, Book.series,
                       Book.series_position, Book.duration_seconds, Book.metadata_source)
                .order_by(Book.path)
            ).all()  # fmt: skip
            tags = session.execute(
                select(BookFile.path, BookFile.tags).order_by(BookFile.path)
            ).all()
            snapshots.append((rows, tags))
    assert snapshots[0] == snapshots[1]
    assert len(started) == 1
    assert started[0] > 0


async def test_layouts_audiobookshelf_understands(
    duckdb_url: str, library_root: Path, session_for: Any
) -> None:
    # Disc folders belong to the book above them; a cover image is found; hidden files,
    # Synology's @eaDir and folders holding `.ignore` are skipped.
    discs = library_root / "Author" / "Big Book"
    make_book(discs / "CD 1", "mp3", title="Big Book", author="Author", files=2)
    make_book(discs / "CD 2", "mp3", title="Big Book", author="Author", files=2)
    (discs / "cover.jpg").write_bytes(b"\xff\xd8\xff")
    (library_root / "Author" / "author.jpg").write_bytes(b"\xff\xd8\xff")  # not a book
    make_audio_file(discs / ".hidden.mp3", title="hidden")
    make_book(library_root / "Author" / "@eaDir" / "thumbs", "mp3", title="x", author="y")
    make_book(library_root / "Author" / "Skipped", "mp3", title="Skipped", author="Author")
    (library_root / "Author" / "Skipped" / ".ignore").write_text("")
    with session_for(duckdb_url) as session:
        result = await scan(session, [library_root])
        assert (result["new"], result["files_seen"]) == (1, 4)
        book = session.scalars(select(Book)).one()
        assert (book.path, book.cover) == (f"{discs}", f"{discs}/cover.jpg")
        names = session.scalars(select(BookFile.path).order_by(BookFile.track_index)).all()
        assert [n.removeprefix(f"{discs}/") for n in names] == [
            "CD 1/01 - Big Book.mp3", "CD 1/02 - Big Book.mp3",
            "CD 2/01 - Big Book.mp3", "CD 2/02 - Big Book.mp3",
        ]  # fmt: skip
        assert book.duration_seconds
        assert book.duration_seconds > 4.0


async def test_a_row_the_database_rejects_costs_only_its_book(
    db_url: str, library_root: Path, session_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_sample_library(library_root)
    real_row = writes.BookWriter.new_book_row

    def broken_row(self: Any, book_id: int, item: Any) -> dict[str, Any]:
        row = real_row(self, book_id, item)
        if item.book.path.endswith(HAIL_MARY):
            row["status"] = None  # NOT NULL: the database refuses this one row
        return row

    monkeypatch.setattr(writes.BookWriter, "new_book_row", broken_row)
    with session_for(db_url) as session:
        result = await scan(session, [library_root])
        assert result["new"] == 5
        reasons = {issue["path"]: issue["reason"] for issue in result["issues"]}
        assert reasons[f"{library_root}/{HAIL_MARY}"].startswith("database error")
        stored = {b.path for b in session.scalars(select(Book))}
        assert f"{library_root}/{FINAL_EMPIRE}" in stored
        assert f"{library_root}/{HAIL_MARY}" not in stored
    monkeypatch.setattr(writes.BookWriter, "new_book_row", real_row)
    with session_for(db_url) as session:  # next time it goes in, and the issue resolves
        again = await scan(session, [library_root])
        assert again["new"] == 1
        assert again["issues"] == []
