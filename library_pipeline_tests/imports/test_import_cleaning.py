"""Imported books are named with the same cleaning as scanned ones (issue 17)."""

from __future__ import annotations

from library_pipeline.services.imports.records import naming_for
from library_pipeline.storage.models import Download, MissingBookRow


def test_an_imported_book_is_named_with_cleaned_fields() -> None:
    missing = MissingBookRow(
        title="Storm Front: The Dresden Files, Book 1 (Unabridged)",
        authors=["Jim Butcher"], series=None, series_position=None,
    )  # fmt: skip
    naming = naming_for(Download(release_title="Jim Butcher - Storm Front"), missing)
    assert (naming.title, naming.series, naming.series_position) == (
        "Storm Front", "The Dresden Files", "1"
    )  # fmt: skip
    by_hand = naming_for(Download(release_title="Terry Pratchett - Hogfather, Disc 1"), None)
    assert (by_hand.title, list(by_hand.authors)) == ("Hogfather", ["Terry Pratchett"])
