"""gap_catalogue against the provider stubs: series and bibliographies stored, gaps found
from them, an unchanged re-run makes no request, a dead provider is recorded and skipped."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from library_pipeline.services import gaps
from library_pipeline.storage.engine import make_engine, session_scope
from library_pipeline.storage.models import CatalogueEntryRow
from library_pipeline_tests.enrichment.conftest import (  # noqa: F401 (fixtures)
    Stubs,
    add_books,
    make_settings,
    providers_for,
    stubs,
)
from library_pipeline_tests.support.stubs.metadata_base import StubBook

RED_RISING = [
    ("Red Rising", "1", "2014"),
    ("Golden Son", "2", "2015"),
    ("Morning Star", "3", "2016"),
    ("Iron Gold", "4", "2018"),
]


def seed(stubs: Stubs) -> None:  # noqa: F811
    for title, position, year in RED_RISING:
        book = StubBook(
            title=title,
            authors=["Pierce Brown"],
            series="Red Rising",
            series_position=position,
            published_date=year,
            isbn13=f"97803455{position}0000"[:13],
        )
        for stub in (stubs.hardcover, stubs.library, stubs.google):
            stub.add_book(StubBook(**{**book.__dict__, "provider_id": None}))


async def test_catalogue_then_gaps_then_cached_rerun(
    stubs: Stubs,  # noqa: F811 (the enrichment stubs fixture)
    duckdb_url: str,
    tmp_path: Path,
) -> None:
    seed(stubs)
    engine = make_engine(duckdb_url)
    add_books(
        engine,
        {"title": "Red Rising", "authors": ["Brown, Pierce"], "series": "Red Rising",
         "series_position": "1"},
        {"title": "Golden Son (Unabridged)", "authors": ["Pierce Brown"], "series": "Red Rising",
         "series_position": "2"},
    )  # fmt: skip
    settings = make_settings(stubs, tmp_path / "data")
    async with providers_for(settings) as providers:
        with session_scope(engine) as session:
            result = await gaps.fetch_gap_catalogue(session, providers)
    assert result.series_queried == 1
    assert result.authors_queried == 1
    assert result.errors == []
    with session_scope(engine) as session:
        by_provider = dict(
            session.execute(
                select(CatalogueEntryRow.provider, func.count()).group_by(
                    CatalogueEntryRow.provider
                )
            ).all()
        )
        assert by_provider.get("hardcover", 0) >= 4
        assert set(by_provider) >= {"hardcover", "open_library", "google_books"}
        found = await gaps.find_missing_series_books(session)
    titles = {row["title"] for row in found.top}
    assert {"Morning Star", "Iron Gold"} <= titles
    assert not titles & {"Red Rising", "Golden Son"}

    stubs.reset()
    async with providers_for(settings) as providers:
        with session_scope(engine) as session:
            again = await gaps.fetch_gap_catalogue(session, providers)
        assert providers.network_requests == 0
    assert stubs.requests() == 0
    assert again.entries_stored == result.entries_stored
    engine.dispose()


async def test_a_dead_provider_is_recorded_and_the_rest_stored(
    stubs: Stubs,  # noqa: F811 (the enrichment stubs fixture)
    duckdb_url: str,
    tmp_path: Path,
) -> None:
    seed(stubs)
    engine = make_engine(duckdb_url)
    add_books(
        engine,
        {"title": "Red Rising", "authors": ["Pierce Brown"], "series": "Red Rising",
         "series_position": "1"},
    )  # fmt: skip
    stubs.hardcover.fault("500", ".*", times=100)
    settings = make_settings(stubs, tmp_path / "data")
    async with providers_for(settings) as providers:
        with session_scope(engine) as session:
            result = await gaps.fetch_gap_catalogue(session, providers)
    assert {e["provider"] for e in result.errors} == {"hardcover"}
    assert all("server error 500" in e["error"] for e in result.errors)
    assert result.providers["hardcover"]["failures"] >= 1
    with session_scope(engine) as session:
        providers_stored = set(session.scalars(select(CatalogueEntryRow.provider).distinct()))
    assert providers_stored == {"open_library", "google_books"}
    engine.dispose()


async def test_blind_is_not_empty(
    stubs: Stubs,  # noqa: F811 (the enrichment stubs fixture)
    duckdb_url: str,
    tmp_path: Path,
) -> None:
    """Every provider down: the series and author are named as unchecked, the check fails
    naming them, and a gap found earlier is kept (not closed as obsolete)."""
    from library_pipeline.defs.gaps.checks import every_author_was_checked, every_series_was_checked
    from library_pipeline.defs.resources import LibraryDatabase
    from library_pipeline.storage.models import MissingBookRow

    seed(stubs)
    engine = make_engine(duckdb_url)
    add_books(
        engine,
        {"title": "Red Rising", "authors": ["Pierce Brown"], "series": "Red Rising",
         "series_position": "1"},
        {"title": "Golden Son", "authors": ["Pierce Brown"], "series": "Red Rising",
         "series_position": "2"},
    )  # fmt: skip
    with session_scope(engine) as session:  # a gap of an earlier run, no longer listed
        session.add(
            MissingBookRow(
                match_key="pierce brown|lightbringer",
                title="Light Bringer",
                authors=["Pierce Brown"],
                series="Red Rising",
                series_position="6",
                status="pending",
                discovery_source="series_gaps",
            )
        )
    for stub in (stubs.hardcover, stubs.library, stubs.google):
        stub.fault("500", ".*", times=1000)
    settings = make_settings(stubs, tmp_path / "data")
    async with providers_for(settings) as providers:
        with session_scope(engine) as session:
            result = await gaps.fetch_gap_catalogue(session, providers)
    assert result.errors
    assert result.unchecked_series == ["Red Rising"]
    assert result.unchecked_authors == ["Pierce Brown"]
    with session_scope(engine) as session:
        series = await gaps.find_missing_series_books(session)
        authors = await gaps.find_missing_author_books(session)
    assert series.unchecked == ["Red Rising"]
    assert authors.unchecked == ["Pierce Brown"]
    assert series.closed == 0
    with session_scope(engine) as session:
        kept = session.scalars(
            select(MissingBookRow).where(MissingBookRow.title == "Light Bringer")
        )
        assert kept.one().status == "pending"
    db = LibraryDatabase(url=duckdb_url)
    series_check = every_series_was_checked(library_db=db)
    author_check = every_author_was_checked(library_db=db)
    assert not series_check.passed
    assert not author_check.passed
    assert "Red Rising" in series_check.metadata["reason"].value
    assert "Pierce Brown" in author_check.metadata["reason"].value

    # The providers are back: nothing unchecked, the check passes, and the stale gap closes.
    stubs.reset()
    for stub in (stubs.hardcover, stubs.library, stubs.google):
        stub._faults.clear()  # the outage is over
    async with providers_for(settings) as providers:
        with session_scope(engine) as session:
            again = await gaps.fetch_gap_catalogue(session, providers)
    assert (again.unchecked_series, again.unchecked_authors) == ([], [])
    assert every_series_was_checked(library_db=db).passed
    with session_scope(engine) as session:
        series = await gaps.find_missing_series_books(session)
    assert series.closed == 1
    engine.dispose()
