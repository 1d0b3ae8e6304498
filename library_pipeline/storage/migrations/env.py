"""Alembic environment: migrations are hand-written (autogenerate does not work on DuckDB)."""

from alembic import context
from alembic.ddl.impl import DefaultImpl

# VERSION_TABLE: Dagster's own storage (which may share a PostgreSQL database with us) uses
# `alembic_version`, so ours has a name of its own.
from library_pipeline.storage.engine import VERSION_TABLE, make_engine


class AlembicDuckDBImpl(DefaultImpl):
    """Teaches Alembic the `duckdb` dialect name (duckdb-engine ships none)."""

    __dialect__ = "duckdb"
    transactional_ddl = True


def run_migrations() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url must be set"
    connectable = context.config.attributes.get("connection")
    if connectable is not None:
        context.configure(connection=connectable, version_table=VERSION_TABLE)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, version_table=VERSION_TABLE)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
