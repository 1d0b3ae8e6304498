"""A row whose JSON column is corrupt costs that row, recorded, never the whole gap run
(issue 21)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from library_pipeline.storage.engine import session_scope
from library_pipeline.storage.models import Book, CatalogueEntryRow, utcnow
from library_pipeline.storage.queries import load_catalogue, load_owned_books

CORRUPT = ['[1, null, ["x"]]', "[not json", '{"a": "b"}', '"Jim Butcher"', "[1, 2]"]


def _library(engine: Engine, corrupt: str) -> None:
    with session_scope(engine) as session:
        for index, name in enumerate(["Good", "Bad"]):
            session.add(
                Book(
                    path=f"/lib/{name}",
                    title=name,
                    authors=["Jim Butcher"],
                    series="S",
                    series_position=str(index + 1),
                    created_at=utcnow(),
                )
            )
            session.add(
                CatalogueEntryRow(
                    provider="audible",
                    provider_id=name,
                    query_kind="series",
                    query_value="S",
                    title=name,
                    authors=["Jim Butcher"],
                )
            )
    with session_scope(engine) as session:
        for table in ("books", "catalogue_entries"):
            session.execute(
                text(f"UPDATE {table} SET authors = :a WHERE title = 'Bad'"), {"a": corrupt}
            )


@pytest.mark.parametrize("corrupt", CORRUPT)
def test_corrupt_authors_skip_their_row_and_are_recorded(engine: Engine, corrupt: str) -> None:
    _library(engine, corrupt)
    skipped: list[str] = []
    with session_scope(engine) as session:
        owned = load_owned_books(session, skipped=skipped)
        catalogue = load_catalogue(session, skipped=skipped)
    assert [b.title for b in owned] == ["Good"]
    assert [c.title for c in catalogue] == ["Good"]
    assert len(skipped) == 2
    assert any(s.startswith("books /lib/Bad: authors") for s in skipped), skipped
    assert any(s.startswith("catalogue_entries audible:Bad: authors") for s in skipped), skipped


async def test_the_gap_run_goes_on_and_shows_the_skipped_rows(engine: Engine) -> None:
    from library_pipeline.services.gaps import find_missing_books

    _library(engine, '[1, null, ["x"]]')
    with session_scope(engine) as session:
        found = await find_missing_books(session)
    assert len(found["series"].skipped_rows) == 2
    assert found["series"].skipped_rows == found["authors"].skipped_rows
