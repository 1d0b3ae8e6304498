"""MAM's guides as Markdown files (crawl4ai + Chromium), resumable; status and reset jobs."""

# Services are imported inside functions so run workers start fast: docs/conventions.md

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg

from library_pipeline.defs.mam.resources import MamResource
from library_pipeline.defs.optional_services import skipped_metadata
from library_pipeline.defs.resources import DB_POOL, LibraryDatabase
from library_pipeline.defs.tables import markdown_table

if TYPE_CHECKING:
    from library_pipeline.services.mam.results import CrawlerStatus, CrawlResult

GROUP = "mam"


class MamGuidesConfig(dg.Config):
    max_guides: int = 0  # 0 = every pending guide
    resume: bool = True
    min_delay: float = 10.0
    max_delay: float = 30.0
    output_dir: str = ""  # default: <data_dir>/mam-guides
    chromium_path: str = ""  # default: chromium on PATH


def _guides_dir(mam: MamResource, config_dir: str) -> Path:
    return Path(config_dir) if config_dir else Path(mam.data_dir) / "mam-guides"


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    description="MAM's guides saved as Markdown (crawl4ai + Chromium); resumes where it stopped.",
)
async def mam_guides(
    context: dg.AssetExecutionContext,
    config: MamGuidesConfig,
    mam: MamResource,
    library_db: LibraryDatabase,
) -> dg.MaterializeResult[None]:
    from library_pipeline.services.guides_crawler import (
        GuidesCrawlerConfig,
        crawl_mam_guides,
        get_crawler_status,
    )

    if not mam.browser_mam_id.strip():
        return dg.MaterializeResult(
            metadata={"guides_count": 0, "dagster/row_count": 0, **skipped_metadata("mam_crawler")}
        )
    crawler_config = GuidesCrawlerConfig(
        base_url=mam.url,
        cookie=mam.browser_mam_id,
        output_dir=_guides_dir(mam, config.output_dir),
        work_dir=Path(mam.data_dir) / "crawler",
        max_guides=config.max_guides,
        resume=config.resume,
        min_delay=config.min_delay,
        max_delay=config.max_delay,
        chromium_path=config.chromium_path,
    )
    with library_db.session() as session:
        result = await crawl_mam_guides(session, crawler_config)
        status = get_crawler_status(session)
    metadata = _crawl_metadata(result, status)
    for error in result.errors:
        context.log.warning(error)
    if result.errors and not result.pages_fetched:
        # Nothing could be fetched at all (no cookie, no Chromium, not signed in): say so loudly.
        raise dg.Failure(description="; ".join(result.errors), metadata=metadata)
    return dg.MaterializeResult(metadata=metadata)


def _crawl_metadata(result: "CrawlResult", status: "CrawlerStatus") -> dict[str, Any]:
    failed = [dataclasses.asdict(guide) for guide in result.failed_guides]
    return {
        "guides_count": result.guides_count,
        "pages_fetched": result.pages_fetched,
        "discovered": result.discovered,
        "skipped_done": result.skipped_done,
        "errors": result.errors,
        "failed_guides": failed,
        "guides_output_dir": dg.MetadataValue.path(result.guides_output_dir),
        "completed_count": status.completed_count,
        "failed_count": status.failed_count,
        "pending_count": status.pending_count,
        "dagster/row_count": status.completed_count,
        "preview": dg.MetadataValue.md(
            markdown_table(failed, ["url", "reason"])
            if failed
            else f"{status.completed_count} guides saved in `{result.guides_output_dir}`"
        ),
    }


@dg.op(description="The guides crawler's state: done, failed and pending pages, last run.")
def mam_guides_status(
    context: dg.OpExecutionContext, library_db: LibraryDatabase
) -> dict[str, Any]:
    from library_pipeline.services.guides_crawler import get_crawler_status

    with library_db.session() as session:
        status = get_crawler_status(session).as_dict()
    context.log.info(f"MAM guides crawler: {status}")
    context.add_output_metadata({k: v for k, v in status.items() if v is not None})
    return status


class ResetGuidesConfig(dg.Config):
    delete_output: bool = False  # also delete the saved Markdown files


@dg.op(
    pool=DB_POOL,
    description="Forget the guides crawler's state (the next crawl starts from the index).",
)
def mam_guides_reset(
    context: dg.OpExecutionContext,
    config: ResetGuidesConfig,
    mam: MamResource,
    library_db: LibraryDatabase,
) -> dict[str, Any]:
    from library_pipeline.services.guides_crawler import reset_crawler_state

    with library_db.session() as session:
        result = reset_crawler_state(
            session,
            delete_output=config.delete_output,
            output_dir=_guides_dir(mam, ""),
        ).as_dict()
    context.log.info(f"MAM guides crawler reset: {result}")
    context.add_output_metadata(result)
    return result


@dg.job(description="Show the MAM guides crawler's state.")
def mam_guides_status_job() -> None:
    mam_guides_status()


@dg.job(description="Reset the MAM guides crawler's state.")
def mam_guides_reset_job() -> None:
    mam_guides_reset()


mam_guides_job = dg.define_asset_job("mam_guides_job", selection=[mam_guides])
