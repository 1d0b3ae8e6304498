"""After a placement: the new folders rescanned into `books` (the ids of the books there)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.services.imports.fs import within
from library_pipeline.storage.models import Book


async def rescan_library_folders(
    session: Session, targets: list[Path], library_root: Path
) -> list[int]:
    """Rescan the import root into `books` (the library scan is incremental: unchanged books
    cost a dict lookup) and return the ids of the books now at `targets`."""
    from library_pipeline.services.scan.service import ScanConfig, scan_library

    await scan_library(session, ScanConfig(roots=[str(library_root)]))
    real_root = os.path.realpath(library_root)
    abs_root = os.path.normpath(os.path.abspath(library_root))
    candidates: set[str] = set()
    for target in targets:
        candidates.add(str(target))
        real = os.path.realpath(target)
        if within(real, real_root):
            candidates.add(os.path.join(abs_root, os.path.relpath(real, real_root)))
    if not candidates:
        return []
    rows = session.scalars(
        select(Book.id).where(Book.path.in_(sorted(candidates)), Book.status == "active")
    ).all()
    return sorted(rows)
