"""MAM answers that refuse: a JSON "not signed in" is a sign-out like the HTML page, and every
search error counts in the provider status (issue 21). Against the stub MAM."""

from __future__ import annotations

import pytest

from library_pipeline.clients.mam import MamClient, MamNotSignedIn, MamSearchError
from library_pipeline.domain.mam_results import MamSearch
from library_pipeline_tests.support.stub_server import StubResponse
from library_pipeline_tests.support.stubs.mam import MamStub


def client(mam: MamStub) -> MamClient:
    return MamClient(mam.url, MamStub.API_COOKIE, min_delay=0, max_delay=0)


@pytest.mark.parametrize("status", [200, 403])
@pytest.mark.parametrize(
    "body",
    [
        {"error": "Error, you are not signed in"},
        {"error": "You are not signed in"},
        {"msg": "Error, you are not signed in"},
    ],
)
async def test_a_json_not_signed_in_is_a_sign_out(mam, status: int, body: dict) -> None:
    mam.inject("loadSearchJSONbasic", StubResponse(status, body), times=5)
    async with client(mam) as mam_client:
        with pytest.raises(MamNotSignedIn):
            await mam_client.search(MamSearch(text="x"))
        sent = len(mam.requests)
        with pytest.raises(MamNotSignedIn):  # and later calls fail fast, nothing sent
            await mam_client.search(MamSearch(text="y"))
        assert len(mam.requests) == sent
        status_now = mam_client.status()
    assert status_now["signed_in"] is False
    assert status_now["failures"] >= 1


async def test_a_search_error_counts_in_the_provider_status(mam) -> None:
    mam.inject("loadSearchJSONbasic", StubResponse(200, {"error": "Search is disabled"}))
    async with client(mam) as mam_client:
        with pytest.raises(MamSearchError):
            await mam_client.search(MamSearch(text="x"))
        status = mam_client.status()
    assert status["failures"] == 1
    assert "Search is disabled" in status["last_error"]


async def test_a_malformed_search_counts_in_the_provider_status(mam) -> None:
    mam.inject("loadSearchJSONbasic", StubResponse(200, {"data": "not a list"}))
    async with client(mam) as mam_client:
        with pytest.raises(Exception):  # noqa: B017, PT011 - MalformedResponse
            await mam_client.search(MamSearch(text="x"))
        assert mam_client.status()["failures"] == 1
