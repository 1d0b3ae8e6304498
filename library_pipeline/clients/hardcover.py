"""Hardcover GraphQL client (`library_pipeline_tests/contracts/hardcover/`).

`POST /v1/graphql` with `authorization: Bearer <token>`, 60 requests/min per token.

Quirks the client handles:
- **Errors come with HTTP 200** as `{"errors": [{"message", "extensions": {"code"}}]}` (a bad
  query, "Malformed Authorization header"); `classify` turns them into errors, and they are
  never cached. 401 `{"error": "invalid_token"}` and 403 `insufficient_scope` mean the token
  cannot work: the circuit opens and the run falls back to other providers.
- 429 `{"error": "Too Many Requests", "message": "... in 6 seconds."}`: `Retry-After` is
  honoured, or the seconds in the message when the header is missing.
- `search { results }` is a JSON scalar (a Typesense response): `document.id` is a *string*,
  `featured_series` is `{}` when absent, `book_series.position` is a float (1, 1.5) and
  `details` its text ("1-3" for an omnibus).
- A token pasted as "Bearer abc" or with a trailing newline is cleaned, not sent doubled.

Every answered POST is cached on disk (keyed by query + variables), so a re-run asks nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from library_pipeline.clients.hardcover_models import (
    AuthorBookSeries,
    AuthorsResponse,
    BookDocument,
    BookSeriesEntry,
    BooksResponse,
    Edition,
    FullBook,
    FullBookSeries,
    SearchResponse,
    SeriesResponse,
)
from library_pipeline.clients.hardcover_queries import (
    AUTHOR_BOOKS,
    BOOKS_BY_TITLES,
    SEARCH_BOOKS,
    SERIES_BOOKS,
)
from library_pipeline.clients.http import (
    HttpClient,
    InvalidCredentials,
    MalformedResponse,
    ProviderError,
    RateLimited,
    ServiceClient,
    parse_model,
    parse_retry_after,
)
from library_pipeline.clients.records import BookRecord, CatalogueRecord
from library_pipeline.domain.languages import language_code
from library_pipeline.domain.normalize import format_position
from library_pipeline.domain.work_matching import preferred_isbn

T = TypeVar("T", bound=BaseModel)

PROVIDER = "hardcover"
AUTH_CODES = frozenset({"invalid-headers", "invalid-jwt", "access-denied", "invalid_token"})

MAX_TITLES_PER_QUERY = 50


# --- helpers ----------------------------------------------------------------------------------

AUDIO_READING_FORMAT = 2


def _position(position: float | None, details: str | None) -> str | None:
    return details.strip() if details and details.strip() else format_position(position)


def _is_author(contribution: str | None) -> bool:
    return contribution is None or contribution.strip().lower() == "author"


def _is_narrator(contribution: str | None) -> bool:
    return (contribution or "").strip().lower() == "narrator"


def whole_book(entry: AuthorBookSeries | FullBookSeries | BookSeriesEntry) -> bool:
    """Not a compilation ("1-3") nor a part of a book: Hardcover's guide leaves both out of a
    series (the query filters them; this also holds for an answer that did not)."""
    return not entry.compilation and not entry.is_partial_book


def genres_of(cached_tags: Any) -> list[str]:
    """The "Genre" tags of a book's `cached_tags`, most used first as Hardcover keeps them;
    anything not in that shape is left out."""
    if not isinstance(cached_tags, dict):
        return []
    tags = cached_tags.get("Genre")
    if not isinstance(tags, list):
        return []
    return [t["tag"] for t in tags if isinstance(t, dict) and isinstance(t.get("tag"), str)]


def _first_series(entries: list[FullBookSeries]) -> FullBookSeries | None:
    return next((e for e in entries if whole_book(e)), None)


def to_record(doc: BookDocument) -> BookRecord:
    authors = [c.author.name for c in doc.contributions if c.author and _is_author(c.contribution)]
    series = doc.featured_series
    date = doc.release_date or (str(doc.release_year) if doc.release_year else None)
    return BookRecord(
        provider=PROVIDER,
        provider_id=doc.id,
        title=doc.title,
        subtitle=doc.subtitle,
        authors=authors or doc.author_names,
        series=series.series.name if series and series.series else None,
        series_position=_position(series.position, series.details) if series else None,
        published_date=date,
        description=doc.description,
        isbns=doc.isbns,
        # A work's ISBNs span its editions: kept for identity matching, not stored.
        genres=doc.genres,
        cover=doc.image.url if doc.image else None,
        duration_seconds=float(doc.audio_seconds) if doc.audio_seconds else None,
    )


def _token(raw: str) -> str:
    """The bare token from what a user pasted ("Bearer abc\\n" → "abc")."""
    token = raw.strip()
    while token.lower().startswith("bearer "):
        token = token[len("bearer ") :].strip()
    return token


def has_errors(data: Any) -> bool:
    return not isinstance(data, dict) or "errors" in data or "data" not in data


def classify(response: httpx.Response) -> ProviderError | None:
    """HTTP-200 GraphQL errors and Hardcover's auth/rate errors → typed errors."""
    try:
        body = response.json()
    except ValueError:
        return None  # not JSON: the default handling (and decode_json) name it
    status = response.status_code
    where = response.request.url.path
    if isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"]:
        first = body["errors"][0] if isinstance(body["errors"][0], dict) else {}
        code = str((first.get("extensions") or {}).get("code") or "")
        message = str(first.get("message") or "")[:200]
        if code in AUTH_CODES or "authorization" in message.lower():
            return InvalidCredentials(PROVIDER, f"token refused ({code or status}) on {where}")
        return ProviderError(PROVIDER, f"query rejected ({code or status}): {message}", status)
    if status in (401, 403) and isinstance(body, dict) and body.get("error"):
        return InvalidCredentials(PROVIDER, f"token refused ({body['error']}) on {where}", status)
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if retry_after is None and isinstance(body, dict):
            match = re.search(r"in (\d+(?:\.\d+)?) seconds?", str(body.get("message") or ""))
            retry_after = float(match.group(1)) if match else None
        return RateLimited(PROVIDER, f"rate limited (429) on {where}", retry_after)
    return None


class HardcoverClient(ServiceClient):
    """Book search, series and author bibliographies. Without a token it asks nothing."""

    provider = PROVIDER

    def __init__(
        self, http: HttpClient, *, path: str = "/v1/graphql", enabled: bool = True
    ) -> None:
        self.http = http
        self.path = path
        self.enabled = enabled

    @staticmethod
    def auth_headers(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {_token(token)}"}

    @staticmethod
    def clean_token(token: str) -> str:
        return _token(token)

    def status(self) -> dict[str, Any]:
        status = self.http.status()
        if not self.enabled:
            status["disabled"] = "no token configured"
        return status

    async def query(self, query: str, variables: dict[str, Any], model: type[T]) -> T | None:
        """One GraphQL call validated into `model`; cached only when it is valid (an answer
        with `errors` or a malformed body is never stored). None when disabled."""
        if not self.enabled:
            return None
        parsed: dict[str, T] = {}

        def valid(data: Any) -> bool:
            if has_errors(data):
                return False
            try:
                parsed["model"] = parse_model(PROVIDER, model, data)
            except MalformedResponse:
                return False
            return True

        data = await self.http.post_json(
            self.path, {"query": query, "variables": variables}, cache=True, cache_if=valid
        )
        if "model" in parsed:
            return parsed["model"]
        try:
            if has_errors(data):  # a 200 without `errors` but also without `data`
                raise MalformedResponse(PROVIDER, "field data: missing from the GraphQL answer")
            return parse_model(PROVIDER, model, data)
        except MalformedResponse as error:
            self.http.note_failure(error)
            raise

    async def search_books(self, query: str, *, per_page: int = 5) -> list[BookRecord]:
        response = await self.query(
            SEARCH_BOOKS, {"query": query, "perPage": per_page}, SearchResponse
        )
        if response is None:
            return []
        return [to_record(hit.document) for hit in response.data.search.results.hits]

    async def find_by_isbn(self, isbn: str) -> list[BookRecord]:
        """Search by ISBN (the index searches `isbns` exactly); callers check the match."""
        return await self.search_books(isbn, per_page=5)

    async def search_title_author(
        self, title: str, authors: list[str] | tuple[str, ...] = (), *, per_page: int = 5
    ) -> list[BookRecord]:
        query = f"{title} {authors[0]}" if authors else title
        return await self.search_books(query, per_page=per_page)

    async def series_books(self, series_name: str) -> list[CatalogueRecord]:
        """Every book of a series by exact name, one per position (the documented query),
        without compilations and partial books (Hardcover's guide)."""
        response = await self.query(SERIES_BOOKS, {"name": series_name}, SeriesResponse)
        if response is None:
            return []
        out: list[CatalogueRecord] = []
        for series in response.data.series:
            authors = [series.author.name] if series.author else []
            for entry in series.book_series:
                if not whole_book(entry) or entry.book.compilation:
                    continue
                out.append(
                    CatalogueRecord(
                        provider=PROVIDER,
                        provider_id=str(entry.book.id),
                        title=entry.book.title,
                        authors=authors,
                        published_year=entry.book.release_year,
                        series=series.name,
                        series_position=_position(entry.position, entry.details),
                    )
                )
        return out

    async def author_books(self, author_name: str) -> list[CatalogueRecord]:
        """An author's books (as author, not editor or translator), with their series; a
        compilation has no place in a series."""
        response = await self.query(AUTHOR_BOOKS, {"name": author_name}, AuthorsResponse)
        if response is None:
            return []
        out: dict[str, CatalogueRecord] = {}
        for author in response.data.authors:
            for contribution in author.contributions:
                if not _is_author(contribution.contribution):
                    continue
                book = contribution.book
                first = next((e for e in book.book_series if whole_book(e)), None)
                if book.compilation:
                    first = None
                out.setdefault(
                    str(book.id),
                    CatalogueRecord(
                        provider=PROVIDER,
                        provider_id=str(book.id),
                        title=book.title,
                        authors=[author.name],
                        published_year=book.release_year,
                        series=first.series.name if first and first.series else None,
                        series_position=_position(first.position, first.details) if first else None,
                    ),
                )
        return list(out.values())

    async def books_by_titles(self, titles: list[str]) -> list[BookRecord]:
        """Every book whose title is one of `titles` (at most `MAX_TITLES_PER_QUERY`), in one
        query: for matching many owned books at once. Each record carries the audio edition's
        ASIN, runtime and narrators; publisher and ISBN of one edition (`full_record`)."""
        if len(titles) > MAX_TITLES_PER_QUERY:
            raise ValueError(f"at most {MAX_TITLES_PER_QUERY} titles per query")
        response = await self.query(BOOKS_BY_TITLES, {"titles": sorted(set(titles))}, BooksResponse)
        if response is None:
            return []
        return [full_record(book) for book in response.data.books]


def edition_value(
    audio: Edition | None,
    editions: list[Edition],
    one_language: bool,
    value: Callable[[Edition], str | None],
) -> str | None:
    """A value of the audio edition; else, when every edition is in one language (so none is a
    translation's), of the first edition that has one — a print edition's, as Google Books'
    volumes are. Never a value gathered over a work's editions in several languages."""
    if audio is not None and (found := value(audio)):
        return found
    if not one_language:
        return None
    return next((found for e in editions if (found := value(e))), None)


def _publisher(edition: Edition) -> str | None:
    return edition.publisher.name if edition.publisher else None


def _isbn(edition: Edition) -> str | None:
    return preferred_isbn((edition.isbn_13, edition.isbn_10))


def full_record(book: FullBook) -> BookRecord:
    """A book with its editions as a record: the audio edition (reading format 2) gives the
    ASIN, runtime, narrators and publisher; publisher and ISBN come from one edition
    (`edition_value`), never from the work's editions at large."""
    audio = [e for e in book.editions if e.reading_format_id == AUDIO_READING_FORMAT]
    isbns = [i for e in book.editions for i in (e.isbn_13, e.isbn_10) if i]
    first = _first_series(book.book_series)
    languages = {
        code for e in book.editions if e.language and (code := language_code(e.language.language))
    }
    edition = audio[0] if audio else None
    one_language = len(languages) == 1
    return BookRecord(
        provider=PROVIDER,
        provider_id=str(book.id),
        title=book.title,
        subtitle=book.subtitle,
        authors=[c.author.name for c in book.contributions if _is_author(c.contribution)],
        narrators=[
            c.author.name
            for c in (edition.contributions if edition else [])
            if _is_narrator(c.contribution)
        ],
        series=first.series.name if first and first.series else None,
        series_position=_position(first.position, first.details) if first else None,
        language=next(iter(languages)) if len(languages) == 1 else None,
        languages=sorted(languages),
        publisher=edition_value(edition, book.editions, one_language, _publisher),
        published_date=book.release_date,
        description=book.description,
        genres=genres_of(book.cached_tags),
        cover=book.image.url if book.image else None,
        isbn=edition_value(edition, book.editions, one_language, _isbn),
        isbns=isbns,
        asin=next((e.asin for e in audio if e.asin), None),
        duration_seconds=next((float(e.audio_seconds) for e in audio if e.audio_seconds), None),
    )
