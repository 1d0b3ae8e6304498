"""The MAM part on a fresh install and through outages: genre partitions exist before MAM was
ever asked, MAM off is "skipped, set this", an outage keeps the last good genre list and every
partition, and a configured MAM that fails is a red run naming MAM."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from sqlalchemy.orm import Session

from library_pipeline.defs.mam import assets as mam_assets
from library_pipeline.defs.mam import automation
from library_pipeline.defs.mam import resources as mam_resources
from library_pipeline.defs.resources import LibraryDatabase
from library_pipeline.services.mam import GenresResult, known_genres, saved_genres
from library_pipeline.storage.engine import make_engine
from library_pipeline_tests.support.stubs.mam import MamStub

PARTITIONS = mam_assets.TOP10_PARTITIONS.name
assert PARTITIONS is not None
DEAD = "http://127.0.0.1:9"


def resources(url: str, db_url: str, tmp_path: Path, **kw) -> dict:
    fields = {
        "url": url,
        "mam_id": MamStub.API_COOKIE,
        "min_delay_seconds": 0.0,
        "max_delay_seconds": 0.0,
        "data_dir": str(tmp_path / "data"),
    }
    fields.update(kw)
    return {"mam": mam_resources.MamResource(**fields), "library_db": LibraryDatabase(url=db_url)}


def saved(db_url: str) -> GenresResult | None:
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            return saved_genres(session)
    finally:
        engine.dispose()


def test_the_seed_sensor_gives_a_fresh_install_the_known_genres_once(instance) -> None:
    context = dg.build_sensor_context(instance=instance)
    result = automation.mam_genre_partitions_seed.evaluate_tick(context)
    (request,) = result.dynamic_partitions_requests
    assert request.partitions_def_name == PARTITIONS
    assert list(request.partition_keys) == known_genres()
    assert {"Fantasy", "Science Fiction", "Urban Fantasy"} <= set(request.partition_keys)
    assert automation.mam_genre_partitions_seed.default_status == dg.DefaultSensorStatus.RUNNING

    instance.add_dynamic_partitions(PARTITIONS, ["Solarpunk"])
    again = automation.mam_genre_partitions_seed.evaluate_tick(context)
    assert not again.dynamic_partitions_requests
    assert "1 genre partitions" in again.skip_message


def test_mam_off_is_skipped_green_and_keeps_partitions_and_the_saved_list(
    mam, duckdb_url, tmp_path, instance
) -> None:
    # A first, good refresh: MAM reports a new category.
    mam.add_torrent(id=3001, category=140, catname="Audiobooks - Solarpunk", main_cat=13)
    good = dg.materialize(
        [mam_assets.mam_genres],
        instance=instance,
        resources=resources(mam.url, duckdb_url, tmp_path),
    )
    assert good.success
    before = saved(duckdb_url)
    assert before is not None
    assert "Solarpunk" in before.genre_ids
    requests = len(mam.requests)

    # The cookie is emptied (MAM off): green, the setting named, nothing asked of MAM, the
    # partition MAM reported and the saved list kept.
    off = dg.materialize(
        [mam_assets.mam_genres, mam_assets.top10_lists],
        selection=[mam_assets.mam_genres],
        instance=instance,
        resources=resources(mam.url, duckdb_url, tmp_path, mam_id=""),
    )
    assert off.success
    meta = off.asset_materializations_for_node("mam_genres")[0].metadata
    assert "LIBRARY_PIPELINE_MAM_ID" in meta["skipped"].value
    assert meta["removed_partitions"].value == []
    assert meta["errors"].value == []
    assert meta["source"].value.startswith("saved")
    assert "Solarpunk" in instance.get_dynamic_partitions(PARTITIONS)
    assert saved(duckdb_url) == before
    assert len(mam.requests) == requests

    top = dg.materialize(
        [mam_assets.top10_lists],
        partition_key="Solarpunk",
        instance=instance,
        resources=resources(mam.url, duckdb_url, tmp_path, mam_id=""),
    )
    assert top.success
    top_meta = top.asset_materializations_for_node("top10_lists")[0].metadata
    assert "LIBRARY_PIPELINE_MAM_ID" in top_meta["skipped"].value
    assert len(mam.requests) == requests


def test_an_outage_keeps_everything_and_the_top10_run_is_red_naming_mam(
    mam, duckdb_url, tmp_path, instance
) -> None:
    mam.add_torrent(id=3001, category=140, catname="Audiobooks - Solarpunk", main_cat=13)
    assert dg.materialize(
        [mam_assets.mam_genres],
        instance=instance,
        resources=resources(mam.url, duckdb_url, tmp_path),
    ).success
    before = saved(duckdb_url)
    partitions = set(instance.get_dynamic_partitions(PARTITIONS))

    down = resources(DEAD, duckdb_url, tmp_path)
    genres = dg.materialize([mam_assets.mam_genres], instance=instance, resources=down)
    assert genres.success  # the session check says MAM failed; the list stays as it was
    meta = genres.asset_materializations_for_node("mam_genres")[0].metadata
    assert meta["errors"].value
    assert meta["removed_partitions"].value == []
    assert set(instance.get_dynamic_partitions(PARTITIONS)) == partitions
    assert saved(duckdb_url) == before

    top = dg.materialize(
        [mam_assets.top10_lists],
        partition_key="Fantasy",
        instance=instance,
        resources=down,
        raise_on_error=False,
    )
    assert not top.success
    failure = next(e for e in top.all_events if e.is_step_failure)
    text = str(failure.step_failure_data.user_failure_data.description)
    assert "MAM top-10 failed for Fantasy" in text
    assert MamStub.API_COOKIE not in str(top.all_events)


def test_one_run_covers_a_range_of_genres(mam, duckdb_url, tmp_path, instance) -> None:
    """ "Materialize all" is one run for every genre (single-run backfill policy)."""
    mam.add_torrent(id=4001, title="Dracula", category=43, author_info='{"5": "Bram Stoker"}')
    instance.add_dynamic_partitions(PARTITIONS, ["Fantasy", "Horror"])
    result = dg.materialize(
        [mam_assets.top10_lists, mam_assets.top10_wanted_books],
        instance=instance,
        resources=resources(mam.url, duckdb_url, tmp_path),
        tags={
            "dagster/asset_partition_range_start": "Fantasy",
            "dagster/asset_partition_range_end": "Horror",
        },
    )
    assert result.success
    lists = result.asset_materializations_for_node("top10_lists")
    assert {m.partition for m in lists} == {"Fantasy", "Horror"}
    meta = lists[0].metadata
    assert meta["genre"].value == "Fantasy, Horror"
    assert "Dracula" in meta["preview"].value
    assert mam.count(MamStub.SEARCH) == 2
    wanted = result.asset_materializations_for_node("top10_wanted_books")[0].metadata
    assert "LIBRARY_PIPELINE_MAM_TOP10_QUEUE_GENRES" in wanted["skipped"].value
