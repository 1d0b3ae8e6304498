"""Credits that need the whole library, and credits in the artist tag (issue 17)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
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


@pytest.mark.parametrize("role", ["read by", "Narrated by", "performed by"])
def test_a_role_phrase_after_a_comma_in_the_artist_tag_names_the_narrator(role: str) -> None:
    artist = f"Lee Child, {role} Dick Hill"
    assert marked_narrators(artist) == ["Dick Hill"]
    fields = fields_from_tags({"tpe1": [artist]})
    assert (fields.authors, fields.narrators) == (["Lee Child"], ["Dick Hill"])
    assert marked_narrators("Homer, translated by Emily Wilson") == []


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


# --- "X, Y Z": where it is written, then the evidence (issue 17) -----------------------------


def test_an_author_folder_in_sort_order_is_one_person_and_its_credit_is_kept() -> None:
    for written, person in (("Doyle, Arthur Conan", "Arthur Conan Doyle"),
                            ("García Márquez, Gabriel", "Gabriel García Márquez")):  # fmt: skip
        folder = parse_book_folder([written, "A Book"])
        assert folder.authors == [person]
        record = build_book_record(folder, [FileFacts("a.m4b", TagFields(album="A Book"))])
        assert record.authors == [person]
        assert record.alternatives["author_credit"] == f"folder: {written}"


def test_an_author_folder_whose_right_side_narrates_the_book_is_two_people() -> None:
    folder = parse_book_folder(["Shirtaloon, Michael Kramer", "He Who Fights with Monsters"])
    assert folder.authors == ["Michael Kramer Shirtaloon"]  # alone: the folder convention
    tags = TagFields(album="He Who Fights with Monsters", narrators=["Michael Kramer"])
    record = build_book_record(folder, [FileFacts("a.m4b", tags)])
    assert (record.authors, record.narrators) == (["Shirtaloon"], ["Michael Kramer"])


def test_an_author_tag_reads_one_word_before_a_full_name_as_two_people() -> None:
    tags = fields_from_tags({"tpe1": ["Shirtaloon, Michael Kramer"]})
    assert tags.authors == ["Shirtaloon", "Michael Kramer"]
    assert fields_from_tags({"tpe1": ["García Márquez, Gabriel"]}).authors == [
        "Gabriel García Márquez"
    ]
    # The author folder names the inverted whole: one person.
    doyle = TagFields(album="The Sign of Four", authors=["Doyle", "Arthur Conan"],
                      author_credits=["Doyle, Arthur Conan"])  # fmt: skip
    folder = parse_book_folder(["Arthur Conan Doyle", "The Sign of Four"])
    assert build_book_record(folder, [FileFacts("a.m4b", doyle)]).authors == ["Arthur Conan Doyle"]


async def test_the_library_pass_rereads_kept_comma_credits_with_the_librarys_evidence(
    duckdb_url: str, library_root: Path, session_for: Any
) -> None:
    for title in ("The Way of Kings", "Words of Radiance"):
        make_book(library_root / "Brandon Sanderson" / title, "m4b", title=title,
                  author="Brandon Sanderson", narrator="Michael Kramer")  # fmt: skip
    make_book(library_root / "Arthur Conan Doyle" / "A Study in Scarlet", "m4b",
              title="A Study in Scarlet", author="Arthur Conan Doyle")  # fmt: skip
    # Folder-only credits, no narrator tag: Michael Kramer narrates elsewhere -> split.
    make_book(library_root / "Shirtaloon, Michael Kramer" / "He Who Fights with Monsters", "m4b",
              title="He Who Fights with Monsters")  # fmt: skip
    # A folder in sort order naming nobody known otherwise stays one person.
    make_book(library_root / "García Márquez, Gabriel" / "Cien años de soledad", "m4b",
              title="Cien años de soledad")  # fmt: skip
    # A tag "Doyle, Arthur Conan" under a folder that names nobody: the library credits
    # Arthur Conan Doyle elsewhere, so it is one person.
    make_book(library_root / "Mysteries" / "The Sign of Four", "m4b", title="The Sign of Four",
              author="Doyle, Arthur Conan")  # fmt: skip
    with session_for(duckdb_url) as session:
        await scan(session, [library_root])
        books = {b.title: b for b in session.scalars(select(Book))}
        hwfwm = books["He Who Fights with Monsters"]
        assert (hwfwm.authors, hwfwm.narrators) == (["Shirtaloon"], ["Michael Kramer"])
        assert hwfwm.metadata_alternatives["author_credit"] == "folder: Shirtaloon, Michael Kramer"
        assert books["Cien años de soledad"].authors == ["Gabriel García Márquez"]
        assert books["The Sign of Four"].authors == ["Arthur Conan Doyle"]
        assert books["The Way of Kings"].authors == ["Brandon Sanderson"]


async def test_the_library_pass_keeps_an_author_reading_their_own_book(
    duckdb_url: str, library_root: Path, session_for: Any
) -> None:
    make_book(library_root / "Peter Attia" / "Outlive", "m4b", title="Outlive",
              author="Peter Attia MD, Bill Gifford", narrator="Peter Attia MD")  # fmt: skip
    with session_for(duckdb_url) as session:
        await scan(session, [library_root])
        outlive = session.scalars(select(Book)).one()
        assert outlive.authors == ["Peter Attia MD", "Bill Gifford"]
