"""The generated dagster.yaml: embedded SQLite by default, PostgreSQL by the one URL setting."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
import yaml

from library_pipeline.defs.instance import write_dagster_yaml
from library_pipeline.settings import Settings


@dg.asset(pool="library_db")
def probe() -> int:
    return 1


def test_default_instance_is_local_with_db_pool_limit(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    config = yaml.safe_load(write_dagster_yaml(tmp_path / "home", settings).read_text())
    assert config["telemetry"] == {"enabled": False}
    assert config["concurrency"]["pools"]["default_limit"] == 1
    assert "sqlite" in config["storage"]
    instance = dg.DagsterInstance.from_config(str(tmp_path / "home"))
    assert dg.materialize([probe], instance=instance).success
    instance.dispose()


@pytest.mark.postgres
def test_postgres_url_moves_dagster_storage_too(
    tmp_path: Path, postgres_admin_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from library_pipeline_tests.support.postgres import create_database

    url = create_database(postgres_admin_url, "dagster_instance_test")
    settings = Settings(database_url=url, _env_file=None)
    config = yaml.safe_load(write_dagster_yaml(tmp_path / "home", settings).read_text())
    db = config["storage"]["postgres"]["postgres_db"]
    assert db["scheme"] == "postgresql+psycopg2"
    assert db["db_name"] == "dagster_instance_test"
    instance = dg.DagsterInstance.from_config(str(tmp_path / "home"))
    result = dg.materialize([probe], instance=instance)
    assert result.success
    assert instance.get_run_by_id(result.run_id) is not None
    instance.dispose()

    # Our migrations share the database with Dagster's without clashing.
    from library_pipeline.storage.engine import migrate

    migrate(url)
