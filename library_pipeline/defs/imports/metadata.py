"""An import run's `ImportResult` as the `imported_books` asset's metadata."""

from typing import TYPE_CHECKING, Any

import dagster as dg

from library_pipeline.defs.tables import markdown_table

if TYPE_CHECKING:
    from library_pipeline.services.imports import ImportResult


def import_metadata(result: "ImportResult") -> dict[str, Any]:
    errors = result.errors
    pending = result.pending_scan
    rows = [{k: item[k] for k in ("title", "mode", "files", "path")} for item in result.imported]
    error_rows = [
        {
            "what": e.get("name") or e.get("infohash") or e.get("book_id") or e.get("stage"),
            "reason": e.get("reason"),
        }
        for e in errors
    ]
    refused_rows = [
        {"what": r.get("name") or r.get("infohash"), "reason": r.get("reason")}
        for r in result.refused
    ]
    return {
        "completed_downloads": result.completed_downloads,
        "imported_count": result.imported_count,
        "already_imported": result.already_imported,
        "corrected_count": result.corrected_count,
        "error_count": len(errors),
        "import_error_count": sum(1 for e in errors if e.get("stage") != "correct"),
        "correction_error_count": sum(1 for e in errors if e.get("stage") == "correct"),
        "errors": dg.MetadataValue.json(errors),
        "error_table": dg.MetadataValue.md(markdown_table(error_rows, ["what", "reason"])),
        # Finished torrents the user decided against (wrong release, book not wanted): left
        # seeding in qBittorrent, not imported. Not errors.
        "refused_count": len(result.refused),
        "not_imported": dg.MetadataValue.md(markdown_table(refused_rows, ["what", "reason"])),
        "audiobookshelf_scan": dg.MetadataValue.json(result.audiobookshelf_scan),
        "audiobookshelf_scan_pending": pending is not None,
        "pending_scan": dg.MetadataValue.json(pending or {}),
        "rescanned_books": dg.MetadataValue.json(result.rescanned_books),
        "staging_cleaned": dg.MetadataValue.json(result.staging_cleaned),
        "providers": dg.MetadataValue.json(result.providers),
        "import_seconds": result.seconds,
        "dagster/row_count": result.imported_count,
        "preview": dg.MetadataValue.md(markdown_table(rows, ["title", "mode", "files", "path"])),
    }
