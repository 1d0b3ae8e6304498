"""Issue 17 rules: titles cleaned of packaging, positions in every spelling, credits."""

from __future__ import annotations

import pytest

from library_pipeline.domain.book_identity import clean_book_fields, parse_title
from library_pipeline.domain.book_record import FileFacts, build_book_record
from library_pipeline.domain.credits import split_credit
from library_pipeline.domain.folder_names import parse_book_folder
from library_pipeline.domain.tags import TagFields, parse_series_string


@pytest.mark.parametrize(
    ("text", "hint", "title", "series", "position"),
    [
        ("Storm Front: The Dresden Files, Book 1", None, "Storm Front", "The Dresden Files", "1"),
        ("Golden Son: Red Rising Saga, Book #2", None, "Golden Son", "Red Rising Saga", "2"),
        ("Storm Front (The Dresden Files #1)", None, "Storm Front", "The Dresden Files", "1"),
        ("Storm Front (Book 2)", "Dresden", "Storm Front", "Dresden", "2"),
        ("The Dresden Files 13 - Ghost Story", "The Dresden Files", "Ghost Story",
         "The Dresden Files", "13"),
        ("The Dresden Files #13 - Ghost Story", None, "Ghost Story", "The Dresden Files", "13"),
        ("The Dresden Files, Book 13 - Ghost Story", None, "Ghost Story", "The Dresden Files",
         "13"),
        ("#3 - Grave Peril", "Dresden", "Grave Peril", "Dresden", "3"),
        ("03 - Grave Peril", "Dresden", "Grave Peril", "Dresden", "3"),
        ("Book Three - Grave Peril", "Dresden", "Grave Peril", "Dresden", "3"),
        ("Vol. 3 - Grave Peril", "Dresden", "Grave Peril", "Dresden", "3"),
        ("Volume 1. The Way of Kings", "Stormlight", "The Way of Kings", "Stormlight", "1"),
        ("3.5 - Edgedancer", "Stormlight", "Edgedancer", "Stormlight", "3.5"),
        ("Part 2 - The Two Towers", "LOTR", "The Two Towers", "LOTR", "2"),
        ("The Two Towers - Volume 2", "LOTR", "The Two Towers", "LOTR", "2"),
        ("03 - (2005) - The Dresden Files - Storm Front", "The Dresden Files", "Storm Front",
         "The Dresden Files", "3"),
    ],
)  # fmt: skip
def test_series_and_position_leave_the_title(
    text: str, hint: str | None, title: str, series: str, position: str
) -> None:
    parts = parse_title(text, hint)
    assert (parts.title, parts.series, parts.position) == (title, series, position)


def test_packaging_becomes_fields() -> None:
    parts = parse_title("Storm Front [2000] (Unabridged)")
    assert (parts.title, parts.year, parts.unabridged) == ("Storm Front", "2000", True)
    assert parse_title("Dune (Dramatized Adaptation)").dramatized
    assert parse_title("Dune (2021)").year == "2021"


@pytest.mark.parametrize(
    "title", ["Mistborn: The Final Empire", "Catch 22 - A Novel", "1984", "101 Dalmatians"]
)
def test_real_titles_stay_whole(title: str) -> None:
    assert parse_title(title).title == title
    assert parse_title(title).position is None


def test_a_bare_series_number_needs_the_series_found_elsewhere() -> None:
    assert parse_title("Red Rising Saga 02 - Golden Son").title == "Red Rising Saga 02 - Golden Son"
    assert parse_title("Red Rising Saga 02 - Golden Son", "Red Rising Saga").title == "Golden Son"


def test_grouping_with_book_hash() -> None:
    assert parse_series_string("Cradle, Book #3") == ("Cradle", "3")


def test_the_clean_title_wins_and_the_other_is_recorded() -> None:
    chosen = clean_book_fields(
        [("tags", "Dresden Files 03 - Grave Peril", "Dresden Files", None),
         ("folder", "Grave Peril", "Dresden Files", "3")]
    )  # fmt: skip
    assert (chosen.title, chosen.position) == ("Grave Peril", "3")
    assert chosen.sources["series_position"] == "folder"  # the folder fills the tag's gap


def test_a_hash_folder_gives_title_and_position() -> None:
    folder = parse_book_folder(["Jim Butcher", "The Dresden Files", "#3 - Grave Peril"])
    record = build_book_record(folder, [])
    assert (record.title, record.series, record.series_position) == (
        "Grave Peril", "The Dresden Files", "3"
    )  # fmt: skip


def test_chapter_titles_are_not_the_book_title() -> None:
    folder = parse_book_folder(["Andy Weir", "Project Hail Mary"])
    facts = [FileFacts("01.mp3", TagFields(track_title="Chapter 1"))]
    assert build_book_record(folder, facts).title == "Project Hail Mary"


def test_a_narrator_is_never_an_author() -> None:
    folder = parse_book_folder(["Jim Butcher", "Storm Front"])
    tags = TagFields(album="Storm Front", authors=["Jim Butcher", "James Marsters"],
                     narrators=["James Marsters"])  # fmt: skip
    record = build_book_record(folder, [FileFacts("a.m4b", tags)])
    assert (record.authors, record.narrators) == (["Jim Butcher"], ["James Marsters"])
    only_narrator = TagFields(album="X", authors=["James Marsters"], narrators=["James Marsters"],
                              album_artists=["Jim Butcher"])  # fmt: skip
    assert build_book_record(folder, [FileFacts("a.m4b", only_narrator)]).authors == ["Jim Butcher"]


@pytest.mark.parametrize(
    ("credit", "people"),
    [
        ("Shirtaloon, Michael Kramer", ["Shirtaloon", "Michael Kramer"]),  # a tag: two people
        ("Pratchett, Terry", ["Terry Pratchett"]),
        ("Corey, James S. A.", ["James S. A. Corey"]),
        ("Le Guin, Ursula K.", ["Ursula K. Le Guin"]),
        ("Martin Luther King, Jr.", ["Martin Luther King Jr."]),
        ("Smith, John, Jr.", ["John Smith Jr."]),
        ("John Smith III", ["John Smith III"]),
        ("John Smith Jnr", ["John Smith Jnr"]),
        ("Allan & Mamta Pedersen", ["Allan Pedersen", "Mamta Pedersen"]),
        ("Deep Author", ["Deep Author"]),
        ("Ada Author", ["Ada Author"]),
        ("Kevin Hearne (Author), Luke Daniels (Narrator)", ["Kevin Hearne"]),
        ("Neil Gaiman - translator", []),
        ("村上春樹、小川高義", ["村上春樹", "小川高義"]),
        ("Dr.", []),
        ("General", []),
        ("Dr. Seuss", ["Dr. Seuss"]),
    ],
)
def test_credits(credit: str, people: list[str]) -> None:
    assert split_credit(credit) == people


def test_narrator_credits_keep_the_person_without_the_role() -> None:
    assert split_credit("Narrated by Ray Porter", keep_non_authors=True) == ["Ray Porter"]
    assert split_credit("Michael Kramer (Narrator)", keep_non_authors=True) == ["Michael Kramer"]


def test_an_author_reading_their_own_book_stays_the_author() -> None:
    folder = parse_book_folder(["Max Brooks", "World War Z"])
    tags = TagFields(album="World War Z", authors=["Max Brooks"], narrators=["Max Brooks"])
    assert build_book_record(folder, [FileFacts("a.m4b", tags)]).authors == ["Max Brooks"]


def test_a_bare_series_number_is_read_when_another_source_gives_the_title() -> None:
    chosen = clean_book_fields(
        [("tags", "Lords and Ladies", None, None),
         ("folder", "Discworld 14 - Lords and Ladies", None, None)]
    )  # fmt: skip
    assert (chosen.title, chosen.series, chosen.position) == ("Lords and Ladies", "Discworld", "14")
    alone = clean_book_fields([("tags", "Catch 22 - A Novel", None, None)])
    assert (alone.series, alone.position) == (None, None)


def test_a_marked_series_in_a_folder_with_the_author_in_front() -> None:
    chosen = clean_book_fields(
        [("folder", "Terry Pratchett - Discworld #20 - Hogfather", None, None)],
        ["Terry Pratchett"],
    )
    assert (chosen.title, chosen.series, chosen.position) == ("Hogfather", "Discworld", "20")


def test_a_single_files_title_tag_gives_the_series_the_album_lacks() -> None:
    folder = parse_book_folder(["Red Rising"])
    tags = TagFields(album="Red Rising", track_title="Red Rising: Red Rising Saga, Book 1")
    record = build_book_record(folder, [FileFacts("Red Rising.m4b", tags)])
    assert (record.title, record.series, record.series_position) == (
        "Red Rising", "Red Rising Saga", "1"
    )  # fmt: skip


@pytest.mark.parametrize(
    "album", ["Angels & Demons, Disc 1", "Angels & Demons CD 2", "Angels & Demons (Disc 3 of 12)",
              "Angels & Demons - CD 04"]
)  # fmt: skip
def test_per_disc_packaging_leaves_the_title(album: str) -> None:
    assert parse_title(album).title == "Angels & Demons"


def test_a_part_folder_is_a_position_and_a_title() -> None:
    folder = parse_book_folder(["Tolkien", "The Lord of the Rings", "Part 1 - The Fellowship"])
    record = build_book_record(folder, [FileFacts("a.m4b", TagFields())])
    assert (record.title, record.series_position) == ("The Fellowship", "1")
    assert build_book_record(folder, [FileFacts("a.m4b", TagFields(album="Part 1"))]).title == (
        "The Fellowship"
    )


def test_a_title_starting_with_a_year_stays_whole() -> None:
    folder = parse_book_folder(["Arthur C. Clarke", "Space Odyssey", "1 - 2001 - A Space Odyssey"])
    tags = TagFields(album="2001: A Space Odyssey")
    record = build_book_record(folder, [FileFacts("a.m4b", tags)])
    assert (record.title, record.series_position) == ("2001: A Space Odyssey", "1")


def test_a_folder_dash_stands_for_a_colon() -> None:
    folder = parse_book_folder(["Steven Levy", "Hackers - Heroes of the Computer Revolution"])
    record = build_book_record(folder, [FileFacts("01.ogg", TagFields(track_title="Track 1"))])
    assert record.title == "Hackers: Heroes of the Computer Revolution"


def test_the_other_sources_position_is_recorded() -> None:
    chosen = clean_book_fields(
        [("tags", "Grave Peril", "Dresden Files", "3"),
         ("folder", "Grave Peril", "Dresden Files", "4")]
    )  # fmt: skip
    assert chosen.position == "3"
    assert chosen.alternatives["series_position"] == "folder: 4"


def test_audiobookshelf_items_get_the_same_cleaning() -> None:
    from library_pipeline.domain.book_record import (
        cleaned_audiobookshelf_fields,
        record_from_audiobookshelf,
    )

    fields = cleaned_audiobookshelf_fields(
        {"title": "Storm Front: The Dresden Files, Book 1 (Unabridged)", "series": None,
         "series_position": None, "authors": ["Jim Butcher"], "published_date": None}
    )  # fmt: skip
    record = record_from_audiobookshelf(fields)
    assert (record.title, record.series, record.series_position) == (
        "Storm Front", "The Dresden Files", "1"
    )  # fmt: skip
    assert record.unabridged


def test_all_caps_tags_give_way_to_the_same_words_properly_cased() -> None:
    chosen = clean_book_fields(
        [
            ("tags", "THE AMULET OF SAMARKAND", None, None),
            ("folder", "The Amulet of Samarkand", None, None),
        ]
    )
    assert (chosen.title, chosen.sources["title"]) == ("The Amulet of Samarkand", "folder")
    # Different words: the most trusted clean source still wins, shouting or not.
    other = clean_book_fields(
        [("tags", "THE AMULET OF SAMARKAND", None, None), ("folder", "Bartimaeus", None, None)]
    )
    assert other.title == "THE AMULET OF SAMARKAND"
    folder = parse_book_folder(["Jonathan Stroud - The Amulet of Samarkand (Bartimaeus 1)"])
    tags = TagFields(album="THE AMULET OF SAMARKAND", authors=["JONATHAN STROUD"])
    files = [FileFacts(f"0{n}.mp3", tags) for n in (1, 2)]
    record = build_book_record(folder, files)
    assert (record.title, record.authors) == ("The Amulet of Samarkand", ["Jonathan Stroud"])
    assert (record.series, record.series_position) == ("Bartimaeus", "1")
    assert record.alternatives["authors"] == "tags: JONATHAN STROUD"
