"""Bulk writes for DuckDB and PostgreSQL: many rows travel as a few typed arrays.

`INSERT … SELECT UNNEST(CAST(:p AS type[])), …` (and the same as an UPDATE … FROM) lets the
driver convert whole columns in C; DuckDB's executemany runs row by row and is ~10x slower.
Other engines fall back to SQLAlchemy's executemany.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    Table,
    TypeDecorator,
    bindparam,
    insert,
    text,
    update,
)
from sqlalchemy.orm import Session

from library_pipeline.storage.text import REPAIRS_COLUMN, repair_rows


def unnest_select(columns: Mapping[str, tuple[str, list[Any]]]) -> tuple[str, dict[str, list[Any]]]:
    """`UNNEST(CAST(:p0 AS type[])) AS "name", …` for {name: (sql type, values)}, and its
    parameters: the select list of a columnar bulk statement."""
    parts, params = [], {}
    for index, (name, (sql_type, values)) in enumerate(columns.items()):
        params[f"p{index}"] = values
        parts.append(f'UNNEST(CAST(:p{index} AS {sql_type}[])) AS "{name}"')
    return ", ".join(parts), params


_COLUMNAR_DIALECTS = frozenset({"duckdb", "postgresql"})


def _columnar_ok(session: Session) -> bool:
    return session.get_bind().dialect.name in _COLUMNAR_DIALECTS


def _sql_type(column: Any, dialect_name: str) -> str:
    kind = column.type
    if isinstance(kind, TypeDecorator):
        return "VARCHAR"
    if isinstance(kind, BigInteger | Integer):
        return "BIGINT"
    if isinstance(kind, Float):
        return "DOUBLE" if dialect_name == "duckdb" else "DOUBLE PRECISION"
    if isinstance(kind, DateTime):
        return "TIMESTAMP"
    if isinstance(kind, Date):
        return "DATE"
    if isinstance(kind, Boolean):
        return "BOOLEAN"
    return "VARCHAR"


def _columnar(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]], names: list[str]
) -> tuple[str, dict[str, list[Any]]]:
    """`unnest_select` of `names` over `rows`, typed from `table`'s columns."""
    dialect = session.get_bind().dialect
    columns: dict[str, tuple[str, list[Any]]] = {}
    for name in names:
        column = table.c[name]
        values = [row[name] for row in rows]
        if isinstance(column.type, TypeDecorator):
            values = [column.type.process_bind_param(v, dialect) for v in values]
        columns[name] = (_sql_type(column, dialect.name), values)
    return unnest_select(columns)


def bulk_insert(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows with identical keys in one or a few statements.

    DuckDB and PostgreSQL get columnar `INSERT … SELECT UNNEST(array), …` (DuckDB's
    executemany runs row by row, ~10x slower); other engines SQLAlchemy's executemany."""
    if not rows:
        return
    rows = repair_rows(table, rows)
    if any(REPAIRS_COLUMN in row for row in rows):  # every row needs the same keys
        rows = [{REPAIRS_COLUMN: None, **row} for row in rows]
    if not _columnar_ok(session):
        session.execute(insert(table), list(rows))
        return
    # Columns that are NULL in every row are left out (NULL is what they get anyway).
    names = [n for n in rows[0] if any(row[n] is not None for row in rows)]
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        selects, params = _columnar(session, table, chunk, names)
        columns = ", ".join(f'"{n}"' for n in names)
        session.execute(text(f"INSERT INTO {table.name} ({columns}) SELECT {selects}"), params)


def bulk_update(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Update rows by `id`; rows are grouped by their key sets (one statement per group).
    A row whose text needed repair also sets its `text_repairs` (storage/text.py)."""
    groups: dict[tuple[str, ...], list[Mapping[str, Any]]] = defaultdict(list)
    for row in repair_rows(table, rows):
        groups[tuple(sorted(row))].append(row)
    for names, group in groups.items():
        values = [n for n in names if n != "id"]
        if not values:
            continue
        if _columnar_ok(session):
            for start in range(0, len(group), 5000):
                chunk = group[start : start + 5000]
                selects, params = _columnar(session, table, chunk, ["id", *values])
                sets = ", ".join(f'"{n}" = u."{n}"' for n in values)
                session.execute(
                    text(
                        f"UPDATE {table.name} SET {sets} FROM (SELECT {selects}) AS u "
                        f"WHERE {table.name}.id = u.id"
                    ),
                    params,
                )
        else:
            statement = (
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values({n: bindparam(f"b_{n}") for n in values})
            )
            session.execute(statement, [{f"b_{k}": v for k, v in row.items()} for row in group])


def allocate_ids(session: Session, table: Table, count: int) -> list[int]:
    if count == 0:
        return []
    statement = text(f"SELECT nextval('{table.name}_id_seq') FROM generate_series(1, :n)")
    return [int(i) for i in session.execute(statement, {"n": count}).scalars()]
