"""Which listings the user already owns, decided exactly as the gap finder decides it.

Used wherever "do I own this?" is asked outside gap finding: top-10 lists, the asset check that
no missing book is owned, release picking. One matching, so the answers never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

from library_pipeline.domain.gaps.models import CatalogueEntry, GapSettings, OwnedBook
from library_pipeline.domain.gaps.recognition import OwnedRecognition
from library_pipeline.domain.normalize import author_loose_keys, title_key


def missing_book_key(title: str, authors: Sequence[str], series: str | None = None) -> str:
    """`missing_books.match_key`: first author's loose key + title key.

    Every source (series gaps, author gaps, top-10) keys a wanted book this way, so one book
    found by two of them is one row.
    """
    keys = sorted(author_loose_keys(authors))
    return f"{keys[0] if keys else ''}|{title_key(title, series)}"


def owned_listing_ids(
    owned: Sequence[OwnedBook],
    listings: Sequence[CatalogueEntry],
    context: Sequence[CatalogueEntry] = (),
) -> set[str]:
    """Ids of the `listings` that are books the user owns (ASIN/ISBN, author + title keys, weak
    and near-identical titles, then series positions), whatever their language.

    `context` (the stored catalogue) takes part in matching but is never returned: with it, an
    owned book whose title is in the catalogue claims its own book, and its series position
    (perhaps from another numbering scheme) cannot claim a listing that is a different book.
    """
    if not owned or not listings:
        return set()
    wanted = {e.id for e in listings}
    listings = [*listings, *(e for e in context if e.id not in wanted)]
    # Matching only: no language, date or novella rule may hide an owned listing.
    neutral = [
        CatalogueEntry(
            id=e.id,
            title=e.title,
            authors=e.authors,
            subtitle=e.subtitle,
            language=None,
            published_year=None,
            series=e.series,
            series_position=e.series_position,
            asin=e.asin,
            isbn=e.isbn,
        )
        for e in listings
    ]
    finder = OwnedRecognition(owned, neutral, GapSettings())
    matched = finder.recognise()
    roots = set().union(*matched.values()) if matched else set()
    found = {
        neutral[finder.feats.entry_index[i]].id
        for i, root in enumerate(finder.groups.root_of)
        if root in roots
    }
    return found & wanted
