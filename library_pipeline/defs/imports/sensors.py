"""The completion sensor: one import run per finished torrent of the pipeline's category."""

import json
import threading
from typing import TYPE_CHECKING

import dagster as dg

from library_pipeline.defs.downloads.resources import QBittorrentResource
from library_pipeline.defs.imports.resources import ImportOptionsResource
from library_pipeline.defs.resources import settings

if TYPE_CHECKING:
    from library_pipeline.clients.qbittorrent import QBittorrentClient, QbtTorrent

IMPORT_JOB = "import_job"
INFOHASH_TAG = "library_pipeline/infohash"
CURSOR_VERSION = 1

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
    minimum_interval_seconds=sensor_min_interval(settings().import_sensor_interval_seconds),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Launches an import run (run key = infohash) for each torrent of the pipeline's "
    "qBittorrent category that finished. One torrents/info call per tick; no database.",
)
def qbittorrent_completion_sensor(
    context: dg.SensorEvaluationContext,
    qbittorrent: QBittorrentResource,
    import_options: ImportOptionsResource,
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
    new, cursor = plan_tick(torrents, launched, import_options.max_runs_per_tick)
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
