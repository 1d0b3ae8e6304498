"""MAM's quirks, parsed tolerantly (pure functions)."""

from __future__ import annotations

from datetime import datetime

import pytest

from library_pipeline.domain import mam_parsing as mp
from library_pipeline_tests.support.stub_server import load_contract


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, 5),
        ("5", 5),
        ("1,250", 1250),
        (" 7 ", 7),
        (3.0, 3),
        ("4.9", 4),
        ("", None),
        (None, None),
        ("abc", None),
        ([1], None),
    ],
)
def test_to_int(value, expected) -> None:
    assert mp.to_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, False),
        (1, True),
        ("0", False),
        ("1", True),
        (True, True),
        (False, False),
        ("true", True),
        ("false", False),
        (None, False),
        ("", False),
        ("yes", True),
    ],
)
def test_to_bool(value, expected) -> None:
    assert mp.to_bool(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("847.9 MiB", round(847.9 * 1024**2)),
        ("1,018.3 KiB", round(1018.3 * 1024)),
        ("5.89 GiB", round(5.89 * 1024**3)),
        ("6324306932", 6324306932),
        (6324306932, 6324306932),
        ("2.06 TiB", round(2.06 * 1024**4)),
        ("12 B", 12),
        ("1.5 GB", round(1.5 * 1024**3)),
        ("", None),
        ("big", None),
        (None, None),
    ],
)
def test_parse_size(value, expected) -> None:
    assert mp.parse_size(value) == expected


def test_people_info_variants() -> None:
    assert mp.parse_people_info('{"145278":"Brandon Sanderson"}').values == ["Brandon Sanderson"]
    three = '{"1": "Abby Craden", "1220": "Deanna Hurst", "13716": "Lorna Bennett"}'
    assert mp.parse_people_info(three).values == ["Abby Craden", "Deanna Hurst", "Lorna Bennett"]
    for empty in ("", "{}", None, "[]", {}):
        parsed = mp.parse_people_info(empty)
        assert parsed.values == []
        assert parsed.warning is None
    # Already decoded, doubly encoded, HTML entities.
    assert mp.parse_people_info({"9": "A &amp; B"}).values == ["A & B"]
    assert mp.parse_people_info('"{\\"1\\": \\"Jane Doe\\"}"').values == ["Jane Doe"]


def test_malformed_people_info_is_repaired_or_reported() -> None:
    # Jackett: "the JSON on author_info field can be malformed due to double quotes".
    parsed = mp.parse_people_info('{"1": "John "Jack" Smith", "2": "Jane Roe"}', "author_info")
    assert parsed.values == ['John "Jack" Smith', "Jane Roe"]
    assert parsed.warning
    assert "author_info" in parsed.warning
    assert "repaired" in parsed.warning
    hopeless = mp.parse_people_info('{"1": Brandon', "narrator_info")
    assert hopeless.values == []
    assert hopeless.warning == "narrator_info: malformed JSON, ignored"


def test_series_info_with_extra_elements_and_malformed() -> None:
    parsed = mp.parse_series_info('{"3171": ["Mistborn", "1", "extra", 7]}')
    assert parsed.values == [mp.SeriesRef("Mistborn", "1")]
    ranged = mp.parse_series_info('{"67": ["Love at Stake", "01-16, 13.5"]}')
    assert ranged.values == [mp.SeriesRef("Love at Stake", "01-16, 13.5")]
    assert mp.parse_series_info('{"5": ["No Position"]}').values == [mp.SeriesRef("No Position")]
    broken = mp.parse_series_info('{"5": ["The "Quoted" Saga", "2"]')
    assert broken.values == [mp.SeriesRef('The "Quoted" Saga', "2")]
    assert broken.warning
    assert mp.parse_series_info("").values == []


def test_other_fields() -> None:
    assert mp.parse_isbn_field("ASIN:B002UZMLXM") == ("B002UZMLXM", None)
    assert mp.parse_isbn_field("978-0-7653-1178-8") == (None, "9780765311788")
    assert mp.parse_isbn_field("") == (None, None)
    assert mp.usable_dl_hash("k0S0Bxpdds1Q1vAvRI,ILhtA5UvR,qwPautWQCqh6") is not None
    assert mp.usable_dl_hash("k0S0Bxpdds1Q1vAvRI,ILhtA5UvR,qwPautWQCqh6,...") is None
    assert mp.usable_dl_hash(None) is None
    assert mp.parse_added("2024-11-05 03:12:44") == datetime(2024, 11, 5, 3, 12, 44)
    assert mp.parse_added("yesterday") is None
    assert mp.category_genre("Audiobooks - Urban Fantasy") == "Urban Fantasy"
    assert mp.category_genre("Ebooks - Fantasy") is None
    assert mp.to_float("4.12") == 4.12
    assert mp.to_float("Inf.") is None


def test_search_error_shapes() -> None:
    assert mp.search_error(load_contract("mam", "search_empty.json")) == (True, None)
    assert mp.search_error(load_contract("mam", "search_response.json")) == (False, None)
    assert mp.search_error({"error": "Search is disabled"}) == (False, "Search is disabled")
    assert mp.is_not_signed_in(b"Error, you are not signed in <br />")
    assert not mp.is_not_signed_in(b'{"data": []}')


def test_guide_links_and_login_pages() -> None:
    html = (
        "<a href='/guides/?gid=7&sort=1#top'>Seven</a> <a href='?gid=8'>Eight</a>"
        "<a href='/guides/?gid=7'>dup</a> <a href='/logout.php'>Log out</a>"
        "<a href='https://elsewhere.example/guides/?gid=9'>x</a> <a href='/f/t/1'>forum</a>"
    )
    links = mp.extract_guide_links(html, "https://mam.example/guides/", "/guides/")
    assert links == [
        ("https://mam.example/guides/?gid=7", "Seven"),
        ("https://mam.example/guides/?gid=8", "Eight"),
    ]
    assert mp.guide_id("https://mam.example/guides/?gid=37729") == 37729
    assert mp.is_login_page("https://mam.example/login.php?returnto=%2Fguides%2F", "<html>")
    assert mp.is_login_page(None, "<html><body>Error, you are not signed in <br /></body></html>")
    assert not mp.is_login_page("https://mam.example/guides/?gid=1", "<h1>Ratio</h1>")
    assert mp.slugify("Ratio, Seeding & You!") == "ratio-seeding-you"
