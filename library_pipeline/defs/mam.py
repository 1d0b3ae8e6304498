"""MyAnonamouse in Dagster: genres, per-genre top-10 lists, wanted top-10 books, guides crawler.

- `mam_genres`: MAM's audiobook genres; keeps the dynamic partitions of `top10_lists` in step
  with them (a genre MAM adds becomes a partition, one it drops is removed).
- `top10_lists` (dynamic partition per genre): the genre's top-10 of the period, stored per
  day in `top10_entries` so trends show.
- `top10_wanted_books` (same partitions): the genre's top-10 books the user neither owns nor
  already wants become `missing_books` rows (reason `top10`), for genres the user opted into
  (`LIBRARY_PIPELINE_MAM_TOP10_QUEUE_GENRES`).
- `mam_guides`: MAM's guides as Markdown files (crawl4ai + Chromium), resumable.
- Weekly schedule (`mam_weekly_schedule`, `LIBRARY_PIPELINE_MAM_TOP10_CRON`) refreshes the genres;
  a sensor then starts one top-10 run per genre. Both skip, saying why, while no MAM cookie is
  set.

Why dynamic partitions: the genre list is MAM's, not ours, and it changes; static partitions
would need a code change (and a redeploy) for every new or renamed category, and would keep
dead genres forever. `mam_genres` is the single place that decides the set.
"""

# Services and clients are imported inside functions so run workers start fast: docs/conventions.md

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import dagster as dg
from sqlalchemy import Engine

from library_pipeline.defs.resources import DB_POOL, LibraryDatabase, setting
from library_pipeline.defs.tables import markdown_table
from library_pipeline.settings import env_name, get_settings

if TYPE_CHECKING:
    from library_pipeline.clients.mam import MamClient

GROUP = "mam"
TOP10_PARTITIONS = dg.DynamicPartitionsDefinition(name="mam_top10_genre")

NO_COOKIE = (
    "MAM session cookie not set ({var}): MAM is off. Create an API-type session on MAM "
    "(Preferences → Security) and set {var} to its mam_id to enable the weekly refresh."
)


def _float(value: str, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


class MamResource(dg.ConfigurableResource):
    """MyAnonamouse access: the user's session cookies and how politely to pace requests.

    Other parts (downloads) use it too:

        async with mam.client(library_db.get_engine()) as client:
            hits = await client.search_text("The Final Empire")
            limits = (await client.user_data()).unsat
    """

    url: str = "https://www.myanonamouse.net"
    mam_id: str = ""
    browser_mam_id: str = ""
    min_delay_seconds: str = "2.0"
    max_delay_seconds: str = "6.0"
    top10_period: str = "week"
    top10_queue_genres: str = ""
    data_dir: str = ".data"

    @property
    def configured(self) -> bool:
        return bool(self.mam_id.strip())

    @property
    def min_delay(self) -> float:
        value = _float(self.min_delay_seconds, 2.0)
        # Only a local stub (tests) may be asked faster than once a second.
        host = urlsplit(self.url).hostname or ""
        return value if host in ("127.0.0.1", "localhost", "::1") else max(1.0, value)

    @property
    def max_delay(self) -> float:
        return max(self.min_delay, _float(self.max_delay_seconds, 6.0))

    @property
    def queue_genres(self) -> list[str]:
        return [g.strip() for g in self.top10_queue_genres.split(",") if g.strip()]

    def wants_queue(self, genre: str) -> bool:
        genres = self.queue_genres
        return "*" in genres or genre.lower() in {g.lower() for g in genres}

    def client(self, engine: Engine | None = None) -> "MamClient":
        """A MAM client; with the library DB's engine, a rotated cookie and the time of the
        last request are kept in `app_state` (so the session survives, and separate runs stay
        spaced)."""
        from library_pipeline.clients.mam import MamClient
        from library_pipeline.services.mam import AppStateCookieStore

        return MamClient(
            self.url,
            self.mam_id,
            cookie_store=AppStateCookieStore(engine) if engine is not None else None,
            min_delay=self.min_delay,
            max_delay=self.max_delay,
        )


def mam_resource() -> MamResource:
    return MamResource(
        url=setting("mam_url"),
        mam_id=setting("mam_id", secret=True),
        browser_mam_id=setting("mam_browser_mam_id", secret=True),
        min_delay_seconds=setting("mam_min_delay_seconds"),
        max_delay_seconds=setting("mam_max_delay_seconds"),
        top10_period=setting("mam_top10_period"),
        top10_queue_genres=setting("mam_top10_queue_genres"),
        data_dir=setting("data_dir"),
    )


# --- assets --------------------------------------------------------------------------------


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    description="MAM's audiobook genres (categories); keeps top10_lists' partitions in step.",
)
async def mam_genres(
    context: dg.AssetExecutionContext, mam: MamResource, library_db: LibraryDatabase
) -> dg.MaterializeResult:
    from library_pipeline.services.mam import get_available_genres, save_genres

    status: dict[str, Any] = {}
    if mam.configured:
        async with mam.client(library_db.get_engine()) as client:
            genres = await get_available_genres(client)
            status = client.status()
    else:
        genres = await get_available_genres(None)
        genres["errors"].append(NO_COOKIE.format(var=env_name("mam_id")) + " Using the known list.")
    with library_db.session() as session:
        save_genres(session, genres)
    name = TOP10_PARTITIONS.name
    assert name is not None
    existing = set(context.instance.get_dynamic_partitions(name))
    added = [g for g in genres["genres"] if g not in existing]
    removed = sorted(existing - set(genres["genres"]))
    if added:
        context.instance.add_dynamic_partitions(name, added)
    for genre in removed:
        context.instance.delete_dynamic_partition(name, genre)
    for error in genres["errors"]:
        context.log.warning(error)
    rows = [{"genre": g, "category id": genres["genre_ids"][g]} for g in genres["genres"]]
    return dg.MaterializeResult(
        metadata={
            "genres": len(genres["genres"]),
            "source": genres["source"],
            "added_partitions": added,
            "removed_partitions": removed,
            "errors": genres["errors"],
            "provider": status,
            "dagster/row_count": len(rows),
            "preview": dg.MetadataValue.md(
                markdown_table(rows, ["genre", "category id"], limit=60)
            ),
        }
    )


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    partitions_def=TOP10_PARTITIONS,
    deps=[mam_genres],
    description="One genre's MAM top-10 (most snatched in the period), stored per day.",
)
async def top10_lists(
    context: dg.AssetExecutionContext, mam: MamResource, library_db: LibraryDatabase
) -> dg.MaterializeResult:
    from library_pipeline.services.mam import scrape_mam_top10

    genre = context.partition_key
    if not mam.configured:
        raise dg.Failure(description=NO_COOKIE.format(var=env_name("mam_id")))
    async with mam.client(library_db.get_engine()) as client:
        with library_db.session() as session:
            result = await scrape_mam_top10(genre, session, client, period=mam.top10_period)
        status = client.status()
        signed_out = client.signed_out
    metadata = {
        "genre": genre,
        "period": result["period"],
        "captured_on": result["captured_on"],
        "books_found": result["books_found"],
        "errors": result["errors"],
        "warnings": result["warnings"],
        "provider": status,
        "dagster/row_count": result["books_found"],
        "preview": dg.MetadataValue.md(
            markdown_table(
                result["books"],
                ["rank", "title", "author", "narrators", "series", "seeders", "snatched", "size"],
            )
        ),
    }
    if signed_out is not None:
        raise dg.Failure(description=str(signed_out), metadata=metadata)
    for error in result["errors"]:
        context.log.warning(error)
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    partitions_def=TOP10_PARTITIONS,
    deps=[top10_lists],
    description="The genre's top-10 books not owned and not yet wanted, added to missing_books "
    "(reason top10) — for the genres in LIBRARY_PIPELINE_MAM_TOP10_QUEUE_GENRES.",
)
async def top10_wanted_books(
    context: dg.AssetExecutionContext, mam: MamResource, library_db: LibraryDatabase
) -> dg.MaterializeResult:
    from library_pipeline.services.mam import queue_top10_downloads

    genre = context.partition_key
    if not mam.wants_queue(genre):
        reason = (
            f"{genre!r} is not in {env_name('mam_top10_queue_genres')} "
            f"(now: {mam.queue_genres or 'empty'}); nothing queued"
        )
        context.log.info(reason)
        return dg.MaterializeResult(
            metadata={"queued_count": 0, "skipped": reason, "dagster/row_count": 0}
        )
    with library_db.session() as session:
        result = await queue_top10_downloads([genre], session, period=mam.top10_period)
    for error in result["errors"]:
        context.log.warning(error)
    return dg.MaterializeResult(
        metadata={
            "genre": genre,
            "total_books_found": result["total_books_found"],
            "queued_count": result["queued_count"],
            "duplicates_skipped": result["duplicates_skipped"],
            "owned_skipped": result["owned_skipped"],
            "errors": result["errors"],
            "dagster/row_count": result["queued_count"],
            "preview": dg.MetadataValue.md(
                markdown_table(result["queued"], ["rank", "title", "authors"])
            ),
        }
    )


class MamGuidesConfig(dg.Config):
    max_guides: int = 0  # 0 = every pending guide
    resume: bool = True
    min_delay: float = 10.0
    max_delay: float = 30.0
    output_dir: str = ""  # default: <data_dir>/mam-guides
    chromium_path: str = ""  # default: chromium on PATH


def _guides_dir(mam: MamResource, config_dir: str) -> Path:
    return Path(config_dir) if config_dir else Path(mam.data_dir) / "mam-guides"


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    description="MAM's guides saved as Markdown (crawl4ai + Chromium); resumes where it stopped.",
)
async def mam_guides(
    context: dg.AssetExecutionContext,
    config: MamGuidesConfig,
    mam: MamResource,
    library_db: LibraryDatabase,
) -> dg.MaterializeResult:
    from library_pipeline.services.guides_crawler import (
        GuidesCrawlerConfig,
        crawl_mam_guides,
        get_crawler_status,
    )

    crawler_config = GuidesCrawlerConfig(
        base_url=mam.url,
        cookie=mam.browser_mam_id,
        output_dir=_guides_dir(mam, config.output_dir),
        work_dir=Path(mam.data_dir) / "crawler",
        max_guides=config.max_guides,
        resume=config.resume,
        min_delay=config.min_delay,
        max_delay=config.max_delay,
        chromium_path=config.chromium_path,
    )
    with library_db.session() as session:
        result = await crawl_mam_guides(session, crawler_config)
        status = get_crawler_status(session)
    metadata = {
        "guides_count": result["guides_count"],
        "pages_fetched": result["pages_fetched"],
        "discovered": result["discovered"],
        "skipped_done": result["skipped_done"],
        "errors": result["errors"],
        "failed_guides": result["failed_guides"],
        "guides_output_dir": dg.MetadataValue.path(result["guides_output_dir"]),
        "completed_count": status["completed_count"],
        "failed_count": status["failed_count"],
        "pending_count": status["pending_count"],
        "dagster/row_count": status["completed_count"],
        "preview": dg.MetadataValue.md(
            markdown_table(result["failed_guides"], ["url", "reason"])
            if result["failed_guides"]
            else f"{status['completed_count']} guides saved in `{result['guides_output_dir']}`"
        ),
    }
    for error in result["errors"]:
        context.log.warning(error)
    if result["errors"] and not result["pages_fetched"]:
        # Nothing could be fetched at all (no cookie, no Chromium, not signed in): say so loudly.
        raise dg.Failure(description="; ".join(result["errors"]), metadata=metadata)
    return dg.MaterializeResult(metadata=metadata)


# --- guides crawler status / reset jobs ----------------------------------------------------


@dg.op(description="The guides crawler's state: done, failed and pending pages, last run.")
def mam_guides_status(context: dg.OpExecutionContext, library_db: LibraryDatabase) -> dict:
    from library_pipeline.services.guides_crawler import get_crawler_status

    with library_db.session() as session:
        status = get_crawler_status(session)
    context.log.info(f"MAM guides crawler: {status}")
    context.add_output_metadata({k: v for k, v in status.items() if v is not None})
    return status


class ResetGuidesConfig(dg.Config):
    delete_output: bool = False  # also delete the saved Markdown files


@dg.op(
    pool=DB_POOL,
    description="Forget the guides crawler's state (the next crawl starts from the index).",
)
def mam_guides_reset(
    context: dg.OpExecutionContext,
    config: ResetGuidesConfig,
    mam: MamResource,
    library_db: LibraryDatabase,
) -> dict:
    from library_pipeline.services.guides_crawler import reset_crawler_state

    with library_db.session() as session:
        result = reset_crawler_state(
            session,
            delete_output=config.delete_output,
            output_dir=_guides_dir(mam, ""),
        )
    context.log.info(f"MAM guides crawler reset: {result}")
    context.add_output_metadata(result)
    return result


@dg.job(description="Show the MAM guides crawler's state.")
def mam_guides_status_job() -> None:
    mam_guides_status()


@dg.job(description="Reset the MAM guides crawler's state.")
def mam_guides_reset_job() -> None:
    mam_guides_reset()


mam_genres_job = dg.define_asset_job("mam_genres_job", selection=[mam_genres])
mam_top10_job = dg.define_asset_job(
    "mam_top10_job",
    selection=[top10_lists, top10_wanted_books],
)
mam_guides_job = dg.define_asset_job("mam_guides_job", selection=[mam_guides])


# --- automation ----------------------------------------------------------------------------


def mam_cookie_set() -> bool:
    """Whether the user set a MAM cookie (read from the environment: no DB, no secret shown)."""
    if os.environ.get(env_name("mam_id"), "").strip():
        return True
    return bool(get_settings().mam_id.get_secret_value().strip())


@dg.schedule(
    job=mam_genres_job,
    cron_schedule=get_settings().mam_top10_cron,
    execution_timezone=get_settings().schedule_timezone,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Weekly: refresh MAM's genres, then (sensor) every genre's top-10. Skipped, "
    "with the reason shown, while no MAM cookie is set.",
)
def mam_weekly_schedule(context: dg.ScheduleEvaluationContext) -> Iterator[Any]:
    if not mam_cookie_set():
        yield dg.SkipReason(NO_COOKIE.format(var=env_name("mam_id")))
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
        yield dg.SkipReason(NO_COOKIE.format(var=env_name("mam_id")))
        return
    name = TOP10_PARTITIONS.name
    assert name is not None
    genres = context.instance.get_dynamic_partitions(name)
    if not genres:
        yield dg.SkipReason("no genre partitions yet: materialise mam_genres first")
        return
    for genre in genres:
        yield dg.RunRequest(run_key=f"top10-{asset_event.run_id}-{genre}", partition_key=genre)


defs = dg.Definitions(
    assets=[mam_genres, top10_lists, top10_wanted_books, mam_guides],
    jobs=[
        mam_genres_job,
        mam_top10_job,
        mam_guides_job,
        mam_guides_status_job,
        mam_guides_reset_job,
    ],
    schedules=[mam_weekly_schedule],
    sensors=[mam_top10_after_genres],
    resources={"mam": mam_resource()},
)
