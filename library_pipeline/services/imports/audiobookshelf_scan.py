"""The Audiobookshelf scan after an import, and the pending-scan marker (in `app_state`) that
the next import run retries when Audiobookshelf was down."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from library_pipeline.clients.http import ProviderError
from library_pipeline.services.imports.fs import within
from library_pipeline.services.imports.options import ImportOptions
from library_pipeline.storage.app_state import delete_state, get_state, set_state
from library_pipeline.storage.models import utcnow

if TYPE_CHECKING:
    from library_pipeline.clients.audiobookshelf import AudiobookshelfClient

PENDING_SCAN_KEY = "audiobookshelf_pending_scan"


def read_pending_scan(session: Session) -> dict[str, Any] | None:
    """The scan a previous run could not request, or None."""
    value = get_state(session, PENDING_SCAN_KEY)
    return dict(value) if value else None


def write_pending_scan(session: Session, value: dict[str, Any] | None) -> None:
    if value is None:
        delete_state(session, PENDING_SCAN_KEY)
    else:
        set_state(session, PENDING_SCAN_KEY, value)
    session.commit()


async def request_audiobookshelf_scan(
    session: Session,
    audiobookshelf: AudiobookshelfClient | None,
    *,
    reason: str,
    options: ImportOptions,
    paths: Sequence[str] = (),
) -> dict[str, Any]:
    """Ask Audiobookshelf to scan; on failure keep (or update) the pending-scan marker in
    `app_state` so the next import run retries. Returns what happened (for metadata)."""
    pending = read_pending_scan(session)
    if audiobookshelf is None:
        return {"requested": False, "reason": "Audiobookshelf not configured", "pending": None}
    try:
        library_ids = await _library_ids(
            audiobookshelf, options.abs_library_id, options.library_root
        )
        for library_id in library_ids:
            await audiobookshelf.scan_library(library_id)
    except ProviderError as error:  # Audiobookshelf down must never undo an import
        value = _pending_after_failure(pending, str(error), reason, paths)
        write_pending_scan(session, value)
        return {"requested": False, "error": str(error)[:500], "pending": value}
    write_pending_scan(session, None)
    return {
        "requested": True,
        "libraries": library_ids,
        "retried_pending_since": (pending or {}).get("since"),
        "pending": None,
    }


def _pending_after_failure(
    pending: dict[str, Any] | None, error: str, reason: str, paths: Sequence[str]
) -> dict[str, Any]:
    now = utcnow().isoformat(timespec="seconds")
    return {
        "since": (pending or {}).get("since", now),
        "last_attempt": now,
        "attempts": int((pending or {}).get("attempts", 0)) + 1,
        "last_error": error[:500],
        "reason": reason,
        "paths": sorted({*(pending or {}).get("paths", []), *paths})[-50:],
    }


async def _library_ids(
    audiobookshelf: AudiobookshelfClient, configured: str, library_root: Path | None
) -> list[str]:
    """The configured library, else the libraries whose folders hold the import root, else all
    book libraries."""
    if configured:
        return [configured]
    libraries = [lib for lib in await audiobookshelf.list_libraries() if lib.media_type == "book"]
    if library_root is not None:
        root = os.path.realpath(library_root)
        holding = [
            lib.id
            for lib in libraries
            if any(
                within(root, os.path.realpath(f.full_path)) or within(f.full_path, root)
                for f in lib.folders
            )
        ]
        if holding:
            return holding
    return [lib.id for lib in libraries]
