"""The shapes of Hardcover's GraphQL answers, as `clients/hardcover.py` reads them (the
samples in `library_pipeline_tests/contracts/hardcover/`); anything else in an answer is
ignored."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


# --- search (Typesense documents) -------------------------------------------------------------


class Image(_Model):
    url: str | None = None


class SeriesRef(_Model):
    id: int | None = None
    name: str | None = None


class FeaturedSeries(_Model):
    """`{}` when the book is in no series: every field optional."""

    position: float | None = None
    details: str | None = None
    series: SeriesRef | None = None


class DocAuthor(_Model):
    name: str


class DocContribution(_Model):
    author: DocAuthor | None = None
    contribution: str | None = None


class BookDocument(_Model):
    id: str  # a string in the search index (GraphQL's books.id is an Int)
    title: str
    subtitle: str | None = None
    author_names: list[str] = Field(default_factory=list)
    contributions: list[DocContribution] = Field(default_factory=list)
    description: str | None = None
    featured_series: FeaturedSeries | None = None
    genres: list[str] = Field(default_factory=list)
    isbns: list[str] = Field(default_factory=list)
    release_year: int | None = None
    release_date: str | None = None
    image: Image | None = None
    audio_seconds: int | None = None
    compilation: bool = False


class Hit(_Model):
    document: BookDocument


class SearchResults(_Model):
    found: int
    hits: list[Hit] = Field(default_factory=list)


class _Search(_Model):
    results: SearchResults


class _SearchData(_Model):
    search: _Search


class SearchResponse(_Model):
    data: _SearchData


# --- series and authors (GraphQL types) -------------------------------------------------------


class BookRef(_Model):
    id: int
    title: str
    slug: str | None = None
    release_year: int | None = None
    compilation: bool = False


class BookSeriesEntry(_Model):
    position: float | None = None
    details: str | None = None
    compilation: bool = False
    is_partial_book: bool = False
    book: BookRef


class SeriesAuthor(_Model):
    name: str


class Series(_Model):
    id: int
    name: str
    author: SeriesAuthor | None = None
    book_series: list[BookSeriesEntry] = Field(default_factory=list)


class _SeriesData(_Model):
    series: list[Series]


class SeriesResponse(_Model):
    data: _SeriesData


class AuthorBookSeries(_Model):
    position: float | None = None
    details: str | None = None
    compilation: bool = False
    is_partial_book: bool = False
    series: SeriesRef | None = None


class AuthorBook(BookRef):
    book_series: list[AuthorBookSeries] = Field(default_factory=list)


class Contribution(_Model):
    contribution: str | None = None
    book: AuthorBook


class Author(_Model):
    id: int
    name: str
    contributions: list[Contribution] = Field(default_factory=list)


class _AuthorsData(_Model):
    authors: list[Author]


class AuthorsResponse(_Model):
    data: _AuthorsData


# --- books with editions ----------------------------------------------------------------------


class EditionLanguage(_Model):
    language: str | None = None


class Publisher(_Model):
    name: str | None = None


class ContributionAuthor(_Model):
    contribution: str | None = None
    author: DocAuthor


class Edition(_Model):
    id: int
    isbn_10: str | None = None
    isbn_13: str | None = None
    asin: str | None = None
    edition_format: str | None = None
    reading_format_id: int | None = None
    audio_seconds: int | None = None
    language: EditionLanguage | None = None
    publisher: Publisher | None = None
    contributions: list[ContributionAuthor] = Field(default_factory=list)


class FullBookSeries(_Model):
    position: float | None = None
    details: str | None = None
    compilation: bool = False
    is_partial_book: bool = False
    series: SeriesRef | None = None


class FullBook(_Model):
    id: int
    title: str
    subtitle: str | None = None
    image: Image | None = None
    release_date: str | None = None
    release_year: int | None = None
    description: str | None = None
    contributions: list[ContributionAuthor] = Field(default_factory=list)
    book_series: list[FullBookSeries] = Field(default_factory=list)
    editions: list[Edition] = Field(default_factory=list)
    # `{"Genre": [{"tag": "Fantasy", "tagSlug": …, "category": "Genre", …}], "Mood": […], …}`
    # (jsonb, so read leniently: `genres_of`).
    cached_tags: Any = None


class _BooksData(_Model):
    books: list[FullBook]


class BooksResponse(_Model):
    data: _BooksData
