"""The Audiobookshelf client against a stub serving the recorded v2.36 samples."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from library_pipeline.clients.audiobookshelf import AudiobookshelfClient, ProviderLimits
from library_pipeline.clients.http import AuthError, MalformedResponse, NotFound
from library_pipeline_tests.support.stub_server import StubResponse, load_contract
from library_pipeline_tests.support.stubs.audiobookshelf import (
    AudiobookshelfStub,
    minified_item,
    plain_item,
    recorded_items,
)

FAST = ProviderLimits(requests_per_period=1000, max_attempts=2, backoff_initial=0.01)
LIBRARY = AudiobookshelfStub.LIBRARY_ID
EMPIRE = "64b3f0d1-4c50-4c37-a252-a3f132d160f9"
FANTASTIC = "79938687-ccb2-47b0-a046-464bad1f1336"


@pytest.fixture
def stub() -> Iterator[AudiobookshelfStub]:
    with AudiobookshelfStub() as server:
        yield server


@pytest.fixture
async def client(stub: AudiobookshelfStub) -> AsyncIterator[AudiobookshelfClient]:
    async with AudiobookshelfClient(stub.url, stub.API_KEY, limits=FAST) as abs_client:
        yield abs_client


def test_stub_derives_exactly_the_recorded_shapes() -> None:
    items = recorded_items()
    listed = load_contract("audiobookshelf", "library_items.json")["results"]
    assert [minified_item(i) for i in items] == listed
    empire = next(i for i in items if i["id"] == EMPIRE)
    assert plain_item(empire) == load_contract("audiobookshelf", "item_default_not_expanded.json")


async def test_libraries_and_paged_items(stub: AudiobookshelfStub, client: AudiobookshelfClient):
    libraries = await client.list_libraries()
    assert [(lib.id, lib.name, lib.media_type) for lib in libraries] == [
        (LIBRARY, "Audiobooks", "book")
    ]
    assert libraries[0].folders[0].full_path == "/audiobooks"
    for n in range(250):
        stub.add_item(f"Book {n}", "Paging Author")
    stub.reset_log()
    items = await client.library_items(LIBRARY, page_size=100)
    assert len(items) == 253
    assert len({i.id for i in items}) == 253
    assert stub.count(AudiobookshelfStub.ITEMS) == 3
    assert [r.arg("page") for r in stub.requests] == ["0", "1", "2"]
    assert all(r.headers["authorization"] == f"Bearer {stub.API_KEY}" for r in stub.requests)


async def test_minified_list_items_parse_into_book_fields(client: AudiobookshelfClient) -> None:
    items = {i.id: i for i in await client.library_items(LIBRARY)}
    fields = items[FANTASTIC].book_fields()
    assert fields["title"] == "The Light Fantastic"
    assert (fields["authors"], fields["narrators"]) == (["Terry Pratchett"], ["Nigel Planer"])
    assert (fields["series"], fields["series_position"]) == ("Discworld", "2")
    assert fields["published_date"] == "1986"
    assert fields["duration_seconds"] == 12.068572
    assert items[FANTASTIC].rel_path.startswith("Terry Pratchett/Discworld/")
    page = await client.library_items_page(LIBRARY, page=1, limit=2, minified=True,
                                           sort="media.metadata.title")  # fmt: skip
    assert (page.total, page.page, page.offset, len(page.results)) == (3, 1, 2, 1)


async def test_expanded_item(client: AudiobookshelfClient) -> None:
    item = await client.get_item(FANTASTIC)
    assert item.media.audio_files is not None
    assert len(item.media.audio_files) == 2
    assert item.media.audio_files[0].codec == "mp3"
    assert item.media.metadata.series is not None
    assert item.book_fields()["series_position"] == "2"
    plain = await client.get_item(EMPIRE, expanded=False)
    assert plain.media.metadata.author_name is None
    assert plain.book_fields()["authors"] == ["Brandon Sanderson"]


async def test_scan_library_is_a_plain_text_ok(stub: AudiobookshelfStub, client):
    assert await client.scan_library(LIBRARY) == "OK"
    assert stub.scan_calls == [LIBRARY]
    with pytest.raises(NotFound):
        await client.scan_library("no-such-library")
    assert stub.scan_calls == [LIBRARY]


async def test_scan_library_needs_an_admin_key() -> None:
    with AudiobookshelfStub(admin=False) as stub:
        async with AudiobookshelfClient(stub.url, stub.API_KEY, limits=FAST) as client:
            with pytest.raises(AuthError):
                await client.scan_library(LIBRARY)
        assert stub.scan_calls == []


async def test_patch_item_media(stub: AudiobookshelfStub, client: AudiobookshelfClient) -> None:
    result = await client.patch_item_media(
        EMPIRE, {"asin": "B002UZMLXM", "subtitle": "Mistborn, Book 1", "language": "English"}
    )
    assert result.updated is True
    assert result.library_item.media.metadata.asin == "B002UZMLXM"
    assert stub.patches == [
        (EMPIRE, {"asin": "B002UZMLXM", "subtitle": "Mistborn, Book 1", "language": "English"})
    ]
    again = await client.patch_item_media(EMPIRE, {"asin": "B002UZMLXM"})
    assert again.updated is False
    recorded = load_contract("audiobookshelf", "patch_item_media_response.json")
    assert recorded["libraryItem"]["media"]["metadata"]["asin"] == "B002UZMLXM"


async def test_errors(stub: AudiobookshelfStub, client: AudiobookshelfClient) -> None:
    with pytest.raises(NotFound):
        await client.get_item("no-such-item")
    async with AudiobookshelfClient(stub.url, "wrong-key-123456", limits=FAST) as bad:
        with pytest.raises(AuthError) as error:
            await bad.list_libraries()
        assert "wrong-key" not in str(error.value)
    stub.inject(
        r"/api/libraries$", StubResponse(200, "<html>login</html>", content_type="text/html")
    )
    with pytest.raises(MalformedResponse):
        await client.list_libraries()
    stub.inject(r"/api/libraries$", StubResponse(200, {"libraries": [{"id": 1}]}))
    with pytest.raises(MalformedResponse, match=r"libraries\.0"):
        await client.list_libraries()
    stub.inject(AudiobookshelfStub.SCAN, StubResponse(200, "Queued", content_type="text/plain"))
    with pytest.raises(MalformedResponse):
        await client.scan_library(LIBRARY)


async def test_a_series_name_holding_a_comma_comes_from_the_series_objects(
    stub: AudiobookshelfStub, client: AudiobookshelfClient
) -> None:
    """The list's joined `seriesName` ("Murder, She Wrote #3") cannot be split on ", "."""
    comma = stub.add_item("Manhattans and Murder", "Jessica Fletcher", series="Murder, She Wrote",
                          sequence="3")  # fmt: skip
    two = stub.add_item("Crossover", "Some Author", series="First", sequence="1",
                        more_series=[("Second, Part", "2")])  # fmt: skip
    plain = stub.add_item("Plain", "Some Author", series="Solo", sequence="4")
    assert minified_item(comma)["media"]["metadata"]["seriesName"] == "Murder, She Wrote #3"
    stub.reset_log()
    items = {item.id: item for item in await client.library_items(LIBRARY)}
    fields = items[comma["id"]].book_fields()
    assert (fields["series"], fields["series_position"]) == ("Murder, She Wrote", "3")
    assert items[two["id"]].media.metadata.series_entries() == [
        ("First", "1"),
        ("Second, Part", "2"),
    ]
    assert items[plain["id"]].book_fields()["series"] == "Solo"
    # Only the two ambiguous items are fetched again.
    assert stub.count(r"/api/items/") == 2


async def test_a_server_before_2_3_answers_libraries_with_a_bare_array() -> None:
    with AudiobookshelfStub(bare_library_list=True) as stub:
        async with AudiobookshelfClient(stub.url, stub.API_KEY, limits=FAST) as client:
            libraries = await client.list_libraries()
    assert [(lib.id, lib.media_type) for lib in libraries] == [(LIBRARY, "book")]
