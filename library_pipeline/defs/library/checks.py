"""The library's asset check: every book has a title and an author."""

import dagster as dg

from library_pipeline.defs.library.assets import library_books
from library_pipeline.defs.resources import DB_POOL, LibraryDatabase
from library_pipeline.defs.tables import markdown_table


@dg.asset_check(
    asset=library_books,
    pool=DB_POOL,  # reads the DuckDB file, which a writing run would hold locked
    description="Every book in the library has a title and at least one author.",
)
def library_books_have_title_and_author(library_db: LibraryDatabase) -> dg.AssetCheckResult:
    from library_pipeline.storage.queries import books_missing_title_or_author

    with library_db.session() as session:
        count, paths = books_missing_title_or_author(session)
    return dg.AssetCheckResult(
        passed=count == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "books_missing_title_or_author": count,
            "examples": dg.MetadataValue.md(markdown_table([{"path": p} for p in paths])),
        },
    )
