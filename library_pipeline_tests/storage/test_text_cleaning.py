"""Text a provider hands over is cleaned at the storage boundary and the repair is recorded on
the row (issue 21): a lone surrogate or a NUL never fails a whole run at the insert."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import Engine, select, text

from library_pipeline.clients.records import CatalogueRecord
from library_pipeline.services.gaps.catalogue import store_catalogue
from library_pipeline.storage.bulk import bulk_insert
from library_pipeline.storage.engine import session_scope
from library_pipeline.storage.models import (
    Book,
    CatalogueEntryRow,
    MissingBookRow,
    Top10Entry,
    utcnow,
)

# What `json.loads('"Dark \\ud800 Age"')` gives: a str no database driver can encode.
LONE = json.loads('"Dark \\ud800 Age"')


def test_catalogue_listing_with_a_lone_surrogate_is_stored_cleaned(engine: Engine) -> None:
    records = [
        CatalogueRecord(provider="audible", provider_id="B1", title=LONE, authors=["A\x00B", LONE]),
        CatalogueRecord(provider="audible", provider_id="B2", title="Clean", authors=["C"]),
    ]
    with session_scope(engine) as session:
        assert store_catalogue(session, [("series", "S", records)]) == 2
    with session_scope(engine) as session:
        rows = {r.provider_id: r for r in session.scalars(select(CatalogueEntryRow))}
        assert rows["B1"].title == "Dark \ufffd Age"
        assert rows["B1"].authors == ["AB", "Dark \ufffd Age"]
        repairs = rows["B1"].text_repairs
        assert any(r.startswith("title:") and "surrogate" in r for r in repairs)
        assert any(r.startswith("authors:") and "NUL" in r for r in repairs)
        assert rows["B2"].text_repairs is None


def test_missing_book_and_top10_row_with_a_lone_surrogate(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(
            MissingBookRow(match_key=LONE, title=LONE, authors=[LONE], discovery_source="top10")
        )
        session.add(
            Top10Entry(
                genre="Fantasy",
                period="week",
                captured_on=date(2025, 1, 1),
                rank=1,
                title=LONE,
                series=LONE,
                torrent_id="1",
            )
        )
    with session_scope(engine) as session:
        missing = session.scalars(select(MissingBookRow)).one()
        assert (missing.title, missing.match_key) == ("Dark \ufffd Age", "Dark \ufffd Age")
        assert {r.split(":")[0] for r in missing.text_repairs} == {"match_key", "title", "authors"}
        top = session.scalars(select(Top10Entry)).one()
        assert top.title == "Dark \ufffd Age"
        assert {r.split(":")[0] for r in top.text_repairs} == {"title", "series"}


def test_an_update_with_a_lone_surrogate_is_cleaned_and_recorded(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(MissingBookRow(match_key="k", title="Fine", discovery_source="top10"))
    with session_scope(engine) as session:
        session.scalars(select(MissingBookRow)).one().evidence = LONE
    with session_scope(engine) as session:
        row = session.scalars(select(MissingBookRow)).one()
        assert row.evidence == "Dark \ufffd Age"
        assert [r.split(":")[0] for r in row.text_repairs] == ["evidence"]


def test_bulk_insert_cleans_and_records(engine: Engine) -> None:
    now = utcnow()
    common = {
        "source": "folder",
        "narrators": [],
        "genres": [],
        "metadata_source": {},
        "metadata_completeness_percent": 0.0,
        "locked_fields": [],
        "status": "active",
        "created_at": now,
        "updated_at": now,
    }
    rows = [
        {"id": 1, "path": "/lib/a", "title": LONE, "authors": ["x"], **common},
        {"id": 2, "path": "/lib/b", "title": "Fine", "authors": ["y"], **common},
    ]
    with session_scope(engine) as session:
        bulk_insert(session, Book.__table__, rows)
    with session_scope(engine) as session:
        books = {b.path: b for b in session.scalars(select(Book))}
        assert books["/lib/a"].title == "Dark \ufffd Age"
        assert [r.split(":")[0] for r in books["/lib/a"].text_repairs] == ["title"]
        assert books["/lib/b"].text_repairs is None


def test_a_query_parameter_with_a_lone_surrogate_does_not_raise(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert (
            session.scalars(select(MissingBookRow).where(MissingBookRow.title == LONE)).all() == []
        )
        assert session.execute(text("SELECT 1")).scalar_one() == 1


def test_repair_rows_finds_bad_text_in_every_json_shape() -> None:
    from library_pipeline.storage.models import BookFile
    from library_pipeline.storage.text import repair_rows

    table = BookFile.__table__
    for tags in ({"title": LONE}, {LONE: "x"}, {"t": [LONE]}, {"t": [[LONE]]}):
        rows = [{"path": "a", "tags": {"title": "ok"}}, {"path": "b", "tags": tags}]
        assert repair_rows(table, rows)[1]["tags"] != tags, tags
    authors = Book.__table__
    rows = [{"path": "a", "authors": ["ok"]}, {"path": "b", "authors": ["x", 1, LONE]}]
    assert repair_rows(authors, rows)[1]["authors"] == ["x", 1, "Dark \ufffd Age"]
