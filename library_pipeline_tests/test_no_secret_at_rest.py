"""The grep test of issue 21: run the pipeline's assets in real Dagster, with a persistent
instance, against the stubs, with marker secrets in the secret settings, then look for the
markers in everything the run left behind: captured logs and output, the instance's run and
event storage (its files), asset metadata, the HTTP cache and the library DB."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from sqlalchemy import text

from library_pipeline.defs.enrichment.assets import enriched_metadata
from library_pipeline.defs.mam import assets as mam_assets
from library_pipeline.defs.mam import resources as mam_resources
from library_pipeline.defs.resources import LibraryDatabase
from library_pipeline.settings import env_name, get_settings
from library_pipeline.storage.engine import make_engine
from library_pipeline_tests.enrichment.conftest import (
    GOOGLE_KEY,
    HARDCOVER_TOKEN,
    Stubs,
    add_books,
)
from library_pipeline_tests.enrichment.test_defs import resources as enrichment_resources
from library_pipeline_tests.enrichment.test_service import CHILDREN, GALAXY, KINGS
from library_pipeline_tests.support.stubs.audnexus import AudnexusStub
from library_pipeline_tests.support.stubs.google_books import GoogleBooksStub
from library_pipeline_tests.support.stubs.hardcover import HardcoverStub
from library_pipeline_tests.support.stubs.mam import MamStub
from library_pipeline_tests.support.stubs.open_library import OpenLibraryStub

# The stubs only answer their own credentials: these are the markers.
MARKERS = (GOOGLE_KEY, HARDCOVER_TOKEN, MamStub.API_COOKIE, MamStub.BROWSER_COOKIE)


@pytest.fixture
def stubs() -> Iterator[Stubs]:
    with (
        GoogleBooksStub(api_key=GOOGLE_KEY) as google,
        OpenLibraryStub() as library,
        HardcoverStub(token=HARDCOVER_TOKEN) as hardcover,
        AudnexusStub() as audnexus,
    ):
        yield Stubs(google, library, hardcover, audnexus)


@pytest.fixture
def mam():
    with MamStub() as stub:
        yield stub


def files_holding(root: Path, markers: tuple[str, ...]) -> list[str]:
    """Every file under `root` whose bytes contain a marker (as UTF-8)."""
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path}: {m}" for m in markers if m.encode() in data]
    return found


def database_rows_holding(db_url: str, markers: tuple[str, ...]) -> list[str]:
    """Every row of every table holding a marker, but the MAM session cookie record (the
    rotated `mam_id` is kept there by design: README, Security)."""
    engine = make_engine(db_url)
    found = []
    with engine.connect() as conn:
        tables = conn.execute(text("SELECT table_name FROM information_schema.tables")).scalars()
        for table in list(tables):
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                if table == "app_state" and "mam" in str(row[0]):
                    continue
                found += [f"{table}: {m}" for m in markers if m in repr(tuple(row))]
    engine.dispose()
    return found


@pytest.mark.slow  # a Dagster instance with its storage on disk
def test_no_marker_secret_rests_anywhere(
    stubs: Stubs, mam: MamStub, duckdb_url: str, tmp_path: Path, monkeypatch, caplog, capfd
) -> None:
    data_dir = tmp_path / "data"
    monkeypatch.setenv(env_name("data_dir"), str(data_dir))
    for provider in ("google_books", "open_library", "hardcover", "audnexus"):
        monkeypatch.setenv(env_name(f"{provider}_requests_per_minute"), "60000")
    get_settings.cache_clear()
    caplog.set_level(logging.DEBUG)
    engine = make_engine(duckdb_url)
    add_books(engine, CHILDREN, GALAXY, KINGS)
    engine.dispose()
    home = tmp_path / "dagster_home"
    home.mkdir()
    results: list[Any] = []
    try:
        with dg.instance_for_test(temp_dir=str(home)) as instance:
            results.append(
                dg.materialize(
                    [enriched_metadata],
                    instance=instance,
                    resources=enrichment_resources(stubs, duckdb_url),
                )
            )
            mam_res = {
                "mam": mam_resources.MamResource(
                    url=mam.url,
                    mam_id=MamStub.API_COOKIE,
                    browser_mam_id=MamStub.BROWSER_COOKIE,
                    min_delay_seconds=0.0,
                    max_delay_seconds=0.0,
                    top10_queue_genres=["Fantasy"],
                    data_dir=str(data_dir),
                ),
                "library_db": LibraryDatabase(url=duckdb_url),
            }
            results.append(
                dg.materialize([mam_assets.mam_genres], instance=instance, resources=mam_res)
            )
            assets = [mam_assets.mam_genres, mam_assets.top10_lists, mam_assets.top10_wanted_books]
            results.append(
                dg.materialize(
                    assets,
                    selection=[mam_assets.top10_lists, mam_assets.top10_wanted_books],
                    partition_key="Fantasy",
                    instance=instance,
                    resources=mam_res,
                )
            )
            events = "\n".join(repr(e) for r in results for e in r.all_events)
    finally:
        get_settings.cache_clear()
    assert all(r.success for r in results)
    assert mam.requests, "the MAM assets reached the stub"
    assert stubs.google.requests, "Google Books was called with its key"
    assert stubs.hardcover.requests, "Hardcover was called with its token"
    out = capfd.readouterr()
    leaks = [
        *(f"run events: {m}" for m in MARKERS if m in events),
        *(f"captured log: {m}" for m in MARKERS if m in caplog.text),
        *(f"stdout/stderr: {m}" for m in MARKERS if m in out.out + out.err),
        *files_holding(home, MARKERS),
        *files_holding(data_dir, MARKERS),
        *database_rows_holding(duckdb_url, MARKERS),
    ]
    assert (data_dir / "http-cache").is_dir(), "the HTTP cache was used"
    assert leaks == []
