"""The `library_books` asset and its check, materialized through Dagster."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from sqlalchemy import select

from library_pipeline.defs.library.assets import library_books
from library_pipeline.defs.library.checks import library_books_have_title_and_author
from library_pipeline.defs.library.resources import AudiobookshelfResource, LibraryRootsResource
from library_pipeline.defs.resources import LibraryDatabase
from library_pipeline.storage.engine import make_engine, session_scope
from library_pipeline.storage.models import Book
from library_pipeline_tests.library.conftest import build_sample_library
from library_pipeline_tests.support.audio import corrupt, make_audio_file
from library_pipeline_tests.support.stubs.audiobookshelf import AudiobookshelfStub


def materialize(db_url: str, roots: list[Path], abs_url: str = "") -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [library_books, library_books_have_title_and_author],
        resources={
            "library_db": LibraryDatabase(url=db_url),
            "library_roots": LibraryRootsResource(roots=[str(r) for r in roots]),
            "audiobookshelf": AudiobookshelfResource(
                url=abs_url, api_key=AudiobookshelfStub.API_KEY
            ),
        },
    )


def test_asset_metadata_and_check(db_url: str, library_root: Path) -> None:
    build_sample_library(library_root)
    corrupt(make_audio_file(library_root / "Broken" / "Book" / "b.mp3"), "text")
    make_audio_file(library_root / "Nameless.mp3")  # untagged, in the root: no author

    result = materialize(db_url, [library_root])
    assert result.success
    metadata = result.asset_materializations_for_node("library_books")[0].metadata
    assert metadata["new"].value == 7
    assert metadata["unreadable"].value == 1
    assert metadata["dagster/row_count"].value == 7
    assert "Broken/Book/b.mp3" in metadata["issues"].value
    preview = metadata["preview"].value
    assert preview.startswith("| title | authors |")
    assert "The Final Empire" in preview
    check = result.get_asset_check_evaluations()[0]
    assert not check.passed  # "Nameless" has no author
    assert check.severity == dg.AssetCheckSeverity.WARN
    assert check.metadata["books_missing_title_or_author"].value == 1
    assert "Nameless.mp3" in check.metadata["examples"].value

    again = materialize(db_url, [library_root])
    metadata = again.asset_materializations_for_node("library_books")[0].metadata
    assert (metadata["new"].value, metadata["unchanged"].value, metadata["files_read"].value) == (
        0, 7, 0
    )  # fmt: skip


def test_asset_with_audiobookshelf(duckdb_url: str, library_root: Path) -> None:
    build_sample_library(library_root)
    with AudiobookshelfStub() as stub:
        result = materialize(duckdb_url, [library_root], abs_url=stub.url)
    assert result.success
    metadata = result.asset_materializations_for_node("library_books")[0].metadata
    summary = metadata["audiobookshelf"].value
    # The three recorded server items are the sample library's first three folders.
    assert (summary["items"], summary["matched"], summary["new"]) == (3, 3, 0)
    assert metadata["provider_status"].value["provider"] == "audiobookshelf"
    assert metadata["provider_status"].value["failures"] == 0
    engine = make_engine(duckdb_url)
    with session_scope(engine) as session:
        linked = session.execute(
            select(Book.title, Book.genres)
            .where(Book.abs_item_id.is_not(None))
            .order_by(Book.title)
        ).all()
    engine.dispose()
    assert [tuple(row) for row in linked] == [
        ("Project Hail Mary", ["Science Fiction"]),  # untagged locally: genre from the server
        ("The Final Empire", ["Fantasy"]),
        ("The Light Fantastic", []),
    ]


def test_definitions_load() -> None:
    from library_pipeline.definitions import build_definitions

    defs = build_definitions()
    assert defs.resolve_assets_def("library_books").key == dg.AssetKey("library_books")
    assert "audiobookshelf" in defs.resources
    assert "library_roots" in defs.resources
