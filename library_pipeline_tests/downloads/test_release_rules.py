"""One test per release rule: each rejects its class of release by name, and lets the right
book through (pure)."""

from __future__ import annotations

from itertools import count

import pytest

from library_pipeline.domain.releases import Release, parse_release_text
from library_pipeline.domain.releases.scoring import (
    MB,
    ReleaseScore,
    ScoringPolicy,
    WantedBook,
    choose_release,
    score_release,
)

_ids = count(1)
POLICY = ScoringPolicy()
EYE = WantedBook(
    "The Eye of the World",
    ("Robert Jordan",),
    "The Wheel of Time",
    "1",
    "en",
    expected_runtime_minutes=1782,
)
HAIL_MARY = WantedBook("Project Hail Mary", ("Andy Weir",), expected_runtime_minutes=970)


def rel(title: str, **kw: object) -> Release:
    kw.setdefault("link", f"http://indexer.example/dl/{next(_ids)}")
    kw.setdefault("size_bytes", 800 * MB)
    kw.setdefault("seeders", 25)
    kw.setdefault("source", "prowlarr")
    return Release(title=title, **kw)  # type: ignore[arg-type]


def score(
    title: str, wanted: WantedBook = EYE, policy: ScoringPolicy = POLICY, **kw: object
) -> ReleaseScore:
    return score_release(rel(title, **kw), wanted, policy)


def rejected_by(title: str, wanted: WantedBook = EYE, **kw: object) -> list[str]:
    return score(title, wanted, **kw).rejected_by


def test_the_right_book_in_many_naming_styles_is_accepted() -> None:
    for title in (
        "Robert Jordan - The Wheel of Time 01 - The Eye of the World (1990) [Michael Kramer] "
        "{64kbps m4b}",
        "The Eye of the World - Robert Jordan (Wheel of Time #1) MP3 Unabridged",
        "Robert.Jordan.The.Eye.of.the.World.2004.AUDIOBOOK.MP3-GROUP",
        "Jordan, Robert - The Eye of the World [Wheel of Time, Book One] m4b",
        "The_Eye_of_the_World_The_Wheel_of_Time_Book_1",
    ):
        result = score(title)
        assert result.accepted, result.explain()


@pytest.mark.parametrize(
    "title",
    [
        "Robert Jordan - The Eye of the World (BBC Radio Full Cast Dramatisation)",
        "The Eye of the World - Robert Jordan [Full-Cast Audio Drama] m4b",
        "The Eye of the World (Graphic Audio) - Robert Jordan",
        "Robert Jordan - The Eye of the World - Radio Play",
        "The Eye of the World: An Audible Original Drama - Robert Jordan [m4b]",
        "Robert Jordan - The Eye of the World (Audio Drama)",
        "Robert Jordan - The Eye of the World [Audio Play] m4b",
    ],
)
def test_dramatisations_are_rejected_unless_allowed(title: str) -> None:
    result = score(title)
    assert result.rejected_by == ["dramatisation"], result.explain()
    assert "dramatisation / full cast" in result.rejections[0]
    allowed = score(title, policy=ScoringPolicy(allow_dramatisations=True))
    assert "dramatisation" not in allowed.rejected_by
    assert any(p.label == "dramatised" and p.points < 0 for p in allowed.parts)


@pytest.mark.parametrize(
    "title",
    [
        "Robert Jordan - Das Auge der Welt (Hörspiel)",
        "Robert Jordan - Das Auge der Welt [Hoerspiel]",
    ],
)
def test_a_german_horspiel_is_a_dramatisation_and_german(title: str) -> None:
    wanted = WantedBook("Das Auge der Welt", ("Robert Jordan",), language="de")
    assert score(title, wanted).rejected_by == ["dramatisation"]
    assert "language" in score(title).rejected_by  # a German edition, for an English reader


@pytest.mark.parametrize(
    "title",
    [
        "Summary of The Eye of the World by Robert Jordan",
        "The Eye of the World: Summary & Analysis - Robert Jordan",
        "The Eye of the World - Robert Jordan - Study Guide",
        "The Eye of the World (Key Takeaways) - Robert Jordan",
        "The Eye of the World Companion - Robert Jordan",
    ],
)
def test_summaries_and_companions_are_rejected_in_any_position(title: str) -> None:
    assert "summary" in rejected_by(title)


def test_a_kind_word_of_the_wanted_title_itself_does_not_count() -> None:
    wanted = WantedBook("The Companion", ("Lorna Hill",), expected_runtime_minutes=600)
    assert score("Lorna Hill - The Companion [M4B]", wanted).accepted


@pytest.mark.parametrize(
    "title",
    [
        "The Eye of the World - Robert Jordan (Sample)",
        "The Eye of the World - Robert Jordan - Preview",
        "Robert Jordan - The Eye of the World (Excerpt)",
        "The Eye of the World Trailer - Robert Jordan",
    ],
)
def test_samples_are_rejected_by_name(title: str) -> None:
    assert "sample" in rejected_by(title)


@pytest.mark.parametrize(
    "title",
    [
        "Robert Jordan - The Wheel of Time Books 1-3 [M4B]",
        "The Wheel of Time 1-3 - Robert Jordan",
        "(Wheel of Time 1-3) The Eye of the World - Robert Jordan",
        "Robert Jordan - The Wheel of Time Vol. 1-3",
        "Robert Jordan - The Wheel of Time Complete Series",
        "Robert Jordan - The Wheel of Time Omnibus (The Eye of the World and more)",
        "Robert Jordan - The Eye of the World Collection",
        "Robert Jordan - Wheel of Time Books One to Three",
    ],
)
def test_packs_and_ranges_in_every_spelling_are_rejected_unless_allowed(title: str) -> None:
    assert "pack" in rejected_by(title, size_bytes=3000 * MB)
    allowed = score(
        title, policy=ScoringPolicy(allow_packs=True, min_score=0), size_bytes=3000 * MB
    )
    assert "pack" not in allowed.rejected_by


@pytest.mark.parametrize(
    "title",
    [
        "Robert Jordan - The Eye of the World: The Complete Edition [M4B]",
        "Robert Jordan - The Eye of the World (Complete & Unabridged) [M4B]",
        "Robert Jordan - The Eye of the World Complete [M4B]",
        "Robert Jordan - The Eye of the World - Complete Edition [M4B]",
    ],
)
def test_complete_of_one_book_is_no_pack(title: str) -> None:
    result = score(title)
    assert result.accepted, result.explain()
    assert not parse_release_text(title).pack_markers


@pytest.mark.parametrize(
    ("title", "marker"),
    [
        ("Robert Jordan - The Complete Wheel of Time [M4B]", "the complete"),
        ("Robert Jordan - Wheel of Time Complete Collection [M4B]", "complete collection"),
        ("Robert Jordan - Wheel of Time Complete Trilogy [M4B]", "complete trilogy"),
    ],
)
def test_complete_before_a_name_or_a_pack_word_is_a_pack(title: str, marker: str) -> None:
    assert marker in parse_release_text(title).pack_markers
    assert "pack" in rejected_by(title, size_bytes=3000 * MB)


@pytest.mark.parametrize(
    "title",
    [
        "Robert Jordan - Wheel of Time 10 - The Eye of the World [M4B]",
        "Robert Jordan - The Wheel of Time 10 - The Eye of the World",
        "The Eye of the World (Wheel of Time #10) - Robert Jordan",
        "The Eye of the World (Wheel of Time, Book Ten) - Robert Jordan",
        "Robert Jordan - The Eye of the World Vol 10",
        "Robert Jordan - 10 - The Eye of the World",
    ],
)
def test_a_conflicting_volume_in_every_spelling_is_rejected(title: str) -> None:
    result = score(title)
    assert result.rejected_by == ["volume"], result.explain()
    assert "release is Book 10, we want Book 1" in result.rejections[0]


@pytest.mark.parametrize(
    ("title", "language"),
    [
        ("Robert Jordan - El ojo del mundo [Castellano]", "Spanish"),
        ("Robert Jordan - El ojo del mundo (Español)", "Spanish"),
        ("Robert Jordan - El ojo del mundo Latino", "Spanish"),
        ("Robert Jordan - El ojo del mundo - Narrado por Luis", "Spanish"),
        ("Robert Jordan - Die Suche nach dem Auge der Welt Deutsch", "German"),
        ("Robert Jordan - L'Œil du monde (Français)", "French"),
        ("Robert Jordan - L'occhio del mondo Italiano", "Italian"),
        ("Robert Jordan - Het oog van de wereld Nederlands", "Dutch"),
        ("Robert Jordan - Oko świata Polski", "Polish"),
        ("Robert Jordan - O Olho do Mundo Português", "Portuguese"),
        ("Роберт Джордан - Око мира Русский", "Russian"),
        ("Robert Jordan - The Eye of the World [GER / M4B]", "German"),
        ("Robert.Jordan.Die.Suche.GERMAN.2004.AUDIOBOOK-GRP", "German"),
    ],
)
def test_foreign_editions_named_anywhere_are_rejected(title: str, language: str) -> None:
    result = score(title)
    assert "language" in result.rejected_by, result.explain()
    assert f"foreign edition ({language}" in "; ".join(result.rejections)


def test_a_language_word_only_as_a_title_word_is_not_an_edition() -> None:
    wanted = WantedBook("The German Girl", ("Armando Lucas Correa",), expected_runtime_minutes=700)
    assert score("The German Girl - Armando Lucas Correa [M4B]", wanted).accepted
    cyrillic = score("Роберт Джордан - Око мира [2011, MP3]")
    assert "foreign edition (Cyrillic script)" in cyrillic.rejections


def test_another_author_rejects_and_no_author_needs_exact_title_and_series() -> None:
    assert "names another author (Jeff Long)" in "; ".join(
        score("The Eye of the World - Jeff Long [M4B]").rejections
    )
    assert score("The Eye of the World", authors=("Someone Else",)).rejected_by == ["author"]
    namesake = WantedBook("Pandora's Star", ("Peter F. Hamilton",), expected_runtime_minutes=2219)
    result = score("Pandora's Star - Laurell K. Hamilton [MP3]", namesake)
    assert "names another author (Laurell K Hamilton)" in result.rejections[0]
    assert score("Pandora's Star - Peter F. Hamilton [MP3]", namesake).accepted
    # No author at all: the exact title and the series agreeing, or nothing.
    assert score("The Eye of the World (The Wheel of Time #1) [M4B]").accepted
    assert rejected_by("The Eye of the World [M4B]") == ["author"]
    assert rejected_by("Eye of the World Saga Edition [M4B]") != []
    assert score("Project Hail Mary [M4B]", HAIL_MARY).accepted  # no series to agree with
    # Short forms of the wanted author's given name are the author.
    nick = WantedBook("Kings of the Wyld", ("Nicholas Eames",), expected_runtime_minutes=1004)
    assert score("Kings of the Wyld - Nick Eames [MP3]", nick).accepted


@pytest.mark.parametrize(
    "title",
    [
        "A Desolation Called Peace (Wheel of Time, Book 2) [m4b]",
        "The Eye of the World - SparkNotes Study Guide",
        "The Eye of the World - Study Guide (SparkNotes)",
    ],
)
def test_a_title_or_a_guide_label_is_never_called_another_author(title: str) -> None:
    result = score(title, size_bytes=15 * MB)
    assert not result.accepted
    assert not any("another author" in r for r in result.rejections), result.rejections


def test_ebooks_abridged_and_bad_encodes_are_rejected() -> None:
    assert rejected_by("The Eye of the World - Robert Jordan.epub", size_bytes=2 * MB) == [
        "ebook",
        "size",
    ]
    assert "ebook" in rejected_by("The Eye of the World - Robert Jordan (ebook)")
    assert rejected_by("The Eye of the World - Robert Jordan (Abridged)") == ["abridged"]
    assert rejected_by("The Eye of the World - Robert Jordan 16kbps mp3") == ["bad_encode"]
    assert rejected_by("The Eye of the World - Robert Jordan (TTS)") == ["bad_encode"]
    assert rejected_by("The Eye of the World - Robert Jordan (incomplete)") == ["bad_encode"]


def test_a_size_implausible_for_the_runtime_is_rejected_with_the_figure() -> None:
    short = score("The Eye of the World - Robert Jordan [M4B]", size_bytes=150 * MB)
    assert short.rejected_by == ["runtime"]
    assert "150 MB for 1,782 min is 12 kbps" in short.rejections[0]
    huge = score("The Eye of the World - Robert Jordan [M4B]", size_bytes=40_000 * MB)
    assert "too large for the runtime" in huge.rejections[0]
    unknown = WantedBook("The Eye of the World", ("Robert Jordan",), "The Wheel of Time", "1")
    assert score(
        "The Eye of the World - Robert Jordan [M4B]", unknown, size_bytes=150 * MB
    ).accepted


def test_dead_torrents_and_blocked_sources() -> None:
    assert score("The Eye of the World - Robert Jordan", seeders=0).rejections == [
        "dead torrent: 0 seeders"
    ]
    blocked = ScoringPolicy(blocked={"myanonamouse": "MAM unsatisfied limit: 49/50"})
    result = score("The Eye of the World - Robert Jordan", policy=blocked, indexer="MyAnonamouse")
    assert result.rejected_by == ["blocked"]


def _choose(*releases: Release, policy: ScoringPolicy = POLICY) -> ReleaseScore:
    choice = choose_release(releases, EYE, policy)
    assert choice.best is not None
    return choice.best


def test_the_preferred_format_wins_over_better_tags_in_another_format() -> None:
    m4b = rel("Robert Jordan - The Eye of the World [M4B]", seeders=4)
    mp3 = rel(
        "Robert Jordan - Wheel of Time Book 1 - The Eye of the World (Unabridged) MP3 128kbps",
        seeders=900,
        size_bytes=1600 * MB,
    )
    best = _choose(mp3, m4b)
    assert best.release is m4b
    assert best.note is None
    mp3_first = _choose(mp3, m4b, policy=ScoringPolicy(format_preference=("mp3", "m4b")))
    assert mp3_first.release is mp3


def test_a_weak_swarm_gives_way_and_the_explanation_says_why() -> None:
    m4b = rel("Robert Jordan - The Eye of the World [M4B]", seeders=1)
    mp3 = rel("Robert Jordan - The Eye of the World [MP3]", seeders=12)
    best = _choose(m4b, mp3)
    assert best.release is mp3
    assert best.note == "mp3 chosen: m4b release has 1 seeder (health floor 3)"
    assert "m4b release has 1 seeder" in best.explain()
    # Nothing healthy anywhere: the user's order again.
    weak_mp3 = rel("Robert Jordan - The Eye of the World [MP3]", seeders=2)
    assert _choose(m4b, weak_mp3).release is m4b
    rejected_m4b = rel("Robert Jordan - The Eye of the World (Abridged) [M4B]", seeders=50)
    assert "every m4b release was rejected (abridged)" in (_choose(rejected_m4b, mp3).note or "")


def test_within_a_format_bitrate_unabridged_and_swarm_break_ties() -> None:
    low = rel("Robert Jordan - The Eye of the World [M4B] 64kbps", seeders=40)
    high = rel("Robert Jordan - The Eye of the World [M4B] 128kbps", seeders=10)
    assert _choose(low, high).release is high
    plain = rel("Robert Jordan - The Eye of the World [M4B]", seeders=40)
    unabridged = rel("Robert Jordan - The Eye of the World (Unabridged) [M4B]", seeders=12)
    assert _choose(plain, unabridged).release is unabridged
    few = rel("Robert Jordan - The Eye of the World [M4B]", seeders=5)
    many = rel("Robert Jordan - The Eye of the World [M4B]", seeders=60)
    assert _choose(few, many).release is many


def test_a_higher_bitrate_beats_more_seeders_when_both_are_healthy() -> None:
    # No bitrate named: the size over the runtime says it (96 vs 64 kbps, 1782 min).
    kbps_96 = rel("Robert Jordan - The Eye of the World [MP3]", seeders=14, size_bytes=1225 * MB)
    kbps_64 = rel("Robert Jordan - The Eye of the World [MP3]", seeders=42, size_bytes=816 * MB)
    assert _choose(kbps_64, kbps_96).release is kbps_96
    # Stated as "[MP3 96]" beside a 64 kbps size estimate with three times the swarm.
    stated = rel("Robert Jordan - The Eye of the World [MP3 96]", seeders=14, size_bytes=None)
    assert _choose(kbps_64, stated).release is stated
    # A known bitrate ranks above an unknown one; an estimate a few kbps off is the same rate.
    unknown = rel("Robert Jordan - The Eye of the World [MP3]", seeders=60, size_bytes=None)
    assert _choose(unknown, kbps_64).release is kbps_64
    near_64 = rel("Robert Jordan - The Eye of the World [MP3]", seeders=60, size_bytes=860 * MB)
    assert _choose(kbps_64, near_64).release is near_64
    # Below the health floor the higher bitrate no longer wins.
    weak_96 = rel("Robert Jordan - The Eye of the World [MP3]", seeders=2, size_bytes=1225 * MB)
    assert _choose(kbps_64, weak_96).release is kbps_64


def test_identity_comes_before_bitrate() -> None:
    sure = rel("Robert Jordan - The Wheel of Time 01 - The Eye of the World [M4B] 64kbps")
    unsure = rel("Robert Jordan - The Eye of the World [M4B] 128kbps", seeders=80)
    assert _choose(unsure, sure).release is sure  # the volume confirmed
    # A surname confirms the author as surely as the full name: the bitrate decides.
    surname = rel("Jordan - The Eye of the World [M4B] 128kbps", seeders=5)
    full = rel("Robert Jordan - The Eye of the World [M4B] 64kbps", seeders=80)
    assert _choose(full, surname).release is surname


def test_with_dramatisations_allowed_an_adaptation_ranks_below_a_reading() -> None:
    policy = ScoringPolicy(allow_dramatisations=True)
    adaptation = rel("Robert Jordan - The Eye of the World [Dramatized Adaptation] 128kbps m4b")
    reading = rel("Robert Jordan - The Eye of the World [M4B] 64kbps", seeders=5)
    assert _choose(adaptation, reading, policy=policy).release is reading
    # Several voices reading the text is still the book: the bitrate decides.
    cast = rel("Robert Jordan - The Eye of the World (Full Cast) [M4B] 128kbps", seeders=5)
    assert _choose(reading, cast, policy=policy).release is cast


@pytest.mark.parametrize(
    ("title", "kbps"),
    [
        ("Cal Newport - Deep Work (2016) [MP3 96]", 96),
        ("Cal Newport - Deep Work MP3 128", 128),
        ("Cal Newport - Deep Work MP3 128 (Unabridged)", 128),
        ("Cal Newport - Deep Work [m4b@64]", 64),
        ("Cal Newport - Deep Work [MP3 2016]", None),
        ("Cal Newport - Deep Work MP3 01 - Introduction", None),
    ],
)
def test_a_format_followed_by_a_standard_bitrate_states_it(title: str, kbps: int | None) -> None:
    assert parse_release_text(title).bitrate_kbps == kbps


def test_preferred_narrators_and_indexer_priority_order_a_format() -> None:
    policy = ScoringPolicy(preferred_narrators=("Kate Reading",), indexer_priority={"MAM": 20})
    other = rel("Robert Jordan - The Eye of the World [M4B]", seeders=80)
    kate = rel("Robert Jordan - The Eye of the World [Kate Reading] [M4B]", seeders=10)
    assert _choose(other, kate, policy=policy).release is kate
    mam = rel("Robert Jordan - The Eye of the World [M4B]", seeders=5, indexer="MAM")
    assert _choose(other, mam, policy=policy).release is mam


def test_hints_name_every_kind() -> None:
    hints = parse_release_text(
        "Robert Jordan - Wheel of Time 1-3 (BBC Radio) Summary Sample [Castellano] TTS epub"
    )
    assert hints.dramatisation == ("bbc radio",)
    assert hints.summary == ("summary",)
    assert hints.sample == ("sample",)
    assert hints.bad_encode == ("tts",)
    assert hints.languages == ("es",)
    assert hints.volume_range == (1.0, 3.0)
    assert hints.ebook_only
