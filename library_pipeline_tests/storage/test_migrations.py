"""The hand-written migrations build exactly the schema the models describe, on both engines."""

from __future__ import annotations

from sqlalchemy import Engine, text

from library_pipeline.storage.engine import (
    HEAD_REVISION,
    alembic_config,
    downgrade,
    is_at_head,
    make_engine,
    migrate,
)
from library_pipeline.storage.models import Base, Book, utcnow


def _columns(engine: Engine, table: str) -> dict[str, bool]:
    """Column name -> nullable, from information_schema (the inspector breaks on DuckDB)."""
    query = text(
        "SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = :t"
    )
    with engine.connect() as conn:
        return {name: flag == "YES" for name, flag in conn.execute(query, {"t": table})}


def test_migrated_schema_matches_models(db_url: str) -> None:
    engine = make_engine(db_url)
    for name, table in Base.metadata.tables.items():
        db_columns = _columns(engine, name)
        assert set(db_columns) == set(table.columns.keys()), name
        for column in table.columns:
            assert db_columns[column.name] == column.nullable, (name, column.name)
    engine.dispose()


def test_migrate_is_idempotent_and_reversible(db_url: str) -> None:
    migrate(db_url)  # a second upgrade is a no-op
    downgrade(db_url, "base")
    engine = make_engine(db_url)
    assert _columns(engine, "books") == {}
    engine.dispose()
    migrate(db_url)


def test_json_columns_round_trip(engine) -> None:
    from library_pipeline.storage.engine import session_scope

    with session_scope(engine) as session:
        session.add(
            Book(
                path="/lib/Ünïcode/Book",
                title="Dark Age",
                authors=["Pierce Brown"],
                metadata_source={"title": "tags"},
                genres=["Sci-Fi", "Space Opera"],
                created_at=utcnow(),
            )
        )
    with session_scope(engine) as session:
        book = session.query(Book).one()
        assert book.authors == ["Pierce Brown"]
        assert book.metadata_source == {"title": "tags"}
        assert book.path == "/lib/Ünïcode/Book"
        assert book.status == "active"
        assert book.id >= 1


def test_head_revision_is_the_newest_migration(db_url: str) -> None:
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(alembic_config(db_url)).get_current_head() == HEAD_REVISION


def test_is_at_head_follows_the_schema(db_url: str) -> None:
    assert is_at_head(db_url)  # the fixture migrated it
    downgrade(db_url, "base")
    assert not is_at_head(db_url)
    migrate(db_url)  # not at head: Alembic runs
    assert is_at_head(db_url)
    assert "books" in {t for t in Base.metadata.tables}
    engine = make_engine(db_url)
    assert _columns(engine, "books")
    engine.dispose()


def test_is_at_head_on_a_new_database(tmp_path) -> None:
    assert not is_at_head(f"duckdb:///{tmp_path / 'new.duckdb'}")
