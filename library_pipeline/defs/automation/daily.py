"""The daily refresh: library scan, enrichment and gap finding in one run."""

import dagster as dg

from library_pipeline.defs.automation.selections import DAILY_REFRESH_KEYS, keys
from library_pipeline.defs.resources import settings

daily_library_refresh_job = dg.define_asset_job(
    "daily_library_refresh_job",
    selection=keys(DAILY_REFRESH_KEYS),
    description="Library scan, metadata enrichment and gap finding, in dependency order.",
)

daily_library_refresh_schedule = dg.ScheduleDefinition(
    name="daily_library_refresh_schedule",
    job=daily_library_refresh_job,
    cron_schedule=settings().daily_refresh_cron,
    execution_timezone=settings().schedule_timezone,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily: scan the library, enrich metadata, find series and author gaps.",
)
