"""The import job (launched by the completion sensor) and its hourly catch-up schedule."""

import dagster as dg

from library_pipeline.defs.imports.sensors import IMPORT_JOB
from library_pipeline.defs.resources import settings

import_job = dg.define_asset_job(
    IMPORT_JOB,
    selection=dg.AssetSelection.assets("imported_books"),
    description="Import finished downloads (launched by the completion sensor, one run per "
    "torrent; with no infohashes, every finished torrent of the category).",
)

import_catchup_schedule = dg.ScheduleDefinition(
    name="import_catchup_schedule",
    job=import_job,
    cron_schedule=settings().import_catchup_cron,
    execution_timezone=settings().schedule_timezone,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    run_config={"ops": {"imported_books": {"config": {"infohashes": []}}}},
    description="Imports finished torrents a sensor tick missed (e.g. qBittorrent was down "
    "during the run) and retries a pending Audiobookshelf scan.",
)
