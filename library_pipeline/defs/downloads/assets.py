"""The `download_requests` asset: wanted books sent to qBittorrent (see the package doc)."""

# Services and clients are imported inside functions so run workers start fast: docs/conventions.md

from typing import TYPE_CHECKING, Any

import dagster as dg
from pydantic import Field

from library_pipeline.defs.downloads.resources import (
    DownloadPolicyResource,
    ProwlarrResource,
    QBittorrentResource,
    TorznabResource,
)
from library_pipeline.defs.downloads.review import refresh_review
from library_pipeline.defs.mam.resources import MamResource
from library_pipeline.defs.optional_services import skipped_metadata
from library_pipeline.defs.resources import DB_POOL, LibraryDatabase
from library_pipeline.defs.tables import markdown_table
from library_pipeline.domain.discovery import DISCOVERY_SOURCES
from library_pipeline.settings import env_name

if TYPE_CHECKING:
    from library_pipeline.services.downloads import DownloadResult, DownloadRun, ReleaseSource

GROUP = "downloads"


class DownloadRequestsConfig(dg.Config):
    batch_size: int = 10  # wanted books per discovery source
    max_priority: int | None = None  # only books with priority >= this
    # approve | auto | dry_run; empty = the LIBRARY_PIPELINE_DOWNLOAD_MODE setting
    mode: str = ""
    dry_run: bool | None = None  # deprecated: true = mode dry_run
    discovery_sources: list[str] = Field(default_factory=lambda: list(DISCOVERY_SOURCES))


def build_run(
    policy: DownloadPolicyResource,
    qbittorrent: QBittorrentResource,
    prowlarr: ProwlarrResource,
    torznab: TorznabResource,
    mam: MamResource | None,
    engine: Any,
    mode: str | None = None,
) -> "DownloadRun":
    """The run's clients, built from the resources (the caller closes them: `run.aclose()`)."""
    from library_pipeline.services.downloads import DownloadRun, MamReleaseSource

    run_policy = policy.policy(qbittorrent, mode)
    sources: list[ReleaseSource] = []
    if prowlarr.configured:
        sources.append(prowlarr.get_client())
    if torznab.configured:
        sources.append(torznab.get_client())
    if mam is not None and mam.configured and policy.search_mam:
        sources.append(MamReleaseSource(mam.client(engine)))
    secrets = [s for s in (prowlarr.api_key, torznab.api_key, qbittorrent.password) if s]
    if mam is not None and mam.mam_id:
        secrets.append(mam.mam_id)
    return DownloadRun(
        policy=run_policy,
        sources=sources,
        qbittorrent=None if run_policy.dry_run else qbittorrent.get_client(),
        secrets=secrets,
    )


def result_metadata(
    total: "DownloadResult", per_source: dict[str, "DownloadResult"]
) -> dict[str, Any]:
    """A run's result as asset metadata: counts, outcome tables, provider health."""
    items = [i.as_row() for i in total.items]
    grabbed = [i.as_row() for i in total.grabbed]
    rejected = [{"book": i.title, **r} for i in total.items for r in i.rejected if r.get("reasons")]
    return {
        "mode": total.mode,
        "dry_run": total.dry_run,
        "awaiting_approval_count": total.awaiting_count,
        "vanished_count": total.vanished_count,
        "download_queued_count": total.download_queued_count,
        "success_count": total.success_count,
        "linked_count": total.linked_count,
        "chosen_count": total.chosen_count,
        "failed_count": total.failed_count,
        "skipped_count": total.skipped_count,
        "per_source": {
            name: {
                "success_count": r.success_count,
                "failed_count": r.failed_count,
                "skipped_count": r.skipped_count,
            }
            for name, r in per_source.items()
        },
        "reconciled": total.reconciled,
        "errors": [f"#{e.missing_book_id} {e.title}: {e.error}" for e in total.errors],
        "source_errors": total.source_errors,
        "providers": total.provider_status,
        "dagster/row_count": len(grabbed),
        "preview": dg.MetadataValue.md(
            markdown_table(
                items,
                ["missing_book_id", "title", "outcome", "release", "indexer", "score", "reason"],
            )
        ),
        "chosen_releases": dg.MetadataValue.md(
            markdown_table(grabbed, ["title", "release", "indexer", "score", "score_summary"])
        ),
        "rejected_releases": dg.MetadataValue.md(
            markdown_table(rejected, ["book", "release", "indexer", "score", "reasons"], limit=40)
        ),
    }


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    deps=["series_gaps", "author_gaps", "top10_wanted_books"],  # they write missing_books
    description="Wanted books (series gaps, author gaps, top-10) sent to qBittorrent as "
    "torrents: the best acceptable release per book, with readable scores and rejection "
    "reasons. Mode approve (the default): choices wait in download_review; auto: grabbed "
    "within the limits; dry_run: recorded only.",
)
async def download_requests(
    context: dg.AssetExecutionContext,
    config: DownloadRequestsConfig,
    library_db: LibraryDatabase,
    download_policy: DownloadPolicyResource,
    qbittorrent: QBittorrentResource,
    prowlarr: ProwlarrResource,
    torznab: TorznabResource,
    mam: MamResource,
) -> dg.MaterializeResult[None]:
    from library_pipeline.services.downloads import download_missing_books

    searches_mam = mam.configured and download_policy.search_mam
    if not (prowlarr.configured or torznab.configured or searches_mam):
        # No release source: nothing searched, no wanted book marked failed.
        detail = "no release source: none of Prowlarr, Torznab or MAM is set up"
        if mam.configured:
            detail = (
                "no release source: Prowlarr and Torznab are not set up, and searching MAM is "
                f"off ({env_name('download_search_mam')})"
            )
        return dg.MaterializeResult(
            metadata={**skipped_metadata("indexers", detail), "dagster/row_count": 0}
        )
    engine = library_db.get_engine()
    mode = "dry_run" if config.dry_run else config.mode or None
    run = build_run(download_policy, qbittorrent, prowlarr, torznab, mam, engine, mode)
    per_source: dict[str, DownloadResult] = {}
    try:
        for source in config.discovery_sources:
            with library_db.session() as session:
                per_source[source] = await download_missing_books(
                    session, source, run, config.batch_size, config.max_priority
                )
    finally:
        await run.aclose()
    total = run.result()
    refresh_review(context.instance, library_db)  # one approvable partition per waiting book
    for error in total.errors:
        context.log.warning(f"wanted book #{error.missing_book_id}: {error.error}")
    for message in total.source_errors:
        context.log.warning(f"release source failed: {message}")
    return dg.MaterializeResult(metadata=result_metadata(total, per_source))


download_requests_job = dg.define_asset_job(
    "download_requests_job", selection=[download_requests], description="Grab wanted books."
)
