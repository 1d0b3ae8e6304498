"""Genres, top-10 lists and queueing wanted top-10 books, on DuckDB and PostgreSQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.clients.mam import MamClient
from library_pipeline.domain.gaps.matching import missing_book_key
from library_pipeline.services.mam import (
    GenresResult,
    get_available_genres,
    load_genre_ids,
    queue_top10_downloads,
    save_genres,
    scrape_mam_top10,
)
from library_pipeline.storage.engine import session_scope
from library_pipeline.storage.models import Book, MissingBookRow, Top10Entry
from library_pipeline_tests.support.stubs.mam import MamStub

DAY1, DAY2 = date(2026, 11, 16), date(2026, 11, 23)


def client(mam: MamStub, cookie: str = MamStub.API_COOKIE) -> MamClient:
    return MamClient(mam.url, cookie, min_delay=0, max_delay=0)


def fantasy_top(mam: MamStub) -> None:
    """Fantasy (41): the sample's Final Empire plus a few more, in snatch order."""
    mam.add_torrent(
        id=2001,
        title="The Well of Ascension",
        times_completed=3000,
        category=41,
        series_info='{"3171": ["Mistborn", "2"]}',
        isbn="",
    )
    mam.add_torrent(
        id=2002,
        title="Red Rising",
        times_completed="1,900",
        category=41,
        author_info='{"9": "Pierce Brown"}',
        narrator_info='{"1": "Tim Gerard Reynolds"}',
        series_info='{"77": ["Red Rising Saga", "1"]}',
        isbn="",
        size="15.2 GiB",
    )
    mam.add_torrent(
        id=2003,
        title="The Blade Itself",
        times_completed=500,
        category=41,
        author_info='{"3": "Joe Abercrombie"}',
        narrator_info="",
        series_info="{}",
        isbn="",
    )
    mam.add_torrent(
        id=2004,
        title="Mistborn Trilogy",
        times_completed=400,
        category=41,
        series_info='{"3171": ["Mistborn", "1-3"]}',
        isbn="",
    )


async def test_available_genres_known_list_plus_what_mam_reports(mam) -> None:
    mam.add_torrent(id=3001, category=140, catname="Audiobooks - Solarpunk", main_cat=13)
    mam.add_torrent(id=3002, category=41, catname="Audiobooks - Fantasy", main_cat=13)
    async with client(mam) as mam_client:
        genres = await get_available_genres(mam_client)
    assert genres.source == "mam"
    assert genres.errors == []
    assert genres.genre_ids["Solarpunk"] == 140
    assert genres.genre_ids["Fantasy"] == 41
    assert "Urban Fantasy" in genres.genres
    assert "Science Fiction" in genres.genres
    assert genres.genres == sorted(genres.genres, key=str.lower)
    assert genres.timestamp
    assert mam.searches[-1]["tor"]["sortType"] == "dateDesc"
    # Offline (no cookie): MAM's published list, no request.
    offline = await get_available_genres(None)
    assert offline.source == "built-in"
    assert len(offline.genres) == 35
    # Not signed in: the known list and one clear error.
    async with client(mam, "dead-cookie") as mam_client:
        refused = await get_available_genres(mam_client)
    assert refused.source == "built-in"
    assert "not signed in" in refused.errors[0]


async def test_scrape_top10_stores_rows_per_day_for_trends(mam, engine) -> None:
    fantasy_top(mam)
    async with client(mam) as mam_client:
        with session_scope(engine) as session:
            first = await scrape_mam_top10("Fantasy", session, mam_client, captured_on=DAY1)
        with session_scope(engine) as session:
            again = await scrape_mam_top10("Fantasy", session, mam_client, captured_on=DAY1)
        mam.torrents[0]["times_completed"] = 99999  # The Final Empire: a favourite a week later
        with session_scope(engine) as session:
            later = await scrape_mam_top10("Fantasy", session, mam_client, captured_on=DAY2)
    assert first.errors == []
    assert first.books_found == 5 == again.books_found
    titles = [b.title for b in first.books]
    assert titles[:3] == ["The Well of Ascension", "The Final Empire", "Red Rising"]
    red = first.books[2]
    assert red.rank == 3
    assert red.author == "Pierce Brown"
    assert red.narrators == ["Tim Gerard Reynolds"]
    assert red.series == "Red Rising Saga"
    assert red.size == "15.2 GiB"
    assert red.seeders == 187
    assert red.snatched == 1900
    assert red.torrent_id == "2002"
    assert red.download_link.startswith(mam.url)
    assert later.books[0].title == "The Final Empire"
    with Session(engine) as session:
        rows = session.scalars(
            select(Top10Entry).order_by(Top10Entry.captured_on, Top10Entry.rank)
        ).all()
    assert len(rows) == 10  # two days x 5; the same-day rerun replaced, not duplicated
    day1 = [r for r in rows if r.captured_on == DAY1]
    assert [r.rank for r in day1] == [1, 2, 3, 4, 5]
    assert day1[1].asin == "B002UZMLXM"
    assert day1[1].genre_id == 41
    assert day1[1].period == "week"
    assert mam.searches[0]["tor"]["cat"] == [41]


async def test_scrape_top10_faults_leave_state_intact(mam, engine) -> None:
    fantasy_top(mam)
    async with client(mam) as mam_client:
        with session_scope(engine) as session:
            await scrape_mam_top10("Fantasy", session, mam_client, captured_on=DAY1)
        with session_scope(engine) as session:
            gone = await scrape_mam_top10("Steampunk Westerns", session, mam_client)
            empty = await scrape_mam_top10("Western", session, mam_client, captured_on=DAY1)
    assert "no longer exists on MAM" in gone.errors[0]
    assert gone.books_found == 0
    assert "MAM returned no torrents for 'Western'" in empty.errors[0]
    async with client(mam, "expired-cookie") as mam_client:
        with session_scope(engine) as session:
            refused = await scrape_mam_top10("Fantasy", session, mam_client, captured_on=DAY1)
    assert "not signed in" in refused.errors[0]
    assert "expired-cookie" not in str(refused)
    with Session(engine) as session:
        assert session.query(Top10Entry).filter_by(captured_on=DAY1).count() == 5
    # The genre list mam_genres saved decides which genres exist.
    with session_scope(engine) as session:
        save_genres(
            session, GenresResult(genre_ids={"Solarpunk": 140}, timestamp="t", source="mam")
        )
    with Session(engine) as session:
        assert load_genre_ids(session) == {"Solarpunk": 140}


async def test_queue_top10_skips_owned_wanted_and_bundles(mam, engine) -> None:
    fantasy_top(mam)
    async with client(mam) as mam_client:
        with session_scope(engine) as session:
            await scrape_mam_top10("Fantasy", session, mam_client, captured_on=DAY1)
    with session_scope(engine) as session:
        # Owned, as tags and folders have them: noise, inverted names, no exact string match.
        session.add(
            Book(
                path="/lib/Brandon Sanderson/Mistborn/1 - The Final Empire",
                library_root="/lib",
                title="Mistborn: The Final Empire (Unabridged)",
                authors=["Sanderson, Brandon"],
            )
        )
        session.add(
            Book(path="/lib/x/Red Rising", title="Red Rising", authors=["Pierce Brown"], asin=None)
        )
        # Already wanted, found by the gap finder under its own key and casing.
        session.add(
            MissingBookRow(
                match_key="gap-finder-key-of-blade-itself",
                title="The Blade Itself",
                authors=["Joe Abercrombie"],
                reasons=["author_gap"],
                discovery_source="author_gaps",
            )
        )
    with session_scope(engine) as session:
        result = await queue_top10_downloads(["Fantasy", "Horror"], session)
    assert result.genres_processed == 1
    assert result.total_books_found == 5
    assert result.owned_skipped == 2  # Final Empire, Red Rising
    assert result.duplicates_skipped == 1  # The Blade Itself
    assert result.bundles_skipped == 1  # Mistborn Trilogy (1-3)
    assert result.queued_count == 1
    assert "Horror: no stored top-10 list" in result.errors[0]
    with Session(engine) as session:
        queued = session.scalars(
            select(MissingBookRow).where(MissingBookRow.discovery_source == "top10")
        ).all()
    (book,) = queued
    assert book.title == "The Well of Ascension"
    assert book.authors == ["Brandon Sanderson"]
    assert book.reasons == ["top10"]
    assert book.status == "pending"
    assert book.series == "Mistborn"
    assert book.series_position == "2"
    assert book.match_key == missing_book_key(
        "The Well of Ascension", ["Brandon Sanderson"], "Mistborn"
    )
    assert book.catalogue_ids == ["mam:2001"]
    assert "#1" in book.evidence
    assert book.priority > 0
    # Idempotent; without skip_existing the wanted books gain the top10 reason.
    with session_scope(engine) as session:
        again = await queue_top10_downloads(["*"], session, skip_existing=False)
    assert again.queued_count == 0
    assert again.duplicates_skipped == 2
    with Session(engine) as session:
        blade = session.scalar(
            select(MissingBookRow).where(MissingBookRow.title == "The Blade Itself")
        )
        assert blade.reasons == ["author_gap", "top10"]
        assert session.query(MissingBookRow).count() == 2
