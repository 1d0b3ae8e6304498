"""Writes the Dagster instance's `dagster.yaml` into DAGSTER_HOME.

Embedded default: Dagster's own SQLite storage in DAGSTER_HOME. Scale-out: when the library DB
URL is PostgreSQL, the Dagster instance stores its runs and events in the same database (one URL
setting for both). Always: telemetry off, the `library_db` pool limited to one step at a time
(DuckDB allows one writer), a queued run coordinator.

Run as `python -m library_pipeline.defs.instance` (the run script does).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import make_url

from library_pipeline.settings import Settings


def postgres_storage(url: str) -> dict[str, Any]:
    """dagster-postgres storage config for a SQLAlchemy URL.

    The password is never written to the file: it is read from the environment variable that
    holds the URL's password (LIBRARY_PIPELINE_DAGSTER_PG_PASSWORD), set by the run script.
    """
    parsed = make_url(url)
    db: dict[str, Any] = {
        "username": parsed.username or "postgres",
        "hostname": parsed.host or "127.0.0.1",
        "db_name": parsed.database or "postgres",
        "port": parsed.port or 5432,
        # SQLAlchemy 2.1 no longer guesses the driver from "postgresql://".
        "scheme": "postgresql+psycopg2",
    }
    if parsed.password:
        db["password"] = {"env": "LIBRARY_PIPELINE_DAGSTER_PG_PASSWORD"}
    return {"postgres": {"postgres_db": db}}


def instance_config(settings: Settings, home: Path) -> dict[str, Any]:
    config: dict[str, Any] = {
        "telemetry": {"enabled": False},
        "concurrency": {
            "pools": {"default_limit": 1},
            "runs": {"max_concurrent_runs": 4},
        },
        # Checked every second: an import waits for its run to start (default: 5 s).
        "run_coordinator": {
            "module": "dagster.core.run_coordinator",
            "class": "QueuedRunCoordinator",
            "config": {"dequeue_interval_seconds": 1},
        },
        "nux": {"enabled": False},
        "sensors": {"use_threads": True, "num_workers": 2},
        "schedules": {"use_threads": True, "num_workers": 2},
    }
    url = settings.resolved_database_url
    if make_url(url).get_backend_name() == "postgresql":
        config["storage"] = postgres_storage(url)
    else:
        config["storage"] = {"sqlite": {"base_dir": str(home / "storage")}}
    return config


def write_dagster_yaml(home: Path, settings: Settings | None = None) -> Path:
    """Create DAGSTER_HOME (absolute) and its dagster.yaml; returns the file's path."""
    from library_pipeline.storage.private import private_dir

    home = private_dir(home.resolve())  # run logs and metadata: the owner's only
    path = home / "dagster.yaml"
    config = instance_config(settings or Settings(), home)
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def main() -> int:
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        print("DAGSTER_HOME must be set to an absolute path", file=sys.stderr)
        return 2
    print(write_dagster_yaml(Path(home)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
