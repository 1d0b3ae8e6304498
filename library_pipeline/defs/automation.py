"""The pipeline's clock and reflexes: schedules for the roots, declarative automation downstream.

- `daily_library_refresh_schedule` (`daily_refresh_cron`, running by default): one run of the
  library scan, enrichment and gap finding (`library_books`, `enriched_metadata`,
  `gap_catalogue`, `series_gaps`, `author_gaps`), in dependency order.
- The weekly MAM genres / top-10 refresh is the MAM part's `mam_weekly_schedule`
  (`mam_top10_cron`); it is not repeated here.
- Declarative automation (sensors running by default, evaluated in the code server):
  - `library_automation_sensor`: `enriched_metadata`, `gap_catalogue`, `series_gaps`,
    `author_gaps` follow their upstream assets with `AutomationCondition.eager()` (a library
    scan started by hand is followed by enrichment and gap finding);
  - `downloads_automation_sensor`: `download_requests` runs whenever the wanted books change
    (`series_gaps`, `author_gaps`, `top10_wanted_books`): eager, except that it does not wait
    for every upstream (e.g. every top-10 genre partition) to have been materialized;
  - `automation_condition_sensor`: every other asset, evaluating whatever condition its owner
    puts on it (none here).
  An asset that declares its own `automation_condition` keeps it: the defaults below apply
  only to assets that have none.
- Every asset that writes the library DB runs in the `library_db` pool (the owners' assets
  and `imported_books` declare `pool=DB_POOL`), so runs started by schedules, sensors and
  automation never collide on DuckDB's single-writer lock.

Other parts own these assets, so they are selected by key, tolerantly: a key that is not
defined (yet) is simply not selected, instead of breaking the code location.
"""

import warnings
from collections.abc import Sequence

import dagster as dg

from library_pipeline.settings import get_settings

DAILY_REFRESH_KEYS = (
    "library_books",
    "enriched_metadata",
    "gap_catalogue",
    "series_gaps",
    "author_gaps",
)
FOLLOW_UPSTREAM_KEYS = ("enriched_metadata", "gap_catalogue", "series_gaps", "author_gaps")
DOWNLOAD_KEYS = ("download_requests",)
SENSOR_DRIVEN_KEYS = ("imported_books",)  # launched by the completion sensor, not automation


def keys(names: Sequence[str]) -> dg.AssetSelection:
    """The materializable assets with these keys (unlike `AssetSelection.keys`, a key that no
    part defines, or that is only named as a dependency, is skipped rather than an error)."""
    selection = dg.AssetSelection.from_string(" or ".join(f'key:"{name}"' for name in names))
    return selection.materializable()


# Eager, but not waiting for every upstream partition: `download_requests` reads the wanted
# books of whichever sources exist (top-10 genres may never all be materialized).
DOWNLOADS_CONDITION = dg.AutomationCondition.eager().without(
    ~dg.AutomationCondition.any_deps_missing()
)

daily_library_refresh_job = dg.define_asset_job(
    "daily_library_refresh_job",
    selection=keys(DAILY_REFRESH_KEYS),
    description="Library scan, metadata enrichment and gap finding, in dependency order.",
)

daily_library_refresh_schedule = dg.ScheduleDefinition(
    name="daily_library_refresh_schedule",
    job=daily_library_refresh_job,
    cron_schedule=get_settings().daily_refresh_cron,
    execution_timezone=get_settings().schedule_timezone,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily: scan the library, enrich metadata, find series and author gaps.",
)

# `default_condition` (applied to targeted assets without a condition of their own) needs
# `use_user_code_server`; both are beta in Dagster 1.13.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.BetaWarning)
    library_automation_sensor = dg.AutomationConditionSensorDefinition(
        "library_automation_sensor",
        target=keys(FOLLOW_UPSTREAM_KEYS),
        default_condition=dg.AutomationCondition.eager(),
        use_user_code_server=True,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Enrichment and gap finding follow their upstream assets (eager).",
    )

    downloads_automation_sensor = dg.AutomationConditionSensorDefinition(
        "downloads_automation_sensor",
        target=keys(DOWNLOAD_KEYS),
        default_condition=DOWNLOADS_CONDITION,
        use_user_code_server=True,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Wanted books are searched and grabbed as soon as they change.",
    )

automation_condition_sensor = dg.AutomationConditionSensorDefinition(
    "automation_condition_sensor",
    target=dg.AssetSelection.all()
    - keys(FOLLOW_UPSTREAM_KEYS + DOWNLOAD_KEYS + SENSOR_DRIVEN_KEYS),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Evaluates the automation conditions the other assets declare themselves.",
)

defs = dg.Definitions(
    jobs=[daily_library_refresh_job],
    schedules=[daily_library_refresh_schedule],
    sensors=[library_automation_sensor, downloads_automation_sensor, automation_condition_sensor],
)
