"""The imports and automation parts in Dagster: what the code location holds, and one
in-process materialization of `imported_books` (real qbittorrent-nox, stub Audiobookshelf)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from library_pipeline.defs.resources import DB_POOL


@pytest.fixture(scope="module")
def repo() -> dg.RepositoryDefinition:
    from library_pipeline.definitions import defs

    return defs.get_repository_def()


def test_import_job_sensor_and_schedules(repo: dg.RepositoryDefinition) -> None:
    job = repo.get_job("import_job")
    assert list(job.graph.node_dict) == ["imported_books"]
    asset = repo.asset_graph.get(dg.AssetKey("imported_books")).assets_def
    assert asset.op.pool == DB_POOL  # runs that touch the DB take the pool
    sensor = repo.get_sensor_def("qbittorrent_completion_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    for name in ("import_catchup_schedule", "daily_library_refresh_schedule"):
        schedule = repo.get_schedule_def(name)
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    daily = repo.get_job("daily_library_refresh_job")
    assert "library_books" in daily.graph.node_dict
    for key in daily.asset_layer.executable_asset_keys:
        pool = repo.asset_graph.get(key).assets_def.op.pool
        assert pool == DB_POOL, f"{key.to_user_string()} writes the DB without the pool"


def test_automation_sensors_run_by_default_and_do_not_overlap(
    repo: dg.RepositoryDefinition,
) -> None:
    sensors = [s for s in repo.sensor_defs if isinstance(s, dg.AutomationConditionSensorDefinition)]
    assert {s.name for s in sensors} >= {
        "library_automation_sensor",
        "downloads_automation_sensor",
        "automation_condition_sensor",
    }
    seen: set[dg.AssetKey] = set()
    for sensor in sensors:
        assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
        targeted = sensor.asset_selection.resolve(repo.asset_graph)
        assert not (targeted & seen), f"{sensor.name} overlaps another automation sensor"
        seen |= targeted
    assert dg.AssetKey("imported_books") not in seen  # the completion sensor drives it
    assert dg.AssetKey("download_requests") in seen


# --- one real materialization ------------------------------------------------------------------


@pytest.fixture
def stack(tmp_path: Path, duckdb_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    from library_pipeline.settings import get_settings
    from library_pipeline_tests.support.audio import ffmpeg_path
    from library_pipeline_tests.support.qbittorrent import find_qbittorrent_nox, qbittorrent_server
    from library_pipeline_tests.support.stubs.audiobookshelf import AudiobookshelfStub

    if find_qbittorrent_nox() is None or ffmpeg_path() is None:
        pytest.skip("needs qbittorrent-nox and ffmpeg")
    library = tmp_path / "library"
    library.mkdir()
    monkeypatch.setenv("LIBRARY_PIPELINE_IMPORT_ROOT", str(library))
    monkeypatch.setenv("LIBRARY_PIPELINE_LIBRARY_ROOTS", str(library))
    for provider in ("GOOGLE_BOOKS", "OPEN_LIBRARY", "HARDCOVER", "AUDNEXUS"):
        monkeypatch.setenv(f"LIBRARY_PIPELINE_{provider}_URL", "http://127.0.0.1:9")
    get_settings.cache_clear()
    with qbittorrent_server(tmp_path / "qbt") as qbt, AudiobookshelfStub() as abs_stub:
        yield {
            "qbt": qbt,
            "abs": abs_stub,
            "library": library,
            "db": duckdb_url,
            "cache": tmp_path / "http-cache",
        }
    get_settings.cache_clear()


@pytest.mark.slow
def test_materialize_imported_books(stack: dict) -> None:
    from library_pipeline.defs.downloads.resources import QBittorrentResource
    from library_pipeline.defs.enrichment.resources import MetadataProvidersResource
    from library_pipeline.defs.imports.assets import imported_books
    from library_pipeline.defs.imports.resources import ImportOptionsResource
    from library_pipeline.defs.library.resources import AudiobookshelfResource
    from library_pipeline.defs.resources import LibraryDatabase
    from library_pipeline_tests.support.audio import make_book
    from library_pipeline_tests.support.qbittorrent import make_torrent
    from library_pipeline_tests.support.stubs.audiobookshelf import AudiobookshelfStub

    qbt = stack["qbt"]
    folder = qbt.save_dir / "Andy Weir - Project Hail Mary"
    make_book(folder, "mp3", title="Project Hail Mary", author="Andy Weir", files=1)
    torrent = make_torrent(folder)
    qbt.api().torrents_add(
        torrent_files=torrent.data, save_path=str(qbt.save_dir), category="library-pipeline"
    )
    qbt.wait_for(torrent.infohash, lambda t: t["progress"] == 1)
    resources = {
        "library_db": LibraryDatabase(url=stack["db"]),
        "qbittorrent": QBittorrentResource(
            url=qbt.url, username=qbt.username, password=qbt.password
        ),
        "audiobookshelf": AudiobookshelfResource(
            url=stack["abs"].url, api_key=AudiobookshelfStub.API_KEY
        ),
        "metadata_providers": MetadataProvidersResource(http_cache_dir=str(stack["cache"])),
        "import_options": ImportOptionsResource(library_root=str(stack["library"])),
    }
    config = {"ops": {"imported_books": {"config": {"infohashes": [torrent.infohash]}}}}
    result = dg.materialize([imported_books], resources=resources, run_config=config)
    assert result.success
    (materialization,) = result.asset_materializations_for_node("imported_books")
    meta = {k: v.value for k, v in materialization.metadata.items()}
    assert meta["completed_downloads"] == 1
    assert meta["imported_count"] == 1
    # the providers are a dead port: correction fails, the import does not
    assert meta["import_error_count"] == 0, meta["errors"]
    assert meta["correction_error_count"] == 1
    assert meta["corrected_count"] == 0
    assert meta["audiobookshelf_scan_pending"] is False
    assert {"corrected_count", "errors", "preview", "providers", "dagster/row_count"} <= set(meta)
    assert (stack["library"] / "Andy Weir/Project Hail Mary/Project Hail Mary.mp3").exists()
    assert stack["abs"].scan_calls == [AudiobookshelfStub.LIBRARY_ID]

    # Audiobookshelf down on a re-run: nothing to import, nothing pending either
    resources["audiobookshelf"] = AudiobookshelfResource(url="http://127.0.0.1:9", api_key="k")
    again = dg.materialize([imported_books], resources=resources, run_config=config)
    meta = {
        k: v.value
        for k, v in again.asset_materializations_for_node("imported_books")[0].metadata.items()
    }
    assert meta["imported_count"] == 0
    assert meta["already_imported"] == 1
    assert meta["audiobookshelf_scan_pending"] is False


# --- declarative automation, evaluated for real ------------------------------------------------


def tick(
    defs: dg.Definitions, name: str, instance: dg.DagsterInstance, cursor: str | None
) -> tuple[set[str], str | None]:
    """One evaluation of an automation sensor: the asset keys it requests, and its cursor."""
    sensor = defs.get_repository_def().get_sensor_def(name)
    with dg.build_sensor_context(instance=instance, definitions=defs, cursor=cursor) as context:
        result = sensor(context)
    requested = {
        key.to_user_string()
        for request in result.run_requests or []
        for key in request.asset_selection or []
    }
    return requested, result.cursor


def test_automation_follows_upstream_and_is_quiet_on_a_fresh_install() -> None:
    from library_pipeline.definitions import defs

    with dg.instance_for_test() as instance:
        library, library_cursor = tick(defs, "library_automation_sensor", instance, None)
        downloads, downloads_cursor = tick(defs, "downloads_automation_sensor", instance, None)
        assert library == set()
        assert downloads == set()

        # a library scan (started by hand, say) → enrichment and gap finding follow, in one run
        instance.report_runless_asset_event(dg.AssetMaterialization("library_books"))
        library, library_cursor = tick(defs, "library_automation_sensor", instance, library_cursor)
        assert library == {"enriched_metadata", "gap_catalogue", "series_gaps", "author_gaps"}

        # new series gaps → downloads follow, though no top-10 genre was ever materialized
        instance.report_runless_asset_event(dg.AssetMaterialization("series_gaps"))
        downloads, downloads_cursor = tick(
            defs, "downloads_automation_sensor", instance, downloads_cursor
        )
        assert downloads == {"download_requests"}
        # handled: the next tick asks for nothing more
        again, _ = tick(defs, "downloads_automation_sensor", instance, downloads_cursor)
        assert again == set()


def test_import_options_resource(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Typed fields; the library root defaults to the import root, else the first library root."""
    from library_pipeline.defs.imports.resources import (
        ImportOptionsResource,
        default_library_root,
    )
    from library_pipeline.settings import get_settings

    monkeypatch.setenv("LIBRARY_PIPELINE_LIBRARY_ROOTS", f"{tmp_path / 'a'},{tmp_path / 'b'}")
    monkeypatch.delenv("LIBRARY_PIPELINE_IMPORT_ROOT", raising=False)
    get_settings.cache_clear()
    try:
        assert default_library_root() == str(tmp_path / "a")
        monkeypatch.setenv("LIBRARY_PIPELINE_IMPORT_ROOT", str(tmp_path / "in"))
        get_settings.cache_clear()
        assert default_library_root() == str(tmp_path / "in")
    finally:
        get_settings.cache_clear()
    resource = ImportOptionsResource(library_root=str(tmp_path / "in"), hardlink=False)
    options = resource.options(category="books", abs_library_id=" lib1 ")
    assert options.library_root == tmp_path / "in"
    assert options.hardlink is False
    assert (options.category, options.abs_library_id) == ("books", "lib1")
    assert ImportOptionsResource(library_root="").options(category="c").library_root is None


def test_import_metadata_shows_the_downloads_not_imported_and_why() -> None:
    """A finished torrent the user decided against is no error: counted and listed apart."""
    from library_pipeline.defs.imports.metadata import import_metadata
    from library_pipeline.services.imports import ImportResult

    reason = "not imported: release marked wrong by tester; left seeding in qBittorrent"
    result = ImportResult(completed_downloads=1)
    result.refused.append({"infohash": "ab" * 20, "name": "Wrong - Release", "reason": reason})
    meta = import_metadata(result)
    assert meta["refused_count"] == 1
    assert meta["error_count"] == 0
    assert "Wrong - Release" in meta["not_imported"].value
    assert "release marked wrong by tester" in meta["not_imported"].value
