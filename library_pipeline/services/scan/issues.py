"""The scan's issues in `scan_issues`: upserted each scan, resolved when they go away."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from library_pipeline.services.scan.results import IssueReport
from library_pipeline.services.scan.writes import ISSUES, set_values, under
from library_pipeline.storage.bulk import allocate_ids, bulk_insert, bulk_update

# SELECT of the stored issues; a plain query: compiling the ORM statement took ~25 ms a scan.
STORED_ISSUES_SQL = "SELECT id, path, reason, fingerprint, resolved_at FROM scan_issues"


def save_issues(
    session: Session,
    issues: Sequence[IssueReport],
    stored: Mapping[str, Any],
    *,
    listed: Sequence[str],
    blocked: Sequence[str],
    now: datetime,
) -> None:
    """Upsert this scan's issues; resolve the stored open ones under a listed root (and not
    under a folder that could not be listed) that were not found again.

    `stored`: the `scan_issues` rows by path (`STORED_ISSUES_SQL`), loaded before the scan."""
    current: dict[str, IssueReport] = {}
    for issue in issues:
        current.setdefault(issue.path, issue)
    inserts: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    touched: list[int] = []
    for path, issue in current.items():
        row = stored.get(path)
        state: dict[str, Any] = {
            "reason": issue.reason,
            "fingerprint": issue.fingerprint,
            "last_seen": now,
        }
        if row is None:
            inserts.append({"path": path, **state, "first_seen": now, "resolved_at": None})
        elif (
            row.resolved_at is not None
            or row.reason != issue.reason
            or row.fingerprint != issue.fingerprint
        ):
            changes.append({"id": row.id, **state, "resolved_at": None})
        else:
            touched.append(row.id)
    ids = allocate_ids(session, ISSUES, len(inserts))
    for issue_id, row in zip(ids, inserts, strict=True):
        row["id"] = issue_id
    bulk_insert(session, ISSUES, inserts)
    bulk_update(session, ISSUES, changes)
    set_values(session, ISSUES, "id", touched, {"last_seen": now})
    resolved = [
        row.id
        for path, row in stored.items()
        if row.resolved_at is None
        and path not in current
        and under(path, listed)
        and not under(path, blocked)
    ]
    set_values(session, ISSUES, "id", resolved, {"resolved_at": now})
    if inserts or changes or touched or resolved:
        session.commit()
