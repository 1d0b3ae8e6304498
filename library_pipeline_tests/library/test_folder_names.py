"""Folder names parsed as Audiobookshelf parses them, and audio grouped into books as it does."""

from __future__ import annotations

import pytest

from library_pipeline.domain.book_folders import group_book_dirs, is_disc_folder, pick_cover
from library_pipeline.domain.folder_names import (
    FolderMetadata,
    parse_book_folder,
    strip_title_noise,
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # The three folders of the recorded Audiobookshelf library, with what it parsed.
        (
            "Brandon Sanderson/Mistborn/Vol 1 - 2006 - The Final Empire {Michael Kramer}",
            FolderMetadata("The Final Empire", None, None, ["Brandon Sanderson"],
                           ["Michael Kramer"], "Mistborn", "1", "2006"),
        ),
        (
            "Terry Pratchett/Discworld/Book 2 - 1986 - The Light Fantastic {Nigel Planer}",
            FolderMetadata("The Light Fantastic", None, None, ["Terry Pratchett"],
                           ["Nigel Planer"], "Discworld", "2", "1986"),
        ),
        ("Andy Weir/Project Hail Mary", FolderMetadata("Project Hail Mary", authors=["Andy Weir"])),
        # Audiobookshelf's documented sequence forms.
        ("A/S/Vol. 3 Title Here - Subtitle", FolderMetadata("Title Here - Subtitle", authors=["A"],
                                                            series="S", series_position="3")),
        ("A/S/Title - Vol 12", FolderMetadata("Title", authors=["A"], series="S",
                                               series_position="12")),
        ("A/S/1980 - Book 2 - Title", FolderMetadata("Title", authors=["A"], series="S",
                                                      series_position="2", published_year="1980")),
        ("A/S/Volume 12. Title", FolderMetadata("Title", authors=["A"], series="S",
                                                 series_position="12")),
        ("A/S/6. Title", FolderMetadata("Title", authors=["A"], series="S", series_position="6")),
        ("A/S/0.5 - Book Title", FolderMetadata("Book Title", authors=["A"], series="S",
                                                 series_position="0.5")),
        ("A/S/2.5 - Title (Unabridged)", FolderMetadata("Title", authors=["A"], series="S",
                                                         series_position="2.5")),
        ("A/S/Book 02", FolderMetadata(None, authors=["A"], series="S", series_position="2")),
        # A number that is part of the title stays (no label, no dot).
        ("A/S/101 Dalmatians", FolderMetadata("101 Dalmatians", authors=["A"], series="S")),
        # No series folder: no sequence is parsed.
        ("A/2 - Title", FolderMetadata("2 - Title", authors=["A"])),
        ("A/(2014) - Title [B0015T963C]", FolderMetadata("Title", asin="B0015T963C",
                                                          authors=["A"], published_year="2014")),
        ("Pratchett, Terry & Gaiman, Neil/Good Omens",
         FolderMetadata("Good Omens", authors=["Terry Pratchett", "Neil Gaiman"])),
        ("Deep/Er/A/S/Title", FolderMetadata("Title", authors=["A"], series="S")),
        ("Title Only", FolderMetadata("Title Only")),
    ],
)  # fmt: skip
def test_parse_book_folder(path: str, expected: FolderMetadata) -> None:
    assert parse_book_folder(path.split("/")) == expected


def test_title_noise() -> None:
    assert strip_title_noise("Dune (Unabridged)") == "Dune"
    assert strip_title_noise("Dune [Unabridged Audiobook]") == "Dune"
    assert strip_title_noise("Dune - Unabridged") == "Dune"
    assert strip_title_noise("Abridged Lives") == "Abridged Lives"
    assert strip_title_noise("(Unabridged)") == "(Unabridged)"


def test_grouping_follows_audiobookshelf() -> None:
    dirs = [
        ("A", "Book"),  # a folder of chapters
        ("A", "Book", "Extras"),  # kept by the book above it
        ("A", "Multi", "CD 1"),  # disc folders: their parent is the book
        ("A", "Multi", "Disc 2"),
        ("A", "Parts", "Part 1"),  # not disc folders: two books
        ("A", "Parts", "Part 2"),
        (),  # the root: never a book (its files are books of their own)
    ]
    assert group_book_dirs(dirs) == {
        ("A", "Book"): [(), ("Extras",)],
        ("A", "Multi"): [("CD 1",), ("Disc 2",)],
        ("A", "Parts", "Part 1"): [()],
        ("A", "Parts", "Part 2"): [()],
    }


def test_members_in_natural_order() -> None:
    dirs = [("B", "Disc 10"), ("B", "Disc 2"), ("B", "Disc 1")]
    assert group_book_dirs(dirs)[("B",)] == [("Disc 1",), ("Disc 2",), ("Disc 10",)]


def test_cover_choice() -> None:
    assert pick_cover(["b.jpg", "Cover.PNG", "a.jpg"]) == "Cover.PNG"
    assert pick_cover(["b.jpg", "folder.jpg"]) == "folder.jpg"
    assert pick_cover(["img10.jpg", "img2.jpg"]) == "img2.jpg"
    assert pick_cover([]) is None


@pytest.mark.parametrize(
    ("name", "disc"),
    [("CD 1", True), ("cd1", True), ("Disc 2", True), ("disk3", True), ("DISC 10", True),
     ("", False), ("Dune", False), ("CD", False), ("Disco 2", False), ("Book 1", False)],
)  # fmt: skip
def test_disc_folders(name: str, disc: bool) -> None:
    assert is_disc_folder(name) is disc


@pytest.mark.parametrize(
    ("parts", "title", "series", "position"),
    [
        (["Lee Child", "Die Trying (Jack Reacher 2)"], "Die Trying", "Jack Reacher", "2"),
        (
            ["Jonathan Stroud - The Amulet of Samarkand (Bartimaeus 1)"],
            "Jonathan Stroud - The Amulet of Samarkand",
            "Bartimaeus",
            "1",
        ),
        (["A", "Title (Lord of the Rings 02) {Rob Inglis}"], "Title", "Lord of the Rings", "2"),
    ],
)
def test_a_trailing_series_and_number_in_a_book_folder_is_series_and_position(
    parts: list[str], title: str, series: str, position: str
) -> None:
    parsed = parse_book_folder(parts)
    assert (parsed.title, parsed.series, parsed.series_position) == (title, series, position)


@pytest.mark.parametrize(
    "folder",
    [
        "Tintentod (Director's Cut 3)",
        "Title (Disc 2)",
        "Title (CD 1)",
        "Title (Part 2)",
        "Title (Unabridged 2)",
        "Title (Special Edition 2)",
        "Nineteen Eighty-Four (1984)",
        "Title (read by 2)",
        "(Jack Reacher 2)",
    ],
)
def test_packaging_or_a_year_in_brackets_is_not_a_series(folder: str) -> None:
    parsed = parse_book_folder(["Author", folder])
    assert (parsed.title, parsed.series, parsed.series_position) == (folder, None, None)
