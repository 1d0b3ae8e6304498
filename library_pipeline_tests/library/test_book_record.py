"""Reconciling tags with folder names, and what a re-scan may overwrite."""

from __future__ import annotations

from library_pipeline.domain.book_record import (
    FileFacts,
    audiobookshelf_updates,
    build_book_record,
    record_from_audiobookshelf,
    scan_updates,
)
from library_pipeline.domain.folder_names import parse_book_folder
from library_pipeline.domain.tags import TagFields

FOLDER = parse_book_folder(
    ["Terry Pratchett", "Discworld", "Book 2 - 1986 - The Light Fantastic {Nigel Planer}"]
)


def facts(name: str = "01.mp3", **tags: object) -> FileFacts:
    return FileFacts(name, TagFields(**tags), duration=60.0, bitrate=64000, codec="mp3")


def test_tags_win_and_sources_are_recorded() -> None:
    record = build_book_record(
        FOLDER,
        [
            facts(
                album="The Light Fantastic: Discworld",
                authors=["Terry Pratchett"],
                genres=["Fantasy"],
            )
        ],
    )
    assert record.title == "The Light Fantastic: Discworld"
    assert record.narrators == ["Nigel Planer"]
    assert (record.series, record.series_position) == ("Discworld", "2")
    assert record.published_date == "1986"
    assert record.genres == ["Fantasy"]
    assert record.metadata_source == {
        "title": "tags",
        "authors": "tags",
        "genres": "tags",
        "narrators": "folder",
        "series": "folder",
        "series_position": "folder",
        "published_date": "folder",
    }


def test_folder_alone_describes_an_untagged_book() -> None:
    record = build_book_record(FOLDER, [facts(), facts("02.mp3")])
    assert (record.title, record.authors) == ("The Light Fantastic", ["Terry Pratchett"])
    assert set(record.metadata_source.values()) == {"folder"}
    assert record.duration_seconds == 120.0
    assert record.bitrate == 64000
    assert record.codec == "mp3"


def test_chapter_titles_of_a_multi_file_book_are_not_its_title() -> None:
    files = [facts("01.mp3", track_title="Part 1"), facts("02.mp3", track_title="Part 2")]
    assert build_book_record(FOLDER, files).title == "The Light Fantastic"
    same = [facts("01.mp3", track_title="Dune"), facts("02.mp3", track_title="Dune")]
    assert build_book_record(FOLDER, same).title == "Dune"


def test_first_file_wins_then_the_next_fills_gaps() -> None:
    files = [
        facts("01.mp3", album="Book", asin=None),
        facts("02.mp3", album="Other", asin="B000000001"),
    ]
    record = build_book_record(FOLDER, files)
    assert (record.title, record.asin) == ("Book", "B000000001")


def test_tag_series_takes_folder_position_only_for_the_same_series() -> None:
    same = build_book_record(FOLDER, [facts(series="The Discworld Series")])
    assert (same.series, same.series_position) == ("The Discworld Series", "2")
    assert same.metadata_source["series_position"] == "folder"
    other = build_book_record(FOLDER, [facts(series="Rincewind")])
    assert (other.series, other.series_position) == ("Rincewind", None)


def existing_row(**overrides: object) -> dict:
    row = {
        "title": "Old", "subtitle": None, "authors": ["A"], "narrators": [], "series": None,
        "series_position": None, "asin": None, "isbn": None, "published_date": None,
        "language": None, "publisher": None, "description": None, "genres": [], "cover": None,
        "duration_seconds": 60.0, "bitrate": 64000, "codec": "mp3",
        "metadata_source": {"title": "tags", "authors": "tags"}, "locked_fields": [],
    }  # fmt: skip
    row.update(overrides)
    return row


def test_rescan_updates_scan_fields_only() -> None:
    record = build_book_record(FOLDER, [facts(album="New", authors=["B"])])
    assert scan_updates(existing_row(), record)["title"] == "New"
    # A provider's value (enrichment) and a locked field survive the re-scan.
    enriched = existing_row(
        title="Provider Title",
        asin="B00PROVIDE",
        metadata_source={"title": "google_books", "asin": "audnexus", "authors": "tags"},
        locked_fields=["authors"],
    )
    updates = scan_updates(enriched, record)
    assert "title" not in updates
    assert "asin" not in updates
    assert "authors" not in updates
    assert updates["metadata_source"]["title"] == "google_books"


def test_rescan_keeps_audiobookshelf_fill_while_local_sources_are_silent() -> None:
    record = build_book_record(FOLDER, [facts(album="Book")])
    row = existing_row(genres=["Fantasy"], metadata_source={"genres": "audiobookshelf"})
    assert "genres" not in scan_updates(row, record)


def test_audiobookshelf_fills_only_empty_fields() -> None:
    row = existing_row(metadata_source={"title": "tags"}, locked_fields=["isbn"])
    updates = audiobookshelf_updates(
        row, {"title": "ABS title", "genres": ["Fantasy"], "isbn": "9780000000000", "asin": None}
    )
    assert updates["genres"] == ["Fantasy"]
    assert "title" not in updates
    assert "isbn" not in updates
    assert "asin" not in updates
    assert updates["metadata_source"] == {"title": "tags", "genres": "audiobookshelf"}
    assert audiobookshelf_updates({**row, **updates}, {"genres": ["Fantasy"]}) == {}


def test_record_from_audiobookshelf() -> None:
    record = record_from_audiobookshelf({"title": "T", "authors": ["A"], "duration_seconds": 9.5})
    assert record.duration_seconds == 9.5
    assert record.metadata_source == {"title": "audiobookshelf", "authors": "audiobookshelf"}
