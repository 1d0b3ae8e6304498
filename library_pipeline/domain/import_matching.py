"""Which missing book a finished torrent is for (pure): its `lp-missing-<id>` tag, or for a
torrent added by hand, the `Author - Title` / `Title by Author` guess from its name matched
against the open missing books."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TypeVar

from library_pipeline.domain.naming import BookNaming
from library_pipeline.domain.normalize import author_match, split_authors, title_similarity

MISSING_TAG_PREFIX = "lp-missing-"
# A hand-added torrent's name must match a missing book's title this closely (and share an
# author) to be imported as that book.
MIN_TITLE_SIMILARITY = 0.9

_SEPARATORS = re.compile(r"[._]+")
# [m4b], (2014), (Unabridged), {Narrator}
_BRACKETED = re.compile(r"\s*[\[({][^\])}]*[\])}]\s*")
_TITLE_BY_AUTHOR = re.compile(r"^(?P<title>.+?)\s+by\s+(?P<author>.+)$", re.IGNORECASE)

K = TypeVar("K")


def missing_tag(missing_book_id: int) -> str:
    """The tag a grab for missing book `missing_book_id` carries."""
    return f"{MISSING_TAG_PREFIX}{missing_book_id}"


def missing_book_id_from_tags(tags: Iterable[str]) -> int | None:
    """The missing book a torrent was grabbed for, from its `lp-missing-<id>` tag."""
    for tag in tags:
        tag = tag.strip()
        if tag.startswith(MISSING_TAG_PREFIX) and tag[len(MISSING_TAG_PREFIX) :].isdigit():
            return int(tag[len(MISSING_TAG_PREFIX) :])
    return None


def naming_from_torrent_name(name: str) -> BookNaming:
    """Best guess from a hand-added torrent's name: `Author - Title`, `Title by Author`."""
    text = _SEPARATORS.sub(" ", name).strip()
    text = _BRACKETED.sub(" ", text).strip()
    if " - " in text:
        author, title = text.split(" - ", 1)
        return BookNaming(title=title.strip(), authors=split_authors(author))
    match = _TITLE_BY_AUTHOR.match(text)
    if match:
        return BookNaming(title=match["title"], authors=split_authors(match["author"]))
    return BookNaming(title=text)


def best_title_author_match(
    guess: BookNaming, candidates: Iterable[tuple[K, str, Sequence[str]]]
) -> K | None:
    """The candidate (key, title, authors) sharing an author with `guess` whose title is the
    most similar, at least `MIN_TITLE_SIMILARITY`; None when none qualifies."""
    if not guess.title or not guess.authors:
        return None
    best: tuple[float, K] | None = None
    for key, title, authors in candidates:
        if not author_match(list(authors), list(guess.authors)):
            continue
        score = title_similarity(title, guess.title)
        if score >= MIN_TITLE_SIMILARITY and (best is None or score > best[0]):
            best = (score, key)
    return best[1] if best else None
