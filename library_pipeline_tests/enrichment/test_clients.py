"""The four provider clients against their stubs: recorded wire formats, every fault, the cache,
the bibliography/series calls of the gap finder, and secrets kept out of everything."""

from __future__ import annotations

import copy
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from library_pipeline.clients.http import (
    CircuitOpen,
    InvalidCredentials,
    MalformedResponse,
    ProviderError,
    ProviderUnavailable,
    QuotaExhausted,
    RateLimited,
)
from library_pipeline.clients.providers import Providers
from library_pipeline.clients.records import CatalogueRecord
from library_pipeline.storage.models import CatalogueEntryRow
from library_pipeline_tests.enrichment.conftest import (
    FAST,
    GOOGLE_KEY,
    HARDCOVER_TOKEN,
    Stubs,
    assert_no_secret,
    make_settings,
    providers_for,
)
from library_pipeline_tests.support.stub_server import StubResponse, load_contract
from library_pipeline_tests.support.stubs.metadata_base import StubBook


@dataclasses.dataclass(frozen=True)
class Spec:
    """One provider's simple call, the path it hits, and bodies broken on purpose."""

    name: str
    path: str
    call: Callable[[Providers], Awaitable[Any]]
    missing_field: tuple[Any, str]
    wrong_type: tuple[Any, str]


def _google_missing() -> Any:
    body = load_contract("google_books", "volumes_search_isbn.json")
    del body["items"][0]["volumeInfo"]
    return body


def _google_wrong() -> Any:
    body = load_contract("google_books", "volumes_search_isbn.json")
    body["items"][0]["volumeInfo"]["authors"] = "Adrian Tchaikovsky"
    return body


def _library_missing() -> Any:
    body = load_contract("open_library", "search_title_author_fields.json")
    del body["docs"][0]["title"]
    return body


def _library_wrong() -> Any:
    body = load_contract("open_library", "search_title_author_fields.json")
    body["numFound"] = "many"
    return body


def _hardcover_missing() -> Any:
    body = load_contract("hardcover", "search_books.json")
    del body["data"]["search"]["results"]["found"]
    return body


def _hardcover_wrong() -> Any:
    body = load_contract("hardcover", "search_books.json")
    body["data"]["search"]["results"]["hits"][1]["document"]["id"] = 377938  # an Int, not str
    return body


def _audnexus_missing() -> Any:
    body = load_contract("audnexus", "book_standalone.json")
    del body["title"]
    return body


def _audnexus_wrong() -> Any:
    body = load_contract("audnexus", "book_standalone.json")
    body["runtimeLengthMin"] = "long"
    return body


SPECS = [
    Spec(
        "google_books",
        "/volumes",
        lambda p: p.google_books.search_title_author("Children of Time", ["Adrian Tchaikovsky"]),
        (_google_missing(), "field items.0.volumeInfo: Field required"),
        (_google_wrong(), "field items.0.volumeInfo.authors: Input should be a valid list"),
    ),
    Spec(
        "open_library",
        "/search.json",
        lambda p: p.open_library.search("The Final Empire", ["Brandon Sanderson"]),
        (_library_missing(), "field docs.0.title: Field required"),
        (_library_wrong(), "field numFound: Input should be a valid integer"),
    ),
    Spec(
        "hardcover",
        "/v1/graphql",
        lambda p: p.hardcover.search_books("lord of the rings"),
        (_hardcover_missing(), "field data.search.results.found: Field required"),
        (_hardcover_wrong(), "field data.search.results.hits.1.document.id: Input should be a "),
    ),
    Spec(
        "audnexus",
        "/books/",
        lambda p: p.audnexus.book("B08G9PRS1K"),
        (_audnexus_missing(), "field title: Field required"),
        (_audnexus_wrong(), "field runtimeLengthMin: Input should be a valid integer"),
    ),
]
IDS = [s.name for s in SPECS]


def stub_of(stubs: Stubs, name: str) -> Any:
    return {
        "google_books": stubs.google,
        "open_library": stubs.library,
        "hardcover": stubs.hardcover,
        "audnexus": stubs.audnexus,
    }[name]


# --- recorded wire formats -------------------------------------------------------------------


async def test_recorded_samples_parse(stubs: Stubs, settings) -> None:
    async with providers_for(settings) as p:
        english, french = await p.google_books.search_title_author("Children of Time")
        assert (english.language, english.isbn, french.language) == ("en", "9780316452502", "fr")
        assert english.published_date == "2018-12-11"
        assert french.published_date == "2019-10-03T00:00:00+02:00"  # cleaned when merged
        assert await p.google_books.find_by_isbn("9999999999999") == []  # no `items` key
        assert (await p.google_books.get_volume("EXAMPLE_SERIES_VOL")).series_position == "1"

        (work,) = await p.open_library.search("The Eye of the World (The Wheel of Time Book 1)")
        detailed = await p.open_library.with_details(work)  # description: a plain string
        assert detailed.description.startswith("The Wheel of Time turns")
        assert "series:The Wheel of Time" not in detailed.genres
        sabriel = await p.open_library.work("/works/OL15832982W")  # description: {type, value}
        assert sabriel.description_text == "First in the Old Kingdom/Abhorsen series."

        chance, tolkien = await p.hardcover.search_books("lord of the rings")
        assert chance.series is None  # featured_series is {}
        assert (tolkien.provider_id, tolkien.series, tolkien.series_position) == (
            "377938",
            "The Lord of the Rings",
            "1-3",
        )

        hail_mary = await p.audnexus.book("B08G9PRS1K")
        assert hail_mary is not None
        assert hail_mary.series is None
        assert (hail_mary.narrators, hail_mary.duration_seconds, hail_mary.language) == (
            ["Ray Porter"],
            970 * 60.0,
            "en",
        )
        assert hail_mary.description.startswith("Winner of the 2022 Audie Awards")
        assert await p.audnexus.book("B0NOTKNOWN") is None  # 404 NOT_FOUND
        stubs.audnexus.region_unavailable.add("B0REGIONXX")
        assert await p.audnexus.book("B0REGIONXX") is None  # 404 REGION_UNAVAILABLE
        with pytest.raises(ProviderError, match=r"bad request \(400: Bad ASIN\)"):
            await p.audnexus.book("bad")
        assert [a.name for a in await p.audnexus.search_authors("Andy Weir")] == ["Andy Weir"]
        assert not any(s["failures"] for s in p.status().values() if s["provider"] != "audnexus")


async def test_audnexus_legacy_error_shape(stubs: Stubs, settings) -> None:
    stubs.audnexus.legacy_errors = True
    async with providers_for(settings) as p:
        assert await p.audnexus.book("B0NOTKNOWN") is None
        with pytest.raises(ProviderError, match="Bad ASIN"):
            await p.audnexus.book("bad")


# --- faults, for every provider ------------------------------------------------------------------


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
async def test_429_with_retry_after_is_waited_out(stubs: Stubs, settings, spec: Spec) -> None:
    stub = stub_of(stubs, spec.name)
    stub.fault("429-retry-after", spec.path)
    async with providers_for(settings) as p:
        assert await spec.call(p)
        assert p.status()[spec.name]["retries"] == 1
    first, second = [r for r in stub.requests if spec.path in r.path]
    assert second.time - first.time >= 0.95


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
async def test_429_without_retry_after_backs_off(stubs: Stubs, settings, spec: Spec) -> None:
    stub = stub_of(stubs, spec.name)
    stub.fault("429", spec.path)
    async with providers_for(settings) as p:
        if spec.name == "hardcover":
            # Hardcover's body says "Try again in 6 seconds": longer than we wait, so the call
            # fails at once and the caller falls back.
            with pytest.raises(RateLimited) as caught:
                await spec.call(p)
            assert caught.value.retry_after == 6
            assert stub.count(spec.path) == 1
            return
        assert await spec.call(p)
    assert stub.count(spec.path) == 2


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
async def test_5xx_retried_then_unavailable(stubs: Stubs, settings, spec: Spec) -> None:
    stub = stub_of(stubs, spec.name)
    stub.fault("500", spec.path)
    async with providers_for(settings, cache=False) as p:
        assert await spec.call(p)  # one 500, then an answer
        stub.fault("503", spec.path, times=10)
        stub.reset_log()
        with pytest.raises(ProviderUnavailable, match="server error 503"):
            await spec.call(p)
        assert p.status()[spec.name]["retries"] == 1 + FAST.max_attempts - 1
    assert stub.count(spec.path) == FAST.max_attempts


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
async def test_timeout_and_dropped_connection(stubs: Stubs, settings, spec: Spec) -> None:
    stub = stub_of(stubs, spec.name)
    limits = dataclasses.replace(FAST, timeout_seconds=0.3, max_attempts=1)
    stub.fault("timeout", spec.path, delay=0.6)
    async with providers_for(settings, limits) as p:
        with pytest.raises(ProviderUnavailable, match="timed out"):
            await spec.call(p)
        stub.fault("refused", spec.path)
        with pytest.raises(ProviderUnavailable, match="cannot connect"):
            await spec.call(p)
        assert await spec.call(p)  # the provider is back


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
async def test_connection_refused(stubs: Stubs, tmp_path, spec: Spec) -> None:
    dead = "http://127.0.0.1:9"
    overrides = {
        "google_books": {"google_books_url": dead},
        "open_library": {"open_library_url": dead},
        "hardcover": {"hardcover_url": dead + "/v1/graphql"},
        "audnexus": {"audnexus_url": dead},
    }[spec.name]
    settings = make_settings(stubs, tmp_path, **overrides)
    async with providers_for(settings, dataclasses.replace(FAST, max_attempts=2)) as p:
        with pytest.raises(ProviderUnavailable, match=r"cannot connect \(refused, no such host\)"):
            await spec.call(p)
        assert p.status()[spec.name]["failures"] == 1
        assert p.status()[spec.name]["retries"] == 0  # a closed port stays closed a moment later


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
async def test_html_instead_of_json_is_not_cached(stubs: Stubs, settings, spec: Spec) -> None:
    stub = stub_of(stubs, spec.name)
    stub.fault("html", spec.path)
    async with providers_for(settings) as p:
        with pytest.raises(MalformedResponse, match=f"{spec.name}: expected JSON, got text/html"):
            await spec.call(p)
        assert await spec.call(p)  # asked again: the captcha page was not kept
    assert stub.count(spec.path) == 2


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@pytest.mark.parametrize("kind", ["missing_field", "wrong_type"])
async def test_malformed_body_names_provider_and_field(
    stubs: Stubs, settings, spec: Spec, kind: str
) -> None:
    body, message = getattr(spec, kind)
    stub = stub_of(stubs, spec.name)
    stub.inject(spec.path, StubResponse(200, copy.deepcopy(body)))
    async with providers_for(settings) as p:
        with pytest.raises(MalformedResponse) as caught:
            await spec.call(p)
        assert str(caught.value).startswith(f"{spec.name}: {message}")
        assert await spec.call(p)  # the broken answer was not cached
    assert stub.count(spec.path) == 2


async def test_google_invalid_key_opens_circuit_and_stays_secret(stubs: Stubs, tmp_path) -> None:
    settings = make_settings(stubs, tmp_path, google_books_api_key="AIzaSy-wrong-key-9999")
    async with providers_for(settings) as p:
        with pytest.raises(InvalidCredentials, match=r"API key not valid \(400\)") as caught:
            await SPECS[0].call(p)
        with pytest.raises(CircuitOpen):
            await SPECS[0].call(p)  # not asked again this run
        status = p.status()["google_books"]
    assert status["circuit_open"]
    assert "API key not valid" in status["last_error"]
    assert stubs.google.count("/volumes") == 1
    assert "AIzaSy-wrong-key-9999" not in str(caught.value) + str(status)
    assert all("key" not in r.query for r in stubs.google.requests)  # a header, not the URL


@pytest.mark.parametrize(
    ("setup", "error", "message"),
    [
        ("service_disabled", InvalidCredentials, "cannot use the Books API"),
        ("daily_quota_spent", QuotaExhausted, r"daily quota spent \(429\)"),
    ],
)
async def test_google_403_and_quota_reasons(stubs, settings, setup, error, message) -> None:
    setattr(stubs.google, setup, True)
    async with providers_for(settings) as p:
        with pytest.raises(error, match=message):
            await SPECS[0].call(p)
        assert p.status()["google_books"]["circuit_open"]
    assert stubs.google.count("/volumes") == 1


async def test_google_403_rate_limit_is_retried(stubs: Stubs, settings) -> None:
    body = {"error": {"code": 403, "errors": [{"reason": "userRateLimitExceeded"}]}}
    stubs.google.inject("/volumes", StubResponse(403, body))
    async with providers_for(settings) as p:
        assert await SPECS[0].call(p)
    assert stubs.google.count("/volumes") == 2


async def test_hardcover_token_errors(stubs: Stubs, tmp_path) -> None:
    # A token pasted with "Bearer " and a newline is cleaned, not sent as "Bearer Bearer".
    pasted = make_settings(stubs, tmp_path, hardcover_token=f"Bearer {HARDCOVER_TOKEN}\n")
    async with providers_for(pasted) as p:
        assert await SPECS[2].call(p)
    wrong = make_settings(stubs, tmp_path / "w", hardcover_token="hc-wrong-token-7777")
    async with providers_for(wrong) as p:
        with pytest.raises(InvalidCredentials, match="token refused"):
            await SPECS[2].call(p)
        assert p.status()["hardcover"]["circuit_open"]
    stubs.hardcover.inject(
        "/v1/graphql",
        StubResponse(200, load_contract("hardcover", "error_malformed_authorization_header.json")),
    )
    async with providers_for(pasted) as p:
        with pytest.raises(InvalidCredentials, match="invalid-headers"):
            await p.hardcover.search_books("zzz")
    no_token = make_settings(stubs, tmp_path / "n", hardcover_token="")
    async with providers_for(no_token) as p:
        assert await p.hardcover.search_books("lord of the rings") == []
        assert p.get("hardcover") is None
        assert p.status()["hardcover"]["disabled"] == "no token configured"


async def test_hardcover_errors_with_http_200_are_not_cached(stubs: Stubs, settings) -> None:
    stubs.hardcover.inject(
        "/v1/graphql",
        StubResponse(200, load_contract("hardcover", "error_graphql_validation_failed.json")),
    )
    async with providers_for(settings) as p:
        with pytest.raises(ProviderError, match=r"query rejected \(validation-failed\)"):
            await SPECS[2].call(p)
        assert await SPECS[2].call(p)
    async with providers_for(settings) as p:  # a new run: the good answer comes from the cache
        assert await SPECS[2].call(p)
        assert p.network_requests == 0
    assert stubs.hardcover.count("/v1/graphql") == 2


# --- cache -------------------------------------------------------------------------------------


async def test_unchanged_rerun_makes_zero_requests(stubs: Stubs, settings) -> None:
    async def everything(p: Providers) -> list[Any]:
        return [
            *[await spec.call(p) for spec in SPECS],
            await p.audnexus.book("B0NOTKNOWN"),  # a 404 is remembered too
            await p.hardcover.series_books("The Lord of the Rings"),
        ]

    async with providers_for(settings) as p:
        first = await everything(p)
        assert p.network_requests == 6
    async with providers_for(settings) as p:
        assert await everything(p) == first
        assert p.network_requests == 0
        assert sum(s["cache_hits"] for s in p.status().values()) == 6
    assert stubs.requests() == 6


# --- bibliographies and series (the gap finder's calls) ------------------------------------------


async def test_catalogue_calls_return_catalogue_records(stubs: Stubs, settings) -> None:
    for n in range(45):
        stubs.google.add_book(StubBook(title=f"Sabriel {n}", authors=["Garth Nix"], isbn13=None))
    async with providers_for(settings) as p:
        series = await p.hardcover.series_books("The Lord of the Rings")
        assert [(r.title, r.series_position) for r in series] == [
            ("The Fellowship of the Ring", "1"),
            ("The Two Towers", "2"),
            ("The Return of the King", "3"),
        ]
        tolkien = await p.hardcover.author_books("J.R.R. Tolkien")
        assert [r.title for r in tolkien] == [
            "The Fellowship of the Ring",
            "The Hobbit",
        ]  # no editor
        works = await p.open_library.author_works("OL382982A", "Garth Nix")
        assert [(r.title, r.published_year) for r in works] == [("Sabriel", 1995), ("Lirael", None)]
        sanderson = await p.open_library.author_books("Brandon Sanderson")
        assert (sanderson[0].series, sanderson[0].series_position) == ("Mistborn", "1")
        assert await p.open_library.find_author_key("Brandon Sanderson") == "OL1394865A"
        nix = await p.google_books.author_books("Garth Nix")
        assert len(nix) == 45  # two pages of 40
    assert stubs.google.count("/volumes") == 2
    row = series[0].as_row("series", "The Lord of the Rings")
    # `text_repairs` is written by storage when it cleans a row's text (storage/text.py).
    columns = set(CatalogueEntryRow.__table__.columns.keys()) - {"id", "text_repairs"}
    assert set(row) == columns
    assert isinstance(series[0], CatalogueRecord)
    assert row["provider"] == "hardcover"


# --- secrets -------------------------------------------------------------------------------------


async def test_no_secret_in_logs_errors_or_status(stubs: Stubs, settings, caplog, capfd) -> None:
    caplog.set_level(logging.DEBUG)
    messages: list[str] = []
    stubs.google.fault("503", "/volumes", times=10)
    stubs.hardcover.fault("503", "/v1/graphql", times=10)
    async with providers_for(settings) as p:
        for spec in SPECS[::2]:
            try:
                await spec.call(p)
            except ProviderError as error:
                messages.append(str(error))
        statuses = p.status()
    assert len(messages) == 2
    assert_no_secret(caplog.text, messages, statuses, capfd.readouterr())
    # The secrets did reach the stubs, as headers.
    assert stubs.google.requests[0].headers["x-goog-api-key"] == GOOGLE_KEY
    assert stubs.hardcover.requests[0].headers["authorization"] == f"Bearer {HARDCOVER_TOKEN}"
