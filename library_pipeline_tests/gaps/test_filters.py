"""Unit tests of the "not a book to want" rules, one rule at a time."""

from __future__ import annotations

import pytest

from library_pipeline.domain.gaps.filters import (
    CAREER_GAP_YEARS,
    box_set_reason,
    derivative_reason,
    entry_rejection,
    foreign_language_reason,
    guess_language,
    namesake_reason,
    novella_reason,
    reads_as_nonfiction,
    split_part_reason,
    unpublished_reason,
    walk_back_career,
)
from library_pipeline.domain.gaps.models import CatalogueEntry


def entry(title: str, **kw: object) -> CatalogueEntry:
    return CatalogueEntry(id=kw.pop("id", "x"), title=title, authors=("A B",), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "title",
    [
        "Mistborn Trilogy Boxed Set",
        "The Wheel of Time: Books 1-3 Box Set",
        "The Chronicles of Narnia Complete 7-Book Collection",
        "A Song of Ice and Fire: 5-Book Boxed Set",
        "The Ultimate Hitchhiker's Guide to the Galaxy: Five Novels in One Outrageous Volume",
        "The Foundation Trilogy",
        "Skyward Flight: The Collection",
        "Dungeon Crawler Carl: Books 1-3 Bundle",
        "The Expanse Omnibus",
    ],
)
def test_box_sets_are_rejected(title: str) -> None:
    assert box_set_reason(entry(title)) is not None


def test_box_set_by_position_range() -> None:
    assert box_set_reason(entry("The Lord of the Rings", series_position="1-3")) is not None
    assert box_set_reason(entry("The Lord of the Rings", series_position="1")) is None


@pytest.mark.parametrize(
    "title",
    ["The Hunger Games", "The Trilogy of Swords Book 2", "The Collector", "Books of Blood",
     "Side Jobs: Stories from the Dresden Files"],
)  # fmt: skip
def test_real_books_are_not_box_sets(title: str) -> None:
    assert box_set_reason(entry(title)) is None


@pytest.mark.parametrize(
    ("title", "subtitle"),
    [
        ("Summary of Project Hail Mary by Andy Weir", None),
        ("Study Guide: Red Rising by Pierce Brown", None),
        ("Workbook for Project Hail Mary", None),
        ("Project Hail Mary", "A Novel by Andy Weir | Conversation Starters"),
        ("The Wheel of Time Companion", None),
        ("The Unofficial Guide to Discworld", None),
        ("J.R.R. Tolkien's The Lord of the Rings (SparkNotes Literature Guide)", None),
        ("The Hunger Games Tribute Guide", None),
    ],
)
def test_derivatives_are_rejected(title: str, subtitle: str | None) -> None:
    assert derivative_reason(entry(title, subtitle=subtitle)) is not None


@pytest.mark.parametrize(
    "title",
    ["The Hitchhiker's Guide to the Galaxy", "The Dungeon Anarchist's Cookbook",
     "The Frugal Wizard's Handbook for Surviving Medieval England", "The Companions",
     "Notes from Underground"],
)  # fmt: skip
def test_real_books_are_not_derivatives(title: str) -> None:
    assert derivative_reason(entry(title)) is None


@pytest.mark.parametrize(
    "title",
    ["Words of Radiance (1 of 2)", "Rhythm of War, Part One", "Oathbringer: Part 2 of 3",
     "A Storm of Swords, Part 1: Steel and Snow", "Leviathan Falls, Book 1 of 2"],
)  # fmt: skip
def test_split_parts_are_rejected(title: str) -> None:
    assert split_part_reason(entry(title)) is not None


@pytest.mark.parametrize(
    "title",
    ["The Two Towers: Being the Second Part of The Lord of the Rings",
     "Harry Potter and the Cursed Child - Parts One and Two", "Part of Your World", "Red Rising"],
)  # fmt: skip
def test_real_books_are_not_split_parts(title: str) -> None:
    assert split_part_reason(entry(title)) is None


def test_foreign_language() -> None:
    spanish = entry("Oro de hierro", language="es")
    assert foreign_language_reason(spanish, ["en"]) == "translation (es)"
    assert foreign_language_reason(entry("Red Rising", language="en-GB"), ["en"]) is None
    assert foreign_language_reason(entry("Red Rising", language="English"), ["en"]) is None
    assert foreign_language_reason(entry("L'Empire ultime", language="fr"), ["en", "fr"]) is None
    # No language code: function words give a translation away, English titles stay.
    assert foreign_language_reason(entry("Harry Potter und der Orden des Phönix"), ["en"])
    assert foreign_language_reason(entry("Live and Let Die"), ["en"]) is None
    assert foreign_language_reason(entry("El Paso Nights"), ["en"]) is None
    # Any spelling of a language (the one table, domain/languages.py).
    assert foreign_language_reason(entry("Der Weg", language="Deutsch"), ["de"]) is None
    assert foreign_language_reason(entry("Der Weg", language="ger"), ["en"]) == "translation (de)"


def test_language_guess() -> None:
    assert guess_language("Die Zeit der Verachtung") == "de"
    assert guess_language("The Time of Contempt") is None


def test_entry_rejection_runs_the_entry_rules() -> None:
    assert entry_rejection(entry("Red Rising"), ["en"]) is None
    assert entry_rejection(entry("Red Rising", language="es"), ["en"]) == "translation (es)"
    assert entry_rejection(entry("Summary of Red Rising"), ["en"]) is not None


def test_unpublished() -> None:
    assert unpublished_reason([entry("Red God", published_year=2026)], 2025) is not None
    assert unpublished_reason([entry("Light Bringer", published_year=2023)], 2025) is None
    assert unpublished_reason([entry("Sunrise", published_year=2025)], 2025) is None
    # A re-issue dated in the future does not hide the original edition.
    assert (
        unpublished_reason([entry("X", published_year=2027), entry("X", published_year=2001)], 2025)
        is None
    )
    # No date and no identifier: announced only (The Winds of Winter).
    assert unpublished_reason([entry("The Winds of Winter")], 2025) is not None
    assert unpublished_reason([entry("Old Book", asin="B000000001")], 2025) is None


def test_novella() -> None:
    assert novella_reason([entry("Edgedancer", series_position="2.5")]) is not None
    assert novella_reason([entry("Edgedancer", series_position="2.5"), entry("Edgedancer")])
    assert novella_reason([entry("Rhythm of War", series_position="4")]) is None
    assert novella_reason([entry("New Spring", series_position="0")]) is None
    # One provider's 0.5 against another's 5: a full novel.
    assert (
        novella_reason(
            [entry("Sunrise", series_position="0.5"), entry("Sunrise", series_position="5")]
        )
        is None
    )
    assert novella_reason([entry("Backup", subtitle="A Novella")]) is not None
    assert novella_reason([entry("Warbreaker")]) is None


def test_namesake() -> None:
    ok = dict(
        book_year=2019, career_start=1990, book_titles=["Outland"], owned_titles_nonfiction=False
    )
    real = frozenset({"dennis e taylor"})
    assert namesake_reason(real, real, **ok) is None  # type: ignore[arg-type]
    # Name variant never seen on an owned book.
    assert namesake_reason(frozenset({"george martin"}), frozenset({"george rr martin"}), **ok)  # type: ignore[arg-type]
    # Before the author's career.
    assert namesake_reason(real, real, 1985, 2001, ["Frame by Frame"], False)
    # Non-fiction of another trade, when the author's owned books are not.
    assert namesake_reason(real, real, 2009, 1990, ["Residential Plumbing Handbook"], False)
    assert namesake_reason(real, real, 2009, 1990, ["Residential Plumbing Handbook"], True) is None


def test_walk_back_career() -> None:
    # Owned books start in 2016; catalogue books by the name in 2011 and 1985.
    assert walk_back_career(2016, [2011, 1985]) == 2011 - CAREER_GAP_YEARS
    assert walk_back_career(2016, [2010, 1998, 1990]) == 1990 - CAREER_GAP_YEARS
    assert walk_back_career(2016, []) == 2016 - CAREER_GAP_YEARS


def test_reads_as_nonfiction() -> None:
    assert reads_as_nonfiction("Quilting for Beginners: A Step-by-Step Guide")
    assert reads_as_nonfiction("Frame by Frame: My Own Story")
    assert not reads_as_nonfiction("The Way of Kings")
