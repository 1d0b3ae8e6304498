"""Where MAM's rotated session cookie is kept between runs (the client's `CookieStore`).

A stored record is `{"value", "origin", "rotated_at", "signed_out_at", "last_request_at"}`;
`origin` is a fingerprint of the configured cookie, so a rotation of an old cookie is ignored
once the user sets a new one. The library DB's store is `services.mam.AppStateCookieStore`.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Protocol


def cookie_origin(configured: str) -> str:
    """A short fingerprint of the configured cookie (never the cookie itself).

    A rotated value is only used while the configured cookie is the one it descends from: when
    the user sets a new cookie, the stored rotation of the old one is ignored.
    """
    return hashlib.sha256(configured.encode()).hexdigest()[:16]


class CookieStore(Protocol):
    """Where a rotated `mam_id` is kept between runs."""

    def load(self) -> dict[str, Any] | None:
        """`{"value": ..., "origin": ..., "rotated_at": ...}` or None."""

    def save(self, record: dict[str, Any]) -> None: ...


class MemoryCookieStore:
    def __init__(self) -> None:
        self.record: dict[str, Any] | None = None

    def load(self) -> dict[str, Any] | None:
        return self.record

    def save(self, record: dict[str, Any]) -> None:
        self.record = dict(record)


class FileCookieStore:
    """A JSON file readable by its owner only (0600), written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def save(self, record: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)
