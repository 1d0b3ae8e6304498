"""Review before grabbing: `download_review` (the page), `approved_downloads` (one partition per
waiting book: select partitions, Materialize = approve) and `approve_downloads_above_score_job`.

Why partitions: the asset page's "Materialize" dialog lists the waiting books by name, several
can be ticked at once, each approval becomes that partition's materialization (who/when in the
run, history per book), and no config is typed. Partitions come and go with the review:
`download_requests`, `download_review`, approvals and decisions keep them in step.
"""

# Services are imported inside functions so run workers start fast: docs/conventions.md

from typing import TYPE_CHECKING, Any

import dagster as dg

from library_pipeline.defs.downloads.resources import (
    DownloadPolicyResource,
    ProwlarrResource,
    QBittorrentResource,
    TorznabResource,
)
from library_pipeline.defs.mam.resources import MamResource
from library_pipeline.defs.resources import DB_POOL, LibraryDatabase
from library_pipeline.defs.tables import markdown_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from library_pipeline.services.downloads import BookOutcome
    from library_pipeline.services.downloads.review import ReviewItem

GROUP = "downloads"
REVIEW_PARTITIONS = dg.DynamicPartitionsDefinition(name="download_review")
DEFAULT_APPROVE_SCORE = 80.0


def actor(context: dg.OpExecutionContext) -> str:
    """Who acts in this run: the launching user when Dagster knows it, else the run."""
    tags = context.run.tags
    return tags.get("dagster/user") or tags.get("user") or f"dagster run {context.run_id[:8]}"


def _size(size: int | None) -> str:
    return f"{size / 1024**2:,.0f} MB" if size else ""


def _runners_up(item: "ReviewItem") -> str:
    lines = []
    for runner in item.runners_up:
        mark = "✓" if runner.get("accepted") else "✗"
        lines.append(
            f"{mark} {runner.get('release', '')} ({runner.get('indexer', '')}): "
            f"{runner.get('summary', '')}"
        )
    return "<br>".join(line.replace("|", "\\|") for line in lines)


def review_table(items: list["ReviewItem"]) -> str:
    """The review page: one row per waiting book, newest first."""
    rows = [
        {
            "partition": item.partition_key,
            "book id": item.missing_book_id,
            "status": item.status.replace("_", " "),
            "book": item.book,
            "why missing": item.why_missing,
            "chosen release": f"{item.release} ({item.indexer}, {item.seeders or 0} seeders, "
            f"{_size(item.size_bytes)})",
            "score": item.score,
            "why this one": item.explanation,
            "runners-up": _runners_up(item),
            "chosen at": item.chosen_at,
        }
        for item in items
    ]
    return markdown_table(rows, limit=200, width=2000)


def review_metadata(session: "Session") -> tuple[dict[str, Any], list[str]]:
    """The review's metadata and its partition keys."""
    from library_pipeline.services.downloads.review import review_items

    items = review_items(session)
    metadata = {
        "waiting_count": sum(i.status == "awaiting_approval" for i in items),
        "approved_held_count": sum(i.status == "approved" for i in items),
        "dagster/row_count": len(items),
        "review": dg.MetadataValue.md(review_table(items)),
        "how_to_act": dg.MetadataValue.md(
            "- **Approve**: asset `approved_downloads` → Materialize → tick the books "
            "(partitions).\n"
            "- **Approve every choice scoring at least N**: launch "
            "`approve_downloads_above_score_job`.\n"
            "- **Not wanted / owned elsewhere / wrong release**: launch `book_decision_job` "
            "with the book's `book id` from the table; `book_decisions` lists (and "
            "`undo_book_decision_job` reverses) every decision."
        ),
    }
    return metadata, [i.partition_key for i in items]


def sync_review_partitions(
    instance: dg.DagsterInstance, keys: list[str], keep: tuple[str, ...] = ()
) -> None:
    """The review partitions are exactly `keys` (the choices waiting), plus `keep` (the
    partitions of the running approval: Dagster checks they exist when the run ends; the
    next refresh removes them)."""
    name = REVIEW_PARTITIONS.name
    assert name is not None
    existing = set(instance.get_dynamic_partitions(name))
    new = [k for k in keys if k not in existing]
    if new:
        instance.add_dynamic_partitions(name, new)
    for key in existing - set(keys) - set(keep):
        instance.delete_dynamic_partition(name, key)


def refresh_review(
    instance: dg.DagsterInstance, library_db: LibraryDatabase, keep: tuple[str, ...] = ()
) -> None:
    """After choices, approvals or decisions: partitions in step, the review page re-recorded."""
    with library_db.session() as session:
        metadata, keys = review_metadata(session)
    sync_review_partitions(instance, keys, keep)
    instance.report_runless_asset_event(
        dg.AssetMaterialization(asset_key="download_review", metadata=metadata)
    )


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    deps=["download_requests"],
    description="The choices waiting for your approval, newest first: the book and why it is "
    "missing, the chosen release with its score explanation, the runners-up with theirs. "
    "Approve on approved_downloads (one partition per waiting book).",
)
def download_review(
    context: dg.AssetExecutionContext, library_db: LibraryDatabase
) -> dg.MaterializeResult[None]:
    with library_db.session() as session:
        metadata, keys = review_metadata(session)
    sync_review_partitions(context.instance, keys)
    return dg.MaterializeResult(metadata=metadata)


def outcome_metadata(outcomes: list["BookOutcome"]) -> dict[str, Any]:
    rows = [o.as_row() for o in outcomes]
    return {
        "grabbed_count": sum(o.outcome in ("queued", "linked") for o in outcomes),
        "vanished_count": sum(o.outcome == "vanished" for o in outcomes),
        "held_count": sum(o.outcome == "skipped" for o in outcomes),
        "failed_count": sum(o.outcome == "failed" for o in outcomes),
        "outcomes": dg.MetadataValue.md(
            markdown_table(rows, ["title", "outcome", "release", "indexer", "score", "reason"])
        ),
    }


async def approve(
    context: dg.OpExecutionContext,
    download_ids: list[int],
    resources: tuple[
        LibraryDatabase,
        DownloadPolicyResource,
        QBittorrentResource,
        ProwlarrResource,
        TorznabResource,
        MamResource,
    ],
) -> list["BookOutcome"]:
    """Approve these waiting choices and grab exactly their releases."""
    from library_pipeline.defs.downloads.assets import build_run
    from library_pipeline.services.downloads.approval import approve_downloads

    library_db, policy, qbittorrent, prowlarr, torznab, mam = resources
    run = build_run(policy, qbittorrent, prowlarr, torznab, mam, library_db.get_engine(), "auto")
    try:
        with library_db.session() as session:
            outcomes = await approve_downloads(session, run, download_ids, actor(context))
    finally:
        await run.aclose()
    for outcome in outcomes:
        if outcome.outcome in ("failed", "skipped", "vanished"):
            context.log.warning(f"{outcome.title}: {outcome.outcome}: {outcome.reason}")
    return outcomes


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    partitions_def=REVIEW_PARTITIONS,
    # Books ticked together are approved in one run: one worker start, one MAM limit read.
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=["download_review"],
    description="Approve a waiting choice: Materialize the books' partitions. The grab uses "
    "exactly the chosen release; if its indexer no longer lists it, the book goes back to "
    "review with a new choice.",
)
async def approved_downloads(
    context: dg.AssetExecutionContext,
    library_db: LibraryDatabase,
    download_policy: DownloadPolicyResource,
    qbittorrent: QBittorrentResource,
    prowlarr: ProwlarrResource,
    torznab: TorznabResource,
    mam: MamResource,
) -> dg.MaterializeResult[None]:
    from library_pipeline.services.downloads.review import download_id_of

    others = other_assets_requested(context)
    if others:
        # "Materialize all" selects this asset with every partition: that is not a decision.
        context.log.warning(f"nothing approved: {NOT_ALONE}")
        return dg.MaterializeResult(
            metadata={"approved": 0, "not_approved": f"{NOT_ALONE} (also selected: {others})"}
        )
    resources = (library_db, download_policy, qbittorrent, prowlarr, torznab, mam)
    ids = [download_id_of(key) for key in context.partition_keys]
    outcomes = await approve(context.op_execution_context, ids, resources)
    refresh_review(context.instance, library_db, keep=tuple(context.partition_keys))
    return dg.MaterializeResult(metadata=outcome_metadata(outcomes))


NOT_ALONE = (
    "an approval is made by materializing approved_downloads on its own, with the books ticked; "
    "a run or backfill that selects other assets too (e.g. 'Materialize all') approves nothing"
)


def other_assets_requested(context: dg.AssetExecutionContext) -> str:
    """The other assets this run, or the backfill that launched it, was asked to materialize
    (empty when approved_downloads was selected alone)."""
    # A launched run names its selection; an in-process one only has its job's assets.
    selected = set(context.run.asset_selection or context.job_def.asset_layer.executable_asset_keys)
    backfill_id = context.run.tags.get("dagster/backfill")
    if backfill_id:
        backfill = context.instance.get_backfill(backfill_id)
        if backfill is not None:
            selected |= set(backfill.asset_selection or ())
    names = sorted(key.to_user_string() for key in selected - {context.asset_key})
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


class ApproveAboveScoreConfig(dg.Config):
    min_score: float = DEFAULT_APPROVE_SCORE  # every waiting choice scoring at least this


@dg.op(pool=DB_POOL)
async def approve_downloads_above_score(
    context: dg.OpExecutionContext,
    config: ApproveAboveScoreConfig,
    library_db: LibraryDatabase,
    download_policy: DownloadPolicyResource,
    qbittorrent: QBittorrentResource,
    prowlarr: ProwlarrResource,
    torznab: TorznabResource,
    mam: MamResource,
) -> None:
    """Approve (and grab) every waiting choice scoring at least `min_score`, best first."""
    from library_pipeline.services.downloads.approval import awaiting_ids
    from library_pipeline.services.downloads.review import review_items

    with library_db.session() as session:
        keys = {i.download_id: i.partition_key for i in review_items(session)}
        ids = awaiting_ids(session, config.min_score)
    resources = (library_db, download_policy, qbittorrent, prowlarr, torznab, mam)
    outcomes = await approve(context, ids, resources)
    for outcome in outcomes:
        key = keys.get(outcome.download_id or -1)
        if key is not None and outcome.outcome in ("queued", "linked", "vanished"):
            context.log_event(
                dg.AssetMaterialization(
                    asset_key="approved_downloads",
                    partition=key,
                    metadata=outcome_metadata([outcome]),
                )
            )
    refresh_review(context.instance, library_db)
    grabbed = sum(o.outcome in ("queued", "linked") for o in outcomes)
    context.log.info(f"{len(ids)} choice(s) scoring >= {config.min_score:g}: {grabbed} grabbed")


@dg.job(description="Approve every waiting choice scoring at least min_score (default 80).")
def approve_downloads_above_score_job() -> None:
    approve_downloads_above_score()
