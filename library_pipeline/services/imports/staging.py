"""The staging folder inside the library root where a book is assembled before its folder is
renamed into place, and the sweep of what a crash left there."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from library_pipeline.services.imports.fs import rmdir_if_empty, within

# Hidden, so library scanners skip it.
STAGING_DIR = ".library-pipeline-incoming"
STALE_STAGING_SECONDS = 3600.0


def is_safe_staging_root(library_root: Path) -> bool:
    """Whether the staging folder is absent or a real folder inside the library root: a link
    (to anywhere) is never used nor cleaned, so nothing outside the library is touched."""
    staging_root = Path(library_root) / STAGING_DIR
    if staging_root.is_symlink():
        return False
    if not staging_root.exists():
        return True
    real_root = os.path.realpath(library_root)
    return within(os.path.realpath(staging_root), real_root)


def clean_staging(library_root: Path, older_than: float = STALE_STAGING_SECONDS) -> list[Path]:
    """Remove staging folders left by a crash (they only hold links/copies; seeding data is
    never in them, and removing a hardlink leaves the other name intact). Returns them."""
    staging_root = Path(library_root) / STAGING_DIR
    removed: list[Path] = []
    if not is_safe_staging_root(library_root) or not staging_root.is_dir():
        return removed
    now = time.time()
    for entry in staging_root.iterdir():
        try:
            if now - entry.lstat().st_mtime >= older_than:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
                removed.append(entry)
        except OSError:
            continue
    rmdir_if_empty(staging_root)
    return removed
