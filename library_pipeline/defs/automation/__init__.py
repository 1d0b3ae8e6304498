"""The pipeline's clock and reflexes: schedules for the roots, declarative automation downstream.

- `daily.py`: `daily_library_refresh_schedule` (`daily_refresh_cron`, running by default), one
  run of the library scan, enrichment and gap finding in dependency order. The weekly MAM
  genres / top-10 refresh is the MAM part's `mam_weekly_schedule` (`mam_top10_cron`).
- `sensors.py`: declarative automation, evaluated in the code server:
  - `library_automation_sensor`: enrichment and gap finding follow their upstream assets
    (`AutomationCondition.eager()`), so a scan started by hand is followed by both;
  - `downloads_automation_sensor`: `download_requests` runs whenever the wanted books change,
    without waiting for every upstream (e.g. every top-10 genre partition) to exist;
  - `automation_condition_sensor`: every other asset, evaluating the condition its owner puts
    on it. An asset that declares its own `automation_condition` keeps it.
- `selections.py`: the asset keys each of these targets. A key no part defines fails the code
  location loudly (a renamed asset must not silently drop out of the daily job); the tests
  snapshot every target.

Every asset that touches the library DB runs in the `library_db` pool, so runs started by
schedules, sensors and automation never collide on DuckDB's single-writer lock.
"""
