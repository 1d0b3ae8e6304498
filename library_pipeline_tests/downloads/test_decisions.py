"""Decisions that stick, in the next gap finding, top-10 queueing and download choice; and an
unimportable download blocklisted (on DuckDB and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select

from library_pipeline.domain.gaps import GapSettings
from library_pipeline.domain.releases import Release
from library_pipeline.services import gaps
from library_pipeline.services.downloads.binding import drop_blocked
from library_pipeline.services.imports.records import mark_gone
from library_pipeline.services.mam import queue_top10_downloads
from library_pipeline.storage import decisions
from library_pipeline.storage.engine import session_scope
from library_pipeline.storage.models import (
    Book,
    BookDecision,
    CatalogueEntryRow,
    Download,
    MissingBookRow,
    Top10Entry,
)

AUTHOR = "Joe Abercrombie"
SERIES = "The First Law"
TITLES = {"1": "The Blade Itself", "2": "Before They Are Hanged", "3": "Last Argument of Kings"}
SETTINGS = GapSettings(as_of=date(2026, 12, 1), languages=("en",), min_books_threshold=2)


def stock(engine: Engine) -> None:
    """The user owns book 1; the catalogue lists 1-3 (with runtimes)."""
    with session_scope(engine) as session:
        session.add(
            Book(path="/lib/Abercrombie/The Blade Itself", library_root="/lib",
                 title=TITLES["1"], authors=[AUTHOR], series=SERIES, series_position="1",
                 language="en")
        )  # fmt: skip
        for position, title in TITLES.items():
            session.add(
                CatalogueEntryRow(provider="audnexus", provider_id=f"B0{position}",
                               query_kind="series", query_value=SERIES, title=title,
                               authors=[AUTHOR], language="en", published_year=2007,
                               series=SERIES, series_position=position,
                               runtime_minutes=1200.0 + int(position))
            )  # fmt: skip


async def series_gaps(engine: Engine) -> gaps.GapsResult:
    with session_scope(engine) as session:
        return await gaps.find_missing_series_books(session, settings=SETTINGS)


def wanted(engine: Engine) -> dict[str, MissingBookRow]:
    with session_scope(engine) as session:
        rows = session.scalars(select(MissingBookRow)).all()
        session.expunge_all()
    return {r.title: r for r in rows}


async def test_gap_finding_respects_not_wanted_and_owned_elsewhere(engine: Engine) -> None:
    stock(engine)
    first = await series_gaps(engine)
    assert sorted(b["title"] for b in first.top) == sorted([TITLES["2"], TITLES["3"]])
    rows = wanted(engine)
    assert rows[TITLES["2"]].runtime_minutes == 1202.0  # from the catalogue entry (issue 16)

    with session_scope(engine) as session:
        decisions.decide(session, rows[TITLES["2"]].id, "owned_elsewhere", "tester")
        not_wanted = decisions.decide(session, rows[TITLES["3"]].id, "not_wanted", "tester")
        not_wanted_id = not_wanted.id
    second = await series_gaps(engine)
    assert second.top == []  # neither reported again
    assert second.missing_books_found == 0
    rows = wanted(engine)
    assert rows[TITLES["2"]].status == "owned"
    assert rows[TITLES["3"]].status == "ignored"

    with session_scope(engine) as session:
        decisions.undo(session, not_wanted_id, "tester")
    third = await series_gaps(engine)
    assert [b["title"] for b in third.top] == [TITLES["3"]]  # reported again once undone
    assert wanted(engine)[TITLES["3"]].status == "pending"


async def test_top10_queueing_respects_decisions(engine: Engine) -> None:
    stock(engine)
    await series_gaps(engine)
    rows = wanted(engine)
    with session_scope(engine) as session:
        decisions.decide(session, rows[TITLES["2"]].id, "owned_elsewhere", "tester")
        decisions.decide(session, rows[TITLES["3"]].id, "not_wanted", "tester")
        for rank, position in enumerate(("2", "3"), start=1):
            session.add(
                Top10Entry(genre="Fantasy", period="week", captured_on=date(2026, 12, 1),
                           rank=rank, title=TITLES[position], authors=[AUTHOR], narrators=[],
                           series=SERIES, series_position=position, torrent_id=str(rank))
            )  # fmt: skip
    with session_scope(engine) as session:
        result = await queue_top10_downloads(["Fantasy"], session, skip_existing=False)
    assert result.queued_count == 0
    assert result.owned_skipped == 1  # owned elsewhere counts as owned
    assert result.duplicates_skipped == 1  # the not-wanted book stays ignored
    assert wanted(engine)[TITLES["3"]].status == "ignored"


def _download(engine: Engine, book_id: int, status: str = "queued") -> int:
    with session_scope(engine) as session:
        row = Download(missing_book_id=book_id, release_title="Abercrombie - Hanged [M4B]",
                       indexer="ABB", source="prowlarr", guid="https://indexer.example/t/9",
                       infohash="ab" * 20, status=status, score_details={})  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


async def test_unimportable_download_fails_blocklisted_and_book_searched_again(
    engine: Engine,
) -> None:
    stock(engine)
    await series_gaps(engine)
    book_id = wanted(engine)[TITLES["2"]].id
    with session_scope(engine) as session:
        session.get_one(MissingBookRow, book_id).status = "queued"
    _download(engine, book_id)
    for _ in range(2):  # the hourly catch-up import retrying it records one decision
        with session_scope(engine) as session:
            mark_gone(session, "ab" * 20, "torrent removed before import")
    with session_scope(engine) as session:
        row = session.scalars(select(Download)).one()
        assert (row.status, row.error) == ("failed", "torrent removed before import")
        assert session.get_one(MissingBookRow, book_id).status == "pending"
        (decision,) = session.scalars(select(BookDecision)).all()
        assert (decision.kind, decision.decided_by) == ("unimportable", "import")
        blocked = decisions.blocked_releases(session, book_id)
    same = Release(title="Abercrombie - Hanged [M4B]", source="prowlarr", indexer="ABB",
                   guid="https://indexer.example/t/9")  # fmt: skip
    other = Release(title="Abercrombie - Hanged [MP3]", source="prowlarr", indexer="ABB",
                    guid="https://indexer.example/t/10")  # fmt: skip
    kept, dropped = drop_blocked([same, other], blocked)
    assert kept == [other]
    assert "torrent removed before import" in dropped[0]["reasons"][0]


def test_a_wrong_release_needs_a_release(engine: Engine) -> None:
    with session_scope(engine) as session:
        book = MissingBookRow(match_key="k", title="T", authors=["A"], reasons=[], catalogue_ids=[],
                           discovery_source="series_gaps")  # fmt: skip
        session.add(book)
        session.flush()
        with pytest.raises(decisions.DecisionError, match="no release to blocklist"):
            decisions.decide(session, book.id, "wrong_release", "tester")
        with pytest.raises(decisions.DecisionError, match="unknown decision"):
            decisions.decide(session, book.id, "maybe", "tester")


def _book(session, key: str = "k") -> MissingBookRow:  # type: ignore[no-untyped-def]
    book = MissingBookRow(match_key=key, title="Before They Are Hanged", authors=[AUTHOR],
                          reasons=[], catalogue_ids=[], discovery_source="series_gaps",
                          status="queued")  # fmt: skip
    session.add(book)
    session.flush()
    return book


def test_only_decisions_in_force_against_a_download_refuse_its_import(engine: Engine) -> None:
    """The rule the import asks: a wrong-release decision on that download, or a not-wanted /
    owned-elsewhere decision on its book, in force. Another book's decisions and the import's
    own `unimportable` verdict do not refuse it."""
    with session_scope(engine) as session:
        book, other = _book(session), _book(session, "other")
        row = Download(missing_book_id=book.id, release_title="Abercrombie - Hanged [M4B]",
                       source="prowlarr", infohash="ab" * 20, status="queued")  # fmt: skip
        session.add(row)
        session.flush()
        assert decisions.import_refusal(session, row) is None
        decisions.decide(session, other.id, "not_wanted", "someone")
        decisions.fail_unimportable(session, row, "no audio")
        assert decisions.import_refusal(session, row) is None

        wrong = decisions.decide(session, book.id, "wrong_release", "tester", download_id=row.id)
        assert decisions.import_refusal(session, row) == "release marked wrong by tester"
        decisions.undo(session, wrong.id, "tester")
        assert decisions.import_refusal(session, row) is None

        decisions.decide(session, book.id, "not_wanted", "tester", note="read it in print")
        assert decisions.import_refusal(session, row) == "book marked not wanted by tester"


def test_a_refused_torrent_removed_later_changes_nothing(engine: Engine) -> None:
    """The user deletes the wrong torrent from qBittorrent before its import run: the row stays
    `rejected` with the user's reason; no `unimportable` verdict, the book is left alone."""
    with session_scope(engine) as session:
        book = _book(session)
        row = Download(missing_book_id=book.id, release_title="Abercrombie - Hanged [M4B]",
                       source="prowlarr", infohash="ab" * 20, status="queued")  # fmt: skip
        session.add(row)
        session.flush()
        decisions.decide(session, book.id, "wrong_release", "tester", download_id=row.id)
        book.status = "queued"  # the new search grabbed another release
        session.commit()
        entry = mark_gone(session, "ab" * 20, "torrent removed before import")
        assert "release marked wrong by tester" in entry["reason"]
        assert row.status == "rejected"
        assert "release marked wrong by tester" in (row.error or "")
        assert book.status == "queued"
        kinds = [d.kind for d in session.scalars(select(BookDecision))]
        assert kinds == ["wrong_release"]


def test_wrong_release_without_a_download_id_takes_the_torrent_in_flight(engine: Engine) -> None:
    """The book's latest release is the torrent adopted from qBittorrent (a `reconciled` row,
    e.g. after a restored DB): "wrong release" means that one, not an older failed grab."""
    with session_scope(engine) as session:
        book = _book(session)
        old = Download(missing_book_id=book.id, release_title="Abercrombie - Hanged [MP3]",
                       source="prowlarr", infohash="cd" * 20, status="failed")  # fmt: skip
        session.add(old)
        session.flush()
        adopted = Download(missing_book_id=book.id, release_title="Abercrombie - Hanged [M4B]",
                           source="reconciled", infohash="ab" * 20, status="queued")  # fmt: skip
        session.add(adopted)
        session.flush()
        decision = decisions.decide(session, book.id, "wrong_release", "tester")
        assert decision.download_id == adopted.id
        assert adopted.status == "rejected"
        assert decisions.import_refusal(session, adopted) == "release marked wrong by tester"
