"""Resources shared by every part of the pipeline: settings and the library database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg
from pydantic import Field, PrivateAttr
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from library_pipeline.settings import Settings, env_name, get_settings
from library_pipeline.storage.engine import make_engine, migrate, session_scope

# Every asset that writes the library DB runs in this pool; dagster.yaml limits it to 1 so that
# two runs never collide on DuckDB's single-writer lock.
DB_POOL = "library_db"

_migrated: set[str] = set()


def settings() -> Settings:
    """The pipeline's settings: the one place the environment is read (cached per process)."""
    return get_settings()


def secret(field: str) -> Any:
    """A secret resource field: an `EnvVar` when the environment sets it (the UI shows the
    variable's name, never the value), else empty."""
    return dg.EnvVar(env_name(field)) if env_name(field) in os.environ else ""


def from_settings(field: str) -> Any:
    """A typed resource field whose default is setting `field`, read when the resource is made
    (not at import), so a resource always shows the value the pipeline runs with."""
    return Field(default_factory=lambda: getattr(settings(), field))


class LibraryDatabase(dg.ConfigurableResource):
    """The library database (DuckDB file by default, PostgreSQL by URL)."""

    url: str = ""

    _engine: Engine | None = PrivateAttr(default=None)

    def resolved_url(self) -> str:
        return self.url or Settings().resolved_database_url

    def get_engine(self) -> Engine:
        """The engine, with the schema migrated once per process."""
        if self._engine is None:
            url = self.resolved_url()
            if url not in _migrated:
                migrate(url)
                _migrated.add(url)
            self._engine = make_engine(url)
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One short transaction: committed on success, rolled back on error."""
        with session_scope(self.get_engine()) as session:
            yield session

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        # Release DuckDB's file lock as soon as the run is done.
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def shared_resources() -> dict[str, Any]:
    return {"library_db": LibraryDatabase(url=secret("database_url"))}


@dg.definitions
def resources() -> dg.Definitions:
    """The resources every part shares."""
    return dg.Definitions(resources=shared_resources())
