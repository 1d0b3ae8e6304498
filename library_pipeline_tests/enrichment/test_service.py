"""`correct_all_books`, `correct_book_metadata` and `revert_run` on DuckDB and PostgreSQL,
against the provider stubs: real values, real correction rows, real request counts."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import Engine, select

from library_pipeline.services.enrichment import (
    BookError,
    EnrichmentResult,
    KeptField,
    correct_all_books,
    correct_book_metadata,
    lookup,
    revert_run,
    writing,
)
from library_pipeline.storage.engine import make_session_factory, session_scope
from library_pipeline.storage.models import Book, MetadataCorrection
from library_pipeline_tests.enrichment.conftest import (
    Stubs,
    add_books,
    assert_no_secret,
    make_settings,
    options_for,
    providers_for,
)
from library_pipeline_tests.support.stub_server import StubResponse
from library_pipeline_tests.support.stubs.metadata_base import StubBook

FINAL_EMPIRE = StubBook(
    title="The Final Empire",
    authors=["Brandon Sanderson"],
    isbn13="9780765311788",
    publisher="Tor",
    published_date="2006-07-17",
    description="For a thousand years the ash fell and no flowers bloomed.",
    genres=["Fiction / Fantasy / Epic"],
)

CHILDREN = {
    "title": "Children of Time",
    "authors": ["Tchaikovsky, Adrian"],
    "metadata_source": {"title": "tags", "authors": "tags"},
}
GALAXY = {
    "title": "Galaxy's Edge",
    "authors": ["Jason Anspach", "Nick Cole"],
    "asin": "B079LRSMNN",
    "publisher": "My Label",
    "metadata_source": {"title": "tags", "authors": "tags", "asin": "tags", "publisher": "tags"},
}
KINGS = {
    "title": "The Way of Kings",
    "authors": ["Sanderson, Brandon"],
    "description": "guessed from a folder.txt",
    "genres": ["My Shelf"],
    "locked_fields": ["genres"],
    "metadata_source": {"title": "folder", "authors": "folder", "description": "folder"},
}
UNKNOWN = {"title": "A Book Nobody Has Heard Of", "authors": ["Nobody"]}


def session_for(engine: Engine):
    return make_session_factory(engine)()


def books_by_title(engine: Engine) -> dict[str, Book]:
    with session_scope(engine) as session:
        return {b.title: b for b in session.scalars(select(Book))}


def corrections(engine: Engine, run_id: str | None = None) -> list[MetadataCorrection]:
    with session_scope(engine) as session:
        query = select(MetadataCorrection).order_by(MetadataCorrection.id)
        if run_id:
            query = query.where(MetadataCorrection.run_id == run_id)
        return list(session.scalars(query))


async def run_all(engine: Engine, settings, **kwargs: Any) -> EnrichmentResult:
    async with providers_for(settings) as providers:
        with session_for(engine) as session:
            return await correct_all_books(
                session, providers=providers, options=options_for(settings), **kwargs
            )


async def test_enriches_the_library(stubs: Stubs, settings, engine: Engine) -> None:
    ids = add_books(engine, CHILDREN, GALAXY, KINGS, UNKNOWN)
    result = await run_all(engine, settings, batch_size=3)

    counts = (result.total_processed, result.succeeded, result.failed, result.skipped)
    assert counts == (4, 4, 0, 0)
    assert result.errors == []
    # title+authors 20 %, + publisher+ASIN 40 %, + description+genres 40 %, title+authors 20 %
    assert result.average_completeness_before == 30.0
    books = books_by_title(engine)

    children = books["Children of Time"]  # Google's English edition, not the French one
    assert children.isbn == "9780316452502"
    assert children.language == "en"
    assert children.publisher == "Orbit"
    assert children.published_date == "2018-12-11"
    assert children.authors == ["Tchaikovsky, Adrian"]  # read from the tags: kept
    assert children.metadata_source["description"] == "google_books"
    assert children.metadata_completeness_percent == 90.0  # no narrator anywhere

    galaxy = books["Galaxy's Edge"]  # Audnexus by ASIN
    assert galaxy.narrators == ["R.C. Bray"]
    assert (galaxy.series, galaxy.series_position) == ("Galaxy's Edge Series", "1-2")
    assert galaxy.publisher == "My Label"  # from the tags: not replaced
    assert galaxy.description.startswith("Galaxy's Edge contains Legionnaire")
    assert galaxy.metadata_completeness_percent == 100.0

    kings = books["The Way of Kings"]  # found by an Audnexus title + author search
    assert kings.asin == "B003ZWFO7E"
    assert kings.narrators == ["Michael Kramer", "Kate Reading"]
    assert kings.description.startswith("From Brandon Sanderson")  # the folder's guess replaced
    assert kings.genres == ["My Shelf"]  # locked
    assert (kings.series, kings.series_position) == ("The Stormlight Archive", "1")

    unknown = books["A Book Nobody Has Heard Of"]
    assert unknown.description is None
    assert unknown.last_enriched_at is not None
    # One book by its author: asked one by one (no listing), and Hardcover's batch had no such
    # title; the notes say so for each provider.
    assert "google_books: no results" in unknown.enrichment_error
    assert "hardcover: not in batch of 4 titles" in unknown.enrichment_error
    assert result.unmatched[0].book_id == ids[3]

    rows = corrections(engine, result.run_id)
    assert len(rows) == result.total_fields_updated == 7 + 9 + 10
    by_book: dict[int, dict[str, MetadataCorrection]] = {}
    for row in rows:
        by_book.setdefault(row.book_id, {})[row.field] = row
    assert sorted(by_book[ids[0]]) == [
        "cover",
        "description",
        "genres",
        "isbn",
        "language",
        "published_date",
        "publisher",
    ]
    described = by_book[ids[2]]["description"]
    assert (described.old_value, described.old_source, described.source) == (
        "guessed from a folder.txt",
        "folder",
        "audnexus",
    )
    assert by_book[ids[1]]["narrators"].new_value == ["R.C. Bray"]
    assert by_book[ids[1]]["narrators"].old_value == []
    assert {r.source for r in by_book[ids[1]].values()} == {"audnexus"}
    assert result.books_updated == 3
    assert result.average_completeness_after == (90 + 100 + 100 + 20) / 4


async def test_unchanged_rerun_makes_zero_requests(stubs: Stubs, settings, engine: Engine) -> None:
    stubs.google.add_book(FINAL_EMPIRE)
    empire = {
        "title": "The Final Empire",
        "authors": ["Brandon Sanderson"],
        "isbn": "9780765311788",
    }
    add_books(engine, CHILDREN, GALAXY, KINGS, UNKNOWN, empire)
    first = await run_all(engine, settings)
    assert first.network_requests == stubs.requests() > 0
    assert first.succeeded == 5
    assert first.errors == []
    stubs.reset()

    # Galaxy's Edge and The Way of Kings are complete now; the rest was enriched a moment ago.
    again = await run_all(engine, settings)
    assert (again.total_processed, again.skipped, again.network_requests) == (3, 3, 0)
    forced = await run_all(engine, settings, force_refresh=True)  # asks again: the cache answers
    # ...all but two requests the first run did not make: Hardcover's batch holds the titles of
    # the books asked this time (3 of 5), and The Final Empire is now its author's only book
    # asked (an Audnexus title search instead of the author's listing).
    assert stubs.hardcover.count("/graphql") == 1
    assert [r.arg("q") for r in stubs.audnexus.requests] == ["The Final Empire Brandon Sanderson"]
    assert forced.network_requests == stubs.requests() == 2
    assert forced.succeeded == 3
    assert forced.total_fields_updated == 0
    assert sum(s["cache_hits"] for s in forced.provider_status.values()) > 0
    assert len(corrections(engine)) == first.total_fields_updated


async def test_outage_falls_back_keeps_data_and_retries_later(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    stubs.google.add_book(FINAL_EMPIRE)
    add_books(
        duck_engine,
        {
            "title": "The Final Empire",
            "authors": ["Brandon Sanderson"],
            "isbn": "9780765311788",
            "narrators": ["Michael Kramer"],
            "metadata_source": {"isbn": "tags", "narrators": "tags"},
        },
    )
    # Every attempt (3) of the book's one Google request (one book by its author: no listing).
    stubs.google.fault("503", "/volumes", times=3)
    down = await run_all(duck_engine, settings)
    assert down.succeeded == 1
    assert down.failed == 0
    assert [e.error for e in down.errors] == ["google_books: server error 503 on /volumes"]
    assert down.provider_status["google_books"]["failures"] == 1
    book = books_by_title(duck_engine)["The Final Empire"]
    assert book.narrators == ["Michael Kramer"]  # nothing stored is lost
    assert (book.series, book.series_position) == ("Mistborn", "1")  # Open Library, by ISBN
    assert book.published_date == "2006"
    assert book.metadata_source["published_date"] == "open_library"
    assert book.last_enriched_at is None  # Google did not answer: the next run tries again
    assert "server error 503" in book.enrichment_error

    up = await run_all(duck_engine, settings)  # not skipped: it was never fully enriched
    assert up.skipped == 0
    assert up.errors == []
    book = books_by_title(duck_engine)["The Final Empire"]
    assert book.description == FINAL_EMPIRE.description
    assert book.published_date == "2006-07-17"  # Google ranks above Open Library: upgraded
    assert book.metadata_source["published_date"] == "google_books"
    assert book.last_enriched_at is not None
    assert book.enrichment_error is None
    upgrade = [c for c in corrections(duck_engine, up.run_id) if c.field == "published_date"]
    assert (upgrade[0].old_value, upgrade[0].old_source) == ("2006", "open_library")


@pytest.mark.parametrize(
    ("provider", "response", "message"),
    [
        (
            "google",
            StubResponse(200, "<html>captcha</html>", content_type="text/html"),
            "expected JSON",
        ),
        ("library", StubResponse(200, {"numFound": "many", "docs": []}), "field numFound"),
        ("hardcover", StubResponse(429, {"error": "Too Many Requests"}), "rate limited (429)"),
        ("audnexus", StubResponse(200, [{"asin": "B003ZWFO7E"}]), "field 0.title: Field required"),
    ],
)
async def test_bad_answers_end_as_book_errors(
    stubs: Stubs, settings, duck_engine: Engine, provider: str, response, message: str
) -> None:
    stub = getattr(stubs, provider)
    stub.inject(".*", response, times=100)
    add_books(duck_engine, CHILDREN, KINGS)
    result = await run_all(duck_engine, settings, use_listings=False)  # every provider per book
    assert result.total_processed == 2
    assert result.failed == 0
    errors = [e.error for e in result.errors]
    assert errors
    assert all(message in e for e in errors), errors
    assert result.provider_status[stub.PROVIDER]["failures"] >= 1


async def test_invalid_key_falls_back_and_never_leaks(
    stubs: Stubs, duck_engine: Engine, tmp_path, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong_key, wrong_token = "AIzaSy-wrong-key-31337", "hc-wrong-token-31337"
    settings = make_settings(
        stubs, tmp_path, google_books_api_key=wrong_key, hardcover_token=wrong_token
    )
    add_books(duck_engine, CHILDREN, KINGS, UNKNOWN)
    result = await run_all(duck_engine, settings, batch_size=1)
    assert result.succeeded == 3
    status = result.provider_status
    assert status["google_books"]["circuit_open"]
    assert status["hardcover"]["circuit_open"]
    assert stubs.google.count("/volumes") == 1  # the first refusal opened the circuit
    books = books_by_title(duck_engine)
    assert books["The Way of Kings"].narrators  # Audnexus still answered
    text = repr(result) + caplog.text + repr([b.enrichment_error for b in books.values()])
    assert wrong_key not in text
    assert wrong_token not in text
    assert "API key not valid" in text
    assert "token refused" in text
    assert_no_secret(text)


async def test_a_failing_book_rolls_back_alone(
    stubs: Stubs, settings, engine: Engine, monkeypatch
) -> None:
    ids = add_books(engine, CHILDREN, GALAXY, KINGS)
    original = writing._update_books

    def update(session, outcomes, now):
        if any(o.book_id == ids[1] for o in outcomes):
            raise RuntimeError("disk full")
        original(session, outcomes, now)

    monkeypatch.setattr(writing, "_update_books", update)
    result = await run_all(engine, settings, batch_size=10)
    assert (result.succeeded, result.failed) == (2, 1)
    assert result.errors == [BookError(ids[1], "database: RuntimeError: disk full")]
    books = books_by_title(engine)
    assert books["Galaxy's Edge"].narrators == []
    assert books["Galaxy's Edge"].last_enriched_at is None
    assert books["Children of Time"].isbn == "9780316452502"
    assert {c.book_id for c in corrections(engine)} == {ids[0], ids[2]}


async def test_revert_run(stubs: Stubs, settings, engine: Engine) -> None:
    ids = add_books(engine, GALAXY, KINGS)
    result = await run_all(engine, settings)
    with session_scope(engine) as session:  # the user fixes one value by hand afterwards
        session.get(Book, ids[1]).narrators = ["Michael Kramer"]
    with session_for(engine) as session:
        undone = revert_run(session, result.run_id)
    assert undone.corrections_reverted == result.total_fields_updated - 1
    assert undone.skipped == [KeptField(ids[1], "narrators", "changed since the run")]
    books = books_by_title(engine)
    kings = books["The Way of Kings"]
    assert kings.description == "guessed from a folder.txt"
    assert kings.asin is None
    assert kings.narrators == ["Michael Kramer"]
    assert kings.metadata_source == {
        "title": "folder",
        "authors": "folder",
        "description": "folder",
        "narrators": "audnexus",
    }
    galaxy = books["Galaxy's Edge"]
    assert galaxy.narrators == []
    assert galaxy.metadata_completeness_percent == 40.0
    assert all(
        c.reverted_at for c in corrections(engine) if c.field != "narrators" or c.book_id != ids[1]
    )
    with session_for(engine) as session:  # reverting twice changes nothing
        assert revert_run(session, result.run_id).corrections_reverted == 0


async def test_correct_one_book(stubs: Stubs, settings, duck_engine: Engine) -> None:
    (book_id,) = add_books(duck_engine, CHILDREN)
    async with providers_for(settings) as providers:
        with session_for(duck_engine) as session:
            given = {"providers": providers, "options": options_for(settings)}
            result = await correct_book_metadata(book_id, session, **given)
            again = await correct_book_metadata(book_id, session, **given)
            forced = await correct_book_metadata(book_id, session, force_refresh=True, **given)
            missing = await correct_book_metadata(999, session, **given)
    assert (result.book_id, result.sources_used, result.errors, result.status) == (
        book_id,
        ["google_books"],
        [],
        "updated",
    )
    assert sorted(result.fields_updated) == [
        "cover",
        "description",
        "genres",
        "isbn",
        "language",
        "published_date",
        "publisher",
    ]
    assert (result.completeness_before, result.completeness_after) == (20.0, 90.0)
    assert again.status == "skipped"
    assert again.fields_updated == []
    assert forced.status == "unchanged"
    assert forced.completeness_before == 90.0
    assert missing.status == "not_found"
    assert missing.errors == ["book 999 not found (or removed)"]
    assert missing.completeness_before is None


async def test_foreign_edition_and_low_confidence_take_nothing(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    french_wanted = {
        "title": "Children of Time",
        "authors": ["Adrian Tchaikovsky"],
        "language": "de",
    }
    sequel = {"title": "Children of Ruin", "authors": ["Adrian Tchaikovsky"]}
    ids = add_books(duck_engine, french_wanted, sequel)
    stubs.google.answers["children of ruin"] = "volumes_search.json"  # the author's other book
    result = await run_all(duck_engine, settings)
    books = {b.id: b for b in books_by_title(duck_engine).values()}
    assert books[ids[0]].description is None
    assert books[ids[1]].description is None
    reasons = {u.book_id: u.reason for u in result.unmatched}
    assert "foreign edition (en, want de)" in reasons[ids[0]]
    assert "foreign edition (fr, want de)" in reasons[ids[0]]
    assert "title differs" in reasons[ids[1]]
    assert result.total_fields_updated == 0


async def test_batch_size_bounds_books_in_flight(
    stubs: Stubs, settings, duck_engine: Engine, monkeypatch
) -> None:
    # Nine authors of one book each: no listing, each book looked up on its own.
    add_books(
        duck_engine, *({"title": f"Unknown {n}", "authors": [f"Nobody {n}"]} for n in range(9))
    )
    original = lookup.lookup_book
    in_flight = peak = 0

    async def counting(*args: Any) -> Any:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            return await original(*args)
        finally:
            in_flight -= 1

    monkeypatch.setattr(lookup, "lookup_book", counting)
    stubs.google.inject(
        "/volumes",
        StubResponse(200, {"kind": "books#volumes", "totalItems": 0}, delay=0.1),
        times=9,
    )
    result = await run_all(duck_engine, settings, batch_size=3)
    assert result.total_processed == result.succeeded == 9
    assert peak == 3
