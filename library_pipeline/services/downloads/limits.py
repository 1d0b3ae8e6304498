"""Which wanted books a run takes, and the limits that stop it (per run, per day, MAM's
unsatisfied-torrent limit, qBittorrent reachable)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from library_pipeline.clients.http import ProviderError
from library_pipeline.services.downloads.run import DownloadRun
from library_pipeline.storage.models import Download, MissingBookRow

ACTIVE_STATUSES = ("adding", "queued", "downloading", "completed", "imported")
# A choice the user approved is grabbed exactly (`approval.py`), never chosen again.
APPROVED = "approved"
AWAITING = "awaiting_approval"


def select_books(
    session: Session,
    discovery_source: str,
    batch_size: int,
    max_priority: int | None = None,
    *,
    held: tuple[str, ...] = (AWAITING, APPROVED),
) -> list[MissingBookRow]:
    """Pending wanted books of one discovery source without an active download, best first.
    Books with a download of a `held` status (waiting for or holding the user's approval) are
    left alone too."""
    active = exists().where(
        and_(
            Download.missing_book_id == MissingBookRow.id,
            Download.status.in_(ACTIVE_STATUSES + held),
        )
    )
    query = select(MissingBookRow).where(
        MissingBookRow.status == "pending",
        MissingBookRow.discovery_source == discovery_source,
        ~active,
    )
    if max_priority is not None:
        query = query.where(MissingBookRow.priority >= max_priority)
    query = query.order_by(MissingBookRow.priority.desc(), MissingBookRow.id).limit(
        max(0, batch_size)
    )
    return list(session.scalars(query))


def queued_in_last_day(session: Session, now: datetime) -> int:
    """Torrents sent to qBittorrent in the last 24 hours, whatever became of them since: a grab
    the user rejected or that failed to import was still a grab at the tracker."""
    return int(
        session.scalar(
            select(func.count(Download.id)).where(
                Download.queued_at.is_not(None),
                Download.queued_at >= now - timedelta(hours=24),
            )
        )
        or 0
    )


def limit_reason(session: Session, run: DownloadRun, *, sending: bool = True) -> str | None:
    """Why no further book may be grabbed now (None = it may); a choice only recorded
    (`sending` False) counts against the per-run limit only."""
    policy = run.policy
    if run.grabbed >= policy.max_per_run:
        return f"per-run limit reached ({policy.max_per_run})"
    if not sending:
        return None
    if run.day_count is None:
        run.day_count = queued_in_last_day(session, run.clock())
    if run.day_count >= policy.max_per_day:
        return f"daily limit reached ({policy.max_per_day} in 24 h)"
    return None


async def mam_block(run: DownloadRun) -> str | None:
    """Why MAM releases may not be grabbed now (None = they may)."""
    if run.mam_limit is None:
        return None
    if run.mam_unsat is None and run.mam_error is None:
        try:
            run.mam_unsat = await run.mam_limit.unsatisfied()
        except Exception as error:  # noqa: BLE001 - any failure means "unknown": be safe
            run.mam_error = run.redact(str(error))
    if run.mam_error is not None:
        return f"MAM unsatisfied count unknown ({run.mam_error}): not grabbing from MAM"
    assert run.mam_unsat is not None
    count, limit = run.mam_unsat
    if limit is None:
        return None
    allowed = limit - run.policy.mam_reserve
    if count + run.mam_grabbed >= allowed:
        return (
            f"MAM unsatisfied limit: {count + run.mam_grabbed}/{limit} "
            f"(keeping {run.policy.mam_reserve} free)"
        )
    return None


async def check_qbittorrent(run: DownloadRun) -> str | None:
    """Why qBittorrent cannot take torrents (logs in once per run; None = it can)."""
    if run.qbittorrent is None:
        return "qBittorrent not configured"
    if not run.qbt_checked:
        run.qbt_checked = True
        try:
            await asyncio.to_thread(run.qbittorrent.login)
        except ProviderError as error:
            run.qbt_error = run.redact(str(error))
        except Exception as error:  # noqa: BLE001 - an unexpected failure is recorded per book
            run.qbt_error = run.redact(f"qbittorrent: {type(error).__name__}: {error}")
    return run.qbt_error
