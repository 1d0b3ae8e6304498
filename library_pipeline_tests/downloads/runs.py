"""One download call with the clients a test built (what the Dagster asset does with its
resources): a `DownloadRun` around them, closed afterwards."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from library_pipeline.services.downloads import (
    DownloadPolicy,
    DownloadResult,
    DownloadRun,
    ReleaseSource,
    TorrentClient,
    UnsatisfiedLimit,
)

DownloadCall = Callable[[Session, DownloadRun, int, int | None], Awaitable[DownloadResult]]


async def grab(
    download: DownloadCall,
    session: Session,
    *,
    batch_size: int = 10,
    max_priority: int | None = None,
    sources: Sequence[ReleaseSource | Any] = (),
    qbittorrent: TorrentClient | None = None,
    mam_limit: UnsatisfiedLimit | None = None,
    policy: DownloadPolicy | None = None,
    now: datetime | None = None,
) -> DownloadResult:
    run = DownloadRun(
        policy=policy or DownloadPolicy(),
        sources=list(sources),
        qbittorrent=qbittorrent,
        mam_limit=mam_limit,
        now=now,
    )
    try:
        return await download(session, run, batch_size, max_priority)
    finally:
        await run.aclose()
