"""Text that both databases accept, cleaned at the storage boundary and recorded on the row.

A provider's JSON can carry a lone surrogate (`"\\ud800"`): Python decodes it, but no driver
can encode it as UTF-8, and one such title used to fail a whole run at the insert. PostgreSQL
also refuses NUL in text. Every string column (`CleanString`, `CleanText`, and the JSON columns)
therefore stores lone surrogates as U+FFFD and drops NUL; the ORM event below and
`repair_rows` (the bulk path) also note what was repaired in the row's `text_repairs` column
("title: lone surrogate replaced by U+FFFD"), so a reader can tell a damaged listing from a
real one.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import String, Text, TypeDecorator
from sqlalchemy.engine import Dialect

REPAIRS_COLUMN = "text_repairs"
REPLACEMENT = "\ufffd"
_BAD = re.compile("[\x00\ud800-\udfff]")
_SURROGATES = re.compile("[\ud800-\udfff]")
SURROGATE_NOTE = "lone surrogate replaced by U+FFFD"
NUL_NOTE = "NUL removed"


def clean_text(value: str) -> str:
    """`value` with lone surrogates replaced by U+FFFD and NUL characters removed."""
    if _BAD.search(value) is None:
        return value
    return _SURROGATES.sub(REPLACEMENT, value.replace("\x00", ""))


def _notes(value: str) -> list[str]:
    notes = []
    if _SURROGATES.search(value):
        notes.append(SURROGATE_NOTE)
    if "\x00" in value:
        notes.append(NUL_NOTE)
    return notes


def _is_bad(value: Any) -> bool:
    if isinstance(value, str):
        return _BAD.search(value) is not None
    if isinstance(value, list | tuple):
        return any(_is_bad(item) for item in value)
    if isinstance(value, Mapping):
        return any(_is_bad(k) or _is_bad(v) for k, v in value.items())
    return False


def clean_value(value: Any) -> tuple[Any, list[str]]:
    """`value` (text, or a JSON value of lists/dicts) cleaned, and what was repaired."""
    if not _is_bad(value):
        return value, []
    notes: set[str] = set()

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            notes.update(_notes(item))
            return clean_text(item)
        if isinstance(item, list | tuple):
            return [walk(i) for i in item]
        if isinstance(item, Mapping):
            return {walk(k): walk(v) for k, v in item.items()}
        return item

    cleaned = walk(value)
    return cleaned, sorted(notes)


def add_repairs(existing: Sequence[str] | None, column: str, notes: Sequence[str]) -> list[str]:
    """`existing` repairs plus `column: note` for each note (each kept once, in order)."""
    out = list(existing or [])
    for note in notes:
        entry = f"{column}: {note}"
        if entry not in out:
            out.append(entry)
    return out


class CleanString(TypeDecorator[str]):
    """VARCHAR whose bound values are cleaned (`clean_text`): the last line of defence for
    statements that bypass the recording (query parameters, Core updates)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return clean_text(value) if isinstance(value, str) else value


class CleanText(CleanString):
    """TEXT whose bound values are cleaned."""

    impl = Text
    cache_ok = True


def is_text_column(column: Any) -> bool:
    """A column whose values `clean_value` applies to (strings and JSON text)."""
    return isinstance(column.type, CleanString) or getattr(column.type, "holds_json", False)


def repair_instance(mapper: Any, connection: Any, target: Any) -> None:
    """ORM `before_insert`/`before_update`: clean the row's loaded text values and record the
    repairs in its `text_repairs` column when it has one."""
    state = target.__dict__
    repairs: list[str] | None = None
    has_record = REPAIRS_COLUMN in mapper.columns
    for attr in mapper.column_attrs:
        key = attr.key
        if key == REPAIRS_COLUMN or key not in state:
            continue
        if not any(is_text_column(c) for c in attr.columns):
            continue
        cleaned, notes = clean_value(state[key])
        if not notes:
            continue
        setattr(target, key, cleaned)
        if has_record:
            base = repairs if repairs is not None else getattr(target, REPAIRS_COLUMN, None)
            repairs = add_repairs(base, attr.columns[0].name, notes)
    if repairs is not None:
        setattr(target, REPAIRS_COLUMN, repairs)


def _column_is_clean(values: Sequence[Any]) -> bool:
    """True when no value of a column needs cleaning: one regex scan over the column's text
    when its values are all text or all lists of text (the bulk path's 10k rows), else per
    value."""
    present = list(filter(None, values))
    with contextlib.suppress(TypeError):
        return _BAD.search("".join(present)) is None
    if set(map(type, present)) <= {list, tuple}:
        with contextlib.suppress(TypeError):
            return _BAD.search("".join(map("".join, present))) is None
    with contextlib.suppress(TypeError, ValueError):
        # Nested JSON (dicts of provenance): one dump keeps lone surrogates as they are and
        # writes a NUL as the six characters \u0000, so one scan finds both.
        dumped = json.dumps(present, ensure_ascii=False)
        return _BAD.search(dumped) is None and "\\u0000" not in dumped
    return not any(_is_bad(value) for value in present)


def repair_rows(table: Any, rows: Sequence[Mapping[str, Any]]) -> Sequence[Mapping[str, Any]]:
    """Bulk rows with their text cleaned; when `table` has `text_repairs` and a row needed a
    repair, that row carries it (`rows` itself when nothing needed cleaning)."""
    if not rows:
        return rows
    names = [
        n for n in rows[0] if n != REPAIRS_COLUMN and n in table.c and is_text_column(table.c[n])
    ]
    dirty = [n for n in names if not _column_is_clean([row.get(n) for row in rows])]
    if not dirty:
        return rows
    out = [dict(row) for row in rows]
    for row in out:
        for name in dirty:
            cleaned, notes = clean_value(row.get(name))
            if not notes:
                continue
            row[name] = cleaned
            if REPAIRS_COLUMN in table.c:
                row[REPAIRS_COLUMN] = add_repairs(row.get(REPAIRS_COLUMN), name, notes)
    return out
