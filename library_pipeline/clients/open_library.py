"""Open Library client (`library_pipeline_tests/contracts/open_library/`).

- `GET /search.json?q=|title=&author=&fields=...&limit=` → `{"numFound", "docs": [...]}`; a doc
  is a *work*: `language` lists every language it has editions in (MARC codes), `isbn` every
  edition's ISBN, `series_name`/`series_position` are lists.
- `GET /works/{id}.json`: `description` is **a string or `{"type": "/type/text", "value"}`**;
  `subjects` may carry prefixed entries ("series:The Wheel of Time").
- `GET /authors/{id}/works.json?limit=&offset=` → `{"links": {"next"?}, "size", "entries"}`.
- Errors: 404 `{"error": "notfound"}`; 429 from nginx as JSON. No authentication; identified
  apps (a contact in the User-Agent) may make 3 requests/s instead of 1.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from library_pipeline.clients.http import HttpClient, ServiceClient
from library_pipeline.clients.records import BookRecord, CatalogueRecord, Listing
from library_pipeline.domain.languages import language_code
from library_pipeline.domain.normalize import normalize_author
from library_pipeline.domain.work_matching import preferred_isbn

PROVIDER = "open_library"
SEARCH_FIELDS = (
    "key,title,subtitle,author_name,author_key,first_publish_year,language,isbn,"
    "series_name,series_position,cover_i,edition_count"
)
COVER_URL = "https://covers.openlibrary.org/b/id/{}-L.jpg"


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class SearchDoc(_Model):
    key: str
    title: str
    subtitle: str | None = None
    author_name: list[str] = Field(default_factory=list)
    author_key: list[str] = Field(default_factory=list)
    first_publish_year: int | None = None
    language: list[str] = Field(default_factory=list)
    isbn: list[str] = Field(default_factory=list)
    series_name: list[str] = Field(default_factory=list)
    series_position: list[str] = Field(default_factory=list)
    cover_i: int | None = None


class SearchResponse(_Model):
    num_found: int = Field(alias="numFound")
    docs: list[SearchDoc] = Field(default_factory=list)


class TextValue(_Model):
    type: str | None = None
    value: str


class Work(_Model):
    key: str
    title: str
    description: str | TextValue | None = None
    subjects: list[str] = Field(default_factory=list)
    covers: list[int] = Field(default_factory=list)
    first_publish_date: str | None = None

    @property
    def description_text(self) -> str | None:
        if isinstance(self.description, TextValue):
            return self.description.value
        return self.description


class WorksLinks(_Model):
    next: str | None = None


class AuthorWorks(_Model):
    links: WorksLinks = Field(default_factory=WorksLinks)
    size: int
    entries: list[Work] = Field(default_factory=list)


def _cover(cover_id: int | None) -> str | None:
    return COVER_URL.format(cover_id) if cover_id and cover_id > 0 else None


def _genres(subjects: list[str]) -> list[str]:
    """Subjects that read as genres: no "series:"/"place:" prefixes, no "(Fictitious character)"."""
    return [s for s in subjects if ":" not in s and "(" not in s][:10]


def to_record(doc: SearchDoc, *, with_isbn: bool = False) -> BookRecord:
    """A work as a record. A work's ISBNs belong to all its editions, so `isbn` is only set
    when the search was by the book's own ISBN (`with_isbn`)."""
    languages = [c for c in (language_code(v) for v in doc.language) if c]
    return BookRecord(
        provider=PROVIDER,
        provider_id=doc.key.rsplit("/", 1)[-1],
        title=doc.title,
        subtitle=doc.subtitle,
        authors=doc.author_name,
        series=doc.series_name[0] if doc.series_name else None,
        # The index writes "" for a series link without a position: unknown, not a position.
        series_position=(doc.series_position[0].strip() or None) if doc.series_position else None,
        language=languages[0] if len(set(languages)) == 1 else None,
        languages=languages,
        published_date=str(doc.first_publish_year) if doc.first_publish_year else None,
        isbn=preferred_isbn(doc.isbn) if with_isbn else None,
        isbns=doc.isbn,
        cover=_cover(doc.cover_i),
        detail_key=doc.key,
    )


class OpenLibraryClient(ServiceClient):
    """Work search, work details (description), author bibliographies."""

    provider = PROVIDER

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    async def _search(self, params: dict[str, Any]) -> list[SearchDoc]:
        response = await self.http.get_model(
            "/search.json", SearchResponse, {**params, "fields": SEARCH_FIELDS}
        )
        return response.docs

    async def search(
        self, title: str, authors: list[str] | tuple[str, ...] = (), *, limit: int = 10
    ) -> list[BookRecord]:
        params: dict[str, Any] = {"title": title, "limit": limit}
        if authors:
            params["author"] = authors[0]
        return [to_record(d) for d in await self._search(params)]

    async def find_by_isbn(self, isbn: str) -> list[BookRecord]:
        docs = await self._search({"q": f"isbn:{isbn}", "limit": 5})
        return [to_record(d, with_isbn=True) for d in docs]

    async def work(self, key: str) -> Work:
        """`key` is "/works/OL…W" or "OL…W"."""
        work_id = key.rsplit("/", 1)[-1]
        return await self.http.get_model(f"/works/{work_id}.json", Work)

    async def with_details(self, record: BookRecord) -> BookRecord:
        """`record` completed from its work: description and subjects as genres."""
        work = await self.work(record.detail_key or record.provider_id)
        update: dict[str, Any] = {"description": work.description_text}
        if work.subjects:
            update["genres"] = _genres(work.subjects)
        if record.cover is None and work.covers:
            update["cover"] = _cover(work.covers[0])
        return record.model_copy(update=update)

    async def author_listing(self, author: str, *, limit: int = 100) -> Listing:
        """An author's works from the search index (with series, languages and ISBNs), complete
        when the index found no more than `limit`. The gap catalogue's `author_books` asks the
        same request, so one cached answer serves both."""
        response = await self.http.get_model(
            "/search.json",
            SearchResponse,
            {"author": author, "limit": limit, "fields": SEARCH_FIELDS},
        )
        return Listing(
            records=[to_record(d) for d in response.docs],
            complete=response.num_found <= len(response.docs),
            request=f"author listing '{author}'",
        )

    async def author_books(self, author: str, *, limit: int = 100) -> list[CatalogueRecord]:
        """An author's works (`author_listing`) as catalogue records."""
        listing = await self.author_listing(author, limit=limit)
        return [record.to_catalogue() for record in listing.records]

    async def find_author_key(self, author: str) -> str | None:
        """The Open Library key ("OL…A") of the author named `author`, if a search shows it."""
        wanted = normalize_author(author)
        for doc in await self._search({"author": author, "limit": 10}):
            for name, key in zip(doc.author_name, doc.author_key, strict=False):
                if normalize_author(name) == wanted:
                    return key
        return None

    async def author_works(
        self,
        author_key: str,
        author_name: str | None = None,
        *,
        limit: int = 50,
        max_pages: int = 4,
    ) -> list[CatalogueRecord]:
        """Every work of an author (`/authors/{key}/works.json`, following `links.next`)."""
        out: dict[str, CatalogueRecord] = {}
        key = author_key.rsplit("/", 1)[-1]
        for page in range(max_pages):
            params = {"limit": limit, "offset": page * limit} if page else {"limit": limit}
            works = await self.http.get_model(f"/authors/{key}/works.json", AuthorWorks, params)
            for work in works.entries:
                year = (work.first_publish_date or "")[-4:]
                out.setdefault(
                    work.key,
                    CatalogueRecord(
                        provider=PROVIDER,
                        provider_id=work.key.rsplit("/", 1)[-1],
                        title=work.title,
                        authors=[author_name] if author_name else [],
                        published_year=int(year) if year.isdigit() else None,
                    ),
                )
            if not works.links.next or not works.entries:
                break
        return list(out.values())
