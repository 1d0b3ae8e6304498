"""Audnexus client: Audible's audiobook data by ASIN (`library_pipeline_tests/contracts/audnexus/`).

- `GET /books/{asin}?region=us` → a Book: narrators, `seriesPrimary`/`seriesSecondary` (absent,
  not null, when the book is in none; `position` is a string such as "1-2"), `runtimeLengthMin`,
  `summary` (HTML) and `description` (plain, truncated), `language` as an English name.
- `GET /books/search?q=...&region=us` → an array of Books. Recent (July 2026): an older
  deployment answers 404 (or 400 "Bad ASIN", reading "search" as an ASIN). The client then
  notes once that title search is not supported and asks only by ASIN from then on.
  Audnexus passes `q` to Audible's catalogue search as `keywords` with `num_results=10`, so an
  author's name finds up to ten of the author's books (`author_listing`).
- `GET /authors?name=...&region=us` → `[{asin, name}]`; `GET /authors/{asin}` → an author.
- Errors: `{"error": {"code", "message", "details"}}` (current) or Fastify's
  `{"statusCode", "error", "message"}` (older deployments) — both are read. 404 `NOT_FOUND` and
  `REGION_UNAVAILABLE` mean "no such book here"; 400 a bad ASIN; 429 over 100 requests/min/IP.
No authentication.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, RootModel

from library_pipeline.clients.http import HttpClient, NotFound, ProviderError, ServiceClient
from library_pipeline.clients.records import BookRecord, Listing
from library_pipeline.domain.languages import language_code
from library_pipeline.domain.metadata_merge import html_to_text
from library_pipeline.domain.work_matching import preferred_isbn

PROVIDER = "audnexus"
SEARCH_RESULTS = 10  # what /books/search answers at most (Audible's num_results, not pageable)
NO_TITLE_SEARCH = (
    "title search not supported by this server (/books/search unknown): "
    "books are looked up by ASIN only"
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Person(_Model):
    asin: str | None = None
    name: str


class Genre(_Model):
    asin: str | None = None
    name: str
    type: str | None = None


class SeriesRef(_Model):
    asin: str | None = None
    name: str
    position: str | None = None


class AudnexusBook(_Model):
    asin: str
    title: str
    subtitle: str | None = None
    authors: list[Person] = Field(default_factory=list)
    narrators: list[Person] = Field(default_factory=list)
    series_primary: SeriesRef | None = Field(default=None, alias="seriesPrimary")
    series_secondary: SeriesRef | None = Field(default=None, alias="seriesSecondary")
    description: str | None = None
    summary: str | None = None
    publisher_name: str | None = Field(default=None, alias="publisherName")
    release_date: str | None = Field(default=None, alias="releaseDate")
    language: str | None = None
    genres: list[Genre] = Field(default_factory=list)
    image: str | None = None
    isbn: str | None = None
    runtime_length_min: int | None = Field(default=None, alias="runtimeLengthMin")
    format_type: str | None = Field(default=None, alias="formatType")


class BookList(RootModel[list[AudnexusBook]]):
    pass


class AuthorRef(_Model):
    asin: str
    name: str


class AuthorList(RootModel[list[AuthorRef]]):
    pass


class AudnexusAuthor(_Model):
    asin: str
    name: str
    description: str | None = None
    image: str | None = None
    genres: list[Genre] = Field(default_factory=list)


def to_record(book: AudnexusBook) -> BookRecord:
    series = book.series_primary
    description = html_to_text(book.summary) if book.summary else book.description
    return BookRecord(
        provider=PROVIDER,
        provider_id=book.asin,
        title=book.title,
        subtitle=book.subtitle,
        authors=[a.name for a in book.authors],
        narrators=[n.name for n in book.narrators],
        series=series.name if series else None,
        series_position=series.position if series else None,
        language=language_code(book.language),
        publisher=book.publisher_name,
        published_date=book.release_date,
        description=description,
        isbn=preferred_isbn([book.isbn]),
        isbns=[book.isbn] if book.isbn else [],
        asin=book.asin,
        genres=[g.name for g in book.genres],
        cover=book.image,
        duration_seconds=book.runtime_length_min * 60.0 if book.runtime_length_min else None,
    )


def classify(response: httpx.Response) -> ProviderError | None:
    """Both error shapes → NotFound (no such book / not in this region) or a clear error."""
    status = response.status_code
    if status not in (400, 404):
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):  # current shape
        code, message = str(error.get("code") or ""), str(error.get("message") or "")
    else:  # Fastify's default shape
        code = str(error or "")
        message = str(body.get("message") or "") if isinstance(body, dict) else ""
    where = response.request.url.path
    if status == 404:
        reason = "not available in this region" if code == "REGION_UNAVAILABLE" else "not found"
        return NotFound(PROVIDER, f"{reason} (404) on {where}", status)
    return ProviderError(PROVIDER, f"bad request (400: {message or code}) on {where}", status)


class AudnexusClient(ServiceClient):
    """Books by ASIN, book and author search."""

    provider = PROVIDER

    def __init__(self, http: HttpClient, *, region: str = "us") -> None:
        self.http = http
        self.region = region
        self.title_search_supported = True  # until the server says it has no /books/search

    def status(self) -> dict[str, Any]:
        status = self.http.status()
        if not self.title_search_supported:
            status["note"] = NO_TITLE_SEARCH
        return status

    async def book(self, asin: str) -> BookRecord | None:
        """The book with this ASIN; None when Audnexus does not know it (404)."""
        try:
            book = await self.http.get_model(
                f"/books/{asin}", AudnexusBook, {"region": self.region}
            )
        except NotFound:
            return None
        return to_record(book)

    async def search_books(self, query: str) -> list[BookRecord]:
        """Books matching a title/author query (the route answers an array); nothing when the
        server has no title search (see the module doc)."""
        if not self.title_search_supported:
            return []
        try:
            books = await self.http.get_model(
                "/books/search", BookList, {"q": query, "region": self.region}
            )
        except ProviderError as error:
            if error.status not in (400, 404):
                raise
            self.title_search_supported = False
            return []
        return [to_record(b) for b in books.root]

    async def search_title_author(
        self, title: str, authors: list[str] | tuple[str, ...] = ()
    ) -> list[BookRecord]:
        return await self.search_books(f"{title} {authors[0]}" if authors else title)

    async def author_listing(self, author: str) -> Listing | None:
        """The author's books as the keyword search finds them by the author's name: complete
        when the answer is shorter than a full page (every book matching the name is in it).
        None when the server has no title search."""
        records = await self.search_books(author)
        if not self.title_search_supported:
            return None
        return Listing(
            records=records,
            complete=len(records) < SEARCH_RESULTS,
            request=f"book search '{author}'",
        )

    async def search_authors(self, name: str) -> list[AuthorRef]:
        authors = await self.http.get_model(
            "/authors", AuthorList, {"name": name, "region": self.region}
        )
        return authors.root

    async def author(self, asin: str) -> AudnexusAuthor | None:
        try:
            return await self.http.get_model(
                f"/authors/{asin}", AudnexusAuthor, {"region": self.region}
            )
        except NotFound:
            return None
