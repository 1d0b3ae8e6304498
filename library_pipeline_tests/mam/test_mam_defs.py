"""The MAM part in real Dagster: assets, dynamic genre partitions, schedule, sensor, jobs."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.defs.mam import assets as mam_assets
from library_pipeline.defs.mam import automation, guides
from library_pipeline.defs.mam import checks as mam_checks
from library_pipeline.defs.mam import resources as mam_resources
from library_pipeline.defs.resources import LibraryDatabase
from library_pipeline.settings import Settings
from library_pipeline.storage.engine import make_engine
from library_pipeline.storage.models import MissingBookRow, Top10Entry
from library_pipeline_tests.support.stubs.mam import MamStub

PARTITIONS = mam_assets.TOP10_PARTITIONS.name


def resources(mam: MamStub, db_url: str, tmp_path: Path, **kw) -> dict:
    fields = {
        "url": mam.url,
        "mam_id": MamStub.API_COOKIE,
        "browser_mam_id": MamStub.BROWSER_COOKIE,
        "min_delay_seconds": 0.0,
        "max_delay_seconds": 0.0,
        "top10_queue_genres": ["Fantasy"],
        "data_dir": str(tmp_path / "data"),
    }
    fields.update(kw)
    return {"mam": mam_resources.MamResource(**fields), "library_db": LibraryDatabase(url=db_url)}


def test_genres_feed_partitions_and_top10_runs_per_genre(
    mam, duckdb_url, tmp_path, instance, monkeypatch
):
    mam.add_torrent(id=3001, category=140, catname="Audiobooks - Solarpunk", main_cat=13)
    instance.add_dynamic_partitions(PARTITIONS, ["A Genre MAM Dropped"])
    res = resources(mam, duckdb_url, tmp_path)
    genres = dg.materialize([mam_assets.mam_genres], instance=instance, resources=res)
    assert genres.success
    keys = set(instance.get_dynamic_partitions(PARTITIONS))
    assert {"Fantasy", "Urban Fantasy", "Solarpunk"} <= keys
    assert "A Genre MAM Dropped" not in keys
    meta = genres.asset_materializations_for_node("mam_genres")[0].metadata
    assert meta["removed_partitions"].value == ["A Genre MAM Dropped"]
    assert meta["source"].value == "mam"
    assert meta["dagster/row_count"].value == 36

    assets = [mam_assets.mam_genres, mam_assets.top10_lists, mam_assets.top10_wanted_books]
    result = dg.materialize(
        assets,
        selection=[mam_assets.top10_lists, mam_assets.top10_wanted_books],
        partition_key="Fantasy",
        instance=instance,
        resources=res,
    )
    assert result.success
    top = result.asset_materializations_for_node("top10_lists")[0].metadata
    assert top["books_found"].value == 1
    assert top["errors"].value == []
    assert "The Final Empire" in top["preview"].value
    assert MamStub.API_COOKIE not in str(top)
    wanted = result.asset_materializations_for_node("top10_wanted_books")[0].metadata
    assert wanted["queued_count"].value == 1
    engine = make_engine(duckdb_url)
    with Session(engine) as session:
        assert session.scalar(select(Top10Entry.title)) == "The Final Empire"
        book = session.scalar(select(MissingBookRow))
        assert book.reasons == ["top10"]
        assert book.discovery_source == "top10"

    # A genre the user did not opt into: the list is stored, nothing is queued.
    mam.add_torrent(id=4001, title="Dracula", category=43, author_info='{"5": "Bram Stoker"}')
    other = dg.materialize(
        assets,
        selection=[mam_assets.top10_lists, mam_assets.top10_wanted_books],
        partition_key="Horror",
        instance=instance,
        resources=res,
    )
    assert other.success
    skipped = other.asset_materializations_for_node("top10_wanted_books")[0].metadata
    assert skipped["queued_count"].value == 0
    assert "not in" in skipped["skipped"].value
    with Session(engine) as session:
        assert session.query(MissingBookRow).count() == 1
        assert session.query(Top10Entry).count() == 2
    engine.dispose()

    # The sensor turns the genres refresh into one top-10 run per genre (cookie set)...
    context = dg.build_sensor_context(instance=instance)
    data = automation.mam_top10_after_genres.evaluate_tick(context)
    assert not data.run_requests
    assert "LIBRARY_PIPELINE_MAM_ID" in data.skip_message
    monkeypatch.setenv("LIBRARY_PIPELINE_MAM_ID", "set")
    definitions = dg.Definitions.merge(
        dg.Definitions(
            assets=[mam_assets.mam_genres, mam_assets.top10_lists, mam_assets.top10_wanted_books],
            jobs=[mam_assets.mam_top10_job],
            sensors=[automation.mam_top10_after_genres],
        ),
        dg.Definitions(resources=res),
    )
    context = dg.build_sensor_context(instance=instance, definitions=definitions)
    with dg.partition_loading_context(dynamic_partitions_store=instance):
        data = automation.mam_top10_after_genres.evaluate_tick(context)
    assert {r.partition_key for r in data.run_requests} == set(
        instance.get_dynamic_partitions(PARTITIONS)
    )


def test_expired_cookie_fails_top10_run_with_the_fix(mam, duckdb_url, tmp_path, instance):
    instance.add_dynamic_partitions(PARTITIONS, ["Fantasy"])
    res = resources(mam, duckdb_url, tmp_path, mam_id="expired-cookie-000")
    result = dg.materialize(
        [mam_assets.top10_lists],
        partition_key="Fantasy",
        instance=instance,
        resources=res,
        raise_on_error=False,
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    text = str(failure.step_failure_data.user_failure_data.description)
    assert "not signed in" in text
    assert "LIBRARY_PIPELINE_MAM_ID" in text
    assert "expired-cookie-000" not in str(result.all_events)
    assert mam.count(MamStub.SEARCH) == 1


def test_schedule_is_off_until_a_cookie_is_set(monkeypatch) -> None:
    monkeypatch.delenv("LIBRARY_PIPELINE_MAM_ID", raising=False)
    monkeypatch.setattr(automation, "settings", lambda: Settings(_env_file=None))
    when = datetime(2026, 11, 30, 5, tzinfo=UTC)
    context = dg.build_schedule_context(scheduled_execution_time=when)
    data = automation.mam_weekly_schedule.evaluate_tick(context)
    assert not data.run_requests
    assert "LIBRARY_PIPELINE_MAM_ID" in data.skip_message
    assert "not set" in data.skip_message
    monkeypatch.setenv("LIBRARY_PIPELINE_MAM_ID", "some-cookie")
    data = automation.mam_weekly_schedule.evaluate_tick(context)
    assert [r.run_key for r in data.run_requests] == ["mam-genres-2026-11-30"]
    assert automation.mam_weekly_schedule.cron_schedule == "0 5 * * 1"
    assert automation.mam_weekly_schedule.default_status == dg.DefaultScheduleStatus.RUNNING


@pytest.mark.slow
@pytest.mark.skipif(
    not shutil.which("chromium"), reason="Chromium missing: apt-get install chromium"
)
def test_guides_asset_and_status_reset_jobs(mam, duckdb_url, tmp_path, instance) -> None:
    res = resources(mam, duckdb_url, tmp_path)
    config = dg.RunConfig(
        ops={"mam_guides": guides.MamGuidesConfig(max_guides=2, min_delay=0.1, max_delay=0.2)}
    )
    result = dg.materialize(
        [guides.mam_guides], instance=instance, resources=res, run_config=config
    )
    assert result.success
    meta = result.asset_materializations_for_node("mam_guides")[0].metadata
    assert meta["guides_count"].value == 2
    assert meta["pending_count"].value == 4
    assert Path(meta["guides_output_dir"].value) == tmp_path / "data" / "mam-guides"
    assert len(list((tmp_path / "data" / "mam-guides").iterdir())) == 2

    status = guides.mam_guides_status_job.execute_in_process(resources=res, instance=instance)
    assert status.output_for_node("mam_guides_status")["completed_count"] == 2
    reset = guides.mam_guides_reset_job.execute_in_process(resources=res, instance=instance)
    assert reset.output_for_node("mam_guides_reset")["deleted_pages"] == 6
    status = guides.mam_guides_status_job.execute_in_process(resources=res, instance=instance)
    assert status.output_for_node("mam_guides_status")["pending_count"] == 0

    # No browser cookie: the crawler is off; the run is green and says which setting turns it
    # on, and nothing is requested.
    requests = len(mam.requests)
    skipped = dg.materialize(
        [guides.mam_guides],
        instance=instance,
        resources=resources(mam, duckdb_url, tmp_path, browser_mam_id=""),
    )
    assert skipped.success
    note = skipped.asset_materializations_for_node("mam_guides")[0].metadata["skipped"].value
    assert "LIBRARY_PIPELINE_MAM_BROWSER_MAM_ID" in note
    assert len(mam.requests) == requests


def test_a_browser_session_cookie_fails_the_session_check_saying_what_to_create(
    mam, duckdb_url, tmp_path, instance
) -> None:
    res = resources(mam, duckdb_url, tmp_path, mam_id=MamStub.BROWSER_COOKIE)
    result = dg.materialize(
        [mam_assets.mam_genres, mam_checks.mam_session_accepted],
        instance=instance,
        resources=res,
    )
    assert result.success  # the genres fall back to the known list; the check says why
    genres = result.asset_materializations_for_node("mam_genres")[0].metadata
    assert any("API-type session" in e for e in genres["errors"].value)
    (check,) = result.get_asset_check_evaluations()
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.ERROR
    assert "Request not via correct session type" in (check.description or "")
    assert "API-type session" in (check.description or "")
    assert MamStub.BROWSER_COOKIE not in str(result.all_events)
    # The right cookie passes.
    good = dg.materialize(
        [mam_assets.mam_genres, mam_checks.mam_session_accepted],
        instance=instance,
        resources=resources(mam, duckdb_url, tmp_path / "good"),
    )
    assert good.get_asset_check_evaluations()[0].passed
