"""Real titles, labelled by hand: pairs naming the same work (spelling, punctuation, articles,
typos, a subtitle) and pairs naming two works of one author (a word or more changed, the words
in another order). An author listing offers an author's books side by side, so the matcher's
title similarity (`normalize.title_similarity`, accepted from `work_matching.MIN_TITLE_SCORE`)
must keep them apart."""

from __future__ import annotations

import pytest

from library_pipeline.domain.normalize import title_similarity
from library_pipeline.domain.work_matching import MIN_TITLE_SCORE

SAME_WORK = [
    ("The Way of Kings", "Way of Kings, The"),
    ("Harry Potter and the Half-Blood Prince", "Harry Potter and the Half Blood Prince"),
    ("The Hitchhiker's Guide to the Galaxy", "The Hitchhikers Guide To The Galaxy"),
    ("Ender's Game", "Enders Game"),
    ("Shogun", "Shōgun"),
    ("The Colour of Magic", "The Color of Magic"),
    ("Gideon the Ninth", "Gideon The Ninth"),
    ("Project Hail Mary", "Project Hail Mary (Unabridged)"),
    ("Kings of the Wyld", "Kings of the Wild"),
    ("The Grey King", "The Gray King"),
    ("A Memory of Light", "Memory of Light"),
    ("Mistborn: The Final Empire", "Mistborn: The Final Empre"),
    ("The Wise Man's Fear", "The Wise Mans Fear"),
    ("The Lord of the Rings", "Lord of the Rings"),
    ("Guards! Guards!", "Guards Guards"),
    ("Oathbringer", "Oath Bringer"),
    ("Caliban's War", "Calibans War"),
    ("Red Seas Under Red Skies", "Red Seas under Red Skies"),
    ("The Fellowship of the Ring", "The Fellowship of the Rings"),
    ("Assassin's Apprentice", "Assassins Apprentice"),
    ("Words of Radiance", "Words Of Radience"),
    ("The Three-Body Problem", "The Three Body Problem"),
    ("Thief of Time", "Theif of Time"),
    ("Silver Borne", "Silver Born"),
    ("River Marked", "River Marked: A Mercy Thompson Novel"),
    ("The Silver Chair", "The Silver Chain"),
    ("Prince Caspian", "Prince of Caspian"),
    pytest.param(
        "The Subtle Knife", "The Subtle Knife: His Dark Materials",
        marks=pytest.mark.xfail(strict=True, reason="a series name as subtitle: work_matching "
                                "tries the title without it when it knows the series"),
    ),
    pytest.param(
        "Twenty Thousand Leagues Under the Sea", "20,000 Leagues Under the Sea",
        marks=pytest.mark.xfail(strict=True, reason="numerals against number words: titles "
                                "with different numbers score 0 (sequels)"),
    ),
]  # fmt: skip

OTHER_WORK_SAME_AUTHOR = [
    ("Children of Time", "Children of Ruin"),
    ("Children of Ruin", "Children of Memory"),
    ("A Court of Thorns and Roses", "A Court of Mist and Fury"),
    ("A Court of Mist and Fury", "A Court of Wings and Ruin"),
    ("A Court of Wings and Ruin", "A Court of Frost and Starlight"),
    ("House of Earth and Blood", "House of Sky and Breath"),
    ("House of Sky and Breath", "House of Flame and Shadow"),
    ("Harry Potter and the Goblet of Fire", "Harry Potter and the Order of the Phoenix"),
    ("Harry Potter and the Chamber of Secrets", "Harry Potter and the Prisoner of Azkaban"),
    ("The Fellowship of the Ring", "The Return of the King"),
    ("Dune", "Dune Messiah"),
    ("Dune", "Children of Dune"),
    ("The Name of the Wind", "The Wise Man's Fear"),
    ("Storm Front", "Fool Moon"),
    ("Night Watch", "Men at Arms"),
    ("The Light Fantastic", "The Colour of Magic"),
    ("The Dragon Reborn", "The Shadow Rising"),
    ("The Shadow Rising", "The Fires of Heaven"),
    ("The Lightning Thief", "The Last Olympian"),
    ("The Sea of Monsters", "The Titan's Curse"),
    ("Skyward", "Starsight"),
    ("Golden Son", "Morning Star"),
    ("Red Rising", "Red Rising: Sons of Ares"),
    ("The Black Prism", "The Broken Eye"),
    ("The Blood Mirror", "The Burning White"),
    ("Blood Song", "Blood Rites"),
    ("Cold Days", "Cold Fire"),
    ("Moon Called", "Moon Bound"),
    ("Ghost Story", "Ghost Stories"),
    ("Small Gods", "Small Favors"),
    ("The Horse and His Boy", "The Horse and the Boy"),
    ("Star Wars: Heir to the Empire", "Star Wars: Dark Force Rising"),
    # The words of one title in another order (the class an author listing exposed).
    ("The Wolf Archive", "Archive Wolf"),
    ("Wolf Hall", "Hall of Wolves"),
    ("The Thorn Moon Broken", "The Hour Moon Broken"),
]


@pytest.mark.parametrize(("a", "b"), SAME_WORK)
def test_same_work_is_the_same_title(a: str, b: str) -> None:
    assert title_similarity(a, b) >= MIN_TITLE_SCORE
    assert title_similarity(b, a) >= MIN_TITLE_SCORE


@pytest.mark.parametrize(("a", "b"), OTHER_WORK_SAME_AUTHOR)
def test_another_work_of_the_author_is_not(a: str, b: str) -> None:
    assert title_similarity(a, b) < MIN_TITLE_SCORE
    assert title_similarity(b, a) < MIN_TITLE_SCORE
