"""A stub Audnexus on 127.0.0.1 (`library_pipeline_tests/contracts/audnexus/`).

Routes (`region` is accepted and ignored):
- `GET /books/{asin}` — the recorded books (`book_with_series_primary.json`,
  `book_standalone.json`, `book_with_primary_and_secondary_series.json`) and added books; an
  unknown ASIN → 404 `error_404_not_found.json` (its ASIN put in), a malformed one → 400
  `error_400_bad_asin.json`, an ASIN in `region_unavailable` → `error_404_region_unavailable.json`.
- `GET /books/search?q=` — an array of at most 10 Books (`books_search.json` shape) with every
  word of `q` in their title, people or series: Audnexus passes `q` to Audible's catalogue as
  `keywords` with `num_results=10`, so "title author" finds a book and an author's name finds
  (up to ten of) that author's books.
- `GET /authors?name=` — `author_search.json` entries whose name matches; `GET /authors/{asin}`
  — `author.json`.
`title_search=False` plays an older deployment without `/books/search` (404, as the README says).
`legacy_errors=True` answers errors in Fastify's older `{"statusCode", "error", "message"}`
shape instead. Added books are rendered into the recorded `book_with_series_primary.json`.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from library_pipeline_tests.support.stub_server import StubRequest, StubResponse, load_contract
from library_pipeline_tests.support.stubs.metadata_base import (
    MetadataStub,
    StubBook,
    norm,
    stable_number,
)

SAMPLES = "audnexus"
SEARCH_RESULTS = 10  # Audnexus asks Audible for num_results=10 (BookSearchApiHelper)
LANGUAGE_NAMES = {"en": "english", "fr": "french", "de": "german", "es": "spanish"}
RECORDED_BOOKS = (
    "book_with_series_primary.json",
    "book_standalone.json",
    "book_with_primary_and_secondary_series.json",
)
_ASIN = re.compile(r"^[A-Z0-9]{10}$")


def sample(name: str) -> Any:
    return load_contract(SAMPLES, name)


class AudnexusStub(MetadataStub):
    PROVIDER = "audnexus"

    def __init__(
        self,
        books: Any = (),
        *,
        recorded: bool = True,
        legacy_errors: bool = False,
        title_search: bool = True,
    ):
        self.legacy_errors = legacy_errors
        self.title_search = title_search
        self.region_unavailable: set[str] = set()
        self._raw: dict[int, Any] = {}
        self._template = sample("book_with_series_primary.json")
        super().__init__(books, recorded=recorded)
        if recorded:
            for name in RECORDED_BOOKS:
                self._add_raw(sample(name))

    def _add_raw(self, book_json: dict[str, Any]) -> None:
        book = StubBook(
            title=book_json["title"],
            authors=[a["name"] for a in book_json["authors"]],
            asin=book_json["asin"],
            isbn13=book_json.get("isbn"),
        )
        self._raw[self.catalogue.add(book)] = book_json

    def render(self, book: StubBook) -> Any:
        index = self.catalogue.by_asin[book.asin or ""]
        if index in self._raw:
            return self._raw[index]
        out = copy.deepcopy(self._template)
        out["asin"] = book.asin
        out["title"] = book.title
        if book.subtitle:
            out["subtitle"] = book.subtitle
        out["authors"] = [
            {"asin": f"B0AUTH{stable_number(a, 4):04d}", "name": a} for a in book.authors
        ]
        out["narrators"] = [{"name": n} for n in book.narrators]
        description = book.description or f"The story of {book.title}."
        out["description"] = description[:200]
        out["summary"] = f"<p>{description}</p>"
        out["isbn"] = book.isbn13
        if not book.isbn13:
            out.pop("isbn")
        out["language"] = LANGUAGE_NAMES.get(book.language, book.language)
        out["publisherName"] = book.publisher or "Podium Audio"
        out["releaseDate"] = f"{book.published_date or '2018-02-20'}T00:00:00.000Z"[:24]
        out["runtimeLengthMin"] = book.runtime_minutes or 600
        out["image"] = f"https://m.media-amazon.com/images/I/{book.asin}.jpg"
        if book.series:
            out["seriesPrimary"] = {
                "asin": f"B0SER{stable_number(book.series, 5):05d}",
                "name": book.series,
                "position": book.series_position,
            }
        else:
            out.pop("seriesPrimary")
        if book.genres:
            out["genres"] = [
                {"asin": str(18580606011 + i), "name": g, "type": "genre" if i == 0 else "tag"}
                for i, g in enumerate(book.genres)
            ]
        return out

    # --- routes ------------------------------------------------------------------------------

    def setup_routes(self) -> None:
        self.route("GET", r"/books/search", self._search)
        self.route("GET", r"/books/([^/]+)", self._book)
        self.route("GET", r"/authors", self._author_search)
        self.route("GET", r"/authors/([^/]+)", self._author)

    def error(self, status: int, name: str, asin: str | None = None) -> StubResponse:
        body = sample(name)
        if self.legacy_errors:
            labels = {400: "Bad Request", 404: "Not Found", 429: "Too Many Requests"}
            message = body["error"]["message"]
            return StubResponse(
                status, {"statusCode": status, "error": labels[status], "message": message}
            )
        if asin:
            body = copy.deepcopy(body)
            body["error"]["message"] = body["error"]["message"].replace("B12345", asin)
            body["error"]["details"]["asin"] = asin
        return StubResponse(status, body)

    def _book(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        asin = match.group(1)
        if not _ASIN.match(asin):
            return self.error(400, "error_400_bad_asin.json")
        if asin in self.region_unavailable:
            return self.error(404, "error_404_region_unavailable.json", asin)
        index = self.catalogue.by_asin.get(asin)
        if index is None:
            return self.error(404, "error_404_not_found.json", asin)
        return StubResponse(200, self.rendered(index))

    def _search(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        if not self.title_search:  # an older deployment: Fastify's answer for an unknown route
            message = f"Route GET:{request.path} not found"
            return StubResponse(404, {"message": message, "error": "Not Found", "statusCode": 404})
        hits = self.catalogue.search_keywords(request.arg("q") or "")
        hits = [i for i in hits if self.catalogue.books[i].asin]
        return StubResponse(200, self.json_list(self.rendered(i) for i in hits[:SEARCH_RESULTS]))

    def _author_search(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        wanted = norm(request.arg("name"))
        found = [a for a in sample("author_search.json") if wanted and wanted in norm(a["name"])]
        return StubResponse(200, found)

    def _author(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        author = sample("author.json")
        if match.group(1) != author["asin"]:
            return self.error(404, "error_404_not_found.json", match.group(1))
        return StubResponse(200, author)

    def rate_limit_body(self) -> Any:
        return sample("error_429_rate_limit.json")
