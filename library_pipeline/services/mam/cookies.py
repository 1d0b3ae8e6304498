"""The rotated MAM cookie, kept in the library DB."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from library_pipeline.storage.app_state import get_state, set_state
from library_pipeline.storage.engine import session_scope

COOKIE_KEY = "mam.session"


class AppStateCookieStore:
    """Keeps the rotated MAM cookie in the library DB's `app_state` table (own short
    transactions, so a rotation is saved even when the caller's work rolls back)."""

    def __init__(self, engine: Engine, key: str = COOKIE_KEY) -> None:
        self.engine = engine
        self.key = key

    def load(self) -> dict[str, Any] | None:
        with session_scope(self.engine) as session:
            value = get_state(session, self.key)
        return value if isinstance(value, dict) else None

    def save(self, record: dict[str, Any]) -> None:
        with session_scope(self.engine) as session:
            set_state(session, self.key, record)
