"""Tags of real files (every format, every tag style) mapped to book fields."""

from __future__ import annotations

from pathlib import Path

import mutagen
import pytest
from mutagen.id3 import COMM, ID3, TXXX

from library_pipeline.domain.tags import (
    codec_name,
    fields_from_tags,
    flatten_tags,
    normalize_asin,
    normalize_date,
    normalize_isbn,
    normalize_position,
    parse_genres,
    parse_series_string,
)
from library_pipeline_tests.support.audio import FORMATS, corrupt, make_audio_file, write_tags

CODECS = {"m4b": "aac", "m4a": "aac", "mp3": "mp3", "flac": "flac", "ogg": "vorbis", "opus": "opus"}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("series_style", ["tags", "movement", "grouping"])
@pytest.mark.parametrize("narrator_style", ["composer", "narrator"])
def test_real_files_map_to_fields(
    tmp_path: Path, audio_templates: dict, fmt: str, series_style: str, narrator_style: str
) -> None:
    path = make_audio_file(
        tmp_path / f"book.{fmt}",
        title="Part 1",
        album="The Final Empire (Unabridged)",
        author="Sanderson, Brandon",
        narrator="Michael Kramer & Kate Reading",
        series="Mistborn",
        position=2,
        asin="B002UZMLXM",
        isbn="978-0-7653-1178-8",
        year="2006-07-17",
        language="English",
        genre="Fantasy/Epic",
        publisher="Macmillan Audio",
        track=3,
        total_tracks=12,
        series_style=series_style,
        narrator_style=narrator_style,
    )
    audio = mutagen.File(path, easy=False)
    fields = fields_from_tags(flatten_tags(audio.tags))
    assert fields.title == "The Final Empire"
    assert fields.track_title == "Part 1"
    assert fields.authors == ["Brandon Sanderson"]
    assert fields.narrators == ["Michael Kramer", "Kate Reading"]
    assert (fields.series, fields.series_position) == ("Mistborn", "2")
    assert fields.asin == "B002UZMLXM"
    assert fields.isbn == "9780765311788"
    assert fields.published_date == "2006-07-17"
    assert fields.language == "English"
    assert fields.genres == ["Fantasy", "Epic"]
    assert fields.publisher == "Macmillan Audio"
    assert fields.track == 3
    assert codec_name(type(audio).__name__, getattr(audio.info, "codec", None)) == CODECS[fmt]


def test_flatten_keeps_text_and_drops_binary(tmp_path: Path, audio_templates: dict) -> None:
    path = make_audio_file(tmp_path / "a.mp3", title="T", author="A")
    tags = ID3(path)
    tags.add(COMM(encoding=3, lang="eng", desc="iTunNORM", text=["00000A 000001"]))
    tags.add(COMM(encoding=3, lang="eng", desc="", text=["A real description."]))
    tags.add(TXXX(encoding=3, desc="SERIES-PART", text=["7"]))
    tags.add(mutagen.id3.APIC(encoding=3, mime="image/png", type=3, desc="", data=b"\x89PNG"))
    tags.add(mutagen.id3.TIPL(encoding=3, people=[["narrator", "Ray Porter"], ["mix", "X"]]))
    tags.delall("TCOM")
    tags.save(path)
    flat = flatten_tags(ID3(path))
    assert flat["tit2"] == ["T"]
    assert flat["comm"] == ["A real description."]
    assert flat["comm:itunnorm"] == ["00000A 000001"]
    assert flat["txxx:series-part"] == ["7"]
    assert not any(key.startswith("apic") for key in flat)
    assert flat["tipl:narrator"] == ["Ray Porter"]
    fields = fields_from_tags(flat)
    assert fields.description == "A real description."
    assert fields.narrators == ["Ray Porter"]


def test_flatten_none_and_untagged(tmp_path: Path, audio_templates: dict) -> None:
    assert flatten_tags(None) == {}
    path = make_audio_file(tmp_path / "a.flac", tagged=False)
    assert fields_from_tags(flatten_tags(mutagen.File(path).tags)).title is None


def test_mapping_priorities_and_fallbacks() -> None:
    # Album beats title; artist beats album artist; a dedicated narrator tag beats composer.
    fields = fields_from_tags(
        {
            "tit2": ["Chapter 1"],
            "talb": ["Book"],
            "tpe2": ["Album Artist"],
            "tpe1": ["Artist One; Artist Two"],
            "tcom": ["Composer"],
            "txxx:narrator": ["Kate Reading"],
        }
    )
    assert (fields.title, fields.authors, fields.narrators) == (
        "Book",
        ["Artist One", "Artist Two"],
        ["Kate Reading"],
    )
    # Without album: the title; without artist: album artist; without narrator: composer.
    fields = fields_from_tags({"©nam": ["Solo"], "aart": ["Album Artist"], "©wrt": ["Reader"]})
    assert (fields.title, fields.authors, fields.narrators) == (
        "Solo",
        ["Album Artist"],
        ["Reader"],
    )


def test_series_sources() -> None:
    assert fields_from_tags({"mvnm": ["Discworld"], "mvin": ["2/41"]}).series_position == "2"
    grouped = fields_from_tags({"grp1": ["Mistborn #1; Cosmere #3"]})
    assert (grouped.series, grouped.series_position) == ("Mistborn", "1")
    # A grouping without a position is a genre-ish label, not a series.
    assert fields_from_tags({"©grp": ["Audiobooks"]}).series is None
    freeform = fields_from_tags(
        {"----:com.apple.itunes:series": ["The Expanse"],
         "----:com.apple.itunes:series-part": ["Book 03"]}
    )  # fmt: skip
    assert (freeform.series, freeform.series_position) == ("The Expanse", "3")
    assert fields_from_tags({"series": ["Dune #1.5"]}).series_position == "1.5"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Mistborn #1", ("Mistborn", "1")), ("Discworld, Book 2", ("Discworld", "2")),
     ("Red Rising Saga Book 3", ("Red Rising Saga", "3")), ("Stormlight", ("Stormlight", None)),
     ("Wheel of Time #0.5", ("Wheel of Time", "0.5"))],
)  # fmt: skip
def test_parse_series_string(value: str, expected: tuple) -> None:
    assert parse_series_string(value) == expected


def test_normalisers() -> None:
    assert normalize_asin(" b002uzmlxm ") == "B002UZMLXM"
    assert normalize_asin("not an asin") is None
    assert normalize_isbn("ISBN 0-7653-1178-X") == "076531178X"
    assert normalize_isbn("12345") is None
    assert normalize_date("2014-05-02T00:00:00Z") == "2014-05-02"
    assert normalize_date("2014/05") == "2014-05"
    assert normalize_date("May 2014") is None
    assert normalize_position("02") == "2"
    assert normalize_position("1a") == "1a"
    assert parse_genres(["Fantasy; Sci-Fi", "(12)", "Fantasy"]) == ["Fantasy", "Sci-Fi"]


def test_hostile_values_are_cleaned() -> None:
    fields = fields_from_tags({"talb": ["Bad\x00Title"], "tpe1": ["x" * 20000]})
    flat = {}
    from library_pipeline.domain.tags import _add

    _add(flat, "TALB", ["Bad\x00Title", "\udcff broken"])
    assert flat["talb"][0] == "Bad Title"
    assert flat["talb"][1].encode("utf-8")  # no lone surrogate left
    assert fields.album == "Bad\x00Title"  # mapping itself does not clean: flatten does


def test_unreadable_files_raise(tmp_path: Path, audio_templates: dict) -> None:
    from library_pipeline.services.scan.reading import read_or_reason

    for kind in ("zero", "truncated", "garbage", "text"):
        path = corrupt(make_audio_file(tmp_path / f"{kind}.m4b", title="x"), kind)
        assert isinstance(read_or_reason(str(path)), str), kind
    write_tags(make_audio_file(tmp_path / "ok.m4b"), title="fine")
    assert not isinstance(read_or_reason(str(tmp_path / "ok.m4b")), str)
