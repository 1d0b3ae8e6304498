"""Downloads in Dagster: the `download_requests` asset turns wanted books into torrents.

- `download_requests`: for the pending `missing_books` rows (series gaps, author gaps, wanted
  top-10 books), searches Prowlarr, a Torznab feed and MAM, scores the releases, and adds the
  best acceptable one to qBittorrent with the category and tags the completion sensor watches
  (`library-pipeline` + `lp-missing-<id>`). Dry run (setting or run config) only records the
  choices (status `chosen`). Metadata: counts, a table of every book's outcome with the chosen
  release and its score, the rejected releases with reasons, provider health.
- Resources: `qbittorrent` (`QBittorrentResource`), `prowlarr` (`ProwlarrResource`), `torznab`
  (`TorznabResource`); MAM search uses the `mam` resource of the MAM part.
"""

# Services and clients are imported inside functions so run workers start fast: docs/conventions.md

from typing import TYPE_CHECKING, Any

import dagster as dg

from library_pipeline.defs.mam import MamResource
from library_pipeline.defs.resources import DB_POOL, LibraryDatabase, setting
from library_pipeline.defs.tables import markdown_table
from library_pipeline.domain.discovery import DISCOVERY_SOURCES
from library_pipeline.settings import get_settings

if TYPE_CHECKING:
    from library_pipeline.clients.prowlarr import ProwlarrClient
    from library_pipeline.clients.qbittorrent import QBittorrentClient
    from library_pipeline.clients.torznab import TorznabClient
    from library_pipeline.services.downloads import DownloadRun, ReleaseSource

GROUP = "downloads"


def _int_list(value: str) -> list[int]:
    return [int(v) for v in value.replace(";", ",").split(",") if v.strip().isdigit()]


class QBittorrentResource(dg.ConfigurableResource):
    """The user's qBittorrent WebUI, and where/how the pipeline's torrents are filed.

    The completion sensor finds the pipeline's torrents by `tags` (first tag) and reads the
    wanted book from the `lp-missing-<id>` tag; `category` is the default category of adds.
    """

    url: str = "http://127.0.0.1:8080"
    username: str = "admin"
    password: str = ""
    category: str = "library-pipeline"
    tags: str = "library-pipeline"
    save_path: str = ""

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    def get_client(self) -> "QBittorrentClient":
        from library_pipeline.clients.qbittorrent import QBittorrentClient

        return QBittorrentClient(self.url, self.username, self.password)


class ProwlarrResource(dg.ConfigurableResource):
    """Prowlarr (searches every indexer it manages); empty URL or key = not used."""

    url: str = ""
    api_key: str = ""
    categories: str = "3030"

    @property
    def configured(self) -> bool:
        return bool(self.url and self.api_key)

    def get_client(self) -> "ProwlarrClient":
        from library_pipeline.clients.prowlarr import ProwlarrClient

        return ProwlarrClient(self.url, self.api_key, categories=_int_list(self.categories))


class TorznabResource(dg.ConfigurableResource):
    """One Torznab feed (Jackett, a Prowlarr indexer's /api, ...); empty URL = not used."""

    url: str = ""
    api_key: str = ""
    name: str = ""
    categories: str = "3030"

    @property
    def configured(self) -> bool:
        return bool(self.url)

    def get_client(self) -> "TorznabClient":
        from library_pipeline.clients.torznab import TorznabClient

        return TorznabClient(
            self.url,
            self.api_key,
            name=self.name or None,
            categories=_int_list(self.categories),
        )


class DownloadRequestsConfig(dg.Config):
    batch_size: int = 10  # wanted books per discovery source
    max_priority: int | None = None  # only books with priority >= this
    dry_run: bool | None = None  # None = the LIBRARY_PIPELINE_DOWNLOAD_DRY_RUN setting
    discovery_sources: list[str] = list(DISCOVERY_SOURCES)


def build_run(
    qbittorrent: QBittorrentResource,
    prowlarr: ProwlarrResource,
    torznab: TorznabResource,
    mam: MamResource | None,
    engine: Any,
    dry_run: bool | None,
) -> "DownloadRun":
    from library_pipeline.services.downloads import DownloadPolicy, DownloadRun, MamReleaseSource

    settings = get_settings()
    overrides: dict[str, Any] = {
        "category": qbittorrent.category,
        "tags": tuple(qbittorrent.tag_list),
        "save_path": qbittorrent.save_path or None,
    }
    if dry_run is not None:
        overrides["dry_run"] = dry_run
    policy = DownloadPolicy.from_settings(settings, **overrides)
    sources: list[ReleaseSource] = []
    if prowlarr.configured:
        sources.append(prowlarr.get_client())
    if torznab.configured:
        sources.append(torznab.get_client())
    mam_source = None
    if mam is not None and mam.configured and settings.download_search_mam:
        mam_source = MamReleaseSource(mam.client(engine))
        sources.append(mam_source)
    secrets = [s for s in (prowlarr.api_key, torznab.api_key, qbittorrent.password) if s]
    if mam is not None and mam.mam_id:
        secrets.append(mam.mam_id)
    return DownloadRun(
        policy=policy,
        sources=sources,
        qbittorrent=None if policy.dry_run else qbittorrent.get_client(),
        mam_limit=mam_source,
        secrets=secrets,
        owned=[s if not isinstance(s, MamReleaseSource) else s.client for s in sources],
    )


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    deps=["series_gaps", "author_gaps", "top10_wanted_books"],  # they write missing_books
    description="Wanted books (series gaps, author gaps, top-10) sent to qBittorrent as "
    "torrents: the best acceptable release per book, with readable scores and rejection "
    "reasons; dry run records the choices only.",
)
async def download_requests(
    context: dg.AssetExecutionContext,
    config: DownloadRequestsConfig,
    library_db: LibraryDatabase,
    qbittorrent: QBittorrentResource,
    prowlarr: ProwlarrResource,
    torznab: TorznabResource,
    mam: MamResource,
) -> dg.MaterializeResult:
    from library_pipeline.services.downloads import download_missing_books

    run = build_run(qbittorrent, prowlarr, torznab, mam, library_db.get_engine(), config.dry_run)
    results: dict[str, dict[str, Any]] = {}
    try:
        for source in config.discovery_sources:
            with library_db.session() as session:
                results[source] = await download_missing_books(
                    session, source, config.batch_size, config.max_priority, run=run
                )
    finally:
        await run.aclose()
    total = run.result()
    for error in total["errors"]:
        context.log.warning(f"wanted book #{error['missing_book_id']}: {error['error']}")
    for error in total["source_errors"]:
        context.log.warning(f"release source failed: {error}")
    items = total["items"]
    grabbed = [i for i in items if i["outcome"] in ("queued", "linked", "chosen")]
    rejected = [
        {"book": i["title"], **r} for i in items for r in i.get("rejected", []) if r.get("reasons")
    ]
    metadata: dict[str, Any] = {
        "dry_run": run.policy.dry_run,
        "download_queued_count": total["download_queued_count"],
        "success_count": total["success_count"],
        "linked_count": total["linked_count"],
        "chosen_count": total["chosen_count"],
        "failed_count": total["failed_count"],
        "skipped_count": total["skipped_count"],
        "per_source": {
            k: {n: v[n] for n in ("success_count", "failed_count", "skipped_count")}
            for k, v in results.items()
        },
        "reconciled": total["reconciled"],
        "errors": [f"#{e['missing_book_id']} {e['title']}: {e['error']}" for e in total["errors"]],
        "source_errors": total["source_errors"],
        "providers": run.provider_status(),
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
    return dg.MaterializeResult(metadata=metadata)


download_requests_job = dg.define_asset_job(
    "download_requests_job", selection=[download_requests], description="Grab wanted books."
)


def downloads_resources() -> dict[str, Any]:
    return {
        "qbittorrent": QBittorrentResource(
            url=setting("qbittorrent_url"),
            username=setting("qbittorrent_username"),
            password=setting("qbittorrent_password", secret=True),
            category=setting("qbittorrent_category"),
            tags=setting("qbittorrent_tags"),
            save_path=setting("qbittorrent_save_path"),
        ),
        "prowlarr": ProwlarrResource(
            url=setting("prowlarr_url"),
            api_key=setting("prowlarr_api_key", secret=True),
            categories=setting("download_categories"),
        ),
        "torznab": TorznabResource(
            url=setting("torznab_url"),
            api_key=setting("torznab_api_key", secret=True),
            name=setting("torznab_name"),
            categories=setting("download_categories"),
        ),
    }


defs = dg.Definitions(
    assets=[download_requests],
    jobs=[download_requests_job],
    resources=downloads_resources(),
)
