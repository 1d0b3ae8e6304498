"""Issue 17 rules for library styles the first corpus lacked: position words of other languages,
four-digit and range positions, packaging in series names, folders that are not authors,
translators, "Last, First" settled by evidence, light-novel titles, anthology credits."""

from __future__ import annotations

import pytest

from library_pipeline.domain.book_identity import clean_book_fields, parse_title
from library_pipeline.domain.book_record import FileFacts, build_book_record, regrouped_folder
from library_pipeline.domain.credits import credited_translators, names_nobody, split_credit
from library_pipeline.domain.folder_names import clean_series_name, parse_book_folder
from library_pipeline.domain.normalize.positions import format_position_range
from library_pipeline.domain.tags import TagFields, parse_series_string, split_series_list

# --- 1. positions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "title", "position"),
    [
        ("Band 2 - Tintenblut", "Tintenblut", "2"),
        ("Teil 2 - Das Känguru-Manifest", "Das Känguru-Manifest", "2"),
        ("Folge 12 - Der Fluch", "Der Fluch", "12"),
        ("Tome 1 - Les Fourmis", "Les Fourmis", "1"),
        ("T01 - D'un monde à l'autre", "D'un monde à l'autre", "1"),
        ("Libro 2 - El juego del ángel", "El juego del ángel", "2"),
        ("Deel 1 - Dolfje Weerwolfje", "Dolfje Weerwolfje", "1"),
        ("Del 1 - Män som hatar kvinnor", "Män som hatar kvinnor", "1"),
        ("(1961) - Vol. 0001 - Unternehmen Stardust", "Unternehmen Stardust", "1"),
        ("0004 - Running Blind", "Running Blind", "4"),
        ("Book 1 to 3 - The Bartimaeus Trilogy", "The Bartimaeus Trilogy", "1-3"),
    ],
)
def test_series_folders_read_positions_in_every_language_and_width(
    folder: str, title: str, position: str
) -> None:
    parsed = parse_book_folder(["Author", "Series", folder])
    assert (parsed.title, parsed.series_position) == (title, position)
    assert parse_title(folder, "Series").position == position


def test_a_four_digit_number_without_a_label_or_zero_is_a_year() -> None:
    parsed = parse_book_folder(["Author", "Series", "2014 - Title"])
    assert (parsed.title, parsed.series_position, parsed.published_year) == ("Title", None, "2014")
    assert parse_title("1984 - Title", "Series").position is None


def test_a_bracketed_series_with_a_bare_number_counts_when_the_series_agrees() -> None:
    assert parse_title("Tintentod (Tintenwelt 3)", "Tintenwelt").position == "3"
    assert parse_title("Tintenblut (Tintenwelt, Band 2)", "Tintenwelt").title == "Tintenblut"
    unrelated = parse_title("Tintentod (Director's Cut 3)", "Tintenwelt")
    assert unrelated.position is None


def test_a_tag_volume_beats_a_folder_number_when_they_agree() -> None:
    chosen = clean_book_fields(
        [
            ("tags", "The Apothecary Diaries: Volume 1 (Light Novel)", None, None),
            ("folder", "The Apothecary Diaries 01", "The Apothecary Diaries", None),
        ]
    )
    assert (chosen.title, chosen.position) == ("The Apothecary Diaries: Volume 1", "1")
    assert chosen.alternatives["title"] == "folder: The Apothecary Diaries 01"


# --- 2. series packaging -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("The Riyria Revelations (Books 1-6)", "The Riyria Revelations"),
        ("The Saxon Stories 1-13", "The Saxon Stories"),
        ("Jack Reacher (01-29)", "Jack Reacher"),
        ("Catch-22", "Catch-22"),
        ("The 39 Steps", "The 39 Steps"),
    ],
)
def test_a_series_folder_loses_its_range(name: str, clean: str) -> None:
    assert clean_series_name(name) == clean


def test_one_tag_value_naming_two_series_gives_the_first() -> None:
    assert split_series_list("Renee Ballard #3, Harry Bosch #22", None) == (
        "Renee Ballard", "3", ["Harry Bosch #22"]
    )  # fmt: skip
    assert split_series_list("Harry Bosch, Renee Ballard", "21, 02") == (
        "Harry Bosch", "21", ["Renee Ballard #2"]
    )  # fmt: skip
    assert split_series_list("Wayward Children, Book 2", None) is None
    assert split_series_list("Crime, Punishment", "2") is None
    tags = TagFields(album="The Night Fire", authors=["Michael Connelly"], series="Renee Ballard",
                     series_position="3", other_series=["Harry Bosch #22"])  # fmt: skip
    record = build_book_record(parse_book_folder(["Michael Connelly", "The Night Fire"]),
                               [FileFacts("a.m4b", tags)])  # fmt: skip
    assert (record.series, record.series_position) == ("Renee Ballard", "3")
    assert record.alternatives["series"] == "tags: Harry Bosch #22"


def test_audibles_hash_book_series_tag() -> None:
    assert parse_series_string("Rivers of London #Book 3") == ("Rivers of London", "3")


# --- 3. folders that are not authors --------------------------------------------------------


def test_a_grouping_folder_above_the_author_is_not_the_author() -> None:
    folder = parse_book_folder(["Audiobooks", "Bill Bryson", "In a Sunburned Country"])
    assert (folder.authors, folder.series) == (["Audiobooks"], "Bill Bryson")  # as ABS reads it
    regrouped = regrouped_folder(folder, ["Bill Bryson"])
    assert (regrouped.authors, regrouped.series) == (["Bill Bryson"], None)
    assert regrouped_folder(folder, []).authors == ["Bill Bryson"]  # a grouping word, no tags
    kept = parse_book_folder(["Jim Butcher", "Dresden Files", "Storm Front"])
    assert regrouped_folder(kept, ["Jim Butcher"]) == kept
    tags = TagFields(album="In a Sunburned Country", authors=["Bill Bryson"],
                     narrators=["Bill Bryson"])  # fmt: skip
    record = build_book_record(folder, [FileFacts("a.mp3", tags)])
    assert (record.authors, record.series) == (["Bill Bryson"], None)


def test_a_top_folder_the_book_folder_names_as_its_series_is_a_series() -> None:
    folder = parse_book_folder(
        ["Covert-One", "01 - Robert Ludlum, Gayle Lynds - (Covert-One #01) - The Hades Factor"]
    )
    assert folder.title == "The Hades Factor"
    assert (folder.series, folder.series_position) == ("Covert-One", "1")
    assert folder.authors == ["Robert Ludlum", "Gayle Lynds"]


# --- 4. translators -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("credit", "authors", "translators"),
    [
        ("Homer, translated by Emily Wilson", ["Homer"], ["Emily Wilson"]),
        ("Haruki Murakami, Ursula Gräfe (Übersetzer)", ["Haruki Murakami"], ["Ursula Gräfe"]),
        ("Elena Ferrante; Ann Goldstein (Translator)", ["Elena Ferrante"], ["Ann Goldstein"]),
        ("Bernard Werber, Jean Dupont (traducteur)", ["Bernard Werber"], ["Jean Dupont"]),
        ("Miguel de Cervantes, tr. Edith Grossman", ["Miguel de Cervantes"], ["Edith Grossman"]),
        ("Marie Lu", ["Marie Lu"], []),
    ],
)
def test_translators_are_never_authors(
    credit: str, authors: list[str], translators: list[str]
) -> None:
    assert split_credit(credit) == authors
    assert credited_translators(credit) == translators


def test_the_scan_keeps_a_translator_in_the_provenance() -> None:
    tags = TagFields(album="The Odyssey", authors=split_credit("Homer, translated by Emily Wilson"),
                     author_credits=["Homer, translated by Emily Wilson"])  # fmt: skip
    record = build_book_record(parse_book_folder(["Homer", "The Odyssey"]),
                               [FileFacts("a.m4b", tags)])  # fmt: skip
    assert record.authors == ["Homer"]
    assert record.alternatives["translators"] == "tags: Emily Wilson"


# --- 5. "Last, First" or two people: by evidence --------------------------------------------


@pytest.mark.parametrize(
    ("credit", "known", "in_folder", "people"),
    [
        # A tag: "OneWord, First Last" is two people (issue 17) unless the inverted whole is
        # known as one person; "Multi Word, Given" is Last, First.
        ("Shirtaloon, Michael Kramer", set(), False, ["Shirtaloon", "Michael Kramer"]),
        ("Doyle, Arthur Conan", set(), False, ["Doyle", "Arthur Conan"]),
        ("Doyle, Arthur Conan", {"arthur conan doyle"}, False, ["Arthur Conan Doyle"]),
        ("Doyle, Arthur Conan", {"michael kramer"}, False, ["Doyle", "Arthur Conan"]),
        ("García Márquez, Gabriel", set(), False, ["Gabriel García Márquez"]),
        ("Shirtaloon, Michael Kramer", {"michael kramer"}, False, ["Shirtaloon", "Michael Kramer"]),
        ("Shirtaloon, Heath Miller", {"shirtaloon"}, False, ["Shirtaloon", "Heath Miller"]),
        ("Stephen King, Peter Straub", set(), False, ["Stephen King", "Peter Straub"]),
        # An author folder: "Last, First [Middle]" is one person unless a side is known.
        ("Doyle, Arthur Conan", set(), True, ["Arthur Conan Doyle"]),
        ("García Márquez, Gabriel", set(), True, ["Gabriel García Márquez"]),
        ("Shirtaloon, Michael Kramer", set(), True, ["Michael Kramer Shirtaloon"]),
        ("Shirtaloon, Michael Kramer", {"michael kramer"}, True, ["Shirtaloon", "Michael Kramer"]),
        ("Stephen King, Peter Straub", set(), True, ["Stephen King", "Peter Straub"]),
    ],
)
def test_x_comma_y_z_reads_by_where_it_is_written_then_by_evidence(
    credit: str, known: set[str], in_folder: bool, people: list[str]
) -> None:
    assert split_credit(credit, known_people=known, in_folder=in_folder) == people


def test_the_books_folder_is_evidence_for_a_pen_name() -> None:
    tags = TagFields(album="HWFWM 2", authors=split_credit("Shirtaloon, Heath Miller"),
                     author_credits=["Shirtaloon, Heath Miller"])  # fmt: skip
    folder = parse_book_folder(["Shirtaloon", "He Who Fights with Monsters", "Book 2 - HWFWM 2"])
    assert tags.authors == ["Shirtaloon", "Heath Miller"]  # a tag alone: two people
    record = build_book_record(folder, [FileFacts("a.m4b", tags)])
    assert record.authors == ["Shirtaloon", "Heath Miller"]


# --- 6. light novels -------------------------------------------------------------------------


def test_a_title_that_is_its_series_and_a_volume_is_kept_whole() -> None:
    parts = parse_title(
        "Mushoku Tensei: Jobless Reincarnation (Light Novel) Vol. 2",
        "Mushoku Tensei - Jobless Reincarnation",
    )
    assert (parts.title, parts.position) == ("Mushoku Tensei: Jobless Reincarnation Vol. 2", "2")
    assert parse_title("Spice and Wolf, Vol. 5", "Spice and Wolf").title == "Spice and Wolf, Vol. 5"
    # A real subtitle after the volume is the title.
    assert parse_title("Overlord, Vol. 1 - The Undead King", "Overlord").title == "The Undead King"


# --- 7. omnibus ranges -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position"),
    [("Book 1 to 3", "1-3"), ("Books 1-3", "1-3"), ("I-III", "1-3"), ("Book 3", None)],
)
def test_omnibus_ranges(text: str, position: str | None) -> None:
    assert format_position_range(text) == position


# --- 8. anthology credits --------------------------------------------------------------------


def test_various_is_nobody() -> None:
    assert split_credit("Various Authors") == []
    assert split_credit("Stephen King, Bev Vincent, Various") == ["Stephen King", "Bev Vincent"]
    assert names_nobody("Various Artists")
    assert not names_nobody("Various Bob")
    tags = TagFields(album="Dangerous Visions", author_credits=["Various Authors"])
    record = build_book_record(parse_book_folder(["Anthologies", "Dangerous Visions"]),
                               [FileFacts("a.mp3", tags)])  # fmt: skip
    assert record.authors == []  # nor the folder "Anthologies"
