"""Gap finding through the library DB: the labelled fixture stored in `books` and
`catalogue_entries`, `missing_books` written idempotently, on DuckDB and PostgreSQL."""

from __future__ import annotations

import dagster as dg
from sqlalchemy import select

from library_pipeline.defs.resources import LibraryDatabase
from library_pipeline.domain.gaps import GapSettings
from library_pipeline.domain.gaps.queries import catalogue_queries
from library_pipeline.domain.normalize import display_author, series_key
from library_pipeline.services import gaps
from library_pipeline.storage.engine import make_engine, session_scope
from library_pipeline.storage.models import Book, CatalogueEntryRow, MissingBookRow
from library_pipeline_tests.gaps.conftest import Fixture


def load_fixture(url: str, fixture: Fixture) -> None:
    engine = make_engine(url)
    with session_scope(engine) as session:
        for n, book in enumerate(fixture.owned):
            session.add(
                Book(
                    path=f"/library/{book.path or f'book-{n}'}",
                    library_root="/library",
                    title=book.title,
                    authors=list(book.authors),
                    narrators=list(book.narrators),
                    series=book.series,
                    series_position=book.series_position,
                    asin=book.asin,
                    isbn=book.isbn,
                    language="en",
                )
            )
        for entry in fixture.catalogue:
            session.add(
                CatalogueEntryRow(
                    provider="fixture",
                    provider_id=entry.id,
                    query_kind="author",
                    query_value=entry.authors[0] if entry.authors else "",
                    title=entry.title,
                    subtitle=entry.subtitle,
                    authors=list(entry.authors),
                    language=entry.language,
                    published_year=entry.published_year,
                    series=entry.series,
                    series_position=entry.series_position,
                    asin=entry.asin,
                    isbn=entry.isbn,
                )
            )
    engine.dispose()


def settings(fixture: Fixture) -> GapSettings:
    return fixture.settings()


async def run_both(url: str, fixture: Fixture) -> tuple[gaps.GapsResult, gaps.GapsResult]:
    engine = make_engine(url)
    with session_scope(engine) as session:
        series = await gaps.find_missing_series_books(session, settings=settings(fixture))
        authors = await gaps.find_missing_author_books(session, settings=settings(fixture))
    engine.dispose()
    return series, authors


def rows(url: str) -> list[MissingBookRow]:
    engine = make_engine(url)
    with session_scope(engine) as session:
        result = list(session.scalars(select(MissingBookRow).order_by(MissingBookRow.id)))
    engine.dispose()
    return result


async def test_fixture_through_the_database(db_url: str, fixture_set: Fixture) -> None:
    load_fixture(db_url, fixture_set)
    series, authors = await run_both(db_url, fixture_set)
    stored = [r for r in rows(db_url) if r.status == "pending"]
    truth = fixture_set.truth()
    truth_of = {cid: n for n, m in enumerate(truth) for cid in m["catalogue_ids"]}
    hits = {
        truth_of[cid.split(":", 1)[1]]
        for r in stored
        for cid in r.catalogue_ids
        if cid.split(":", 1)[1] in truth_of
    }
    correct = [r for r in stored if any(c.split(":", 1)[1] in truth_of for c in r.catalogue_ids)]
    assert len(correct) / len(stored) >= 0.97  # precision
    assert len(hits) / len(truth) >= 0.97  # recall
    # One row per book, even when both a series gap and an author gap.
    assert len({r.match_key for r in stored}) == len(stored)
    assert series.checked >= 20
    assert series.with_gaps >= 10
    assert authors.checked >= 5
    assert authors.with_gaps >= 5
    both = [r for r in stored if set(r.reasons) == {"series_gap", "author_gap"}]
    assert both, "books that are both kinds of gap carry both reasons"
    assert all(r.evidence and 0 <= r.priority <= 100 for r in stored)


async def test_rerun_is_idempotent_respects_ignored_and_closes_owned(
    duckdb_url: str, fixture_set: Fixture
) -> None:
    load_fixture(duckdb_url, fixture_set)
    await run_both(duckdb_url, fixture_set)
    first = rows(duckdb_url)
    engine = make_engine(duckdb_url)
    with session_scope(engine) as session:
        ignored = session.scalars(
            select(MissingBookRow).where(MissingBookRow.title == "Iron Gold")
        ).one()
        ignored.status = "ignored"
        got = session.scalars(
            select(MissingBookRow).where(MissingBookRow.title == "Light Bringer")
        ).one()
        # The user now owns "Light Bringer" (the scanner found it).
        session.add(
            Book(
                path="/library/Pierce Brown/Red Rising/Light Bringer",
                library_root="/library",
                title="Light Bringer (Unabridged)",
                authors=["Brown, Pierce"],
                series="Red Rising",
                series_position="6",
            )
        )
        got_id = got.id
    engine.dispose()
    series, authors = await run_both(duckdb_url, fixture_set)
    second = {r.id: r for r in rows(duckdb_url)}
    assert len(second) == len(first), "no duplicates on a re-run"
    assert series.new == 0
    assert authors.new == 0
    iron_gold = next(r for r in second.values() if r.title == "Iron Gold")
    assert iron_gold.status == "ignored"
    assert second[got_id].status == "owned"
    assert second[got_id].closed_at is not None


async def test_narrowed_to_one_series(duckdb_url: str, fixture_set: Fixture) -> None:
    load_fixture(duckdb_url, fixture_set)
    engine = make_engine(duckdb_url)
    with session_scope(engine) as session:
        result = await gaps.find_missing_series_books(
            session, series_name="Red Rising", settings=settings(fixture_set)
        )
    engine.dispose()
    assert result.checked == 1
    assert {series_key(r.series) for r in rows(duckdb_url)} == {series_key("Red Rising")}
    assert {r.title for r in rows(duckdb_url)} >= {"Iron Gold", "Light Bringer"}


def test_assets_and_owned_check(duckdb_url: str, fixture_set: Fixture) -> None:
    from library_pipeline.defs.gaps.assets import gap_assets
    from library_pipeline.defs.gaps.resources import GapPolicyResource

    load_fixture(duckdb_url, fixture_set)
    policy = GapPolicyResource(min_books=2, languages=["en"], include_novellas=False)
    config = {"as_of": fixture_set.labels["as_of"]}
    result = dg.materialize(
        [gap_assets],
        resources={"library_db": LibraryDatabase(url=duckdb_url), "gap_policy": policy},
        run_config={"ops": {"gaps": {"config": config}}},
        selection=["series_gaps", "author_gaps"],
    )
    assert result.success
    by_key = {
        m.asset_key.to_user_string(): m for m in result.asset_materializations_for_node("gaps")
    }
    assert set(by_key) == {"series_gaps", "author_gaps"}
    assert by_key["author_gaps"].metadata["authors_checked"].value >= 5
    # One asset alone: only its own part is found and recorded.
    alone = dg.materialize(
        [gap_assets],
        resources={"library_db": LibraryDatabase(url=duckdb_url), "gap_policy": policy},
        run_config={"ops": {"gaps": {"config": config}}},
        selection=["author_gaps"],
    )
    assert [
        m.asset_key.to_user_string() for m in alone.asset_materializations_for_node("gaps")
    ] == ["author_gaps"]
    metadata = by_key["series_gaps"].metadata
    assert metadata["missing_books_found"].value >= 50
    table = metadata["top_gaps"].value.splitlines()
    assert table[0].startswith("| priority | title")
    priorities = [int(line.split("|")[1]) for line in table[2:] if line.startswith("| ")]
    assert len(priorities) == 15
    assert priorities == sorted(priorities, reverse=True)  # highest first
    assert metadata["dagster/row_count"].value == metadata["missing_books_found"].value
    # Which listings each top gap came from, and which were set aside and why.
    sources = metadata["gap_sources"].value.splitlines()
    assert sources[0].startswith("| book | listing | decision | reason")
    assert any("| missing |" in line for line in sources[2:])
    engine = make_engine(duckdb_url)
    with session_scope(engine) as session:
        decisions = gaps.last_decisions(session)
        listings = session.scalars(select(CatalogueEntryRow)).all()
    engine.dispose()
    # The database keeps the last run's fate of every listing, each once, with a reason.
    assert sorted(d["id"] for d in decisions) == sorted(
        f"{row.provider}:{row.provider_id}" for row in listings
    )
    assert all(d["decision"] in {"missing", "owned", "excluded"} and d["reason"] for d in decisions)
    engine = make_engine(duckdb_url)
    with session_scope(engine) as session:
        assert gaps.missing_books_owned(session) == []
        # A missing book the user actually owns must be caught by the check.
        session.add(
            MissingBookRow(
                match_key="x|red rising",
                title="Red Rising: Book 1 of the Red Rising Saga",
                authors=["Pierce Brown"],
                series="Red Rising",
                series_position="1",
                status="pending",
                discovery_source="series_gaps",
            )
        )
    with session_scope(engine) as session:
        owned = gaps.missing_books_owned(session)
    engine.dispose()
    assert [o["title"] for o in owned] == ["Red Rising: Book 1 of the Red Rising Saga"]


def test_catalogue_queries_cover_series_and_kept_authors() -> None:
    from library_pipeline.domain.gaps import OwnedBook

    owned = [
        OwnedBook("Red Rising", ("Brown, Pierce",), "Red Rising", "1"),
        OwnedBook("Golden Son", ("Pierce Brown",), "Red Rising", "2"),
        OwnedBook("Project Hail Mary", ("Andy Weir",)),
        OwnedBook("The Martian", ("Andy Weir",)),
        OwnedBook("Dune", ("Frank Herbert",)),
    ]
    series, authors = catalogue_queries(owned, min_books_threshold=2)
    assert series == ["Red Rising"]
    assert authors == ["Andy Weir", "Pierce Brown"]  # Herbert: one book, no owned series
    series, authors = catalogue_queries(owned, 2, series_names=["red rising"])
    assert (series, authors) == (["Red Rising"], ["Pierce Brown"])
    assert display_author("Brown, Pierce") == "Pierce Brown"
    assert display_author("Le Guin, Ursula K.") == "Ursula K. Le Guin"
