"""The data folder, the library DB and Dagster's home are the owner's only, whatever the umask
(issue 21): folders 0700, files 0600."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from library_pipeline.storage.engine import make_engine, migrate


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    old = os.umask(0o022)  # the usual umask: 0644 files, 0755 folders
    yield
    os.umask(old)


def test_a_new_duckdb_and_its_folder_are_private(tmp_path: Path) -> None:
    database = tmp_path / "new" / ".data" / "library.duckdb"
    url = f"duckdb:///{database}"
    migrate(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO app_state (key, value, updated_at) VALUES ('k', '1', now())")
        )
    engine.dispose()
    assert mode(database.parent) == 0o700
    assert mode(database) == 0o600
    assert not any(mode(p) & 0o077 for p in database.parent.iterdir())


def test_an_older_readable_duckdb_is_tightened(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o755)
    database = mine / "library.duckdb"
    url = f"duckdb:///{database}"
    migrate(url)
    os.chmod(database, 0o644)
    engine = make_engine(url)
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    engine.dispose()
    assert mode(database) == 0o600
    assert mode(mine) == 0o755  # a folder the user made is left as it is


def test_dagster_home_and_the_data_folder_are_private(tmp_path: Path) -> None:
    from library_pipeline.launcher import prepare_environment
    from library_pipeline.settings import Settings, env_name

    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    env = {"DAGSTER_HOME": str(tmp_path / "home"), env_name("data_dir"): str(data)}
    settings = Settings(data_dir=data, library_roots=[str(tmp_path)])
    prepare_environment(settings, env)
    assert mode(tmp_path / "home") == 0o700
    assert mode(data) == 0o700
