"""Every job's selection and every schedule's and sensor's target, as a snapshot: renaming an
asset or a job changes what runs unattended, so it must change this file too."""

import dagster as dg
import pytest

JOB_ASSETS = {
    "approve_downloads_above_score_job": ["approve_downloads_above_score"],
    "book_decision_job": ["decide_book"],
    "correct_book_job": ["correct_book"],
    "daily_library_refresh_job": [
        "author_gaps",
        "enriched_metadata",
        "gap_catalogue",
        "library_books",
        "series_gaps",
    ],
    "download_requests_job": ["download_requests"],
    "import_job": ["imported_books"],
    "mam_genres_job": ["mam_genres"],
    "mam_guides_job": ["mam_guides"],
    "mam_guides_reset_job": ["mam_guides_reset"],
    "mam_guides_status_job": ["mam_guides_status"],
    "mam_top10_job": ["top10_lists", "top10_wanted_books"],
    "revert_enrichment_run_job": ["revert_enrichment_run"],
    "undo_book_decision_job": ["undo_book_decision"],
}
SCHEDULE_JOBS = {
    "daily_library_refresh_schedule": "daily_library_refresh_job",
    "import_catchup_schedule": "import_job",
    "mam_weekly_schedule": "mam_genres_job",
}
AUTOMATION_TARGETS = {
    "automation_condition_sensor": [
        "approved_downloads",
        "book_decisions",
        "download_review",
        "library_books",
        "mam_genres",
        "mam_guides",
        "top10_lists",
        "top10_wanted_books",
    ],
    "downloads_automation_sensor": ["download_requests"],
    "library_automation_sensor": [
        "author_gaps",
        "enriched_metadata",
        "gap_catalogue",
        "series_gaps",
    ],
}
SENSOR_JOBS = {
    "mam_genre_partitions_seed": [],  # adds the genre partitions on a fresh install, no runs
    "mam_top10_after_genres": ["mam_top10_job"],
    "qbittorrent_completion_sensor": ["import_job"],
}


@pytest.fixture(scope="module")
def repo() -> dg.RepositoryDefinition:
    from library_pipeline.definitions import defs

    return defs.get_repository_def()


def _names(keys: object) -> list[str]:
    return sorted(key.to_user_string() for key in keys)  # type: ignore[attr-defined]


def test_every_job_selects_what_the_snapshot_says(repo: dg.RepositoryDefinition) -> None:
    jobs = {job.name: job for job in repo.get_all_jobs() if not job.name.startswith("__")}
    got = {
        name: _names(job.asset_layer.executable_asset_keys) or sorted(job.graph.node_dict)
        for name, job in jobs.items()
    }
    assert got == JOB_ASSETS


def test_every_schedule_targets_the_snapshot_job(repo: dg.RepositoryDefinition) -> None:
    assert {s.name: s.job_name for s in repo.schedule_defs} == SCHEDULE_JOBS


def test_every_sensor_targets_the_snapshot_assets_or_jobs(repo: dg.RepositoryDefinition) -> None:
    automation = {
        sensor.name: _names(sensor.asset_selection.resolve(repo.asset_graph))
        for sensor in repo.sensor_defs
        if isinstance(sensor, dg.AutomationConditionSensorDefinition)
    }
    others = {
        sensor.name: sorted(target.job_name for target in sensor.targets)
        for sensor in repo.sensor_defs
        if not isinstance(sensor, dg.AutomationConditionSensorDefinition)
    }
    assert automation == AUTOMATION_TARGETS
    assert others == SENSOR_JOBS


def test_a_selection_naming_an_undefined_asset_fails_loudly() -> None:
    from library_pipeline.defs.automation.selections import keys

    @dg.asset
    def present() -> None: ...

    graph = dg.Definitions(assets=[present]).get_repository_def().asset_graph
    assert keys(["present"]).resolve(graph) == {dg.AssetKey("present")}
    with pytest.raises(dg.DagsterInvalidSubsetError, match="absent"):
        keys(["present", "absent"]).resolve(graph)


def test_a_job_naming_an_undefined_asset_breaks_the_code_location() -> None:
    from library_pipeline.defs.automation.selections import keys

    @dg.asset
    def present() -> None: ...

    job = dg.define_asset_job("j", selection=keys(["present", "renamed_away"]))
    repository = dg.Definitions(assets=[present], jobs=[job]).get_repository_def()
    with pytest.raises(dg.DagsterInvalidDefinitionError, match="Failed to resolve asset job j"):
        repository.get_all_jobs()
