"""Is this release the wanted book, in naming styles beyond the usual "Author - Title": numbers
as titles, unusual separators, x.5 positions, names with only the series and a number, packs
holding the book, one part of a split edition, authors the name does not spell plainly (pure)."""

from __future__ import annotations

from itertools import count

import pytest

from library_pipeline.domain.releases import Release
from library_pipeline.domain.releases.scoring import (
    MB,
    ReleaseScore,
    ScoringPolicy,
    WantedBook,
    score_release,
)

_ids = count(1)
POLICY = ScoringPolicy()
RADIANCE = WantedBook(
    "Words of Radiance",
    ("Brandon Sanderson",),
    "The Stormlight Archive",
    "2",
    expected_runtime_minutes=2900,
)
EDGEDANCER = WantedBook(
    "Edgedancer",
    ("Brandon Sanderson",),
    "The Stormlight Archive",
    "2.5",
    expected_runtime_minutes=750,
)
CRADLE = WantedBook("Unsouled", ("Will Wight",), "Cradle", "1", expected_runtime_minutes=540)


def score(
    title: str, wanted: WantedBook, policy: ScoringPolicy = POLICY, **kw: object
) -> ReleaseScore:
    kw.setdefault("link", f"http://indexer.example/dl/{next(_ids)}")
    kw.setdefault("size_bytes", 800 * MB)
    kw.setdefault("seeders", 25)
    kw.setdefault("source", "prowlarr")
    return score_release(Release(title=title, **kw), wanted, policy)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("title", "wanted"),
    [
        ("George Orwell - 1984 (Nineteen Eighty-Four) [Simon Prebble] 2008 m4b", "1984"),
        ("Arthur C. Clarke - 2001 A Space Odyssey (2013) MP3", "2001: A Space Odyssey"),
        ("Dmitry Glukhovsky - Metro 2033 (2010) [Rupert Degas] m4b", "Metro 2033"),
    ],
)
def test_a_number_or_year_that_is_the_title_counts(title: str, wanted: str) -> None:
    book = WantedBook(wanted, (title.split(" - ")[0],), expected_runtime_minutes=700)
    result = score(title, book)
    assert result.accepted, result.explain()
    assert "exact match" in result.explain()
    # Another number is another book (a sequel), and a year beside the title is not the title.
    sequel = score(title.replace(wanted.split(":")[0], "2010"), book)
    assert "title" in sequel.rejected_by, sequel.explain()


@pytest.mark.parametrize(
    "title",
    [
        "Will Wight ~ Unsouled ~ Cradle 1 ~ m4b",
        "Will_Wight_-_Cradle_01_-_Unsouled_(Unabridged)_64k.m4b",
        "Will Wight | Cradle 01 | Unsouled | m4b",
        "Wight.Will-Cradle.01-Unsouled.2016.AUDIOBOOK.M4B-GRP",
    ],
)
def test_tildes_underscores_bars_and_dots_separate_segments(title: str) -> None:
    result = score(title, CRADLE)
    assert result.accepted, result.explain()
    assert "title +40 (exact match)" in result.explain()
    wrong = score(title.replace("01", "02").replace(" 1 ", " 2 "), CRADLE)
    assert "volume" in wrong.rejected_by, wrong.explain()


def test_an_x5_position_is_not_read_as_the_whole_number() -> None:
    for title in (
        "Brandon Sanderson - The Stormlight Archive 2.5 - Edgedancer (2017) {64kbps m4b}",
        "Sanderson_Brandon-Stormlight_Archive_2.5-Edgedancer-AUDIOBOOK-WEB-2017-GRP",
    ):
        result = score(title, EDGEDANCER)
        assert result.accepted, result.explain()
        assert "volume +5 (book 2.5)" in result.explain()
    novella = score("Sanderson_Brandon-Stormlight_Archive_2.5-AUDIOBOOK-WEB-EN-2017-TLA", RADIANCE)
    assert "volume" in novella.rejected_by
    assert "release is Book 2.5, we want Book 2" in "; ".join(novella.rejections)


def test_a_hyphenated_surname_is_another_author() -> None:
    piranesi = WantedBook("Piranesi", ("Susanna Clarke",), expected_runtime_minutes=500)
    result = score("Piranesi - John Wilton-Ely [MP3]", piranesi)
    assert result.rejected_by == ["author"], result.explain()
    assert "names another author (John Wilton-Ely)" in result.rejections[0]
    assert score("Piranesi - Susanna Clarke [MP3]", piranesi).accepted
    # The wanted author's own hyphenated name is the author.
    hyphen = WantedBook("Earthlings", ("Sayaka Murata-Ito",), expected_runtime_minutes=300)
    assert score("Earthlings - Sayaka Murata-Ito [MP3]", hyphen).accepted


def test_no_author_needs_the_series_or_volume_beyond_the_title() -> None:
    """A series named like its first book: the title alone does not name the series."""
    war = WantedBook("Old Man's War", ("John Scalzi",), "Old Man's War", "1", None, (), 600)
    bare = score("Old Man's War [MP3]", war)
    assert bare.rejected_by == ["author"], bare.explain()
    assert "names no author, nor the series or volume" in bare.rejections[0]
    assert score("Old Man's War (Old Man's War 1) [MP3]", war).accepted
    assert score("Old Man's War (Old Man's War #1) [MP3]", war).accepted
    assert score("John Scalzi - Old Man's War [MP3]", war).accepted


@pytest.mark.parametrize(
    "title",
    [
        "Brandon Sanderson - The Stormlight Archive 2 [M4B] 64kbps",
        "Stormlight Archive 02 - Brandon Sanderson - m4b",
        "Sanderson, Brandon - The Stormlight Archive Book 2 [Kate Reading] mp3",
    ],
)
def test_a_name_with_only_the_series_and_the_wanted_volume_needs_no_title(title: str) -> None:
    result = score(title, RADIANCE)
    assert result.accepted, result.explain()
    assert "title +30 (not named; The Stormlight Archive and a volume only)" in result.explain()
    # Another volume is rejected by the volume rule, not as a wrong title.
    other = score(title.replace("2", "3"), RADIANCE)
    assert other.rejected_by == ["volume"], other.explain()


def test_a_series_name_with_something_else_or_without_a_number_is_still_judged_by_title() -> None:
    assert (
        "title" in score("Brandon Sanderson - The Stormlight Archive [M4B]", RADIANCE).rejected_by
    )
    assert (
        "title"
        in score(
            "Brandon Sanderson - The Stormlight Archive 2 - Oathbringer [M4B]", RADIANCE
        ).rejected_by
    )
    # The wanted title may itself be "Series: Volume N".
    diaries = WantedBook(
        "The Apothecary Diaries: Volume 1",
        ("Natsu Hyuuga",),
        "The Apothecary Diaries",
        "1",
        expected_runtime_minutes=600,
    )
    assert score(
        "Natsu Hyuuga - The Apothecary Diaries 01 [Cindy Kay] (2022) m4b", diaries
    ).accepted


@pytest.mark.parametrize(
    ("title", "marker"),
    [
        (
            "Brandon Sanderson - Words of Radiance (Part 1 of 2) [Stormlight Archive 2] m4b",
            "1 of 2",
        ),
        ("Brandon Sanderson - Words of Radiance: Part Two (Stormlight Archive Book 2) MP3", "2"),
        ("Words of Radiance (2 of 3) - Brandon Sanderson [M4B]", "2 of 3"),
        ("Brandon Sanderson - Words of Radiance Pt. 1 [MP3]", "1"),
        ("Brandon Sanderson - Words of Radiance CD 3 of 40 [MP3]", "3 of 40"),
    ],
)
def test_one_part_of_a_split_edition_is_rejected(title: str, marker: str) -> None:
    result = score(title, RADIANCE)
    assert result.rejected_by == ["partial"], result.explain()
    assert f"one part of a split edition ('part {marker}')" in result.rejections[0]


def test_all_parts_together_and_a_wanted_part_are_the_book() -> None:
    whole = score("Words of Radiance Complete (Parts 1-2) - Brandon Sanderson - m4b", RADIANCE)
    assert whole.accepted, whole.explain()
    assert score("Brandon Sanderson - Words of Radiance (Part 1 of 1) [M4B]", RADIANCE).accepted
    # The wanted book is itself a part: that part is the book, another part is not.
    part_one = WantedBook(
        "Words of Radiance, Part One", ("Brandon Sanderson",), expected_runtime_minutes=1450
    )
    assert score("Brandon Sanderson - Words of Radiance (Part 1 of 2) m4b", part_one).accepted
    assert (
        "partial"
        in score("Brandon Sanderson - Words of Radiance (Part 2 of 2) m4b", part_one).rejected_by
    )


TOMBS = WantedBook(
    "The Tombs of Atuan", ("Ursula K. Le Guin",), "Earthsea", "2", expected_runtime_minutes=400
)
PACKS = ScoringPolicy(allow_packs=True)


@pytest.mark.parametrize(
    "title",
    [
        "The Earthsea Cycle (Books 1-6) - Ursula K. Le Guin [M4B]",
        "Ursula K. Le Guin - Earthsea 2-4 [MP3]",
        "Ursula K. Le Guin - Earthsea Quartet [MP3]",
        "Ursula K. Le Guin - Earthsea Trilogy [MP3]",
        "Ursula K. Le Guin - Earthsea - The Complete Series [M4B]",
    ],
)
def test_with_packs_allowed_a_pack_holding_the_wanted_volume_passes(title: str) -> None:
    result = score(title, TOMBS, PACKS, size_bytes=3000 * MB)
    assert result.accepted, result.explain()
    assert "pack of Earthsea holding book 2" in result.explain()
    assert "pack" in score(title, TOMBS, size_bytes=3000 * MB).rejected_by  # not allowed


@pytest.mark.parametrize(
    ("title", "position"),
    [
        ("Ursula K. Le Guin - Earthsea 3-6 [M4B]", "2"),
        ("Ursula K. Le Guin - Earthsea Quartet [MP3]", "5"),
        ("Ursula K. Le Guin - Earthsea Collection [MP3]", "2"),  # which books: unknown
        ("Ursula K. Le Guin - Gont Quartet [MP3]", "2"),  # another series
    ],
)
def test_a_pack_not_known_to_hold_the_wanted_volume_is_still_a_wrong_title(
    title: str, position: str
) -> None:
    wanted = WantedBook(
        "The Tombs of Atuan", ("Ursula K. Le Guin",), "Earthsea", position, None, (), 400
    )
    result = score(title, wanted, PACKS, size_bytes=3000 * MB)
    assert "title" in result.rejected_by, result.explain()


def test_a_name_in_japanese_or_chinese_script_is_foreign_unless_that_language_is_wanted() -> None:
    diaries = WantedBook(
        "The Apothecary Diaries: Volume 1",
        ("Natsu Hyuuga",),
        "The Apothecary Diaries",
        "1",
        expected_runtime_minutes=600,
    )
    japanese = score("日向夏 - 薬屋のひとりごと 1 [オーディオブック]", diaries)
    assert "foreign edition (Japanese script)" in japanese.rejections, japanese.explain()
    chinese = WantedBook("The Three-Body Problem", ("Liu Cixin",), expected_runtime_minutes=800)
    assert "foreign edition (CJK script)" in score("刘慈欣 - 三体 [MP3]", chinese).rejections
    # The script of the wanted language is no foreign edition; kana is not Chinese.
    in_japanese = WantedBook("薬屋のひとりごと", ("日向夏",), language="ja")
    assert "language" not in score("日向夏 - 薬屋のひとりごと [MP3]", in_japanese).rejected_by
    in_chinese = WantedBook("薬屋のひとりごと", ("日向夏",), language="zh")
    assert "language" in score("日向夏 - 薬屋のひとりごと [MP3]", in_chinese).rejected_by


def test_the_wanted_title_joined_to_another_by_an_ampersand_is_two_books() -> None:
    orwell = WantedBook("1984", ("George Orwell",), expected_runtime_minutes=680)
    for title in ("George Orwell - Animal Farm & 1984 [MP3]", "George Orwell - 1984 + Animal Farm"):
        result = score(title, orwell)
        assert "pack" in result.rejected_by, result.explain()
        assert "two books: " in "; ".join(result.rejections)
    # "&" inside the wanted title, or between the authors, is no second book.
    master = WantedBook(
        "The Master and Margarita", ("Mikhail Bulgakov",), None, None, None, (), 900
    )
    assert score("Mikhail Bulgakov - The Master & Margarita [MP3]", master).accepted
    picnic = WantedBook("Roadside Picnic", ("Arkady Strugatsky", "Boris Strugatsky"))
    assert score("Arkady & Boris Strugatsky - Roadside Picnic [M4B]", picnic).accepted
