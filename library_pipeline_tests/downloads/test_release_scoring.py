"""Release scoring: readable parts, rejection reasons, and the peers' top complaints (pure)."""

from __future__ import annotations

from itertools import count

from library_pipeline.domain.releases import Release
from library_pipeline.domain.releases.scoring import (
    GB,
    MB,
    ScoringPolicy,
    WantedBook,
    choose_release,
    score_release,
)

_ids = count(1)
POLICY = ScoringPolicy()
FINAL_EMPIRE = WantedBook("The Final Empire", ("Brandon Sanderson",), "Mistborn", "1", "en")
WELL = WantedBook("The Well of Ascension", ("Brandon Sanderson",), "Mistborn", "2", "eng")


def rel(title: str, **kw) -> Release:
    kw.setdefault("link", f"http://indexer.example/dl/{next(_ids)}")
    kw.setdefault("size_bytes", 600 * MB)
    kw.setdefault("seeders", 25)
    kw.setdefault("source", "prowlarr")
    kw.setdefault("indexer", "SomeIndexer")
    return Release(title=title, **kw)


def reasons(release: Release, wanted: WantedBook = WELL, policy: ScoringPolicy = POLICY) -> str:
    return "; ".join(score_release(release, wanted, policy).rejections)


def test_a_good_release_is_accepted_with_readable_parts() -> None:
    score = score_release(
        rel("The Final Empire by Brandon Sanderson [ENG / M4B]", seeders=187), FINAL_EMPIRE, POLICY
    )
    assert score.accepted, score.explain()
    labels = {p.label: p.points for p in score.parts}
    assert labels["title"] == 40
    assert labels["author"] == 20
    assert labels["format"] == 15
    assert labels["language"] == 5
    assert labels["seeders"] == 12
    assert score.total == sum(labels.values())
    text = score.explain()
    assert text.startswith(f"score {score.total:g}: title +40 (exact match)")
    assert "format +15 (m4b)" in text
    details = score.as_dict()
    assert details["accepted"] is True
    assert details["rejections"] == []
    assert "link" not in str(details)


def test_packs_for_a_single_volume_are_rejected_with_the_reason() -> None:
    for title in (
        "Brandon Sanderson - Mistborn Books 1-3 [MP3]",
        "Mistborn: The Complete Series - Brandon Sanderson (M4B)",
        "Mistborn Trilogy Box Set - The Well of Ascension and more - Brandon Sanderson",
        "Mistborn Omnibus (The Final Empire, The Well of Ascension, The Hero of Ages)",
    ):
        why = reasons(rel(title))
        assert "pack" in why, (title, why)
        assert "single missing volume" in why, (title, why)
    # The MAM way: a series position range in the structured series data.
    mam_pack = rel(
        "Love at Stake series",
        source="mam",
        book_title="Love at Stake series",
        authors=("Kerrelyn Sparks",),
        series=(("Love at Stake", "01-16, 13.5"),),
    )
    wanted = WantedBook("Be Still My Vampire Heart", ("Kerrelyn Sparks",), "Love at Stake", "3")
    assert "pack ('Love at Stake 01-16, 13.5')" in reasons(mam_pack, wanted)


def test_allowing_packs_penalises_them_below_a_single_release() -> None:
    policy = ScoringPolicy(allow_packs=True)
    title = "The Well of Ascension - Mistborn Books 1-3 - Brandon Sanderson [M4B]"
    score = score_release(rel(title), WELL, policy)
    assert score.accepted, score.explain()
    assert any(p.label == "pack" and p.points == -15 for p in score.parts)
    single = score_release(rel("The Well of Ascension - Brandon Sanderson [M4B]"), WELL, policy)
    assert single.total > score.total


def test_wrong_volume_is_rejected() -> None:
    why = reasons(rel("Mistborn Book 3 - The Well of Ascension - Brandon Sanderson [M4B]"))
    assert "wrong volume: release is Book 3, we want Book 2" in why
    ok = score_release(
        rel("Mistborn Book 2 - The Well of Ascension - Brandon Sanderson [M4B]"), WELL, POLICY
    )
    assert ok.accepted
    assert any(p.label == "volume" and p.points == 5 for p in ok.parts)
    # "<series> <n>" without a "Book" word, and the indexer's own series data, count too.
    assert "wrong volume" in reasons(rel("Mistborn 3 - The Well of Ascension - Sanderson"))
    structured = rel("The Well of Ascension", series=(("Mistborn", "3"),))
    assert "wrong volume: release is Book 3" in reasons(structured)


def test_foreign_editions_are_rejected() -> None:
    assert "foreign edition (German)" in reasons(
        rel("Sanderson, Brandon - Der Brunnen der Ewigkeit (ungekürzt) [GER]")
    )
    structured = rel("The Well of Ascension", language="FRE", authors=("Brandon Sanderson",))
    assert "foreign edition (French)" in reasons(structured)
    english = rel("The Well of Ascension - Brandon Sanderson", language="ENG")
    assert score_release(english, WELL, POLICY).accepted


def test_wrong_author_abridged_seeders_ebooks_and_links() -> None:
    assert "names another author (John Doe)" in reasons(
        rel("The Well of Ascension by John Doe mp3")
    )
    assert "names another author (Someone Else)" in reasons(
        rel("The Well of Ascension", authors=("Someone Else",))
    )
    assert "abridged" in reasons(rel("The Well of Ascension (Abridged) - Brandon Sanderson"))
    assert "0 seeders" in reasons(rel("The Well of Ascension - Brandon Sanderson", seeders=0))
    assert "ebook, not an audiobook (epub)" in reasons(
        rel("The Well of Ascension - Brandon Sanderson.epub")
    )
    assert "no download link" in reasons(
        rel("The Well of Ascension - Brandon Sanderson", link=None, magnet=None)
    )
    assert "wrong title" in reasons(rel("The Hero of Ages - Brandon Sanderson"))
    assert "too small for an audiobook" in reasons(
        rel("The Well of Ascension - Brandon Sanderson", size_bytes=2 * MB)
    )


def test_minimum_score_is_a_rejection() -> None:
    # Title, author, language assumed, no format, unknown seeders: 60 points, under 70.
    bare = rel("The Well of Ascension - Brandon Sanderson", seeders=None)
    score = score_release(bare, WELL, ScoringPolicy(min_score=70))
    assert not score.accepted
    assert score.rejections == [f"score {score.total:g} below minimum 70"]
    assert score.rejected_by == ["min_score"]


def test_format_preference_bitrate_flags_narrator_and_indexer_priority() -> None:
    policy = ScoringPolicy(
        format_preference=("mp3", "m4b"),
        preferred_narrators=("Michael Kramer",),
        indexer_priority={"myanonamouse": 7},
    )
    release = rel(
        "The Well of Ascension - Brandon Sanderson [M4B] 128 kbps",
        indexer="MyAnonamouse",
        narrators=("Michael Kramer",),
        freeleech=True,
        vip=True,
    )
    parts = {p.label: p for p in score_release(release, WELL, policy).parts}
    assert parts["format"].points == 10  # m4b is second in this user's list
    assert parts["bitrate"].points == 9
    assert parts["narrator"].detail == "Michael Kramer"
    assert parts["freeleech"].points == 5
    assert parts["VIP"].points == 3
    assert parts["indexer"].points == 7


def test_size_sanity_for_the_runtime() -> None:
    wanted = WantedBook(
        "The Well of Ascension", ("Brandon Sanderson",), expected_runtime_minutes=60 * 20
    )
    tiny = rel("The Well of Ascension - Brandon Sanderson", size_bytes=30 * MB)
    assert "too small for the runtime" in reasons(tiny, wanted)
    huge = rel("The Well of Ascension - Brandon Sanderson", size_bytes=30 * GB)
    assert "too large for the runtime" in reasons(huge, wanted)


def test_choose_release_prefers_the_best_acceptable_and_dedupes() -> None:
    good = rel("The Well of Ascension - Brandon Sanderson [M4B]", infohash="a" * 40, seeders=5)
    same = rel("The Well of Ascension - Brandon Sanderson [M4B]", infohash="a" * 40, seeders=5)
    better_but_pack = rel("Mistborn Books 1-3 - Brandon Sanderson [M4B]", seeders=900)
    mp3 = rel("The Well of Ascension - Brandon Sanderson [MP3]", seeders=50)
    choice = choose_release([better_but_pack, good, same, mp3], WELL, POLICY)
    assert choice.best is not None
    assert choice.best.release is good
    assert len(choice.scored) == 3
    assert [s.accepted for s in choice.scored] == [True, True, False]
    nothing = choose_release([better_but_pack], WELL, POLICY)
    assert nothing.best is None
    assert "none acceptable" in nothing.rejection_summary()
    assert choose_release([], WELL, POLICY).rejection_summary() == "no releases found"


def test_blocked_sources_carry_their_reason() -> None:
    policy = ScoringPolicy(blocked={"myanonamouse": "MAM unsatisfied limit: 49/50"})
    release = rel("The Well of Ascension - Brandon Sanderson [M4B]", indexer="MyAnonamouse")
    assert reasons(release, WELL, policy) == "MAM unsatisfied limit: 49/50"
