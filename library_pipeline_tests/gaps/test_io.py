"""Strict parsing of owned.json / catalogue.json and the missing.json shape."""

from __future__ import annotations

from typing import Any

import pytest

from library_pipeline.domain.gaps import MissingBook
from library_pipeline.domain.gaps.io import (
    GapsInputError,
    missing_to_json,
    parse_catalogue,
    parse_owned,
)

ENTRY: dict[str, Any] = {
    "id": "c1", "title": "Iron Gold", "subtitle": None, "authors": ["Pierce Brown"],
    "language": "en", "published_year": 2018, "series": "Red Rising", "series_position": "4",
    "asin": None, "isbn": None,
}  # fmt: skip


def test_parse_catalogue_and_owned() -> None:
    [entry] = parse_catalogue([ENTRY])
    assert entry.authors == ("Pierce Brown",)
    assert entry.published_year == 2018
    [book] = parse_owned([{"title": "Dark Age", "authors": ["Brown, Pierce"], "series": None}])
    assert book.title == "Dark Age"
    assert book.narrators == ()
    assert book.path is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"not": "a list"}, "catalogue.json: must be a JSON array of objects, got dict"),
        ([ENTRY, "x"], "catalogue.json: entry 1: must be an object, got str"),
        ([ENTRY, {**ENTRY, "id": "c2", "authors": "Pierce Brown"}],
         'catalogue.json: entry 1: field "authors" must be a list of strings'),
        ([{**ENTRY, "authors": ["A", 3]}], 'catalogue.json: entry 0: field "authors" must be a list of strings'),  # noqa: E501
        ([{k: v for k, v in ENTRY.items() if k != "title"}], 'catalogue.json: entry 0: field "title" is missing'),  # noqa: E501
        ([{**ENTRY, "published_year": "2018"}], 'catalogue.json: entry 0: field "published_year" must be an integer or null'),  # noqa: E501
        ([{**ENTRY, "published_year": True}], 'catalogue.json: entry 0: field "published_year" must be an integer or null'),  # noqa: E501
        ([{**ENTRY, "series": 4}], 'catalogue.json: entry 0: field "series" must be a string or null'),  # noqa: E501
        ([ENTRY, ENTRY], "catalogue.json: entry 1: field \"id\" must be unique, 'c1' repeats"),
    ],
)  # fmt: skip
def test_bad_catalogue(data: Any, message: str) -> None:
    with pytest.raises(GapsInputError) as err:
        parse_catalogue(data)
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([{"title": "X"}], 'owned.json: entry 0: field "authors" is missing'),
        ([{"title": "X", "authors": []}, {"title": 5, "authors": []}],
         'owned.json: entry 1: field "title" must be a string'),
        ([{"title": "X", "authors": [], "narrators": "N"}],
         'owned.json: entry 0: field "narrators" must be a list of strings'),
    ],
)  # fmt: skip
def test_bad_owned(data: Any, message: str) -> None:
    with pytest.raises(GapsInputError) as err:
        parse_owned(data)
    assert str(err.value) == message


def test_missing_to_json_follows_the_contract() -> None:
    book = MissingBook("Iron Gold", ("Pierce Brown",), "Red Rising", "4",
                       ("series_gap", "author_gap"), 88, ("c1", "c2"), "Red Rising #4; owned #1-3, #5")  # fmt: skip  # noqa: E501
    [item] = missing_to_json([book])
    assert list(item) == ["title", "authors", "series", "series_position", "reasons", "priority",
                          "catalogue_ids", "evidence"]  # fmt: skip
    assert item["authors"] == ["Pierce Brown"]
    assert item["catalogue_ids"] == ["c1", "c2"]
    assert isinstance(item["priority"], int)
