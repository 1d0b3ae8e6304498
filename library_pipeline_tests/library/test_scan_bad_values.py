"""Bad input the scan records instead of storing silently (issue 17): absurdly long tag values,
control characters, the same book twice in one library root."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from sqlalchemy import select

from library_pipeline.domain.duplicates import duplicate_issues
from library_pipeline.domain.tags import MAX_VALUE_CHARS, flatten_tags
from library_pipeline.storage.models import Book, ScanIssue
from library_pipeline_tests.library.conftest import scan
from library_pipeline_tests.support.audio import make_audio_file, make_book

id3: Any = importlib.import_module("mutagen.id3")  # untyped library: called through Any


def _tag_mp3(path: Path, album: str, comment: str) -> None:
    tags = id3.ID3()
    tags.add(id3.TALB(encoding=3, text=[album]))
    tags.add(id3.TIT2(encoding=3, text=[album]))
    tags.add(id3.TPE1(encoding=3, text=["Val Ues"]))
    tags.add(id3.COMM(encoding=3, lang="eng", desc="", text=[comment]))
    tags.save(path)


def test_long_values_and_control_characters_are_cleaned_and_noted() -> None:
    tags = id3.ID3()
    tags.add(id3.TALB(encoding=3, text=["Bad\x07 Title\x1b"]))
    tags.add(id3.COMM(encoding=3, lang="eng", desc="", text=["x" * 3_000_000]))
    notes: list[str] = []
    flat = flatten_tags(tags, notes)
    assert flat["talb"] == ["Bad Title"]
    assert len(flat["comm"][0]) == MAX_VALUE_CHARS
    assert any("talb held control characters" in n for n in notes)
    assert any("comm was 3,000,000 characters long" in n for n in notes)
    clean: list[str] = []
    flatten_tags(id3.ID3(), clean)
    assert clean == []


async def test_the_scan_records_bad_tag_values_until_the_file_is_fixed(
    duckdb_url: str, library_root: Path, session_for: Any
) -> None:
    path = make_audio_file(library_root / "Val Ues" / "Odd Book" / "odd.mp3")
    _tag_mp3(path, "Odd\x07 Book\x01", "y" * 2_000_000)
    with session_for(duckdb_url) as session:
        result = await scan(session, [library_root])
        reasons = {i["path"]: i["reason"] for i in result["issues"]}
        assert "control characters" in reasons[str(path)]
        assert "2,000,000 characters" in reasons[str(path)]
        book = session.scalars(select(Book)).one()
        assert book.title == "Odd Book"
        assert len(book.description or "") == MAX_VALUE_CHARS
    with session_for(duckdb_url) as session:  # not read again: the issue stays open
        again = await scan(session, [library_root])
        assert str(path) in {i["path"] for i in again["issues"]}
    _tag_mp3(path, "Odd Book", "fine")
    with session_for(duckdb_url) as session:
        fixed = await scan(session, [library_root])
        assert str(path) not in {i["path"] for i in fixed["issues"]}
        issue = session.scalars(select(ScanIssue).where(ScanIssue.path == str(path))).one()
        assert issue.resolved_at is not None


def test_copies_in_one_root_are_duplicates() -> None:
    keys = ("storm front", frozenset({"jim butcher"}))
    found = duplicate_issues(
        [("/lib/A/Storm Front", "/lib", keys), ("/lib/B/Storm Front (copy)", "/lib", keys),
         ("/lib/C/Other", "/lib", ("other", frozenset({"x"})))],
        ["/lib"],
    )  # fmt: skip
    assert found == [
        ("/lib/B/Storm Front (copy)", "duplicate of /lib/A/Storm Front (same title and author, "
         "same root)")
    ]  # fmt: skip


async def test_the_scan_records_a_copy_in_the_same_root(
    duckdb_url: str, library_root: Path, session_for: Any
) -> None:
    for folder in ("Jim Butcher/Storm Front", "Jim Butcher/Storm Front (copy)"):
        make_book(library_root / folder, "mp3", title="Storm Front", author="Jim Butcher")
    make_book(library_root / "Jim Butcher/Fool Moon", "mp3", title="Fool Moon",
              author="Jim Butcher")  # fmt: skip
    copy = f"{library_root}/Jim Butcher/Storm Front (copy)"
    with session_for(duckdb_url) as session:
        result = await scan(session, [library_root])
        assert result["duplicates"] == 1
        reasons = {i["path"]: i["reason"] for i in result["issues"]}
        assert reasons[copy].startswith(f"duplicate of {library_root}/Jim Butcher/Storm Front ")
        assert len(session.scalars(select(Book)).all()) == 3  # both copies stay recorded
    with session_for(duckdb_url) as session:  # nothing changed: still a duplicate
        again = await scan(session, [library_root])
        assert again["duplicates"] == 1
