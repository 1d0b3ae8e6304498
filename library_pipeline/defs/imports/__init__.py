"""Imports in Dagster: the completion sensor, the `imported_books` asset and its job.

- `sensors.py`: `qbittorrent_completion_sensor` (running by default, every
  `import_sensor_interval_seconds`): one `torrents/info` call filtered by the pipeline's
  category (`filter=completed`), with the client's session cookie kept between ticks, and no
  database. Each torrent that finished (`completion_on` > 0, progress 1) and is not in the
  cursor yet launches `import_job` with `run_key` = its infohash, so a torrent is imported once,
  even across daemon restarts (Dagster keeps run keys in its own storage). qBittorrent
  unreachable → the tick is skipped with the reason, and the next tick tries again.
- `assets.py`: `imported_books` (pool `library_db`): `services.imports.import_completed_downloads`
  for the infohashes in its config, or, with none, every finished torrent of the category (the
  hourly catch-up run: picks up anything a tick missed and retries a pending Audiobookshelf
  scan). `metadata.py` turns its `ImportResult` into the asset's metadata.
- `jobs.py`: `import_job` and `import_catchup_schedule` (running by default,
  `import_catchup_cron`).
- `resources.py`: `import_options` (`ImportOptionsResource`: typed fields with defaults from the
  settings; builds the service's `ImportOptions`).

Latency: from a torrent's completion to the Audiobookshelf scan request, the run worker's boot is
most of the time. The asset imports only the importer and the qBittorrent / Audiobookshelf
clients before the scan request; the library rescan and the metadata correction (and their
libraries) are imported by the callbacks, after it.
"""
