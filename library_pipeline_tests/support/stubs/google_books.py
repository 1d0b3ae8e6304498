"""A stub Google Books API v1 on 127.0.0.1 (`library_pipeline_tests/contracts/google_books/`).

    with GoogleBooksStub(api_key="k") as google:
        settings = Settings(google_books_url=google.base_url, google_books_api_key="k", ...)

Routes (under `/books/v1`, like the real base URL):
- `GET /volumes?q=...&maxResults=&startIndex=` — `isbn:X`, `intitle:"..."`, `inauthor:"..."`
  (Google's operators) over the recorded volumes and added books. A query containing a key of
  `answers` gets that recorded sample: "children of time" → `volumes_search.json` (the English
  book *and* its French edition, as Google really does); no hit → `volumes_search_empty.json`
  (no `items` key).
- `GET /volumes/{id}` — `volume_get.json`, `volume_with_series_info.json`, or an added book.
- With `api_key` set, a request whose `X-Goog-Api-Key` header differs gets the recorded
  `error_400_api_key_invalid.json`; `service_disabled=True` → `error_403_service_disabled.json`;
  `daily_quota_spent=True` → `error_429_quota_exceeded.json`.
Added books are rendered into the recorded search item (`volumes_search.json` items[0]).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from library_pipeline_tests.support.stub_server import StubRequest, StubResponse, load_contract
from library_pipeline_tests.support.stubs.metadata_base import MetadataStub, StubBook, norm

SAMPLES = "google_books"
PREFIX = "/books/v1"
RECORDED_QUERY = "children of time"


def sample(name: str) -> Any:
    return load_contract(SAMPLES, name)


class GoogleBooksStub(MetadataStub):
    PROVIDER = "google_books"

    def __init__(
        self,
        books: Any = (),
        *,
        api_key: str | None = None,
        recorded: bool = True,
    ) -> None:
        self.api_key = api_key
        self.service_disabled = False
        self.daily_quota_spent = False
        # A query containing the key answers the recorded sample (Google's search is fuzzy: a
        # query for one book also returns its translations and the author's other books).
        self.answers: dict[str, str] = {RECORDED_QUERY: "volumes_search.json"} if recorded else {}
        self._template = sample("volumes_search.json")["items"][0]
        self._volumes: dict[str, int] = {}  # volume id -> catalogue index
        self._raw: dict[int, Any] = {}
        super().__init__(books, recorded=recorded)
        if recorded:
            search = sample("volumes_search.json")
            for item in search["items"]:
                self._add_raw(item)
            for name in ("volume_get.json", "volume_with_series_info.json"):
                item = sample(name)
                if item["id"] not in self._volumes:
                    self._add_raw(item)

    @property
    def base_url(self) -> str:
        return self.url + PREFIX

    def _add_raw(self, item: dict[str, Any]) -> None:
        info = item["volumeInfo"]
        ids = {i["type"]: i["identifier"] for i in info.get("industryIdentifiers", [])}
        book = StubBook(
            title=info["title"],
            subtitle=info.get("subtitle"),
            authors=info.get("authors", []),
            language=info.get("language", "en"),
            isbn13=ids.get("ISBN_13"),
            isbn10=ids.get("ISBN_10"),
            provider_id=item["id"],
        )
        index = self.catalogue.add(book)
        self._raw[index] = item
        self._volumes[item["id"]] = index

    def add_book(self, book: StubBook) -> StubBook:
        index = self.catalogue.add(book)
        book.provider_id = book.provider_id or f"gb{index:06d}"
        self._volumes[book.provider_id] = index
        return book

    def render(self, book: StubBook) -> Any:
        index = self._volumes[book.provider_id or ""]
        if index in self._raw:
            return self._raw[index]
        item = copy.deepcopy(self._template)
        item["id"] = book.provider_id
        item["selfLink"] = f"https://www.googleapis.com/books/v1/volumes/{book.provider_id}"
        info = item["volumeInfo"]
        info["title"] = book.title
        if book.subtitle:
            info["subtitle"] = book.subtitle
        info["authors"] = book.authors
        info["publisher"] = book.publisher or "Orbit"
        info["publishedDate"] = book.published_date or "2018-12-11"
        info["description"] = book.description or f"The story of {book.title}."
        info["industryIdentifiers"] = [
            {"type": kind, "identifier": value}
            for kind, value in (("ISBN_10", book.isbn10), ("ISBN_13", book.isbn13))
            if value
        ]
        info["categories"] = book.genres or ["Fiction"]
        info["language"] = book.language
        for key in info["imageLinks"]:
            info["imageLinks"][key] = info["imageLinks"][key].replace(
                "49T5twEACAAJ", book.provider_id or ""
            )
        return item

    # --- routes ------------------------------------------------------------------------------

    def setup_routes(self) -> None:
        self.route("GET", rf"{PREFIX}/volumes", self._search)
        self.route("GET", rf"{PREFIX}/volumes/([^/]+)", self._volume)

    def _refused(self, request: StubRequest) -> StubResponse | None:
        if self.api_key is not None and request.headers.get("x-goog-api-key") != self.api_key:
            return StubResponse(400, sample("error_400_api_key_invalid.json"))
        if self.service_disabled:
            return StubResponse(403, sample("error_403_service_disabled.json"))
        if self.daily_quota_spent:
            return StubResponse(429, sample("error_429_quota_exceeded.json"))
        return None

    def _search(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        if refused := self._refused(request):
            return refused
        query = request.arg("q") or ""
        start = int(request.arg("startIndex") or 0)
        size = int(request.arg("maxResults") or 10)
        for key, name in self.answers.items():
            if key in norm(query) and "isbn:" not in query:
                return StubResponse(200, sample(name))
        hits = self._matches(query)
        page = hits[start : start + size]
        if not page:
            return StubResponse(200, sample("volumes_search_empty.json"))
        body = (
            b'{"kind": "books#volumes", "totalItems": %d, "items": ' % len(hits)
            + self.json_list(self.rendered(i) for i in page)
            + b"}"
        )
        return StubResponse(200, body)

    def _matches(self, query: str) -> list[int]:
        if isbn := re.search(r"isbn:(\S+)", query):
            return list(self.catalogue.by_isbn.get(isbn.group(1).replace("-", ""), []))
        title = re.search(r'intitle:(?:"([^"]*)"|(\S+))', query)
        author = re.search(r'inauthor:(?:"([^"]*)"|(\S+))', query)
        title_text = (title.group(1) or title.group(2)) if title else None
        author_text = (author.group(1) or author.group(2)) if author else None
        if not title_text and not author_text:
            return self.catalogue.search_text(query)
        return self.catalogue.find(title_text, author_text)

    def _volume(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        if refused := self._refused(request):
            return refused
        volume_id = match.group(1)
        if self.recorded and volume_id == "49T5twEACAAJ":
            return StubResponse(200, sample("volume_get.json"))
        index = self._volumes.get(volume_id)
        if index is None:
            error = {"error": {"code": 404, "message": "The volume ID could not be found."}}
            return StubResponse(404, error)
        return StubResponse(200, self.rendered(index))

    def rate_limit_body(self) -> Any:
        body = copy.deepcopy(sample("error_429_quota_exceeded.json"))
        # A per-minute limit (retryable), unlike the recorded per-day one.
        body["error"]["details"][0]["metadata"]["quota_limit"] = "defaultPerMinutePerProject"
        body["error"]["message"] = body["error"]["message"].replace("per day", "per minute")
        return body
