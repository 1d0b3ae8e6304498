"""Google Books API v1 client (`library_pipeline_tests/contracts/google_books/`).

- `GET /volumes?q=...` → `{"kind", "totalItems", "items"?}`: **`items` is omitted** when there
  are no hits. Search items carry a plain-text `description`; `GET /volumes/{id}` an HTML one.
- `publishedDate` is "2018", "2018-12", "2018-12-11" or a timestamp with offset.
- The API key goes in the `X-Goog-Api-Key` header (Google's documented alternative to
  `?key=`), so it is never part of a URL: not in logs, not in the cache key.
- Errors are `{"error": {"code", "message", "errors": [{"reason"}], "status", "details"}}`:
  400 `API_KEY_INVALID` and 403 `accessNotConfigured`/`SERVICE_DISABLED` mean the key cannot
  work (the circuit opens, the run falls back to other providers); 403 `rateLimitExceeded` /
  `userRateLimitExceeded` are rate limits; a 429 or 403 on a per-day quota is spent until
  tomorrow (circuit opens); other 429s are retried honouring `Retry-After`.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field

from library_pipeline.clients.http import (
    HttpClient,
    InvalidCredentials,
    ProviderError,
    QuotaExhausted,
    RateLimited,
    ServiceClient,
    parse_retry_after,
)
from library_pipeline.clients.records import BookRecord, CatalogueRecord, Listing
from library_pipeline.domain.languages import language_code
from library_pipeline.domain.work_matching import preferred_isbn

PROVIDER = "google_books"
PAGE_SIZE = 40  # the API's maximum maxResults


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class IndustryIdentifier(_Model):
    type: str
    identifier: str


class ImageLinks(_Model):
    small_thumbnail: str | None = Field(default=None, alias="smallThumbnail")
    thumbnail: str | None = None
    small: str | None = None
    medium: str | None = None
    large: str | None = None


class VolumeSeries(_Model):
    series_id: str | None = Field(default=None, alias="seriesId")
    order_number: int | None = Field(default=None, alias="orderNumber")


class SeriesInfo(_Model):
    book_display_number: str | None = Field(default=None, alias="bookDisplayNumber")
    volume_series: list[VolumeSeries] = Field(default_factory=list, alias="volumeSeries")


class VolumeInfo(_Model):
    title: str
    subtitle: str | None = None
    authors: list[str] = Field(default_factory=list)
    publisher: str | None = None
    published_date: str | None = Field(default=None, alias="publishedDate")
    description: str | None = None
    industry_identifiers: list[IndustryIdentifier] = Field(
        default_factory=list, alias="industryIdentifiers"
    )
    categories: list[str] = Field(default_factory=list)
    image_links: ImageLinks | None = Field(default=None, alias="imageLinks")
    language: str | None = None
    series_info: SeriesInfo | None = Field(default=None, alias="seriesInfo")


class Volume(_Model):
    id: str
    volume_info: VolumeInfo = Field(alias="volumeInfo")


class Volumes(_Model):
    kind: str
    total_items: int = Field(alias="totalItems")
    items: list[Volume] = Field(default_factory=list)  # absent when there are no hits


def _genres(categories: list[str]) -> list[str]:
    """ "Fiction / Science Fiction / Space Opera" → its parts, each once."""
    out: list[str] = []
    for category in categories:
        for part in category.split("/"):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


def _cover(links: ImageLinks | None) -> str | None:
    if links is None:
        return None
    url = links.large or links.medium or links.small or links.thumbnail or links.small_thumbnail
    return url.replace("&edge=curl", "") if url else None


def to_record(volume: Volume) -> BookRecord:
    info = volume.volume_info
    isbns = [i.identifier for i in info.industry_identifiers if i.type.startswith("ISBN")]
    position = info.series_info.book_display_number if info.series_info else None
    return BookRecord(
        provider=PROVIDER,
        provider_id=volume.id,
        title=info.title,
        subtitle=info.subtitle,
        authors=info.authors,
        # Google names no series (only an id): the position alone is kept for matching.
        series_position=position,
        language=language_code(info.language),
        publisher=info.publisher,
        published_date=info.published_date,
        description=info.description,
        isbn=preferred_isbn(isbns),
        isbns=isbns,
        genres=_genres(info.categories),
        cover=_cover(info.image_links),
    )


def _error_reasons(body: Any) -> tuple[set[str], str]:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return set(), ""
    reasons = {str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict)}
    reasons |= {str(d.get("reason")) for d in error.get("details") or [] if isinstance(d, dict)}
    for detail in error.get("details") or []:
        metadata = detail.get("metadata") if isinstance(detail, dict) else None
        if isinstance(metadata, dict) and "PerDay" in str(metadata.get("quota_limit", "")):
            reasons.add("perDay")
    return reasons, str(error.get("message") or "")


def classify(response: httpx.Response) -> ProviderError | None:
    """Google's error bodies → the right error (see the module doc); None = default handling."""
    status = response.status_code
    if status < 400:
        return None
    try:
        reasons, message = _error_reasons(response.json())
    except ValueError:
        return None
    where = response.request.url.path
    if "API_KEY_INVALID" in reasons or (status == 400 and "API key not valid" in message):
        return InvalidCredentials(PROVIDER, f"API key not valid ({status}) on {where}", status)
    if reasons & {"accessNotConfigured", "SERVICE_DISABLED", "keyInvalid"}:
        return InvalidCredentials(
            PROVIDER, f"the key's project cannot use the Books API ({status}) on {where}", status
        )
    if "perDay" in reasons or "dailyLimitExceeded" in reasons or "per day" in message.lower():
        return QuotaExhausted(PROVIDER, f"daily quota spent ({status}) on {where}", status)
    if status == 403 and reasons & {"rateLimitExceeded", "userRateLimitExceeded"}:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return RateLimited(PROVIDER, f"rate limited (403) on {where}", retry_after)
    return None


class GoogleBooksClient(ServiceClient):
    """Search and fetch volumes; author bibliographies through `inauthor:` searches."""

    provider = PROVIDER

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    async def search(
        self,
        query: str,
        *,
        max_results: int = 10,
        start_index: int = 0,
        language: str | None = None,
    ) -> list[BookRecord]:
        """Volumes matching a Google query (`intitle:`, `inauthor:`, `isbn:` operators)."""
        params: dict[str, Any] = {
            "q": query,
            "maxResults": min(max_results, PAGE_SIZE),
            "printType": "books",
        }
        if start_index:
            params["startIndex"] = start_index
        if language:
            params["langRestrict"] = language
        volumes = await self.http.get_model("/volumes", Volumes, params)
        return [to_record(v) for v in volumes.items]

    async def find_by_isbn(self, isbn: str) -> list[BookRecord]:
        return await self.search(f"isbn:{isbn}", max_results=5)

    async def search_title_author(
        self, title: str, authors: list[str] | tuple[str, ...] = (), *, max_results: int = 10
    ) -> list[BookRecord]:
        query = f'intitle:"{_quote(title)}"'
        if authors:
            query += f' inauthor:"{_quote(authors[0])}"'
        return await self.search(query, max_results=max_results)

    async def get_volume(self, volume_id: str) -> BookRecord:
        """One volume (its description is HTML; `BookRecord` keeps it as given)."""
        return to_record(await self.http.get_model(f"/volumes/{volume_id}", Volume))

    async def author_listing(
        self, author: str, *, max_pages: int = 3, language: str | None = None
    ) -> Listing:
        """An author's volumes: `inauthor:"name"`, up to `max_pages` pages of 40 (complete when
        the last page was not full). The gap catalogue's `author_books` asks the same requests,
        so one cached answer serves both."""
        out: dict[str, BookRecord] = {}
        complete = False
        for page in range(max_pages):
            records = await self.search(
                f'inauthor:"{_quote(author)}"',
                max_results=PAGE_SIZE,
                start_index=page * PAGE_SIZE,
                language=language,
            )
            for record in records:
                out.setdefault(record.provider_id, record)
            if len(records) < PAGE_SIZE:
                complete = True
                break
        return Listing(
            records=list(out.values()), complete=complete, request=f"author listing '{author}'"
        )

    async def author_books(
        self, author: str, *, max_pages: int = 3, language: str | None = None
    ) -> list[CatalogueRecord]:
        """An author's bibliography (`author_listing`) as catalogue records."""
        listing = await self.author_listing(author, max_pages=max_pages, language=language)
        return [record.to_catalogue() for record in listing.records]


def _quote(text: str) -> str:
    return " ".join(text.replace('"', " ").split())
