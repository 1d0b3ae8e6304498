"""The gap assets' checks: no missing book is one the user owns, and every owned series and kept
author could be checked (a provider that was silent is not "no gaps")."""

from typing import Any

import dagster as dg

from library_pipeline.defs.resources import DB_POOL, LibraryDatabase


def _owned_check(library_db: LibraryDatabase) -> dg.AssetCheckResult:
    from library_pipeline.services import gaps

    with library_db.session() as session:
        owned = gaps.missing_books_owned(session)
    return dg.AssetCheckResult(
        passed=not owned,
        metadata={"owned_but_missing": len(owned), "samples": dg.MetadataValue.json(owned[:20])},
    )


@dg.asset_check(asset="series_gaps", blocking=False, pool=DB_POOL)
def no_missing_book_is_owned(library_db: LibraryDatabase) -> dg.AssetCheckResult:
    """Fails if any pending or queued missing book matches a book the user owns."""
    return _owned_check(library_db)


@dg.asset_check(asset="author_gaps", blocking=False, name="no_missing_book_is_owned", pool=DB_POOL)
def no_author_gap_is_owned(library_db: LibraryDatabase) -> dg.AssetCheckResult:
    """Fails if any pending or queued missing book matches a book the user owns."""
    return _owned_check(library_db)


def _checked_result(kind: str, unchecked: list[str]) -> dg.AssetCheckResult:
    metadata: dict[str, Any] = {
        f"unchecked_{kind}": len(unchecked),
        "names": dg.MetadataValue.json(unchecked[:200]),
    }
    if unchecked:
        shown = ", ".join(unchecked[:10]) + (" ..." if len(unchecked) > 10 else "")
        metadata["reason"] = (
            f"no provider answered for {len(unchecked)} {kind} ({shown}): their earlier gaps "
            "are kept and none was closed; refresh gap_catalogue when the providers are back"
        )
    return dg.AssetCheckResult(passed=not unchecked, metadata=metadata)


@dg.asset_check(asset="series_gaps", blocking=False, pool=DB_POOL)
def every_series_was_checked(library_db: LibraryDatabase) -> dg.AssetCheckResult:
    """Fails naming the owned series whose catalogue no provider could list last refresh."""
    from library_pipeline.services import gaps

    with library_db.session() as session:
        series, _authors = gaps.last_unchecked(session)
    return _checked_result("series", series)


@dg.asset_check(asset="author_gaps", blocking=False, pool=DB_POOL)
def every_author_was_checked(library_db: LibraryDatabase) -> dg.AssetCheckResult:
    """Fails naming the kept authors whose bibliography no provider could list last refresh."""
    from library_pipeline.services import gaps

    with library_db.session() as session:
        _series, authors = gaps.last_unchecked(session)
    return _checked_result("authors", authors)
