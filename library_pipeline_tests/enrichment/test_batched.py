"""Issue 22: listings and batches first, per book only for what is left — each path against the
stubs, a provider failing mid-batch, the cache shared with the gap catalogue, and the Audnexus /
Hardcover / Open Library shapes of issue 23 (items 5, 6, 8)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from library_pipeline.services.enrichment import EnrichmentResult, correct_all_books
from library_pipeline.services.enrichment.prefetch import Prefetch
from library_pipeline.storage.engine import make_session_factory, session_scope
from library_pipeline.storage.models import Book, MetadataCorrection
from library_pipeline_tests.enrichment.conftest import Stubs, add_books, options_for, providers_for
from library_pipeline_tests.support.stub_server import StubResponse
from library_pipeline_tests.support.stubs.metadata_base import StubBook

AUTHOR = "Pierce Brown"
RED_RISING = [("Red Rising", "1", "9780345539786"), ("Golden Son", "2", "9780345539816"),
              ("Morning Star", "3", "9780345539847")]  # fmt: skip
NARRATOR = "Tim Gerard Reynolds"


def values(title: str, position: str, isbn: str) -> dict[str, Any]:
    return {
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


def audio(position: str) -> dict[str, Any]:
    return {"asin": f"B00I{position}CFLKS", "narrators": [NARRATOR]}


def seed(stubs: Stubs, *, audnexus: bool = False, hardcover: tuple[str, ...] = ("1", "2", "3"),
         google: bool = True) -> None:  # fmt: skip
    """The trilogy at the providers asked: Audnexus (audio editions), Hardcover (the given
    volumes, with their audio editions), Google Books."""
    for title, position, isbn in RED_RISING:
        if audnexus:
            stubs.audnexus.add_book(StubBook(**values(title, position, isbn), **audio(position)))
        if position in hardcover:
            stubs.hardcover.add_book(StubBook(**values(title, position, isbn), **audio(position)))
        if google:
            stubs.google.add_book(StubBook(**values(title, position, isbn)))


def library(*, asin: str | None = None, series: bool = True) -> list[dict[str, Any]]:
    rows = []
    for title, position, _ in RED_RISING:
        row: dict[str, Any] = {
            "title": title,
            "authors": ["Brown, Pierce"],
            "duration_seconds": 980 * 60.0,
            "metadata_source": {"title": "tags", "authors": "tags"},
        }
        if series:  # the tags say which volume it is: no provider is asked for the series
            row.update(series="Red Rising", series_position=position)
            row["metadata_source"].update(series="tags", series_position="tags")
        rows.append(row)
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


async def test_one_audnexus_search_by_the_author_serves_every_book(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    seed(stubs, audnexus=True)
    add_books(duck_engine, *library())
    result = await run(duck_engine, settings)
    assert result.errors == []
    # Audible's keyword search by the author's name answers the three audio editions: they
    # leave nothing to ask anyone else.
    assert [r.arg("q") for r in stubs.audnexus.requests] == [AUTHOR]
    assert stubs.google.requests == stubs.hardcover.requests == stubs.library.requests == []
    assert result.network_requests == 1
    assert result.prefetch["audnexus author listings"]["books_matched"] == 3
    golden = books(duck_engine)["Golden Son"]
    assert golden.narrators == [NARRATOR]
    assert golden.asin == "B00I2CFLKS"
    assert golden.metadata_source["narrators"] == "audnexus"
    assert golden.metadata_completeness_percent == 100.0
    preview = {row.title: row.sources for row in result.updates}
    assert f"audnexus (book search '{AUTHOR}')" in preview["Golden Son"]


async def test_batch_then_listing_serve_what_the_first_step_left(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    seed(stubs, hardcover=("1",))  # Audnexus knows none; Hardcover only the first volume
    add_books(duck_engine, *library())
    result = await run(duck_engine, settings)
    assert result.errors == []
    # Audnexus's answer is complete and empty: settled, no per-book search there. Hardcover's
    # batch asks the three titles at once; Google's listing serves the two it did not know.
    assert [r.arg("q") for r in stubs.audnexus.requests] == [AUTHOR]
    assert stubs.hardcover.count("/graphql") == 1
    assert [r.arg("q") for r in stubs.google.requests] == [f'inauthor:"{AUTHOR}"']
    assert stubs.library.requests == []  # nothing left that Open Library gives
    assert result.network_requests == 3
    assert result.prefetch["audnexus author listings"]["books_settled"] == 3
    assert result.prefetch["hardcover batches"]["books_matched"] == 1
    assert result.prefetch["google_books author listings"]["books_matched"] == 2
    found = books(duck_engine)
    red = found["Red Rising"]
    assert red.narrators == [NARRATOR]  # the audio edition on Hardcover
    assert red.asin == "B00I1CFLKS"
    assert red.metadata_source["genres"] == "hardcover"  # its Genre tags
    golden = found["Golden Son"]
    assert golden.isbn == "9780345539816"
    assert golden.publisher == "Del Rey"
    assert golden.metadata_source["description"] == "google_books"
    # Provenance: the provider and the request the record came from.
    preview = {row.title: row.sources for row in result.updates}
    assert "hardcover (batch of 3 titles ('Red Rising' …))" in preview["Red Rising"]
    assert f"google_books (author listing '{AUTHOR}')" in preview["Golden Son"]


async def test_listing_is_the_gap_catalogues_cached_answer(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    seed(stubs, hardcover=())
    add_books(duck_engine, *library())
    await run(duck_engine, settings)
    stubs.reset()
    async with providers_for(settings) as providers:
        records = await providers.google_books.author_books(AUTHOR)
        assert providers.google_books.http.stats.network_requests == 0  # the cache answered
    assert {r.title for r in records} == {t for t, _, _ in RED_RISING}
    assert stubs.google.requests == []


async def test_a_book_alone_by_its_author_is_asked_by_asin_not_by_title(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    add_books(
        duck_engine,
        {"title": "Galaxy's Edge", "authors": ["Jason Anspach"], "asin": "B079LRSMNN",
         "metadata_source": {"asin": "tags"}},
    )  # fmt: skip
    await run(duck_engine, settings)
    assert stubs.audnexus.count(r"^/books/B079LRSMNN$") == 1  # a recorded Audnexus book
    assert stubs.audnexus.count("/books/search") == 0  # one book: no listing, no title search
    assert books(duck_engine)["Galaxy's Edge"].narrators == ["R.C. Bray"]


async def test_a_full_audnexus_page_settles_nothing(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    author = "Prolific Writer"
    for n in range(12):
        stubs.audnexus.add_book(
            StubBook(title=f"Saga Volume {n:02d}", authors=[author], narrators=["Reader"],
                     asin=f"B0SAGA{n:04d}", description=f"Volume {n}.")
        )  # fmt: skip
    owned = [0, 1, 10, 11]  # two on the first page of ten, two beyond it
    add_books(duck_engine, *({"title": f"Saga Volume {n:02d}", "authors": [author]} for n in owned))
    add_books(duck_engine, {"title": "Not At Audible", "authors": [author]})
    result = await run(duck_engine, settings)
    listing = result.prefetch["audnexus author listings"]
    # Ten answers (a full page): two books matched, nothing settled; the rest searched one by one.
    assert (listing["queries"], listing["books_matched"], listing["books_settled"]) == (1, 2, 0)
    searched = sorted(r.arg("q") for r in stubs.audnexus.requests if r.arg("q") != author)
    assert searched == [
        f"Not At Audible {author}",
        f"Saga Volume 10 {author}",
        f"Saga Volume 11 {author}",
    ]
    assert books(duck_engine)["Saga Volume 11"].narrators == ["Reader"]


async def test_titles_from_many_authors_share_batches(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    add_books(
        duck_engine,
        *({"title": f"Story {n:03d}", "authors": [f"Writer {n // 3}"]} for n in range(120)),
    )
    result = await run(duck_engine, settings)
    # 40 authors of three books: their titles are gathered into queries of fifty.
    queries = [r.json()["variables"]["titles"] for r in stubs.hardcover.requests]
    assert sorted(len(q) for q in queries) == [20, 50, 50]
    assert sorted(t for q in queries for t in q) == [f"Story {n:03d}" for n in range(120)]
    assert result.prefetch["hardcover batches"]["queries"] == 3


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
    # Each book was then looked up on its own: one Hardcover search and one Google title search
    # per book, after the failed batch (3 attempts) and listing (3 attempts).
    assert stubs.hardcover.count("/graphql") == 3 + 3
    assert stubs.google.count("/volumes") == 3 + 3
    found = books(duck_engine)
    assert found["Golden Son"].narrators == ["Kept Narrator"]  # from the tags: kept
    assert found["Golden Son"].description == "Golden Son, book 2 of Red Rising."
    assert found["Morning Star"].isbn == "9780345539847"
    with session_scope(duck_engine) as session:
        changed = {(c.book_id, c.field) for c in session.scalars(select(MetadataCorrection))}
    assert (found["Golden Son"].id, "narrators") not in changed


async def test_audnexus_search_failing_falls_back_to_each_book(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    seed(stubs, audnexus=True)
    add_books(duck_engine, *library())
    stubs.audnexus.inject("/books/search", StubResponse(500, {"error": "internal"}), times=3)
    result = await run(duck_engine, settings)
    assert result.prefetch["audnexus author listings"]["failures"] == 1
    assert result.failed == 0
    # The listing's three attempts, then one title search per book: nothing settled by a
    # listing that did not answer.
    searches = [r.arg("q") for r in stubs.audnexus.requests]
    assert searches[:3] == [AUTHOR] * 3
    assert sorted(searches[3:]) == sorted(f"{title} {AUTHOR}" for title, _, _ in RED_RISING)
    assert books(duck_engine)["Morning Star"].narrators == [NARRATOR]


async def test_a_bug_in_one_authors_steps_fails_no_book(
    stubs: Stubs, settings, duck_engine: Engine, monkeypatch
) -> None:
    seed(stubs, audnexus=True)
    add_books(duck_engine, *library(), {"title": "Other Book", "authors": ["Other Writer"]})

    def broken(self: Prefetch, provider: str, *args: Any) -> None:
        raise RuntimeError(f"bug while listing {provider}")

    monkeypatch.setattr(Prefetch, "_take_listing", broken)
    result = await run(duck_engine, settings)
    assert result.failed == 0
    assert result.succeeded == 4
    assert result.prefetch["steps"]["failures"] == 1  # Pierce Brown's; Other Writer has no listing
    assert "bug while listing audnexus" in result.prefetch["steps"]["failure_samples"][0]
    assert books(duck_engine)["Golden Son"].narrators == [NARRATOR]  # asked on its own


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


async def test_a_batch_miss_is_searched_only_while_the_title_is_unchecked(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    # Hardcover knows the book under its published casing; the library's tags title-case it,
    # so the batch (exact titles) misses it.
    stubs.hardcover.add_book(
        StubBook(title="The Way of Kings", authors=["Brandon Sanderson"], description="Roshar.")
    )
    add_books(duck_engine, {"title": "The Way Of Kings", "authors": ["Brandon Sanderson"]})
    # Every other provider fails: nobody checked the title, so Hardcover is searched by it.
    for stub in (stubs.google, stubs.library, stubs.audnexus):
        stub.inject(".*", StubResponse(503, "down", content_type="text/plain"), times=3)
    result = await run(duck_engine, settings)
    assert result.prefetch["hardcover batches"]["books_settled"] == 1
    assert stubs.hardcover.count("/graphql") == 2  # the batch, then the search
    assert books(duck_engine)["The Way Of Kings"].description == "Roshar."

    # When the others answer (without the book), their fuzzy matching has checked the title:
    # another search by it would only repeat the batch.
    stubs.reset()
    add_books(duck_engine, {"title": "Unheard Of", "authors": ["Nobody Known"]})
    await run(duck_engine, settings)
    assert stubs.hardcover.count("/graphql") == 1  # the batch only
    assert stubs.google.requests  # the others were asked
    assert stubs.audnexus.requests


async def test_unchanged_rerun_after_listings_makes_no_request(
    stubs: Stubs, settings, duck_engine: Engine
) -> None:
    seed(stubs, hardcover=("1",))
    add_books(duck_engine, *library(series=False))
    first = await run(duck_engine, settings)
    assert first.network_requests > 0
    stubs.reset()
    again = await run(duck_engine, settings, filter_incomplete_only=False)
    assert again.network_requests == 0
    assert again.skipped == 3
    forced = await run(duck_engine, settings, filter_incomplete_only=False, force_refresh=True)
    # The cache answers the listings; Hardcover's batch now holds only the two titles still
    # wanting something (another query than the first run's three).
    assert forced.network_requests == stubs.requests() == stubs.hardcover.count("/graphql") == 1
    assert forced.total_fields_updated == 0


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
