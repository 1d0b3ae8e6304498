"""Issue 22: listings and batches first, per book only for what is left — each path against the
stubs, a provider failing mid-batch, the cache shared with the gap catalogue, and the Audnexus /
Hardcover / Open Library shapes of issue 23 (items 5, 6, 8)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from library_pipeline.services.enrichment import EnrichmentResult, correct_all_books
from library_pipeline.storage.engine import make_session_factory, session_scope
from library_pipeline.storage.models import Book, MetadataCorrection
from library_pipeline_tests.enrichment.conftest import Stubs, add_books, options_for, providers_for
from library_pipeline_tests.support.stub_server import StubResponse
from library_pipeline_tests.support.stubs.metadata_base import StubBook

AUTHOR = "Pierce Brown"
RED_RISING = [("Red Rising", "1", "9780345539786"), ("Golden Son", "2", "9780345539816"),
              ("Morning Star", "3", "9780345539847")]  # fmt: skip
NARRATOR = "Tim Gerard Reynolds"


def seed(stubs: Stubs, *, hardcover_audio: bool = True) -> None:
    """Google and Hardcover know the trilogy (Hardcover with its audio editions)."""
    for title, position, isbn in RED_RISING:
        values: dict[str, Any] = {
            "title": title,
            "authors": [AUTHOR],
            "series": "Red Rising",
            "series_position": position,
            "isbn13": isbn,
            "publisher": "Del Rey",
            "published_date": f"201{3 + int(position)}-01-28",
            "description": f"{title}, book {position} of Red Rising.",
            "genres": ["Science Fiction"],
            "runtime_minutes": 980,
        }
        stubs.google.add_book(StubBook(**values))
        audio = {"asin": f"B00I{position}CFLKS", "narrators": [NARRATOR]} if hardcover_audio else {}
        stubs.hardcover.add_book(StubBook(**values, **audio))


def library(*, asin: str | None = None) -> list[dict[str, Any]]:
    rows = [
        {"title": title, "authors": ["Brown, Pierce"], "duration_seconds": 980 * 60.0,
         "metadata_source": {"title": "tags", "authors": "tags"}}
        for title, _, _ in RED_RISING
    ]  # fmt: skip
    if asin:
        rows[0]["asin"] = asin
        rows[0]["metadata_source"]["asin"] = "tags"
    return rows


async def run(engine: Engine, settings, **kwargs: Any) -> EnrichmentResult:
    async with providers_for(settings) as providers:
        with make_session_factory(engine)() as session:
            return await correct_all_books(
                session, providers=providers, options=options_for(settings), **kwargs
            )


def books(engine: Engine) -> dict[str, Book]:
    with session_scope(engine) as session:
        return {b.title: b for b in session.scalars(select(Book))}


async def test_one_author_listing_and_one_batch_serve_every_book(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    seed(stubs)
    add_books(duck_engine, *library())
    result = await run(duck_engine, settings)
    assert result.errors == []
    # One Google listing for the author, one Hardcover query for the three titles, nothing else.
    assert stubs.google.count("/volumes") == 1
    assert [r.arg("q") for r in stubs.google.requests] == [f'inauthor:"{AUTHOR}"']
    assert stubs.hardcover.count("/graphql") == 1
    assert stubs.audnexus.count(".*") == stubs.library.count(".*") == 0
    assert result.network_requests == 2
    assert result.prefetch["google_books author listings"]["books_matched"] == 3
    assert result.prefetch["hardcover batches"]["books_matched"] == 3
    found = books(duck_engine)
    golden = found["Golden Son"]
    assert golden.isbn == "9780345539816"
    assert golden.publisher == "Del Rey"
    assert golden.narrators == [NARRATOR]  # the audio edition on Hardcover
    assert golden.asin == "B00I2CFLKS"
    assert (golden.series, golden.series_position) == ("Red Rising", "2")
    assert golden.metadata_source["description"] == "google_books"
    assert golden.metadata_source["narrators"] == "hardcover"
    # Provenance: the provider and the request the record came from.
    preview = {row.title: row.sources for row in result.updates}
    assert f"google_books (author listing '{AUTHOR}')" in preview["Golden Son"]
    assert "hardcover (batch of 3 titles ('Golden Son' …))" in preview["Golden Son"]


async def test_listing_is_the_gap_catalogues_cached_answer(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    seed(stubs)
    add_books(duck_engine, *library())
    await run(duck_engine, settings)
    stubs.reset()
    async with providers_for(settings) as providers:
        records = await providers.google_books.author_books(AUTHOR)
        assert providers.google_books.http.stats.network_requests == 0  # the cache answered
    assert {r.title for r in records} == {t for t, _, _ in RED_RISING}
    assert stubs.google.requests == []


async def test_audnexus_by_asin_needs_no_title_search(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    seed(stubs, hardcover_audio=False)
    add_books(duck_engine, *library(asin="B079LRSMNN"))  # a recorded Audnexus book
    stubs.audnexus.add_book(StubBook(title="Red Rising", authors=[AUTHOR], asin="B00I1CFLKS"))
    await run(duck_engine, settings)
    assert stubs.audnexus.count(r"^/books/B079LRSMNN$") == 1
    assert stubs.audnexus.count("/books/search") == 0  # matched by the listing: no title search


async def test_batch_failing_midway_falls_back_to_per_book_and_keeps_what_is_stored(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    seed(stubs)
    rows = library()
    rows[1]["narrators"] = ["Kept Narrator"]
    rows[1]["metadata_source"]["narrators"] = "tags"
    add_books(duck_engine, *rows)
    stubs.hardcover.inject("/graphql", StubResponse(500, {"error": "internal"}), times=3)
    stubs.google.inject("/volumes", StubResponse(503, "down", content_type="text/plain"), times=3)
    result = await run(duck_engine, settings)
    prefetch = result.prefetch
    assert prefetch["google_books author listings"]["failures"] == 1
    assert prefetch["hardcover batches"]["failures"] == 1
    assert {e.book_id for e in result.errors} == {None}  # two notes, no book failed
    assert result.failed == 0
    # Each book was then looked up on its own: one Google title search and one Hardcover
    # search per book, after the failed listing and batch.
    assert stubs.google.count("/volumes") == 3 + 3
    assert stubs.hardcover.count("/graphql") == 3 + 3
    found = books(duck_engine)
    assert found["Golden Son"].narrators == ["Kept Narrator"]  # from the tags: kept
    assert found["Golden Son"].description == "Golden Son, book 2 of Red Rising."
    assert found["Morning Star"].isbn == "9780345539847"
    with session_scope(duck_engine) as session:
        changed = {(c.book_id, c.field) for c in session.scalars(select(MetadataCorrection))}
    assert (found["Golden Son"].id, "narrators") not in changed


async def test_one_batch_of_several_failing_sends_only_its_books_per_book(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    titles = [f"Volume {n:03d}" for n in range(60)]  # two Hardcover batches: 50 + 10 titles
    for n, title in enumerate(titles):
        stubs.hardcover.add_book(
            StubBook(
                title=title,
                authors=[f"Writer {n}"],
                description=f"{title}.",
                narrators=["Reader"],
                asin=f"B0VOL{n:05d}",
            )
        )
    stubs.hardcover.failing_titles = {titles[-1]}  # the second batch (titles 50-59) fails
    add_books(
        duck_engine, *({"title": t, "authors": [f"Writer {n}"]} for n, t in enumerate(titles))
    )
    result = await run(duck_engine, settings)
    batches = result.prefetch["hardcover batches"]
    assert (batches["queries"], batches["failures"], batches["books_matched"]) == (2, 1, 50)
    # The failed batch's ten books were searched one by one; the others were not.
    searched = [r for r in stubs.hardcover.requests if "search(" in r.json()["query"]]
    assert (
        sorted(r.json()["variables"]["query"] for r in searched)
        == [f"{t} Writer {n}" for n, t in enumerate(titles)][50:]
    )
    found = books(duck_engine)
    assert found["Volume 003"].narrators == ["Reader"]  # from the batch that answered
    assert found["Volume 003"].cover.startswith("https://assets.hardcover.app/")
    assert found["Volume 055"].description == "Volume 055."  # from its per-book search
    assert result.failed == 0


async def test_unchanged_rerun_after_listings_makes_no_request(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    seed(stubs)
    rows = library()
    add_books(duck_engine, *rows)
    first = await run(duck_engine, settings)
    assert first.network_requests > 0
    stubs.reset()
    again = await run(duck_engine, settings, filter_incomplete_only=False)
    assert again.network_requests == 0
    assert again.skipped == 3
    forced = await run(duck_engine, settings, filter_incomplete_only=False, force_refresh=True)
    assert forced.network_requests == 0  # the same books: the same listing and batch
    assert forced.total_fields_updated == 0
    assert stubs.requests() == 0


# --- issue 23: items 5, 6, 8 -------------------------------------------------------------------


async def test_hardcover_series_leaves_out_compilations_and_partial_books(
    stubs: Stubs, settings
) -> None:
    for title, position, compilation, partial in (
        ("The Way of Kings", "1", False, False),
        ("The Way of Kings, Part One", "1", False, True),
        ("Words of Radiance", "2", False, False),
        ("The Stormlight Archive Books 1-2", "1-2", True, False),
    ):
        stubs.hardcover.add_book(
            StubBook(title=title, authors=["Brandon Sanderson"], series="Stormlight",
                     series_position=position, compilation=compilation, partial_book=partial)
        )  # fmt: skip
    async with providers_for(settings) as providers:
        records = await providers.hardcover.series_books("Stormlight")
    assert [(r.title, r.series_position) for r in records] == [
        ("The Way of Kings", "1"),
        ("Words of Radiance", "2"),
    ]


async def test_open_library_empty_series_position_is_unknown(stubs: Stubs, settings) -> None:
    stubs.library.add_book(
        StubBook(title="Mort", authors=["Terry Pratchett"], series="Discworld", series_position="")
    )
    async with providers_for(settings) as providers:
        (record,) = await providers.open_library.search("Mort", ["Terry Pratchett"])
        (listed,) = (await providers.open_library.author_listing("Terry Pratchett")).records
    assert stubs.library.requests  # the doc really carried series_position [""]
    assert (record.series, record.series_position) == ("Discworld", None)
    assert listed.series_position is None
    entries = await gaps_entries(settings, "Terry Pratchett")
    assert [e.series_position for e in entries] == [None]


async def gaps_entries(settings, author: str) -> list[Any]:
    async with providers_for(settings) as providers:
        return await providers.open_library.author_books(author)


async def test_audnexus_without_title_search_is_one_note_not_an_error_per_book(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    stubs.audnexus.title_search = False
    add_books(
        duck_engine,
        *({"title": f"Unknown {n}", "authors": [f"Nobody {n}"]} for n in range(4)),
        {"title": "Galaxy's Edge", "authors": ["Jason Anspach"], "asin": "B079LRSMNN",
         "metadata_source": {"asin": "tags"}},
    )  # fmt: skip
    result = await run(duck_engine, settings, batch_size=1)
    assert result.errors == []
    assert result.failed == 0
    assert [n for n in result.provider_notes if n.startswith("audnexus")] == [
        "audnexus: title search not supported by this server (/books/search unknown): "
        "books are looked up by ASIN only"
    ]
    assert stubs.audnexus.count("/books/search") == 1  # asked once, then never again
    assert books(duck_engine)["Galaxy's Edge"].narrators == ["R.C. Bray"]  # by ASIN still
    assert result.provider_status["audnexus"]["failures"] == 0
