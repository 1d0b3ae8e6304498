"""Turning wanted books (`missing_books`) into torrents in the user's qBittorrent, safely.

    run = DownloadRun(policy=DownloadPolicy(...), sources=[prowlarr, torznab, mam_source],
                      qbittorrent=qbittorrent_client)
    result = await download_missing_series_books(session, run, batch_size=10)

Each call takes `pending` rows of its `discovery_source` (series_gaps / author_gaps / top10),
highest priority first, searches every release source of the run (Prowlarr, a Torznab feed,
MAM), scores the hits (`domain.releases.scoring`) and grabs the best acceptable one (`grab.py`
says why a grab is idempotent and crash-safe; `reconcile.py` how an interrupted one is
finished). The caller (the Dagster asset) builds the clients, shares one `DownloadRun` across
the calls of a run, and closes it.

Limits (`limits.py`): `max_per_run` (across the calls sharing a run), `max_per_day` (rows
queued in the last 24 hours), and MAM's unsatisfied-torrent limit read once per run (grabs from
MAM stop at limit minus `mam_reserve`; if MAM's count cannot be read, nothing from MAM is
grabbed). Faults are per book: the reason is recorded (`DownloadResult.errors`, a `failed` row
when a release was attempted) and the batch goes on. Secrets never reach errors, rows or results.

Modes (`DownloadPolicy.mode`): `auto` grabs as above; `approve` records the choice as an
`awaiting_approval` row (runners-up kept for the review) and sends nothing; `dry_run` records it
as `chosen`. An approval (`approval.py`) grabs exactly the approved release or, when its indexer
no longer lists it, ends the row `vanished` and records a new choice for review. Releases the
user blocklisted (`storage.decisions`) are never chosen (`binding.py`).

Modules: `sources` (collaborator protocols, MAM as a source), `run` (policy, run state,
results), `limits` (selection and limits), `reconcile`, `grab` (one book), `approval`,
`binding` (a release's identity across searches), `review` (what the review page shows),
`service` (entry points).
"""

from library_pipeline.domain.discovery import AUTHOR_GAPS, SERIES_GAPS, TOP10
from library_pipeline.services.downloads.limits import ACTIVE_STATUSES, select_books
from library_pipeline.services.downloads.reconcile import reconcile_downloads
from library_pipeline.services.downloads.run import (
    BookError,
    BookOutcome,
    DownloadPolicy,
    DownloadResult,
    DownloadRun,
)
from library_pipeline.services.downloads.service import (
    download_missing_author_books,
    download_missing_books,
    download_missing_series_books,
    download_missing_top10_books,
)
from library_pipeline.services.downloads.sources import (
    BOOK_TAG_PREFIX,
    MamReleaseSource,
    ReleaseSource,
    TorrentClient,
    UnsatisfiedLimit,
    book_id_from_tags,
    book_tag,
)

__all__ = [
    "ACTIVE_STATUSES",
    "AUTHOR_GAPS",
    "BOOK_TAG_PREFIX",
    "SERIES_GAPS",
    "TOP10",
    "BookError",
    "BookOutcome",
    "DownloadPolicy",
    "DownloadResult",
    "DownloadRun",
    "MamReleaseSource",
    "ReleaseSource",
    "TorrentClient",
    "UnsatisfiedLimit",
    "book_id_from_tags",
    "book_tag",
    "download_missing_author_books",
    "download_missing_books",
    "download_missing_series_books",
    "download_missing_top10_books",
    "reconcile_downloads",
    "select_books",
]
