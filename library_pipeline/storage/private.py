"""Files and folders only their owner can read: the data folder, the library DB, Dagster's home.

They hold the library DB (with the rotated MAM cookie in `app_state`), run logs and caches;
nobody else on the machine needs them. Folders are 0700 and files 0600 whatever the umask.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path) -> Path:
    """Create `path` (missing parents too) owner-only; tighten it when it exists."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        os.chmod(path, PRIVATE_DIR)
    return path


def private_files(*paths: Path) -> None:
    """Tighten those of `paths` that exist to owner-only (a database, its journal/WAL)."""
    for path in paths:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            continue
        if mode & 0o077:
            os.chmod(path, PRIVATE_FILE)
