"""MAM automation: the weekly genres refresh, then one top-10 run per genre partition."""

import os
from collections.abc import Iterator
from typing import Any

import dagster as dg

from library_pipeline.defs.mam.assets import (
    TOP10_PARTITIONS,
    mam_genres,
    mam_genres_job,
    mam_top10_job,
)
from library_pipeline.defs.mam.resources import no_cookie_message
from library_pipeline.defs.resources import settings
from library_pipeline.settings import env_name


def mam_cookie_set() -> bool:
    """Whether the user set a MAM cookie (read from the environment: no DB, no secret shown)."""
    if os.environ.get(env_name("mam_id"), "").strip():
        return True
    return bool(settings().mam_id.get_secret_value().strip())


@dg.schedule(
    job=mam_genres_job,
    cron_schedule=settings().mam_top10_cron,
    execution_timezone=settings().schedule_timezone,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Weekly: refresh MAM's genres, then (sensor) every genre's top-10. Skipped, "
    "with the reason shown, while no MAM cookie is set.",
)
def mam_weekly_schedule(context: dg.ScheduleEvaluationContext) -> Iterator[Any]:
    if not mam_cookie_set():
        yield dg.SkipReason(no_cookie_message())
        return
    yield dg.RunRequest(run_key=f"mam-genres-{context.scheduled_execution_time:%Y-%m-%d}")


@dg.asset_sensor(
    asset_key=mam_genres.key,
    job=mam_top10_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="After the genres refresh: one top-10 run per genre partition.",
)
def mam_top10_after_genres(
    context: dg.SensorEvaluationContext, asset_event: dg.EventLogEntry
) -> Iterator[Any]:
    if not mam_cookie_set():
        yield dg.SkipReason(no_cookie_message())
        return
    name = TOP10_PARTITIONS.name
    assert name is not None
    genres = context.instance.get_dynamic_partitions(name)
    if not genres:
        yield dg.SkipReason("no genre partitions yet: materialise mam_genres first")
        return
    for genre in genres:
        yield dg.RunRequest(run_key=f"top10-{asset_event.run_id}-{genre}", partition_key=genre)


@dg.sensor(
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="On a fresh install, gives top10_lists and top10_wanted_books their genre "
    "partitions (MAM's published audiobook genres), so 'Materialize all' can start before MAM "
    "was ever asked; from then on mam_genres keeps them in step with MAM.",
)
def mam_genre_partitions_seed(context: dg.SensorEvaluationContext) -> Any:
    from library_pipeline.services.mam import known_genres

    name = TOP10_PARTITIONS.name
    assert name is not None
    existing = context.instance.get_dynamic_partitions(name)
    if existing:
        return dg.SkipReason(f"{len(existing)} genre partitions: mam_genres keeps them in step")
    return dg.SensorResult(
        dynamic_partitions_requests=[TOP10_PARTITIONS.build_add_request(known_genres())]
    )
