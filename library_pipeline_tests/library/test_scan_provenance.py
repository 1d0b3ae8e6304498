"""Where tags and folder disagree, the other source's value is kept in the book's provenance;
packaging flags are stored (issue 17)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from library_pipeline.storage.models import Book
from library_pipeline_tests.library.conftest import scan
from library_pipeline_tests.support.audio import make_book


async def test_the_other_sources_values_and_the_flags_are_stored(
    duckdb_url: str, library_root: Path, session_for: Any
) -> None:
    folder = library_root / "Jim Butcher" / "The Dresden Files" / "04 - Grave Peril"
    make_book(folder, "m4b", title="Grave Peril (Unabridged)", author="Jim Butcher",
              series="The Dresden Files", position=3)  # fmt: skip
    with session_for(duckdb_url) as session:
        await scan(session, [library_root])
        book = session.scalars(select(Book)).one()
        assert (book.title, book.series_position) == ("Grave Peril", "3")
        assert book.metadata_source["series_position"] == "tags"
        assert book.metadata_alternatives == {"series_position": "folder: 4"}
        assert book.unabridged is True
        assert book.dramatized is False
