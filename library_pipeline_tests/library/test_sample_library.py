"""The sample library `scripts/run` creates scans into the books it describes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from library_pipeline.sample_library import SAMPLE_BOOKS, create_sample_library
from library_pipeline.storage.engine import make_engine, session_scope
from library_pipeline.storage.models import Book
from library_pipeline_tests.library.conftest import scan


async def test_sample_library_scans_into_its_books(duckdb_url: str, tmp_path: Path) -> None:
    root = create_sample_library(tmp_path / "sample")
    create_sample_library(root)  # idempotent: nothing rewritten, nothing added
    engine = make_engine(duckdb_url)
    with session_scope(engine) as session:
        result = await scan(session, [root])
        books = {b.title: b for b in session.scalars(select(Book))}
    engine.dispose()
    assert result["new"] == len(SAMPLE_BOOKS)
    assert result["unreadable"] == 0
    for sample in SAMPLE_BOOKS:
        book = books[sample.title]
        assert book.authors == list(sample.authors), sample.title
        assert book.narrators == list(sample.narrators), sample.title
        assert (book.series, book.series_position) == (sample.series, sample.position)
        assert book.metadata_source["title"] == "tags"
    assert books["Golden Son"].asin is None
    assert books["Red Rising"].asin == "B00I2VWW5U"
