"""The same work under another spelling is the same work: the finder neither reports an owned
book listed under another spelling nor reports one missing book twice; split editions are
their book."""

from __future__ import annotations

from datetime import date

import pytest

from library_pipeline.domain.gaps import CatalogueEntry, GapSettings, OwnedBook, find_gaps

SETTINGS = GapSettings(as_of=date(2025, 6, 1), languages=("en",), min_books_threshold=2)
AUTHOR = ("Ann Writer",)


def listing(id_: str, title: str, position: str | None = None, **kw: object) -> CatalogueEntry:
    return CatalogueEntry(
        id=id_,
        title=title,
        authors=AUTHOR,
        language="en",
        published_year=2001,
        series="Saga" if position else None,
        series_position=position,
        **kw,  # type: ignore[arg-type]
    )


OWNED = [
    OwnedBook("Honour of the Queen", AUTHOR),
    OwnedBook("The Hitch Hiker's Almanac", AUTHOR),
    OwnedBook("Book Two", AUTHOR),
]


@pytest.mark.parametrize(
    ("listed", "kind"),
    [
        ("Honor of the Queen", "British/American spelling"),
        ("The Hitchhiker's Almanac", "compound written as one word"),
        ("The Hitch-Hiker's Almanac", "compound hyphenated"),
        ("Book 2", "number as digits"),
        ("Honour of the Queen: A Novel", "noise subtitle"),
    ],
)
def test_an_owned_book_under_another_spelling_is_not_missing(listed: str, kind: str) -> None:
    found = find_gaps(OWNED, [listing("x", listed)], SETTINGS)
    assert found == [], kind


@pytest.mark.parametrize(
    ("titles", "kind"),
    [
        (["The Colour of Night", "The Color of Night"], "-our/-or"),
        (["Grey Harbour", "Gray Harbor"], "grey/gray and -our"),
        (["The Casebook of Ann", "The Case-Book of Ann", "Casebook of Ann, The"], "compound"),
        (["Salt & Iron", "Salt and Iron"], "&/and"),
        (["Three Kings", "3 Kings"], "number word"),
    ],
)
def test_editions_under_other_spellings_are_one_missing_book(titles: list[str], kind: str) -> None:
    catalogue = [listing(f"e{n}", title) for n, title in enumerate(titles)]
    found = find_gaps(OWNED, catalogue, SETTINGS)
    assert len(found) == 1, kind
    assert set(found[0].catalogue_ids) == {e.id for e in catalogue}


def test_split_editions_are_reported_once_as_their_book() -> None:
    owned = [*OWNED, OwnedBook("Saga One", AUTHOR, "Saga", "1")]
    catalogue = [
        listing("p1", "The Long Road, Part One", "2"),
        listing("p2", "The Long Road, Part Two", "2"),
        listing("h1", "The Long Road (1 of 2)", None),
    ]
    found = find_gaps(owned, catalogue, SETTINGS)
    assert [(b.title, set(b.catalogue_ids)) for b in found] == [
        ("The Long Road", {"p1", "p2", "h1"})
    ]


def test_split_editions_of_an_owned_book_are_not_missing() -> None:
    owned = [*OWNED, OwnedBook("The Long Road", AUTHOR, "Saga", "2")]
    catalogue = [
        listing("w", "The Long Road", "2"),
        listing("p1", "The Long Road, Part 1: Dust", "2"),
        listing("p2", "The Long Road (2 of 2)", None),
    ]
    assert find_gaps(owned, catalogue, SETTINGS) == []


def test_numbered_split_volumes_join_the_book_by_series_slot() -> None:
    # "A Dance with Dragons 1: Dreams and Dust": the volume number is no part marker, but the
    # series position is the whole book's.
    owned = [*OWNED, OwnedBook("Saga One", AUTHOR, "Saga", "1")]
    catalogue = [
        listing("w", "The Long Road", "2"),
        listing("v1", "The Long Road 1: Dreams and Dust", "2"),
        listing("v2", "The Long Road 2: After the Feast", "2"),
    ]
    found = find_gaps(owned, catalogue, SETTINGS)
    assert [(b.title, set(b.catalogue_ids)) for b in found] == [
        ("The Long Road", {"w", "v1", "v2"})
    ]
