"""Prowlarr and Torznab clients against stubs serving the contract samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from library_pipeline.clients.http import (
    AuthError,
    MalformedResponse,
    NotFound,
    ProviderLimits,
    ProviderUnavailable,
)
from library_pipeline.clients.prowlarr import ProwlarrClient, book_query
from library_pipeline.clients.release_fetch import NoDownloadLink
from library_pipeline.clients.torznab import (
    IndexerDisabled,
    TorznabClient,
    TorznabError,
    parse_caps,
    parse_results,
)
from library_pipeline.domain.releases import Release
from library_pipeline_tests.support.qbittorrent import audiobook_torrent
from library_pipeline_tests.support.stub_server import StubResponse
from library_pipeline_tests.support.stubs.prowlarr import ProwlarrStub, link_token
from library_pipeline_tests.support.stubs.torznab import TorznabStub, sample_bytes

KEY = ProwlarrStub.API_KEY
FAST = ProviderLimits(
    requests_per_period=1000, period_seconds=1, max_attempts=2, backoff_initial=0.01,
    backoff_max=0.02, timeout_seconds=5,
)  # fmt: skip


def xml_response(status: int, sample: str) -> StubResponse:
    return StubResponse(status, sample_bytes(sample), content_type="application/xml")


def closed_port_url() -> str:
    from library_pipeline_tests.support.qbittorrent import free_port

    return f"http://127.0.0.1:{free_port()}"


# --- Prowlarr ------------------------------------------------------------------------------


async def test_prowlarr_book_search_parses_the_sample(prowlarr: ProwlarrStub) -> None:
    async with ProwlarrClient(prowlarr.url, KEY, limits=FAST) as client:
        releases = await client.search("The Final Empire", "Brandon Sanderson")
    assert prowlarr.searches == [
        {
            "query": "{author:Brandon Sanderson}{title:The Final Empire}",
            "type": "book",
            "categories": ["3030"],
            "indexerIds": [],
        }
    ]
    assert prowlarr.requests[0].headers["x-api-key"] == KEY
    assert "apikey" not in prowlarr.requests[0].query
    assert [r.indexer for r in releases] == ["MyAnonamouse", "MyAnonamouse", "AudioBook Bay (ABB)"]
    mam, pack, abb = releases
    assert mam.title == "The Final Empire by Brandon Sanderson [ENG / M4B]"
    assert mam.size_bytes == 889087795
    assert mam.seeders == 187
    assert mam.leechers == 1
    assert mam.link
    assert mam.link.startswith(f"{prowlarr.url}/3/download?")
    assert mam.magnet is None
    assert mam.infohash is None
    assert mam.categories == (3030, 100041)
    assert mam.published is not None
    assert mam.published.year == 2024
    assert pack.freeleech
    assert pack.vip
    # ABB: guid is the magnet, magnetUrl a Prowlarr proxy link, infoHash given, no downloadUrl.
    assert abb.magnet == "magnet:?xt=urn:btih:9d99e48a436d9d0dd34453f6cd65c8f61eabe925"
    assert abb.link
    assert "/7/download?" in abb.link
    assert abb.infohash == "9d99e48a436d9d0dd34453f6cd65c8f61eabe925"


async def test_prowlarr_empty_book_search_falls_back_to_a_general_search(
    prowlarr: ProwlarrStub,
) -> None:
    prowlarr.results_for = lambda query, kind: (
        [] if kind == "book" else [prowlarr.release("Project Hail Mary - Andy Weir [M4B]")]
    )
    async with ProwlarrClient(prowlarr.url, KEY, limits=FAST) as client:
        releases = await client.search("Project Hail Mary", "Andy Weir")
    assert [s["type"] for s in prowlarr.searches] == ["book", "search"]
    assert prowlarr.searches[1]["query"] == "Project Hail Mary Andy Weir"
    assert [r.title for r in releases] == ["Project Hail Mary - Andy Weir [M4B]"]
    prowlarr.results_for = lambda query, kind: []
    async with ProwlarrClient(prowlarr.url, KEY, limits=FAST) as client:
        assert await client.search("Nothing", None) == []


async def test_prowlarr_drops_usenet_and_keeps_null_omitted_fields(prowlarr: ProwlarrStub) -> None:
    prowlarr.results = [
        prowlarr.release("A Book - An Author [M4B]", size=None, seeders=None, leechers=None),
        prowlarr.release("A Book - An Author (nzb)", protocol="usenet"),
    ]
    async with ProwlarrClient(prowlarr.url, KEY, limits=FAST) as client:
        releases = await client.search("A Book", "An Author")
    assert len(releases) == 1
    assert releases[0].size_bytes is None
    assert releases[0].seeders is None


async def test_prowlarr_one_bad_release_costs_only_itself(prowlarr: ProwlarrStub) -> None:
    """Prowlarr omits null properties: a release without a field the project needs is skipped
    and recorded, the rest of the page is used."""
    good = prowlarr.release("A Book - An Author [M4B]")
    no_guid = {k: v for k, v in prowlarr.release("Broken - An Author").items() if k != "guid"}
    bad_size = {**prowlarr.release("Odd - An Author"), "size": "huge"}
    prowlarr.results = [no_guid, good, bad_size]
    async with ProwlarrClient(prowlarr.url, KEY, limits=FAST) as client:
        releases = await client.search("A Book", "An Author")
        status = client.status()
    assert [r.title for r in releases] == ["A Book - An Author [M4B]"]
    assert len(status["warnings"]) == 2
    assert "Broken - An Author" in status["warnings"][0]
    assert "guid" in status["warnings"][0]
    assert "size" in status["warnings"][1]
    assert KEY not in str(status)


def test_book_query_drops_braces() -> None:
    assert book_query("A {Strange} Title", "Some One") == "{author:Some One}{title:A Strange Title}"
    assert book_query("Title", None) == "{title:Title}"


async def test_prowlarr_401_with_empty_body_is_an_auth_error_without_the_key(
    prowlarr: ProwlarrStub,
) -> None:
    async with ProwlarrClient(prowlarr.url, "wrong-key-abcdef", limits=FAST) as client:
        with pytest.raises(AuthError) as caught:
            await client.search("The Final Empire", "Brandon Sanderson")
        assert "401" in str(caught.value)
        assert "wrong-key-abcdef" not in str(caught.value)
        assert "wrong-key-abcdef" not in str(client.status())
    assert prowlarr.count("/api/v1/search") == 1  # credentials errors are not retried


async def test_prowlarr_malformed_and_down(prowlarr: ProwlarrStub) -> None:
    prowlarr.inject(
        "/api/v1/search", StubResponse(200, "<html>login</html>", content_type="text/html")
    )
    async with ProwlarrClient(prowlarr.url, KEY, limits=FAST) as client:
        with pytest.raises(MalformedResponse, match="expected JSON, got text/html"):
            await client.search("X", "Y")
    prowlarr.inject("/api/v1/search", StubResponse(200, {"not": "a list"}))
    async with ProwlarrClient(prowlarr.url, KEY, limits=FAST) as client:
        with pytest.raises(MalformedResponse, match="expected a list"):
            await client.search("X", "Y")
    async with ProwlarrClient(closed_port_url(), KEY, limits=FAST) as client:
        with pytest.raises(ProviderUnavailable, match="cannot connect"):
            await client.search("X", "Y")


async def test_prowlarr_fetch_torrent_bytes_and_magnet_redirect(
    prowlarr: ProwlarrStub, tmp_path: Path
) -> None:
    torrent = audiobook_torrent(tmp_path, "Brandon Sanderson - The Final Empire")
    sample = prowlarr.sample_results()
    prowlarr.serve_torrent(sample[0], torrent.data)
    prowlarr.serve_magnet(sample[2], sample[2]["guid"])
    async with ProwlarrClient(prowlarr.url, KEY, limits=FAST) as client:
        mam, _pack, abb = await client.search("The Final Empire", "Brandon Sanderson")
        payload = await client.fetch(mam)
        assert payload.kind == "torrent"
        assert payload.infohash == torrent.infohash
        assert payload.torrent == torrent.data
        magnet = await client.fetch(abb)
        assert magnet.kind == "magnet"
        assert magnet.infohash == "9d99e48a436d9d0dd34453f6cd65c8f61eabe925"
        # The proxy link fails: the release's own magnet is used instead.
        prowlarr.downloads.magnets.clear()
        assert (await client.fetch(abb)).infohash == magnet.infohash
        # A .torrent link that fails and no magnet: the error says where, never the key.
        prowlarr.downloads.torrents.clear()
        with pytest.raises(NotFound) as caught:
            await client.fetch(mam)
        assert KEY not in str(caught.value)
        assert "/3/download" in str(caught.value)
        with pytest.raises(NoDownloadLink):
            await client.fetch(Release(title="x", source="prowlarr"))
        # A body that is not a torrent.
        prowlarr.serve_torrent(link_token(mam.link or ""), b"<html>nope</html>")
        with pytest.raises(MalformedResponse, match=r"not a \.torrent"):
            await client.fetch(mam)


# --- Torznab -------------------------------------------------------------------------------


def test_caps_samples() -> None:
    prowlarr = parse_caps("t", sample_bytes("caps_prowlarr_mam.xml"))
    assert prowlarr.book_search
    assert prowlarr.book_params == {"q"}
    assert prowlarr.search
    assert prowlarr.categories[3030] == "Audio/Audiobook"
    assert 100041 in prowlarr.categories
    assert prowlarr.limit_max == 100
    anime = parse_caps("t", sample_bytes("caps_general_search_only.xml"))
    assert not anime.book_search
    assert anime.search
    assert anime.server_title == "Open Lectures"


def test_a_general_trackers_feed_parses() -> None:
    releases, warnings = parse_results(
        "ext", sample_bytes("search_general_tracker_feed.xml"), None, "torznab", ["abcdef"]
    )
    assert warnings == []
    assert len(releases) == 5
    first = releases[0]
    assert first.indexer == "ExampleTracker"
    assert first.infohash == "8c1f0a55e2b94d7a6f3e21c0b7d4e9a1f2c3b4d5"
    assert first.seeders == 12
    assert first.leechers == 3
    assert first.size_bytes == 1843200512
    assert first.link == "https://tracker.example.net/download.php?torrent=31207&passkey=abcdef"
    assert first.categories == (3040, 3000, 100112)
    assert first.published is not None
    assert first.published.hour == 21  # 17:42 at -04:00


@pytest.mark.parametrize("jackett", [False, True])
async def test_torznab_files_and_grabs_as_attributes_or_jackett_elements(
    feed: TorznabStub, jackett: bool
) -> None:
    """Prowlarr sends `files`/`grabs` as `torznab:attr`, Jackett as child elements."""
    feed.items = [
        feed.item(
            "Some Book - Someone [M4B]", files=3, grabs=42, indexer="Tracker", jackett=jackett
        )
    ]
    async with TorznabClient(feed.api_url, feed.API_KEY, limits=FAST) as client:
        (release,) = await client.search("Some Book", "Someone")
    assert (release.files, release.grabs) == (3, 42)
    assert release.indexer == "Tracker"


async def test_torznab_book_search_with_caps(feed: TorznabStub) -> None:
    async with TorznabClient(feed.api_url, feed.API_KEY, limits=FAST) as client:
        releases = await client.search("The Final Empire", "Brandon Sanderson")
    assert [q["t"] for q in feed.queries] == ["caps", "book"]
    assert feed.queries[1]["q"] == "The Final Empire Brandon Sanderson"
    assert feed.queries[1]["cat"] == "3030"
    assert all(r.query.get("apikey") == [feed.API_KEY] for r in feed.requests)
    final, pack = releases
    assert final.indexer == "MyAnonamouse"
    assert final.indexer_id == "3"
    assert final.authors == ("Brandon Sanderson",)
    assert final.book_title == "The Final Empire"
    assert final.seeders == 187
    assert final.leechers == 1
    assert final.size_bytes == 889087795
    assert final.link
    assert final.link.startswith(feed.url)
    assert not final.freeleech
    assert pack.freeleech
    assert pack.vip


async def test_torznab_general_search_when_book_search_is_missing_or_empty(
    feed: TorznabStub,
) -> None:
    feed.caps_xml = sample_bytes("caps_general_search_only.xml")
    feed.items = []
    async with TorznabClient(feed.api_url, feed.API_KEY, limits=FAST) as client:
        assert await client.search("Dune", "Frank Herbert") == []
    assert [q["t"] for q in feed.queries] == ["caps", "search"]
    assert "cat" not in feed.queries[1]  # the feed has no audiobook category
    feed.caps_xml = sample_bytes("caps_prowlarr_mam.xml")
    feed.queries.clear()
    async with TorznabClient(feed.api_url, feed.API_KEY, limits=FAST) as client:
        assert await client.search("Dune", "Frank Herbert") == []
    assert [q["t"] for q in feed.queries] == ["caps", "book", "search"]


async def test_torznab_error_documents(feed: TorznabStub) -> None:
    async with TorznabClient(feed.api_url, "bad-key-123456", limits=FAST) as client:
        with pytest.raises(AuthError, match="torznab error 100: Incorrect user credentials"):
            await client.search("X", "Y")
        assert "bad-key-123456" not in str(client.status())
    feed.inject(r"/api$", xml_response(429, "error_prowlarr_429_indexer_disabled.xml"))
    async with TorznabClient(feed.api_url, feed.API_KEY, limits=FAST) as client:
        with pytest.raises(IndexerDisabled, match="disabled till"):
            await client.search("X", "Y")
    assert feed.count(r"/api$") == 2  # the bad key, then one (not retried) disabled answer
    feed.inject(r"/api$", xml_response(400, "error_prowlarr_400_missing_t.xml"))
    async with TorznabClient(feed.api_url, feed.API_KEY, limits=FAST) as client:
        with pytest.raises(TorznabError, match="error 200: Missing parameter"):
            await client.caps()
    feed.inject(r"/api$", StubResponse(200, b"<html>oops", content_type="text/html"))
    async with TorznabClient(feed.api_url, feed.API_KEY, limits=FAST) as client:
        with pytest.raises(MalformedResponse):
            await client.caps()
    async with TorznabClient(closed_port_url() + "/3/api", "k", limits=FAST) as client:
        with pytest.raises(ProviderUnavailable):
            await client.caps()


async def test_torznab_items_without_link_and_fetch(feed: TorznabStub, tmp_path: Path) -> None:
    torrent = audiobook_torrent(tmp_path, "Frank Herbert - Dune")
    feed.items = [
        feed.item("Dune by Frank Herbert [M4B]", torrent=torrent.data, author="Frank Herbert"),
        feed.item("Dune by Frank Herbert [MP3]", link=None),
        "<item><description>no title</description></item>",
    ]
    async with TorznabClient(feed.api_url, feed.API_KEY, limits=FAST) as client:
        releases = await client.search("Dune", "Frank Herbert")
        assert [r.has_link for r in releases] == [True, False]
        assert client.warnings == ["item 2: no <title>, skipped"]
        payload = await client.fetch(releases[0])
    assert payload.infohash == torrent.infohash
    download = next(r for r in feed.requests if r.path.endswith("/download"))
    assert download.query["apikey"] == [feed.API_KEY]  # the link's own key, not added twice
