"""Engine and session factory for the library DB, and schema migration to the newest revision."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from library_pipeline.storage.private import private_dir, private_files

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def is_duckdb(url: str) -> bool:
    return make_url(url).get_backend_name() == "duckdb"


def make_engine(url: str) -> Engine:
    """An engine that never keeps the DuckDB file locked between uses.

    DuckDB allows one writing process per file; a pooled connection would hold the lock after a
    run ends, so DuckDB gets `NullPool`. PostgreSQL keeps SQLAlchemy's normal pool.
    """
    if is_duckdb(url):
        database = make_url(url).database
        engine = create_engine(url, poolclass=NullPool)
        if database and database != ":memory:":
            path = Path(database)
            if not path.parent.exists():
                private_dir(path.parent)  # a folder we create is the owner's only
            # DuckDB creates its file and WAL with the umask's mode: owner-only once open.
            files = (path, path.with_name(path.name + ".wal"))
            event.listen(engine, "connect", lambda *_: private_files(*files))
        return engine
    return create_engine(url, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session committed on success and rolled back on error (one short transaction)."""
    session = make_session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str) -> Config:
    """Alembic's config for `url` (alembic is imported here: it is slow to import)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would choke on '%' in passwords.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


# The newest migration in migrations/versions (test_migrations holds the two equal). Knowing it
# lets a process whose database is already there skip Alembic (~0.5 s at every run's start).
HEAD_REVISION = "0001"
VERSION_TABLE = "library_pipeline_alembic_version"


def is_at_head(url: str) -> bool:
    """Whether the database's schema is at HEAD_REVISION (False when there is none yet)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            found = connection.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}")
            return [row[0] for row in found] == [HEAD_REVISION]
    except SQLAlchemyError:
        return False  # no version table: a new database
    finally:
        engine.dispose()


def migrate(url: str, revision: str = "head") -> None:
    """Bring the library DB's schema to `revision` (idempotent)."""
    if revision == "head" and is_at_head(url):
        return
    from alembic import command

    command.upgrade(alembic_config(url), revision)
    if is_duckdb(url) and (database := make_url(url).database) and database != ":memory:":
        private_files(Path(database), Path(database + ".wal"))  # Alembic's engine made it


def downgrade(url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)
