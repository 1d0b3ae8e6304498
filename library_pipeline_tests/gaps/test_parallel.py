"""find_gaps_parallel: split into independent parts, the same list as one find_gaps run."""

from __future__ import annotations

from datetime import date

import pytest

from library_pipeline.domain.gaps import CatalogueEntry, GapSettings, OwnedBook, find_gaps
from library_pipeline.domain.normalize import author_loose_keys, normalize_text
from library_pipeline.services.gaps.parallel import (
    credits_ending_in,
    find_gaps_parallel,
    name_endings,
    split_problem,
)
from library_pipeline_tests.gaps.conftest import Fixture, bench_module


@pytest.mark.parametrize("workers", [2, 3])
@pytest.mark.parametrize("novellas", [False, True])
def test_fixture_set_same_as_one_run(fixture_set: Fixture, workers: int, novellas: bool) -> None:
    settings = fixture_set.settings(novellas)
    one = find_gaps(fixture_set.owned, fixture_set.catalogue, settings)
    assert len(one) > 100
    assert find_gaps_parallel(fixture_set.owned, fixture_set.catalogue, settings, workers) == one


def test_generated_library_same_as_one_run() -> None:
    owned, catalogue, _truth = bench_module().generate(3_000, 30_000, 11)
    settings = GapSettings(as_of=date(2025, 6, 1))
    one = find_gaps(owned, catalogue, settings)
    assert len(one) > 1_000
    assert find_gaps_parallel(owned, catalogue, settings, 2) == one


def test_split_keeps_linked_books_together() -> None:
    owned = [
        OwnedBook("A1", ("Ann Author",), "Saga", "1"),
        OwnedBook("B1", ("Bob Writer", "Ann Author")),  # co-written: Bob joins Ann
        OwnedBook("C1", ("Cy Scribe",), asin="B000000001"),
        OwnedBook("D1", ("Dee Pen",)),
        OwnedBook("E1", ("Eve Ink",)),
    ]
    catalogue = [
        CatalogueEntry("1", "A2", ("Ann Author",), series="Saga", series_position="2"),
        CatalogueEntry("2", "B2", ("Bob Writer",)),
        CatalogueEntry("3", "C1", ("Someone Else",), asin="b000000001"),  # by its ASIN
        CatalogueEntry("4", "Z1", ("Zed Nobody",)),  # nobody the user owns: left out
        CatalogueEntry("5", "D2", ("Dee Pen",)),
        CatalogueEntry("6", "E2", ("EVE INK",)),
    ]
    split = split_problem(owned, catalogue, 2)
    assert split.parts == 2
    where = {b.title: p for p in range(2) for b in split.owned(owned, p)}
    assert len(where) == len(owned)
    assert where["A1"] == where["B1"]
    ids = {}
    for p in range(2):
        entries, positions = split.catalogue(catalogue, p)
        assert positions == sorted(positions)
        ids.update({e.id: p for e in entries})
    assert ids == {
        "1": where["A1"],
        "2": where["A1"],
        "3": where["C1"],
        "5": where["D1"],
        "6": where["E1"],
    }


@pytest.mark.parametrize(
    "credit",
    [
        ("J.K. Rowling",),
        ("Rowling, J. K.",),
        ("Tolkien J.R.R.",),
        ("Ursula K. Le Guin",),
        ("George R. R. Martin & Gardner Dozois",),
        ("Brown, Pierce",),
        ("Dr. Martin Luther King, Jr.",),
        ("Zoë Kravitz (Narrator), Søren Kierkegaard",),
        ("A. B. C.",),
    ],
)
def test_every_author_key_ends_with_a_name_ending(credit: tuple[str, ...]) -> None:
    endings = name_endings(normalize_text(" , ".join(credit)))
    keys = author_loose_keys(credit)
    assert keys
    assert all(key.rpartition(" ")[2] in endings for key in keys), (keys, endings)


def test_credits_ending_in_agrees_with_name_endings() -> None:
    credits = [
        ("J.K. Rowling",),
        ("Rowling, J. K.",),
        ("Joanne Rowling",),
        ("A. B. C.",),
        ("Pierce Brown",),
        ("Brown, Pierce", "Someone Else"),
        ("R. Brownlee",),
        ("K Ross",),
        ("",),
    ]
    texts = [normalize_text(" , ".join(c)) for c in credits]
    for words in [{"rowling"}, {"jk", "brown"}, {"abc", "bc"}, {"k"}, {"ross"}, set()]:
        expected = [
            n for n, t in enumerate(texts) if not frozenset(words).isdisjoint(name_endings(t))
        ]
        assert credits_ending_in(texts, frozenset(words)) == expected, words
    assert credits_ending_in(texts, frozenset({"jk"})) == [0, 1]


def test_parts_are_sized_by_their_weights() -> None:
    owned, catalogue, _truth = bench_module().generate(3_000, 30_000, 11)
    split = split_problem(owned, catalogue, 4, weights=[4.0, 2.0, 1.0, 1.0])
    total = sum(split.loads)
    shares = [load / total for load in split.loads]
    assert shares == pytest.approx([0.5, 0.25, 0.125, 0.125], abs=0.02)
    # Every owned book and every kept entry is in exactly one part.
    assert sorted(i for p in range(4) for i in split.catalogue(catalogue, p)[1]) == sorted(
        set(i for p in range(4) for i in split.catalogue(catalogue, p)[1])
    )
    assert sum(len(split.owned(owned, p)) for p in range(4)) == len(owned)
