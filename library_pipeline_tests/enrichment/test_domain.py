"""Matching, merging and completeness: the pure rules, on records built from the samples."""

from __future__ import annotations

from library_pipeline.clients import audnexus, google_books, open_library
from library_pipeline.clients.records import BookRecord
from library_pipeline.domain.completeness import completeness_percent, missing_fields
from library_pipeline.domain.languages import language_code
from library_pipeline.domain.metadata_merge import (
    clean_value,
    field_precedence,
    html_to_text,
    merge_records,
)
from library_pipeline.domain.work_matching import (
    BookQuery,
    best_match,
    isbn13,
    score_candidate,
)
from library_pipeline_tests.support.stub_server import load_contract


def google_records(name: str = "volumes_search.json") -> list[BookRecord]:
    volumes = google_books.Volumes.model_validate(load_contract("google_books", name))
    return [google_books.to_record(v) for v in volumes.items]


def audnexus_record(name: str) -> BookRecord:
    book = audnexus.AudnexusBook.model_validate(load_contract("audnexus", name))
    return audnexus.to_record(book)


def test_identifiers_and_languages() -> None:
    assert isbn13("0-316-45250-5") == "9780316452502"
    assert isbn13("9780316452502") == "9780316452502"
    assert isbn13("not an isbn") is None
    assert [language_code(v) for v in ("eng", "English", "en-US", "fre", "und", None)] == [
        "en",
        "en",
        "en",
        "fr",
        None,
        None,
    ]


def test_foreign_edition_rejected_and_english_chosen() -> None:
    english, french = google_records()
    query = BookQuery(title="Children of Time", authors=("Tchaikovsky, Adrian",))
    match = best_match(query, [french, english], default_language="en")
    assert match.record is english
    assert match.confidence == 1.0
    french_only = best_match(query, [french], default_language="en")
    assert french_only.record is None
    assert "foreign edition (fr, want en)" in french_only.reason
    # A French book in the library matches the French record by its ISBN.
    own = BookQuery(title="Dans la toile du temps", isbn="2072853311", language="fr")
    assert best_match(own, [english, french]).record is french


def test_isbn_identity_beats_a_sloppy_title() -> None:
    english, _ = google_records()
    score = score_candidate(
        BookQuery(title="Children of Time (Unabridged)", isbn="0316452505"), english
    )
    assert (score.confidence, score.method) == (1.0, "isbn")


def test_below_threshold_takes_nothing_and_says_why() -> None:
    english, _ = google_records()
    query = BookQuery(title="Children of Ruin", authors=("Adrian Tchaikovsky",))
    match = best_match(query, [english], threshold=0.85)
    assert match.record is None  # same author, similar words: another book
    assert match.reason == "rejected: title differs (0.80)"
    typo = BookQuery(title="Children of Time", authors=("Adrian Tchaikovksy",))
    assert best_match(typo, [english]).record is english  # a misspelt author still matches
    other = best_match(BookQuery(title="Children of Time", authors=("Adrian Smith",)), [english])
    assert other.record is None
    assert other.reason == (
        "no confident match: best 'Children of Time' by Adrian Tchaikovsky scored 0.84 < 0.85 "
        "(title 1.00, author 0.60)"
    )
    # A bare title never passes the default threshold.
    bare = best_match(BookQuery(title="Children of Time"), [english])
    assert bare.record is None
    assert bare.confidence == 0.8


def test_author_forms_lastname_first_and_initials() -> None:
    record = BookRecord(
        provider="x", provider_id="1", title="The Hobbit", authors=["J.R.R. Tolkien"]
    )
    for author in ("Tolkien, J. R. R.", "J. R. R. Tolkien", "JRR Tolkien"):
        score = score_candidate(BookQuery(title="The Hobbit", authors=(author,)), record)
        assert score.confidence == 1.0, author
    other = score_candidate(BookQuery(title="The Hobbit", authors=("Jane Chance",)), record)
    assert other.rejected
    assert "different author" in other.reason


def test_wrong_volume_and_omnibus_rejected() -> None:
    galaxy = audnexus_record("book_with_series_primary.json")  # "Galaxy's Edge", #1-2 omnibus
    query = BookQuery(
        title="Galaxy's Edge",
        authors=("Jason Anspach",),
        series="Galaxy's Edge",
        series_position="1",
    )
    score = score_candidate(query, galaxy)
    assert score.rejected
    assert "omnibus (#1-2)" in score.reason
    kings = audnexus_record("book_with_primary_and_secondary_series.json")
    second = BookQuery(
        title="The Way of Kings",
        authors=("Brandon Sanderson",),
        series="The Stormlight Archive",
        series_position="2",
    )
    assert "wrong volume (#1, want #2)" in score_candidate(second, kings).reason
    # The other series the book is in (Cosmere #10) is not compared with Stormlight #1.
    cosmere = BookQuery(
        title="The Way of Kings",
        authors=("Brandon Sanderson",),
        series="Cosmere",
        series_position="10",
    )
    assert score_candidate(cosmere, kings).confidence == 1.0


def test_runtime_of_another_edition_rejected() -> None:
    hail_mary = audnexus_record("book_standalone.json")  # 970 min
    query = BookQuery(title="Project Hail Mary", authors=("Andy Weir",), duration_seconds=300 * 60)
    assert "runtime differs" in score_candidate(query, hail_mary).reason


def test_merge_precedence_locks_and_confidence() -> None:
    english, _ = google_records()
    kings = audnexus_record("book_with_primary_and_secondary_series.json")
    library = open_library.to_record(
        open_library.SearchDoc.model_validate(
            load_contract("open_library", "search_title_author_fields.json")["docs"][0]
        )
    )
    current = {
        "title": "The Way of Kings",
        "authors": ["Brandon Sanderson"],
        "publisher": "My Publisher",  # from the tags: kept
        "description": "A guess from the folder",  # guessed: replaced
        "published_date": "2006",  # from Open Library: upgraded by a higher provider
        "genres": [],
        "language": None,
    }
    sources = {"publisher": "tags", "description": "folder", "published_date": "open_library"}
    precedence = field_precedence()
    records = {"google_books": english, "open_library": library, "audnexus": kings}
    changes = {
        c.field: c for c in merge_records(current, sources, ["language"], records, precedence)
    }
    assert "publisher" not in changes
    assert "language" not in changes
    assert changes["description"].source == "google_books"
    assert changes["description"].old_source == "folder"
    assert changes["published_date"].new == "2018-12-11"  # google_books beats open_library
    # Audiobook fields come from Audnexus first; series and position together.
    assert (changes["narrators"].new, changes["narrators"].source) == (
        ["Michael Kramer", "Kate Reading"],
        "audnexus",
    )
    assert (changes["series"].new, changes["series_position"].new) == (
        "The Stormlight Archive",
        "1",
    )
    assert changes["asin"].new == "B003ZWFO7E"
    # Settings can reorder a field: Audnexus's description first.
    reordered = field_precedence(overrides={"description": ["audnexus", "google_books"]})
    again = {c.field: c for c in merge_records(current, sources, [], records, reordered)}
    assert again["description"].source == "audnexus"


def test_merge_never_replaces_with_empty_or_lower_and_is_idempotent() -> None:
    english, _ = google_records()
    current = {"description": "Kept", "genres": ["Sci-Fi"], "cover": None}
    sources = {"description": "google_books", "genres": "google_books"}
    lower = english.model_copy(update={"description": "Other", "genres": ["Other"]})
    changes = merge_records(current, sources, [], {"open_library": lower}, field_precedence())
    fields = {c.field for c in changes}
    assert "description" not in fields
    assert "genres" not in fields
    assert "cover" in fields  # an empty field is filled by anyone
    empty = english.model_copy(update={"description": None, "genres": []})
    changes = merge_records(current, sources, [], {"google_books": empty}, field_precedence())
    assert not {"description", "genres"} & {c.field for c in changes}  # never emptied
    once = merge_records({}, {}, [], {"google_books": english}, field_precedence())
    values = {c.field: c.new for c in once}
    again = merge_records(
        values,
        {f: "google_books" for f in values},
        [],
        {"google_books": english},
        field_precedence(),
    )
    assert again == []


def test_values_are_cleaned() -> None:
    assert (
        html_to_text("<p><b>Winner</b></p> <p>Ryland &amp; Earth</p>") == "Winner\nRyland & Earth"
    )
    assert clean_value("published_date", "2019-10-03T00:00:00+02:00") == "2019-10-03"
    assert clean_value("language", "english") == "en"
    assert clean_value("cover", "http://books.google.com/x") == "https://books.google.com/x"
    assert clean_value("series_position", "x" * 40) is None  # wider than the column
    assert clean_value("genres", ["Fiction", "fiction", ""]) == ["Fiction"]


def test_completeness_over_documented_fields() -> None:
    book = {"title": "T", "authors": ["A"], "asin": "B000000001", "genres": ["x"]}
    assert completeness_percent(book) == 40.0
    assert missing_fields(book) == [
        "narrators",
        "description",
        "publisher",
        "published_date",
        "language",
        "cover",
    ]
    assert completeness_percent({}) == 0.0
