"""Decisions that stick, from the UI: `book_decision_job` (not wanted, owned elsewhere, wrong
release), `undo_book_decision_job`, and `book_decisions`, the page listing every decision."""

# Services are imported inside functions so run workers start fast: docs/conventions.md

import enum
from typing import Any

import dagster as dg

from library_pipeline.defs.downloads.review import actor, refresh_review
from library_pipeline.defs.resources import DB_POOL, LibraryDatabase
from library_pipeline.defs.tables import markdown_table

GROUP = "downloads"


class Decision(enum.Enum):
    # Each: a download decided against is not imported while the decision stands; its torrent
    # is left seeding in qBittorrent.
    not_wanted = "not_wanted"  # never reported again by gaps or top-10, never searched
    owned_elsewhere = "owned_elsewhere"  # counts as owned for gap finding
    wrong_release = "wrong_release"  # that release blocklisted for the book; searched again


def decisions_metadata(library_db: LibraryDatabase) -> dict[str, Any]:
    from library_pipeline.storage.decisions import decision_rows

    with library_db.session() as session:
        rows = decision_rows(session)
    in_force = [r for r in rows if not r["undone"]]
    return {
        "in_force_count": len(in_force),
        "dagster/row_count": len(rows),
        "decisions": dg.MetadataValue.md(markdown_table(rows, limit=500, width=300)),
    }


def _report(context: dg.OpExecutionContext, library_db: LibraryDatabase) -> None:
    context.instance.report_runless_asset_event(
        dg.AssetMaterialization(asset_key="book_decisions", metadata=decisions_metadata(library_db))
    )
    refresh_review(context.instance, library_db)


@dg.asset(
    group_name=GROUP,
    pool=DB_POOL,
    description="Every decision about a wanted book (not wanted, owned elsewhere, wrong release, "
    "unimportable download), with who and when; undone ones say so; `download` says what became "
    "of a decided release's download (not imported, or imported before the decision and kept "
    "in the library). Decide with "
    "book_decision_job, reverse with undo_book_decision_job (decision_id from this table).",
)
def book_decisions(library_db: LibraryDatabase) -> dg.MaterializeResult[None]:
    return dg.MaterializeResult(metadata=decisions_metadata(library_db))


class BookDecisionConfig(dg.Config):
    missing_book_id: int  # the "book id" column of download_review, or missing_books.id
    decision: Decision
    note: str = ""
    download_id: int = 0  # wrong_release: the release's download row; 0 = the book's latest


@dg.op(pool=DB_POOL)
def decide_book(
    context: dg.OpExecutionContext, config: BookDecisionConfig, library_db: LibraryDatabase
) -> None:
    """Record the decision and apply it to the book and its waiting choices."""
    from library_pipeline.storage.decisions import decide

    with library_db.session() as session:
        decision = decide(
            session,
            config.missing_book_id,
            config.decision.value,
            actor(context),
            note=config.note or None,
            download_id=config.download_id or None,
        )
        context.log.info(f"decision #{decision.id}: {decision.kind} for {decision.title!r}")
    _report(context, library_db)


class UndoDecisionConfig(dg.Config):
    decision_id: int  # the "decision_id" column of book_decisions


@dg.op(pool=DB_POOL)
def undo_book_decision(
    context: dg.OpExecutionContext, config: UndoDecisionConfig, library_db: LibraryDatabase
) -> None:
    """Reverse a decision: the book's status comes back, a blocklisted release is allowed."""
    from library_pipeline.storage.decisions import undo

    with library_db.session() as session:
        decision = undo(session, config.decision_id, actor(context))
        context.log.info(f"decision #{decision.id} ({decision.kind}) undone")
    _report(context, library_db)


@dg.job(description="Decide about one wanted book: not wanted, owned elsewhere, wrong release.")
def book_decision_job() -> None:
    decide_book()


@dg.job(description="Reverse one decision (its decision_id on the book_decisions page).")
def undo_book_decision_job() -> None:
    undo_book_decision()
