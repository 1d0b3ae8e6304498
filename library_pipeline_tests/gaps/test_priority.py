"""The priority formula (library_pipeline.domain.gaps.priority docstring)."""

from __future__ import annotations

from library_pipeline.domain.gaps.priority import priority
from library_pipeline.domain.gaps.ranking import rank_of


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


def test_rank_bytes_order_like_the_documented_tuple() -> None:
    cases = [
        (95, "Red Rising", "2", "Golden Son"),
        (95, "Red Rising", "10", "Lightbringer"),  # 10 after 2: numbers, not text
        (95, "Red Rising", "2.5", "Dark Age"),
        (95, "Red Rising", None, "Untitled"),  # unknown position last
        (95, "Red", "1", "Zed"),  # a series that is a prefix of another sorts first
        (95, "Red Risinga", "1", "A"),
        (95, None, None, "No Series"),
        (95, "Émile", "1", "Accents"),  # after every ASCII letter, as str comparison has it
        (95, "Red Rising", "2", "Golden"),  # a title that is a prefix of another
        (100, "Zzz", "9", "Top"),
        (0, "Aaa", "0", "Bottom"),
        (85, "Red Rising", "0", "Prequel"),
        (95, "Red Rising", "2", "Golden \ud800 Son"),  # a lone surrogate, as JSON allows
        (95, "Red Rising", "2", "Golden \uffff"),
        (95, "Red \udcff", "1", "Sur"),
    ]

    def documented(case: tuple[int, str | None, str | None, str]) -> tuple[int, str, float, str]:
        priority, series, position, title = case
        return (-priority, series or "", float(position or "inf"), title)

    assert sorted(cases, key=lambda c: rank_of(*c)) == sorted(cases, key=documented)
