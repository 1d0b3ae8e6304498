"""The `app_state` table: small named values the pipeline keeps between runs (a rotated MAM
cookie, the guides crawler's progress, a pending Audiobookshelf rescan)."""

from typing import Any

from sqlalchemy.orm import Session

from library_pipeline.storage.models import AppState, utcnow


def get_state(session: Session, key: str, default: Any = None) -> Any:
    """The value stored under `key`, or `default` when there is none."""
    row = session.get(AppState, key)
    return default if row is None else row.value


def set_state(session: Session, key: str, value: Any) -> None:
    """Store `value` under `key` (in the caller's transaction)."""
    row = session.get(AppState, key)
    if row is None:
        session.add(AppState(key=key, value=value))
    else:
        row.value = value
        row.updated_at = utcnow()


def delete_state(session: Session, key: str) -> None:
    """Forget `key` (nothing happens when it is not stored)."""
    row = session.get(AppState, key)
    if row is not None:
        session.delete(row)
