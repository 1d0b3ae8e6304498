"""The priority formula (library_pipeline.domain.gaps.priority docstring)."""

from __future__ import annotations

from library_pipeline.domain.gaps.priority import priority


def p(**kw: object) -> int:
    base: dict[str, object] = dict(
        series_gap=True, author_gap=False, position=None, owned_positions={1.0, 2.0, 3.0, 5.0},
        published_year=2010, as_of_year=2025,
    )  # fmt: skip
    base.update(kw)
    return priority(**base)  # type: ignore[arg-type]


def test_next_after_highest_ranks_highest() -> None:
    nxt, hole, later, before = p(position=6.0), p(position=4.0), p(position=8.0), p(position=0.0)
    assert nxt > hole > later
    assert hole > before
    assert p(position=7.0) > p(position=9.0)  # later entries lower still


def test_author_only_gaps_rank_below_series_gaps() -> None:
    author = p(series_gap=False, author_gap=True)
    assert author < p(position=12.0)
    # Old backlist lowest; a new release a bit higher.
    assert p(series_gap=False, author_gap=True, published_year=1980) < author
    assert p(series_gap=False, author_gap=True, published_year=2025) > author
    assert p(series_gap=False, author_gap=True, position=3.0) < author  # not a series opener


def test_both_reasons_and_bounds() -> None:
    assert p(position=6.0, author_gap=True) > p(position=6.0)
    for pos in (None, 0.0, 4.0, 6.0, 50.0):
        assert 0 <= p(position=pos, published_year=2025, author_gap=True) <= 100
