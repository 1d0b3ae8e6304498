"""Credits that need the whole library, and credits in the artist tag (issue 17)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from library_pipeline.domain.book_record import FileFacts, build_book_record
from library_pipeline.domain.credits import (
    likely_narrators,
    marked_narrators,
    narrators_among_authors,
)
from library_pipeline.domain.folder_names import parse_book_folder
from library_pipeline.domain.tags import TagFields, fields_from_tags
from library_pipeline.storage.models import Book
from library_pipeline_tests.library.conftest import scan
from library_pipeline_tests.support.audio import make_book


def test_a_narrator_marked_in_the_artist_tag_is_the_narrator() -> None:
    artist = "N. K. Jemisin (Author), Robin Miles (Narrator)"
    assert marked_narrators(artist) == ["Robin Miles"]
    assert marked_narrators("Jim Butcher, James Marsters") == []
    fields = fields_from_tags({"tpe1": [artist]})
    assert (fields.authors, fields.narrators) == (["N. K. Jemisin"], ["Robin Miles"])


def test_a_narrator_another_author_credit_names_stays_an_author() -> None:
    folder = parse_book_folder(["Peter Attia", "Outlive"])
    tags = TagFields(album="Outlive", authors=["Peter Attia MD", "Bill Gifford"],
                     album_artists=["Peter Attia MD"], narrators=["Peter Attia MD"])  # fmt: skip
    record = build_book_record(folder, [FileFacts("a.m4b", tags)])
    assert record.authors == ["Peter Attia MD", "Bill Gifford"]
    # The same album artist as the artist tag is no second credit.
    copied = TagFields(album="Side Jobs", authors=["Jim Butcher", "James Marsters"],
                       album_artists=["Jim Butcher", "James Marsters"],
                       narrators=["James Marsters"])  # fmt: skip
    side_jobs = parse_book_folder(["Side Jobs"])
    assert build_book_record(side_jobs, [FileFacts("a.m4b", copied)]).authors == ["Jim Butcher"]


def test_a_co_author_who_narrates_elsewhere_moves_to_the_narrators() -> None:
    known = {"james marsters"}
    assert narrators_among_authors(["Jim Butcher", "James Marsters"], [], known) == (
        ["Jim Butcher"], ["James Marsters"]
    )  # fmt: skip
    assert narrators_among_authors(["James Marsters", "Jim Butcher"], [], known) is None  # lead
    assert narrators_among_authors(["Jim Butcher", "James Marsters"], ["X Y"], known) is None
    assert narrators_among_authors(["Jim Butcher", "Unknown Person"], [], known) is None


def test_a_co_credit_beside_many_different_authors_is_a_likely_narrator() -> None:
    credits = [["Brandon Sanderson", "Michael Kramer"], ["Robert Jordan", "Michael Kramer"],
               ["Shirtaloon", "Michael Kramer"],
               ["Douglas Preston", "Lincoln Child"], ["Douglas Preston", "Lincoln Child"],
               ["James Patterson", "Maxine Paetro"], ["James Patterson", "Mike Ledwidge"],
               ["James Patterson", "Andrew Gross"]]  # fmt: skip
    assert likely_narrators(credits) == {"Michael Kramer": 3}
    # A name that leads a credit of its own is an author.
    assert likely_narrators([*credits, ["Michael Kramer"]]) == {}


async def test_the_scan_settles_credits_across_the_library(
    duckdb_url: str, library_root: Path, session_for: Any
) -> None:
    for title in ("Storm Front", "Fool Moon"):
        make_book(library_root / "Jim Butcher" / title, "m4b", title=title,
                  author="Jim Butcher", narrator="James Marsters")  # fmt: skip
    make_book(library_root / "Jim Butcher" / "Side Jobs", "mp3", title="Side Jobs",
              author="Jim Butcher, James Marsters")  # fmt: skip
    for author in ("Ann Able", "Ben Bold", "Cy Cole"):
        make_book(library_root / author / f"{author} Book", "mp3", title=f"{author} Book",
                  author=f"{author}, Rip Reader")  # fmt: skip
    with session_for(duckdb_url) as session:
        result = await scan(session, [library_root])
        books = {b.title: b for b in session.scalars(select(Book))}
        side_jobs = books["Side Jobs"]
        assert (side_jobs.authors, side_jobs.narrators) == (["Jim Butcher"], ["James Marsters"])
        assert side_jobs.metadata_source["narrators"] == "tags"
        assert result["narrators_from_library"] == 1
        flagged = [i for i in result["issues"] if i["reason"].startswith("likely narrator")]
        assert len(flagged) == 3
        assert all("Rip Reader" in i["reason"] for i in flagged)
        # A user's fix of the credits is kept: locked fields are never moved.
        session.execute(
            update(Book).where(Book.id == side_jobs.id).values(
                authors=["Jim Butcher", "James Marsters"], narrators=[],
                locked_fields=["authors"],
            )
        )  # fmt: skip
        session.commit()
    make_book(library_root / "Dee Dunn" / "New Book", "mp3", title="New Book", author="Dee Dunn")
    with session_for(duckdb_url) as session:
        again = await scan(session, [library_root])  # a change: the pass runs again
        assert again["new"] == 1
        assert again["narrators_from_library"] == 0
        kept = session.scalars(select(Book).where(Book.title == "Side Jobs")).one()
        assert kept.authors == ["Jim Butcher", "James Marsters"]
    with session_for(duckdb_url) as session:
        quiet = await scan(session, [library_root])  # nothing changed: the flags still hold
        assert quiet["new"] == quiet["changed"] == 0
        assert len([i for i in quiet["issues"] if i["reason"].startswith("likely")]) == 3


async def test_the_audiobookshelf_merge_cleans_item_titles(
    duckdb_url: str, library_root: Path, session_for: Any
) -> None:
    from library_pipeline.clients.audiobookshelf import AudiobookshelfClient
    from library_pipeline_tests.support.stubs.audiobookshelf import AudiobookshelfStub

    with AudiobookshelfStub() as stub, session_for(duckdb_url) as session:
        stub.add_item("Dune (Dune #1) [Unabridged]", "Frank Herbert")
        async with AudiobookshelfClient(stub.url, stub.API_KEY) as client:
            await scan(session, [library_root], abs_client=client)
        dune = session.scalars(select(Book).where(Book.source == "audiobookshelf")).all()
        dune_row = next(b for b in dune if b.authors == ["Frank Herbert"])
        assert (dune_row.title, dune_row.series, dune_row.series_position) == ("Dune", "Dune", "1")
        assert dune_row.unabridged
