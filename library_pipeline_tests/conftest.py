"""Shared fixtures: library databases on DuckDB and on a real PostgreSQL server."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from library_pipeline.storage.engine import make_engine, migrate
from library_pipeline_tests.support import slow
from library_pipeline_tests.support.postgres import create_database, find_pg_bin, postgres_server

_db_counter = itertools.count()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test that needs PostgreSQL starts its server: it belongs to the slow set too.
    for item in items:
        if item.get_closest_marker("postgres") is not None:
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    slow.track(item)
    try:
        return (yield)
    finally:
        slow.track(None)


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """One real PostgreSQL server for the whole test session."""
    if find_pg_bin() is None:
        pytest.skip("PostgreSQL server binaries missing: apt-get install postgresql")
    with postgres_server() as url:
        yield url


@pytest.fixture(
    params=["duckdb", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow])]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated library DB URL on each engine (tests using it run twice)."""
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path / 'library.duckdb'}"
    else:
        admin = request.getfixturevalue("postgres_admin_url")
        url = create_database(admin, f"lib_{next(_db_counter)}")
    migrate(url)
    return url


@pytest.fixture
def duckdb_url(tmp_path: Path) -> str:
    """A fresh, migrated DuckDB library DB (for tests where the engine does not matter)."""
    url = f"duckdb:///{tmp_path / 'library.duckdb'}"
    migrate(url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()
