"""The `enriched_metadata` asset and the one-book / revert jobs, materialized for real by Dagster
against the provider stubs — with a refused key, whose value must appear nowhere."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import dagster as dg
import pytest
from sqlalchemy import select

from library_pipeline.defs.enrichment.assets import HEALTH_CHECK, enriched_metadata
from library_pipeline.defs.enrichment.jobs import correct_book_job, revert_enrichment_run_job
from library_pipeline.defs.enrichment.resources import MetadataProvidersResource
from library_pipeline.defs.resources import LibraryDatabase
from library_pipeline.settings import env_name, get_settings
from library_pipeline.storage.engine import make_engine, session_scope
from library_pipeline.storage.models import Book, MetadataCorrection
from library_pipeline_tests.enrichment.conftest import (
    GOOGLE_KEY,
    HARDCOVER_TOKEN,
    Stubs,
    add_books,
)
from library_pipeline_tests.enrichment.test_service import CHILDREN, GALAXY, KINGS

WRONG_KEY = "AIzaSy-refused-key-4242"


@pytest.fixture
def fast_settings(monkeypatch, tmp_path) -> Iterator[None]:
    """Rate limits scaled up and the cache in tmp, through the environment as in production."""
    for provider in ("google_books", "open_library", "hardcover", "audnexus"):
        monkeypatch.setenv(env_name(f"{provider}_requests_per_minute"), "60000")
    monkeypatch.setenv(env_name("metadata_global_requests_per_minute"), "600000")
    monkeypatch.setenv(env_name("data_dir"), str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def resources(stubs: Stubs, db_url: str, google_key: str = GOOGLE_KEY) -> dict[str, Any]:
    return {
        "library_db": LibraryDatabase(url=db_url),
        "metadata_providers": MetadataProvidersResource(
            google_books_url=stubs.google.base_url,
            google_books_api_key=google_key,
            open_library_url=stubs.library.url,
            hardcover_url=stubs.hardcover.base_url,
            hardcover_token=HARDCOVER_TOKEN,
            audnexus_url=stubs.audnexus.url,
        ),
    }


def all_text(result: Any) -> str:
    events = result.all_events if hasattr(result, "all_events") else []
    return "\n".join(repr(e) for e in events)


def test_asset_materializes_with_metadata_and_health(
    stubs: Stubs, duckdb_url: str, fast_settings, caplog, capfd
) -> None:
    caplog.set_level(logging.DEBUG)
    engine = make_engine(duckdb_url)
    add_books(engine, CHILDREN, GALAXY, KINGS)
    result = dg.materialize(
        [enriched_metadata],
        resources=resources(stubs, duckdb_url, google_key=WRONG_KEY),
        run_config={"ops": {"enriched_metadata": {"config": {"batch_size": 1}}}},
    )
    assert result.success
    (materialization,) = result.asset_materializations_for_node("enriched_metadata")
    meta = {k: v.value if hasattr(v, "value") else v for k, v in materialization.metadata.items()}
    assert (meta["total_processed"], meta["succeeded"], meta["failed"]) == (3, 3, 0)
    assert meta["dagster/row_count"] == 3
    assert meta["total_fields_updated"] == 9 + 10  # Galaxy's Edge and The Way of Kings
    assert meta["average_completeness_after"] > meta["average_completeness_before"]
    status = meta["provider_status"]
    assert status["google_books"]["circuit_open"] is True
    assert "API key not valid" in status["google_books"]["last_error"]
    assert status["audnexus"]["failures"] == 0
    assert meta["result"]["run_id"] == result.run_id == meta["enrichment_run_id"]
    assert meta["result"]["succeeded"] == 3
    preview = meta["preview"].splitlines()
    assert preview[0] == "| book_id | title | fields | sources | completeness |"
    assert any("Galaxy's Edge" in line and "audnexus (" in line for line in preview[2:])
    (check,) = result.get_asset_check_evaluations()
    assert check.check_name == HEALTH_CHECK
    assert not check.passed

    with session_scope(engine) as session:
        runs = set(session.scalars(select(MetadataCorrection.run_id)))
    assert runs == {result.run_id}
    engine.dispose()

    text = repr(materialization.metadata) + all_text(result) + caplog.text
    out = capfd.readouterr()
    for secret in (WRONG_KEY, HARDCOVER_TOKEN):
        assert secret not in text
        assert secret not in out.out
        assert secret not in out.err


def test_correct_one_book_job_then_revert_it(stubs: Stubs, duckdb_url: str, fast_settings) -> None:
    engine = make_engine(duckdb_url)
    (book_id,) = add_books(engine, KINGS)
    run = correct_book_job.execute_in_process(
        run_config={
            "ops": {"correct_book": {"config": {"book_id": book_id, "force_refresh": True}}}
        },
        resources=resources(stubs, duckdb_url),
    )
    assert run.success
    output = run.output_for_node("correct_book")
    assert output["status"] == "updated"
    assert output["sources_used"] == ["audnexus"]
    assert "narrators" in output["fields_updated"]
    with session_scope(engine) as session:
        assert session.get(Book, book_id).asin == "B003ZWFO7E"

    undo = revert_enrichment_run_job.execute_in_process(
        run_config={"ops": {"revert_enrichment_run": {"config": {"run_id": run.run_id}}}},
        resources={"library_db": LibraryDatabase(url=duckdb_url)},
    )
    assert undo.success
    assert undo.output_for_node("revert_enrichment_run")["corrections_reverted"] == len(
        output["fields_updated"]
    )
    (undone,) = [e.step_output_data.metadata for e in undo.all_events if e.is_successful_output]
    assert undone["corrections_reverted"].value == len(output["fields_updated"])
    assert (undone["skipped"].value, undone["errors"].value) == ("_none_", [])
    with session_scope(engine) as session:
        book = session.get(Book, book_id)
        assert (book.asin, book.narrators, book.description) == (None, [], KINGS["description"])
    engine.dispose()
