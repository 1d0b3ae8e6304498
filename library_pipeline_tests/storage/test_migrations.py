"""The hand-written migrations build exactly the schema the models describe, on both engines."""

from __future__ import annotations

from sqlalchemy import Engine, text

from library_pipeline.storage.engine import downgrade, make_engine, migrate
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
