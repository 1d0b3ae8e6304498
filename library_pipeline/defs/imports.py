"""Imports in Dagster: the completion sensor, the `imported_books` asset and its job.

- `qbittorrent_completion_sensor` (running by default, every `import_sensor_interval_seconds`):
  one `torrents/info` call filtered by the pipeline's category (`filter=completed`), with the
  client's session cookie kept between ticks, and no database. Each torrent that finished
  (`completion_on` > 0, progress 1) and is not in the cursor yet launches `import_job` with
  `run_key` = its infohash, so a torrent is imported once, even across daemon restarts (Dagster
  keeps run keys in its own storage). qBittorrent unreachable → the tick is skipped with the
  reason, and the next tick tries again.
- `imported_books` (pool `library_db`): `services.importer.import_completed_downloads` for the
  infohashes in its config, or, with none, every finished torrent of the category (the hourly
  catch-up run: picks up anything a tick missed and retries a pending Audiobookshelf scan).
  Metadata: `completed_downloads`, `imported_count`, `corrected_count`, `errors`, the pending
  Audiobookshelf scan, provider health, a table of the books placed.
- `import_catchup_schedule` (running by default, `import_catchup_cron`).

Latency: from a torrent's completion to the Audiobookshelf scan request, the run worker's boot is
most of the time. The asset imports only the importer and the qBittorrent / Audiobookshelf
clients before the scan request; the library rescan and the metadata correction (and their
libraries) are imported by the callbacks, after it.
"""

# Services and clients are imported inside functions so run workers start fast: docs/conventions.md

import json
import threading
from typing import TYPE_CHECKING, Any

import dagster as dg
from sqlalchemy.orm import Session

from library_pipeline.defs.downloads import QBittorrentResource
from library_pipeline.defs.enrichment import MetadataProvidersResource
from library_pipeline.defs.library.resources import AudiobookshelfResource
from library_pipeline.defs.resources import DB_POOL, LibraryDatabase
from library_pipeline.defs.tables import markdown_table
from library_pipeline.settings import get_settings

if TYPE_CHECKING:
    from library_pipeline.clients.providers import Providers
    from library_pipeline.clients.qbittorrent import QBittorrentClient, QbtTorrent

GROUP = "imports"
IMPORT_JOB = "import_job"
INFOHASH_TAG = "library_pipeline/infohash"
CURSOR_VERSION = 1

# --- the sensor --------------------------------------------------------------------------------

_clients: "dict[tuple[str, str, str], QBittorrentClient]" = {}
_clients_lock = threading.Lock()


def _sensor_client(resource: QBittorrentResource) -> "QBittorrentClient":
    """One client per WebUI for the life of the process: its session cookie survives between
    ticks, so a tick is one `torrents/info` request (a login only when the cookie expires)."""
    key = (resource.url, resource.username, resource.password)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = resource.get_client()
        return client


def read_cursor(cursor: str | None) -> set[str]:
    """The infohashes already launched (a JSON cursor; anything unreadable = none)."""
    if not cursor:
        return set()
    try:
        data = json.loads(cursor)
    except ValueError:
        return set()
    if not isinstance(data, dict):
        return set()
    return {str(h).lower() for h in data.get("launched", []) if isinstance(h, str)}


def write_cursor(launched: set[str]) -> str:
    return json.dumps({"v": CURSOR_VERSION, "launched": sorted(launched)}, separators=(",", ":"))


def is_finished(torrent: "QbtTorrent") -> bool:
    return torrent.completion_on > 0 and torrent.progress >= 1.0


def plan_tick(
    torrents: "list[QbtTorrent]", launched: set[str], max_runs: int
) -> "tuple[list[QbtTorrent], set[str]]":
    """(torrents to launch now, the new cursor set) for one tick.

    New = finished and not launched yet, oldest completion first, at most `max_runs` (the rest
    wait for the next tick). The cursor keeps only hashes still listed, so it stays as small as
    the category; a hash that leaves and comes back is still covered by its run key.
    """
    finished = sorted(
        (t for t in torrents if is_finished(t)), key=lambda t: (t.completion_on, t.hash)
    )
    new = [t for t in finished if t.hash.lower() not in launched][: max(1, max_runs)]
    listed = {t.hash.lower() for t in torrents}
    cursor = (launched & listed) | {t.hash.lower() for t in new}
    return new, cursor


def import_run_request(torrent: "QbtTorrent") -> dg.RunRequest:
    infohash = torrent.hash.lower()
    return dg.RunRequest(
        run_key=infohash,
        run_config={"ops": {"imported_books": {"config": {"infohashes": [infohash]}}}},
        tags={INFOHASH_TAG: infohash, "library_pipeline/torrent": torrent.name[:200]},
    )


def sensor_min_interval(interval: int) -> int:
    """The `minimum_interval_seconds` that makes the sensor tick every `interval` seconds.

    The sensor daemon wakes every 5 s and skips a sensor whose last tick began less than its
    minimum interval ago. The tick is recorded a moment after the daemon woke, so with the
    interval itself the next wake-up finds 4.99 s elapsed and skips: a 5 s sensor ticked every
    10 s (measured by bench/import.py). One second of slack keeps the cadence at `interval`.
    """
    return max(1, interval - 1)


@dg.sensor(
    name="qbittorrent_completion_sensor",
    job_name=IMPORT_JOB,
    minimum_interval_seconds=sensor_min_interval(get_settings().import_sensor_interval_seconds),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Launches an import run (run key = infohash) for each torrent of the pipeline's "
    "qBittorrent category that finished. One torrents/info call per tick; no database.",
)
def qbittorrent_completion_sensor(
    context: dg.SensorEvaluationContext, qbittorrent: QBittorrentResource
) -> dg.SensorResult | dg.SkipReason:
    from library_pipeline.clients.http import ProviderError

    client = _sensor_client(qbittorrent)
    try:
        torrents = client.torrents(category=qbittorrent.category, status_filter="completed")
    except ProviderError as error:
        return dg.SkipReason(
            f"qBittorrent not reachable at {qbittorrent.url}: {error}. Trying again next tick."
        )
    launched = read_cursor(context.cursor)
    new, cursor = plan_tick(torrents, launched, get_settings().import_max_runs_per_tick)
    if not new:
        finished = sum(1 for t in torrents if is_finished(t))
        context.update_cursor(write_cursor(cursor))
        return dg.SkipReason(
            f"{finished} finished torrent(s) in category '{qbittorrent.category}', none new."
        )
    for torrent in new:
        context.log.info(f"finished: {torrent.name} ({torrent.hash})")
    return dg.SensorResult(
        run_requests=[import_run_request(t) for t in new], cursor=write_cursor(cursor)
    )


# --- the asset ---------------------------------------------------------------------------------


class ImportConfig(dg.Config):
    """Which torrents to import: the sensor passes one infohash; none = every finished torrent
    of the category (catch-up)."""

    infohashes: list[str] = []
    discovery_source: str | None = None  # series_gaps | author_gaps | top10 | None = all
    correct_metadata: bool = True


def _import_metadata(result: dict[str, Any]) -> dict[str, Any]:
    errors = result["errors"]
    pending = result.get("pending_scan")
    rows = [{k: item[k] for k in ("title", "mode", "files", "path")} for item in result["imported"]]
    error_rows = [
        {
            "what": e.get("name") or e.get("infohash") or e.get("book_id") or e.get("stage"),
            "reason": e.get("reason"),
        }
        for e in errors
    ]
    return {
        "completed_downloads": result["completed_downloads"],
        "imported_count": result["imported_count"],
        "already_imported": result["already_imported"],
        "corrected_count": result["corrected_count"],
        "error_count": len(errors),
        "import_error_count": sum(1 for e in errors if e.get("stage") != "correct"),
        "correction_error_count": sum(1 for e in errors if e.get("stage") == "correct"),
        "errors": dg.MetadataValue.json(errors),
        "error_table": dg.MetadataValue.md(markdown_table(error_rows, ["what", "reason"])),
        "audiobookshelf_scan": dg.MetadataValue.json(result.get("audiobookshelf_scan") or {}),
        "audiobookshelf_scan_pending": pending is not None,
        "pending_scan": dg.MetadataValue.json(pending or {}),
        "rescanned_books": dg.MetadataValue.json(result.get("rescanned_books", [])),
        "providers": dg.MetadataValue.json(
            {
                k: result[k]
                for k in ("qbittorrent", "audiobookshelf", "metadata_providers")
                if k in result
            }
        ),
        "import_seconds": result.get("seconds", 0.0),
        "dagster/row_count": result["imported_count"],
        "preview": dg.MetadataValue.md(markdown_table(rows, ["title", "mode", "files", "path"])),
    }


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    deps=["download_requests"],
    kinds={"python"},
    retry_policy=dg.RetryPolicy(max_retries=3, delay=15, backoff=dg.Backoff.EXPONENTIAL),
    description="Finished downloads placed in the library (Audiobookshelf layout, hardlinked "
    "when possible, atomically), scanned by Audiobookshelf, rescanned into library_books, "
    "metadata corrected, rows marked imported. Idempotent.",
)
async def imported_books(
    context: dg.AssetExecutionContext,
    config: ImportConfig,
    library_db: LibraryDatabase,
    qbittorrent: QBittorrentResource,
    audiobookshelf: AudiobookshelfResource,
    metadata_providers: MetadataProvidersResource,
) -> dg.MaterializeResult:
    # Only what the path to the Audiobookshelf scan request needs (the importer, the qBittorrent
    # and Audiobookshelf clients): `rescan_library_folders` imports the library scan and
    # `correct` the enrichment service when they are called, after the scan request.
    from library_pipeline.services.importer import (
        ImportOptions,
        import_completed_downloads,
        rescan_library_folders,
    )

    settings = get_settings()
    options = ImportOptions.from_settings(settings)
    options.category = qbittorrent.category
    if audiobookshelf.library_id.strip():
        options.abs_library_id = audiobookshelf.library_id.strip()

    client = qbittorrent.get_client()
    abs_client = audiobookshelf.client() if audiobookshelf.enabled else None
    # The metadata clients are built on first use, after the books are placed and the scan is
    # requested: they are not on the path from completion to import.
    providers: list[Providers] = []

    async def correct(book_id: int, session: Session) -> dict[str, Any]:
        from library_pipeline.services.enrichment import correct_book_metadata

        if not providers:
            providers.append(metadata_providers.build())
        return await correct_book_metadata(
            book_id, session, providers=providers[0], run_id=context.run.run_id
        )

    try:
        with library_db.session() as session:
            result = await import_completed_downloads(
                session,
                client,
                abs_client,
                options=options,
                infohashes=config.infohashes or None,
                discovery_source=config.discovery_source,
                rescan=rescan_library_folders,
                correct=correct if config.correct_metadata else None,
            )
        if providers:
            result["metadata_providers"] = providers[0].status()
    finally:
        for built in providers:
            await built.aclose()
        if abs_client is not None:
            await abs_client.aclose()
        client.close()
    for error in result["errors"]:
        context.log.warning(f"import: {error}")
    if result.get("pending_scan"):
        context.log.warning(f"Audiobookshelf scan pending: {result['pending_scan']}")
    return dg.MaterializeResult(metadata=_import_metadata(result))


import_job = dg.define_asset_job(
    IMPORT_JOB,
    selection=[imported_books],
    description="Import finished downloads (launched by the completion sensor, one run per "
    "torrent; with no infohashes, every finished torrent of the category).",
)

import_catchup_schedule = dg.ScheduleDefinition(
    name="import_catchup_schedule",
    job=import_job,
    cron_schedule=get_settings().import_catchup_cron,
    execution_timezone=get_settings().schedule_timezone,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    run_config={"ops": {"imported_books": {"config": {"infohashes": []}}}},
    description="Imports finished torrents a sensor tick missed (e.g. qBittorrent was down "
    "during the run) and retries a pending Audiobookshelf scan.",
)

defs = dg.Definitions(
    assets=[imported_books],
    jobs=[import_job],
    sensors=[qbittorrent_completion_sensor],
    schedules=[import_catchup_schedule],
)
